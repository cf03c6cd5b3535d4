// The GPU input path of onnxruntime-web in headless Chromium (WebGPU on SwiftShader: a CPU
// adapter — correctness and transfer counts only, never speed). An ONNX detector runs on the
// webgpu EP with its input made by the GPU sampler on onnxruntime's own GPUDevice and fed
// with Tensor.fromGpuBuffer, and through the CPU path (picture read back, sampled in memory,
// uploaded by onnxruntime). Model inputs must agree within 1 grey level (p99), detections
// within 1 px, and on the GPU path no pixel of the frame may come back and no input go up.
// The same holds in a worker (createWorkerPipeline, frames handed over and transferred): the
// counting worker script counts the worker's own readbacks and uploads; and for tfjs-webgpu in
// a worker (the soak's tiny cell detector, whose expected cells are known).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { join } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { build } from 'esbuild';
import { ensureDistBuilt, newestMtime } from '../helpers/build-dist';
import { REPO_ROOT } from '../browser/server';
import { CELL_GRID, type GreyCell, cellDetectorCard, cellDetectorFiles, expectedCells } from '../soak/cell-detector';
import type { counts } from './pages/transfer-counters.js';
import { tinyYoloOnnx } from './tiny-yolo-onnx';

/** The page's transfer counters (pages/transfer-counters.js). */
type Counts = typeof counts;

interface Detection {
  classId: number;
  score: number;
  box: { x1: number; y1: number; x2: number; y2: number };
}

interface Detected {
  gpu: Detection[];
  cpu: Detection[];
  gpuCounts: Counts;
  cpuCounts: Counts;
  buffers: { afterOne: number; afterMore: number };
  tensors: { afterOne: number; afterMore: number };
  frameBytes: number;
  inputBytes: number;
  outputBytes: number;
}

interface Inputs {
  dims: number[];
  cpuShape: number[];
  transform: Record<string, number>;
  cpuTransform: Record<string, number>;
  diff: { p99: number; max: number };
}

interface WorkerCounts extends Counts {
  buffers: number;
}

interface WorkerDetected {
  backend: string;
  runtime: string;
  gpu: Detection[];
  cpu: Detection[];
  counts: WorkerCounts;
  transferred: boolean;
  buffers: { warm: number; afterMore: number };
  frameBytes: number;
  inputBytes: number;
  outputBytes: number;
}

interface WorkerTfjsDetected {
  backend: string;
  tfjsBackend: string | null;
  detections: { label: string; score: number; box: number[] }[];
  counts: WorkerCounts;
  transferred: boolean;
  buffers: { warm: number; afterMore: number };
  frameBytes: number;
}

const MODEL_PATH = '/test/gpu/generated/tiny-yolo.onnx';
const CELL_MODEL = '/test/gpu/generated/cell-detector/model.json';
const WORKER_PATH = '/dist/gpu-test/counting-worker.js';
const NODE_STUB = join(REPO_ROOT, 'test/browser/pages/node-stub.js');

/**
 * dist/gpu-test/counting-worker.js: the worker script with transfer counters (tfjs bundled, as
 * an app's bundler would; module workers see no import map, so onnxruntime-web is imported
 * from its package URL, where it finds its own .wasm files).
 */
async function ensureCountingWorker(): Promise<void> {
  const out = join(REPO_ROOT, WORKER_PATH);
  const entry = join(REPO_ROOT, 'test/gpu/pages/counting-worker.ts');
  const inputs = Math.max(newestMtime(join(REPO_ROOT, 'src')), statSync(entry).mtimeMs, statSync(join(REPO_ROOT, 'test/gpu/pages/transfer-counters.js')).mtimeMs);
  if (existsSync(out) && statSync(out).mtimeMs >= inputs) return;
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
    alias: { fs: NODE_STUB, path: NODE_STUB, os: NODE_STUB, perf_hooks: NODE_STUB, worker_threads: NODE_STUB, crypto: NODE_STUB },
    external: ['node:*', 'onnxruntime-node', 'sharp'],
    plugins: [
      {
        name: 'onnxruntime-web-from-its-package-url',
        setup(b) {
          b.onResolve({ filter: /^onnxruntime-web$/ }, () => ({ path: '/node_modules/onnxruntime-web/dist/ort.bundle.min.mjs', external: true }));
        },
      },
    ],
  });
}
const measured: Record<string, unknown> = { inputP99: 0, inputMax: 0, boxPx: 0, score: 0, detections: 0 };

describe('onnxruntime-web webgpu EP fed from the GPU sampler (Tensor.fromGpuBuffer, SwiftShader)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let log: string[];

  beforeAll(async () => {
    ensureDistBuilt();
    await ensureCountingWorker();
    server = await startServer();
    browser = await launchChromium();
    ({ page, log } = await browser.newPage());
    const cells = cellDetectorFiles();
    const files = new Map<string, { body: Buffer; type: string }>([
      [MODEL_PATH, { body: Buffer.from(tinyYoloOnnx()), type: 'application/octet-stream' }],
      [CELL_MODEL, { body: Buffer.from(JSON.stringify(cells.json)), type: 'application/json' }],
      [CELL_MODEL.replace('model.json', 'group1-shard1of1.bin'), { body: Buffer.concat((cells.weights as Uint8Array[]).map((w) => Buffer.from(w))), type: 'application/octet-stream' }],
    ]);
    // on the context: the workers' requests are routed too
    await browser.context.route(`${server.origin}/test/gpu/generated/**`, (route) => {
      const file = files.get(new URL(route.request().url()).pathname);
      return file
        ? route.fulfill({ body: file.body, headers: { 'Content-Type': file.type, 'Cross-Origin-Resource-Policy': 'same-origin' } })
        : route.fulfill({ status: 404, body: 'not found' });
    });
    await page.goto(`${server.origin}/test/gpu/pages/onnx-gpu-input.html`);
    await page.waitForFunction(() => (window as unknown as { ortGpuTestReady?: boolean; harnessError?: string }).ortGpuTestReady === true || typeof (window as unknown as { harnessError?: string }).harnessError === 'string', null, { timeout: 60_000 });
    const failure = await page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError ?? null);
    if (failure) throw new Error(`the test page did not load: ${failure}\n${log.join('\n')}`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    console.log(`onnxruntime GPU input vs CPU input: ${JSON.stringify(measured)}`);
  });

  const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(([name, params]) => (window as unknown as { ortGpuTest: Record<string, (...a: unknown[]) => Promise<unknown>> }).ortGpuTest[name](...params), [method, args] as [string, unknown[]]) as Promise<T>;

  it('opens the model on the webgpu EP and reaches onnxruntime’s GPUDevice', async () => {
    expect(await call('setup', MODEL_PATH)).toEqual({ backend: 'webgpu', tfjsBackend: 'wasm', gpuDevice: true });
  });

  for (const kind of ['bitmap', 'videoframe'] as const) {
    it(`${kind}: the input made on onnxruntime’s device equals the CPU path’s within 1 grey level (p99)`, async () => {
      const r = await call<Inputs>('inputs', 1, kind);
      expect(r.dims).toEqual([1, 3, 128, 128]);
      expect(r.dims).toEqual(r.cpuShape);
      for (const key of Object.keys(r.cpuTransform)) expect(r.transform[key], key).toBeCloseTo(r.cpuTransform[key], 6);
      expect(r.diff.p99).toBeLessThanOrEqual(1);
      expect(r.diff.max).toBeLessThanOrEqual(1);
      measured.inputP99 = Math.max(measured.inputP99 as number, r.diff.p99);
      measured.inputMax = Math.max(measured.inputMax as number, r.diff.max);
    });
  }

  it('detects the same boxes (within 1 px) on both paths; the GPU path reads back only the outputs and uploads no input', async () => {
    const r = await call<Detected>('detect', 1, 'image', 2);
    expect(r.cpu.length).toBeGreaterThan(0);
    // same detections: each CPU-path box has a GPU-path box of its class within 1 px (matched, not
    // by rank: two near-equal scores may swap places)
    expect(r.gpu.length).toBe(r.cpu.length);
    const unmatched = [...r.gpu];
    for (const c of r.cpu) {
      const corners = (d: Detection): number => Math.max(...(['x1', 'y1', 'x2', 'y2'] as const).map((k) => Math.abs(d.box[k] - c.box[k])));
      const candidates = unmatched.filter((d) => d.classId === c.classId).sort((a, b) => corners(a) - corners(b));
      expect(candidates.length, `class ${c.classId}`).toBeGreaterThan(0);
      const d = candidates[0];
      unmatched.splice(unmatched.indexOf(d), 1);
      expect(corners(d)).toBeLessThanOrEqual(1);
      measured.boxPx = Math.max(measured.boxPx as number, corners(d));
      measured.score = Math.max(measured.score as number, Math.abs(d.score - c.score));
    }
    Object.assign(measured, { detections: r.cpu.length, gpuPath: r.gpuCounts, cpuPath: r.cpuCounts, frameBytes: r.frameBytes });
    // GPU path: no canvas/WebGL readback, only the output buffer mapped, nearly nothing uploaded (plan + uniforms)
    expect(r.gpuCounts).toMatchObject({ getImageData: 0, readPixels: 0 });
    expect(r.gpuCounts.mappedBytes).toBeLessThanOrEqual(r.outputBytes + 256);
    expect(r.gpuCounts.uploadedBytes).toBeLessThan(r.inputBytes / 10);
    // the counters see the CPU path's readback of the picture and onnxruntime's upload of the input
    expect(r.cpuCounts.getImageData).toBeGreaterThan(0);
    expect(r.cpuCounts.uploadedBytes).toBeGreaterThanOrEqual(r.inputBytes);
    // pooled: no GPU buffer and no tensor more after further frames
    expect(r.buffers.afterMore).toBe(r.buffers.afterOne);
    expect(r.tensors.afterMore).toBe(r.tensors.afterOne);
  });

  it('in a worker (VideoFrame handed over, transferred): the webgpu EP takes the GPU input; same boxes as the main thread’s CPU path; no frame readback', async () => {
    const r = await call<WorkerDetected>('workerDetect', MODEL_PATH, WORKER_PATH, 1, 'videoframe', 3);
    Object.assign(measured, { worker: r.counts });
    expect([r.runtime, r.backend]).toEqual(['onnxruntime', 'webgpu']);
    expect(r.transferred).toBe(true);
    expect(r.cpu.length).toBeGreaterThan(0);
    expect(r.gpu.length).toBe(r.cpu.length);
    const unmatched = [...r.gpu];
    for (const c of r.cpu) {
      const corners = (d: Detection): number => Math.max(...(['x1', 'y1', 'x2', 'y2'] as const).map((k) => Math.abs(d.box[k] - c.box[k])));
      const best = unmatched.filter((d) => d.classId === c.classId).sort((a, b) => corners(a) - corners(b))[0];
      expect(best, `class ${c.classId}`).toBeDefined();
      unmatched.splice(unmatched.indexOf(best), 1);
      expect(corners(best)).toBeLessThanOrEqual(1);
    }
    // the worker read back only the outputs, and uploaded neither the frame nor the input
    expect(r.counts).toMatchObject({ getImageData: 0, readPixels: 0 });
    expect(r.counts.mappedBytes).toBeLessThanOrEqual(r.outputBytes + 256);
    expect(r.counts.uploadedBytes).toBeLessThan(r.inputBytes / 10);
    expect(r.buffers.afterMore).toBe(r.buffers.warm);
  });

  it('in a worker on tfjs-webgpu (ImageBitmap handed over, transferred): the expected cells; no frame readback or upload', async () => {
    const CELLS: GreyCell[] = [
      { column: 0, row: 0, grey: 255 },
      { column: 2, row: 1, grey: 230 },
      { column: 3, row: 3, grey: 200 },
    ];
    const side = 256;
    const r = await call<WorkerTfjsDetected>('workerTfjsDetect', cellDetectorCard(CELL_MODEL), WORKER_PATH, side, CELL_GRID, CELLS, 3);
    Object.assign(measured, { workerTfjs: r.counts });
    expect([r.backend, r.tfjsBackend]).toEqual(['webgpu', 'webgpu']);
    expect(r.transferred).toBe(true);
    const expected = expectedCells(CELLS, side);
    expect(r.detections.map((d) => [d.label, ...d.box.map(Math.round)])).toEqual(expected.map((e) => [e.label, ...e.box]));
    r.detections.forEach((d, k) => expect(d.score).toBeCloseTo(expected[k].score, 3));
    expect(r.counts).toMatchObject({ getImageData: 0, readPixels: 0 });
    expect(r.counts.largestMap).toBeLessThan(r.frameBytes / 10);
    expect(r.counts.uploadedBytes).toBeLessThan(r.frameBytes / 10);
    expect(r.buffers.afterMore).toBe(r.buffers.warm);
    expect(log.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
  });
});
