/**
 * The `gpuMasks` rows of `npm run bench:gpu` (`--only=masks`): YOLO-seg instance segmentation
 * on tfjs-webgpu in headless Chromium, masks assembled on the CPU from prototypes read back
 * whole, or on the GPU (three compute passes) with only the packed masks read back. No YOLO-seg
 * weights install offline, so the model is the test's graph (test/gpu/gpu-candidates-graph.ts):
 * YOLOv5s's real output on sample1 as YOLO-seg detection rows, and 32 prototypes made from the
 * photo, returned from GPU kernels — the model's own time is nil, what differs is the readback
 * and the mask assembly. Per mode and path: bytes mapped back, mapAsync calls, medians of the
 * whole `run()` and of its stages. Uses the test page test/gpu/pages/gpu-candidates.*.
 */
import { nodePlatform, setPlatform } from '../src/node/index';
import type { TestBrowser } from '../test/browser/chromium';
import type { TestServer } from '../test/browser/server';
import { segSpec } from '../test/gpu/gpu-candidates-seg';
import { yoloOutputGraph } from '../test/gpu/gpu-candidates-graph';

interface SegRun {
  ms: number;
  timing: { preprocess: number; inference: number; postprocess: number; total: number };
  counts: { mapAsync: number; mappedBytes: number };
  labels: string[];
}

interface SegCompared {
  cpu: SegRun;
  gpu: SegRun;
  agreement: { area: number; differing: number; iou: number }[];
}

/** One row of the mask table. */
export interface MaskRow {
  mode: 'upsample' | 'native';
  path: 'CPU masks' | 'GPU masks';
  instances: number;
  bytesRead: number;
  mapAsyncCalls: number;
  runMs: number;
  inferenceMs: number;
  postprocessMs: number;
  minIou: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/**
 * Measures both mask paths for both assembly modes (see the file comment); prints the rows and
 * returns them.
 *
 * @example
 * ```ts
 * const rows = await measureMaskAssembly(browser, server, 5);
 * ```
 */
export async function measureMaskAssembly(browser: TestBrowser, server: TestServer, repeats: number): Promise<MaskRow[]> {
  setPlatform(nodePlatform); // the bundle drops the Node entry's side effects (file loading)
  const model = await yoloOutputGraph();
  const { page, log } = await browser.newPage();
  // a path of its own: the candidates section (same browser context) left the real YOLOv5s in the model cache under /yolov5s/
  await page.route('**/yolov5s-seg-outputs/model.json', (route) => route.fulfill({ body: model.json, contentType: 'application/json' }));
  await page.route('**/yolov5s-seg-outputs/group1-shard1of1.bin', (route) => route.fulfill({ body: model.weights }));
  await page.goto(`${server.origin}/test/gpu/pages/gpu-candidates.html`);
  await page.waitForFunction(() => (window as unknown as { gpuTestReady?: boolean; harnessError?: string }).gpuTestReady === true || typeof (window as unknown as { harnessError?: string }).harnessError === 'string', null, { timeout: 120_000 });
  const failure = await page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError ?? null);
  if (failure) throw new Error(`mask bench page failed: ${failure}\n${log.join('\n')}`);
  const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(([name, params]) => (window as unknown as { gpuTest: Record<string, (...a: unknown[]) => Promise<unknown>> }).gpuTest[name](...params), [method, args] as [string, unknown[]]) as Promise<T>;
  await call('load', `${server.origin}/yolov5s-seg-outputs/model.json`);
  await call('segLoad', segSpec(`${server.origin}/yolov5s-seg-outputs/model.json`));
  console.log(`\nYOLO-seg masks (sample1: YOLOv5s boxes as seg rows, photo-made prototypes [1,160,160,32]); medians of ${repeats} after a warm-up`);
  console.log('mode      path        instances  KB read  mapAsync  run ms  inference ms  postprocess ms  min IoU');
  const rows: MaskRow[] = [];
  for (const mode of ['upsample', 'native'] as const) {
    await call<SegCompared>('segCompare', mode);
    const runs: SegCompared[] = [];
    for (let i = 0; i < repeats; i++) runs.push(await call<SegCompared>('segCompare', mode));
    const last = runs[runs.length - 1];
    for (const [path, pick] of [['CPU masks', (r: SegCompared) => r.cpu], ['GPU masks', (r: SegCompared) => r.gpu]] as const) {
      const row: MaskRow = {
        mode,
        path,
        instances: pick(last).labels.length,
        bytesRead: pick(last).counts.mappedBytes,
        mapAsyncCalls: pick(last).counts.mapAsync,
        runMs: median(runs.map((r) => pick(r).ms)),
        inferenceMs: median(runs.map((r) => pick(r).timing.inference)),
        postprocessMs: median(runs.map((r) => pick(r).timing.postprocess)),
        minIou: Math.min(...last.agreement.map((a) => a.iou)),
      };
      rows.push(row);
      console.log(
        [
          mode.padEnd(9),
          path.padEnd(11),
          String(row.instances).padStart(10),
          (row.bytesRead / 1000).toFixed(1).padStart(8),
          String(row.mapAsyncCalls).padStart(9),
          row.runMs.toFixed(1).padStart(7),
          row.inferenceMs.toFixed(1).padStart(13),
          row.postprocessMs.toFixed(1).padStart(15),
          row.minIou.toFixed(4).padStart(8),
        ].join(' '),
      );
    }
  }
  await call('release');
  await page.close();
  return rows;
}
