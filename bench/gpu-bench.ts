/**
 * GPU bench (issue 16): detection (CenterNet, 512²) and pose (MoveNet Lightning, 192² int32) on
 * tfjs-webgpu in headless Chromium, the GPU preprocessing path against the tensor path
 * (`gpuSampling: false`), for an ImageBitmap and a VideoFrame of a 1920×1280 photo. Per case:
 * frames per second, the pipeline's stage times (preprocess / inference / postprocess, medians)
 * and the bytes moved per frame between CPU and GPU (canvas readbacks, buffers mapped for
 * reading; buffer and texture writes).
 *
 * Here Chromium's WebGPU adapter is SwiftShader (the GPU emulated on the CPU): the timings say
 * nothing about a real GPU, the bytes moved do. On a machine with a GPU, run it with
 * `--gpu` to let Chromium use the hardware adapter (Vulkan).
 *
 * Then the `gpuCandidates` rows (bench/gpu-candidates-bench.ts): YOLOv5s's output read back whole
 * vs filtered on the GPU. `--only=candidates` runs just those.
 *
 * Then the `gpuMasks` rows (bench/gpu-masks-bench.ts): YOLO-seg masks assembled on the CPU from
 * prototypes read back vs on the GPU with only the packed masks read back. `--only=masks` runs
 * just those.
 *
 * Run: `npm run bench:gpu [-- --frames=3 --gpu --tasks=detection,pose --only=candidates|masks]`. Results: printed, and saved to
 * `.cache/bench/gpu.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/browser/chromium';
import { startServer } from '../test/browser/server';
import { ensureDistBuilt } from '../test/helpers/build-dist';
import { type CandidateRow, measureCandidateReadback } from './gpu-candidates-bench';
import { type MaskRow, measureMaskAssembly } from './gpu-masks-bench';

interface Run {
  ms: number;
  timing: { preprocess: number; inference: number; postprocess: number; total: number };
  moved: { toCpu: number; toGpu: number; readbacks: number };
}

interface Measured {
  frameBytes: number;
  width: number;
  height: number;
  runs: Run[];
}

const { values: args } = parseArgs({ options: { frames: { type: 'string', default: '3' }, gpu: { type: 'boolean', default: false }, only: { type: 'string' }, tasks: { type: 'string', default: 'detection,pose' } } });
const TASKS = args.tasks.split(',').filter((t): t is 'detection' | 'pose' => t === 'detection' || t === 'pose');
const FRAMES = Number(args.frames);
/** On a machine with a GPU: Chromium's hardware WebGPU through Vulkan. */
const HARDWARE_ARGS = args.gpu ? ['--enable-features=Vulkan', '--use-angle=vulkan', '--ignore-gpu-blocklist'] : [];

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(bytes < 1e5 ? 4 : 2);

async function main(): Promise<void> {
  ensureDistBuilt();
  const server = await startServer();
  const browser = await launchChromium(HARDWARE_ARGS);
  const rows: Record<string, unknown>[] = [];
  let candidates: { inferenceMs: number; rows: CandidateRow[] } | undefined;
  let masks: MaskRow[] | undefined;
  try {
    if (args.only === undefined) await measureSampling(browser, server, rows);
    if (args.only !== 'masks') candidates = await measureCandidateReadback(browser, server, Math.max(FRAMES, 5));
    if (args.only !== 'candidates') masks = await measureMaskAssembly(browser, server, Math.max(FRAMES, 5));
  } finally {
    await browser.close();
    await server.close();
  }
  mkdirSync('.cache/bench', { recursive: true });
  writeFileSync('.cache/bench/gpu.json', JSON.stringify({ frames: FRAMES, rows, candidates, masks }, null, 2));
  console.log('results in .cache/bench/gpu.json');
}

/** The preprocessing cases: detection and pose, ImageBitmap and VideoFrame, tensor vs GPU path. */
async function measureSampling(browser: Awaited<ReturnType<typeof launchChromium>>, server: Awaited<ReturnType<typeof startServer>>, rows: Record<string, unknown>[]): Promise<void> {
  const { page, log } = await browser.newPage();
  await page.goto(`${server.origin}/bench/pages/gpu-bench.html`);
  await page.waitForFunction(() => (window as unknown as { gpuBenchReady?: boolean; harnessError?: string }).gpuBenchReady === true || typeof (window as unknown as { harnessError?: string }).harnessError === 'string', null, { timeout: 120_000 });
  const failure = await page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError ?? null);
  if (failure) throw new Error(`bench page failed: ${failure}\n${log.join('\n')}`);
  const adapter = await page.evaluate(async () => {
    const a = await navigator.gpu.requestAdapter();
    const info = (a as unknown as { info?: { vendor?: string; architecture?: string; description?: string } } | null)?.info ?? {};
    return `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`.trim();
  });
  console.log(`visionpipe GPU bench — Chromium WebGPU adapter: ${adapter || 'unknown'}; ${FRAMES} frames per case after one warm-up`);
  console.log('task       input       path    fps    preprocess  inference  postprocess  to CPU MB/frame  to GPU MB/frame  canvas readbacks');
  for (const task of TASKS) {
    for (const kind of ['bitmap', 'videoframe'] as const) {
      for (const gpuSampling of [false, true]) {
        const m = (await page.evaluate(([t, k, g, n]) => (window as unknown as { gpuBench: { measure(...a: unknown[]): Promise<unknown> } }).gpuBench.measure(t, k, g, n), [task, kind, gpuSampling, FRAMES] as const)) as Measured;
        const row = {
          task,
          input: kind,
          path: gpuSampling ? 'gpu' : 'tensor',
          fps: 1000 / median(m.runs.map((r) => r.ms)),
          preprocessMs: median(m.runs.map((r) => r.timing.preprocess)),
          inferenceMs: median(m.runs.map((r) => r.timing.inference)),
          postprocessMs: median(m.runs.map((r) => r.timing.postprocess)),
          toCpuBytes: median(m.runs.map((r) => r.moved.toCpu)),
          toGpuBytes: median(m.runs.map((r) => r.moved.toGpu)),
          readbacks: median(m.runs.map((r) => r.moved.readbacks)),
          frame: `${m.width}×${m.height}`,
        };
        rows.push(row);
        console.log(
          [
            task.padEnd(10),
            kind.padEnd(11),
            row.path.padEnd(7),
            row.fps.toFixed(2).padStart(5),
            row.preprocessMs.toFixed(1).padStart(10),
            row.inferenceMs.toFixed(1).padStart(10),
            row.postprocessMs.toFixed(1).padStart(12),
            megabytes(row.toCpuBytes).padStart(16),
            megabytes(row.toGpuBytes).padStart(16),
            String(row.readbacks).padStart(17),
          ].join(' '),
        );
      }
    }
  }
  await page.close();
}

await main();
