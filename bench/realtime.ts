/**
 * Realtime benchmark (issue 5, "Speed"): headless Chromium with a fake camera streaming the
 * pan clip (640×480 @ 30 fps, made by ffmpeg from a real group photo), MoveNet Lightning
 * (`pipeline('pose-estimation')`, 192×192 int32) on tfjs wasm, under the `latest` policy —
 * in the page's main thread vs in a worker (`createWorkerPipeline`). Rounds alternate
 * main/worker so that machine drift hits both alike. Per mode: processed fps, capture→result
 * latency p50/p95, per-stage times (the pipeline's own preprocess / inference / postprocess,
 * and the loop's run and queue times) and main-thread long tasks (PerformanceObserver).
 *
 * Run: `esbuild bench/realtime.ts --bundle --platform=node --format=esm --packages=external
 * --outfile=.cache/bench/realtime.mjs && node .cache/bench/realtime.mjs [--quick] [--seconds=8]`.
 * Results: printed, and saved to `.cache/bench/realtime.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { launchChromium } from '../test/browser/chromium';
import { startServer } from '../test/browser/server';
import { PAN_CLIP, panClip } from '../test/helpers/clips';
import { ensureBrowserBundles } from '../test/realtime/build';
import { fakeCameraArgs, openHarness } from '../test/realtime/page';

const TARGETS = { fps: 28, captureToResultMs: 50, longTaskMs: 50, preprocessMs: 3 } as const;

interface Row {
  mode: 'main' | 'worker';
  fps: number;
  inputFps: number;
  dropped: number;
  p50: number;
  p95: number;
  queueP50: number;
  runP50: number;
  preprocessP50: number;
  inferenceP50: number;
  postprocessP50: number;
  longTasks: number;
  longestTask: number;
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.slice(10) ?? (quick ? 3 : 8));
  const rounds = quick ? 1 : 3;
  const clip = panClip();
  await ensureBrowserBundles();
  const server = await startServer();
  const browser = await launchChromium(fakeCameraArgs(clip));
  const rows: Row[] = [];
  try {
    const rt = await openHarness(browser, server);
    const cam = await rt.call('open', { width: PAN_CLIP.width, height: PAN_CLIP.height, frameRate: PAN_CLIP.fps });
    console.log(`visionpipe realtime bench — ${cpus().length} × ${cpus()[0]?.model ?? '?'}, camera ${cam.width}×${cam.height}@${cam.frameRate}, MoveNet Lightning on wasm, ${rounds} round(s) × ${seconds} s per mode`);
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 ? (['worker', 'main'] as const) : (['main', 'worker'] as const)) {
        const { stats, longTasks, longestTask, backend } = await rt.call('bench', 'pose-estimation', mode, seconds * 1000);
        if (backend !== 'wasm') throw new Error(`expected wasm, got ${backend}`);
        const l = stats.latency;
        const row: Row = {
          mode,
          fps: stats.processedFps,
          inputFps: stats.inputFps,
          dropped: stats.dropped,
          p50: l.captureToResult.p50,
          p95: l.captureToResult.p95,
          queueP50: l.queue.p50,
          runP50: l.run.p50,
          preprocessP50: l.preprocess.p50,
          inferenceP50: l.inference.p50,
          postprocessP50: l.postprocess.p50,
          longTasks,
          longestTask,
        };
        rows.push(row);
        console.log(`  round ${round + 1} ${mode.padEnd(6)} ${row.fps.toFixed(1)} fps (camera ${row.inputFps.toFixed(1)}), capture→result p50 ${row.p50.toFixed(1)} / p95 ${row.p95.toFixed(1)} ms, long tasks ${longTasks} (max ${longestTask.toFixed(0)} ms)`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const summary = (['main', 'worker'] as const).map((mode) => {
    const mine = rows.filter((r) => r.mode === mode);
    const m = (k: keyof Omit<Row, 'mode'>) => median(mine.map((r) => r[k]));
    return {
      mode,
      fps: m('fps'),
      captureToResultP50: m('p50'),
      captureToResultP95: m('p95'),
      queueP50: m('queueP50'),
      runP50: m('runP50'),
      preprocessP50: m('preprocessP50'),
      inferenceP50: m('inferenceP50'),
      postprocessP50: m('postprocessP50'),
      longTasks: m('longTasks'),
      longestTask: Math.max(...mine.map((r) => r.longestTask)),
    };
  });
  console.log('\nmedians over rounds (ms unless noted):');
  console.table(summary.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(1)) : v]))));
  const worker = summary.find((s) => s.mode === 'worker')!;
  const checks = {
    [`worker fps ≥ ${TARGETS.fps}`]: worker.fps >= TARGETS.fps,
    [`worker capture→result p50 ≤ ${TARGETS.captureToResultMs} ms`]: worker.captureToResultP50 <= TARGETS.captureToResultMs,
    [`worker: no main-thread task ≥ ${TARGETS.longTaskMs} ms`]: worker.longestTask < TARGETS.longTaskMs,
    [`preprocess ≤ ${TARGETS.preprocessMs} ms`]: worker.preprocessP50 <= TARGETS.preprocessMs,
  };
  for (const [what, ok] of Object.entries(checks)) console.log(`  ${ok ? 'meets' : 'MISSES'} target: ${what}`);
  mkdirSync('.cache/bench', { recursive: true });
  writeFileSync('.cache/bench/realtime.json', JSON.stringify({ date: new Date().toISOString(), seconds, rounds, rows, summary, checks }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
