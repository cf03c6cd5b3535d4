/**
 * WebGPU warm-up bench (issue 16): how long CenterNet's first tfjs-webgpu run takes in headless
 * Chromium, serially (tfjs's default: `createComputePipeline` per kernel as the graph runs) or
 * with tfjs-webgpu's parallel compilation (`WEBGPU_ENGINE_COMPILE_ONLY`: one pass that only
 * creates the pipelines with `createComputePipelineAsync`, then `checkCompileCompletionAsync()`,
 * then the real run). Per mode, in a fresh browser (no shader cache): the compile-only pass, the
 * first run and a second (warm) run on a 640×480 frame, and the load average.
 *
 * Run: `esbuild bench/webgpu-warmup.ts --bundle --platform=node --format=esm --packages=external
 * --outfile=.cache/bench/webgpu-warmup.mjs && node .cache/bench/webgpu-warmup.mjs [serial|parallel]`
 * (both when none is named).
 */
import { loadavg } from 'node:os';
import { launchChromium } from '../test/browser/chromium';
import { startServer } from '../test/browser/server';
import { ensureDistBuilt } from '../test/helpers/build-dist';

type Mode = 'serial' | 'parallel';

interface Warmup {
  compileOnlyMs: number;
  firstRunMs: number;
  secondRunMs: number;
}

/** Runs in the bench page (bench/pages/gpu-bench.html: tfjs-webgpu selected). */
async function measureInPage(mode: Mode): Promise<Warmup> {
  // (a Function body: esbuild would try to resolve a literal import() of a bare name)
  const load = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
  const vp = (await load('visionpipe')) as typeof import('../src/index');
  const tf = (await load('@tensorflow/tfjs')) as typeof import('@tensorflow/tfjs');
  const detector = await vp.pipeline('object-detection', { backend: 'webgpu', modelBaseUrl: '/node_modules/' });
  const runner = detector.runner as unknown as { tfModel: import('@tensorflow/tfjs').GraphModel; inputs: { name: string; shape: number[] }[] };
  let compileOnlyMs = 0;
  if (mode === 'parallel') {
    const began = performance.now();
    const input = runner.inputs[0];
    const zeros = tf.zeros(input.shape.map((d) => (d < 0 ? 512 : d)));
    tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', true);
    try {
      tf.dispose(runner.tfModel.execute({ [input.name]: zeros }));
      await (tf.backend() as unknown as { checkCompileCompletionAsync(): Promise<void> }).checkCompileCompletionAsync();
    } finally {
      tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', false);
      zeros.dispose();
    }
    compileOnlyMs = performance.now() - began;
  }
  const canvas = new OffscreenCanvas(640, 480);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, 640, 480);
  const timedRun = async (): Promise<number> => {
    const began = performance.now();
    await detector.run(await createImageBitmap(canvas));
    return performance.now() - began;
  };
  const firstRunMs = await timedRun();
  const secondRunMs = await timedRun();
  detector.dispose();
  return { compileOnlyMs, firstRunMs, secondRunMs };
}

async function measure(mode: Mode): Promise<void> {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const { page, log } = await browser.newPage();
    await page.goto(`${server.origin}/bench/pages/gpu-bench.html`);
    await page.waitForFunction(() => (window as unknown as { gpuBenchReady?: boolean }).gpuBenchReady === true, null, { timeout: 120_000 }).catch((error: unknown) => {
      throw new Error(`bench page failed: ${String(error)}\n${log.join('\n')}`);
    });
    const before = loadavg()[0];
    const w = await page.evaluate(measureInPage, mode);
    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    console.log(`${mode.padEnd(8)} compile-only pass ${s(w.compileOnlyMs)}, first run ${s(w.firstRunMs)} (warm-up total ${s(w.compileOnlyMs + w.firstRunMs)}), second run ${s(w.secondRunMs)}; load ${before.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

ensureDistBuilt();
const modes = (process.argv.slice(2).filter((m) => m === 'serial' || m === 'parallel') as Mode[]);
for (const mode of modes.length > 0 ? modes : (['serial', 'parallel'] as const)) await measure(mode);
