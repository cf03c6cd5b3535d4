// Soak: 1000 frames through a worker pipeline (createWorkerPipeline: each frame a fresh
// ImageBitmap handed over by transfer, preprocessing, the tfjs runner and the SSD decoder in the
// worker, results back) in headless Chromium, on wasm and on WebGPU (SwiftShader). After 100
// warm-up frames the worker's tensors (numTensors, numBytes) must not change at all, the JS
// heaps of the worker and of the page (each after a forced full GC over CDP) must not grow by
// more than HEAP_TOLERANCE, and every frame must give the expected detections.
//
// wasm runs the real BlazeFace-128 on a group photo (face-api sample 1, 192×128): three faces.
// WebGPU runs a tiny real tfjs graph model built by the test (./cell-detector.ts: two stride-8
// convolutions, bias adds, reshapes, in BlazeFace's MediaPipe-SSD layout, same decoder and
// weighted NMS) on a drawn 128² frame whose answer is known exactly. Why not BlazeFace there:
// measured on SwiftShader (2 shared cores), a BlazeFace-128 frame is ~840 ms of inference
// against 4 ms of preprocessing and 0.3 ms of decoding (the first frame 21 s: shader
// compilation), so 1000 frames took 21 min. The time is SwiftShader computing the convolutions,
// not per-op overhead: one add plus readback costs 12 ms, each further small dispatch ~1.5 ms,
// but one 3×3 conv 3→16 at 128² costs 340 ms. The soak is about leaks in the SDK's path, which
// the tiny model exercises op for op on the webgpu backend at ~60–70 ms a frame (~55–65 ms in
// the runner: mostly the two output readbacks): 1000 frames in ~66 s, wasm ~12 s, the file
// ~90 s. The real BlazeFace on WebGPU in a worker is covered by test/realtime/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { ensureBrowserBundles } from '../realtime/build';
import type { ModelSpec } from '../../src/models/model-spec';
import { CELL_GRID, type GreyCell, cellDetectorCard, cellDetectorFiles, expectedCells } from './cell-detector';
import type { SoakHarness, SoakRun } from './soak-types';
import { probeHeaps } from './target-heap';

const FRAMES = 1000;
/** Frames of warm-up (shader compilation, caches, JIT) before the baseline. */
const WARMUP = 100;
/** Checkpoints after the warm-up, each measuring tensors and heaps. */
const CHECKPOINTS = 3;
/** Allowed JS heap growth (bytes) after warm-up, per thread: ~0.5 KB per frame over 900 frames. */
const HEAP_TOLERANCE = 512 * 1024;
/** The photo frame (wasm): small, so that the time goes to the model. */
const PHOTO = { url: '/node_modules/@vladmandic/face-api/demo/sample1.jpg', width: 192, height: 128 } as const;
/** The drawn frame (webgpu): 128² black, three squares above mid-grey (found) and one below (not found). */
const CELLS_FRAME = 128;
const CELLS: GreyCell[] = [
  { column: 0, row: 0, grey: 255 },
  { column: 2, row: 1, grey: 176 },
  { column: 3, row: 3, grey: 144 },
  { column: 1, row: 2, grey: 112 },
];
const CELL_MODEL_URL = '/__soak/cell-detector/model.json';

/** One soak: the backend, the model the worker pipeline runs, its frame and the answer every frame must give. */
interface SoakCase {
  backend: 'wasm' | 'webgpu';
  model: string;
  card(): 'blazeface-128' | ModelSpec;
  prepare(): Promise<{ width: number; height: number }>;
  frame: { width: number; height: number };
  checkAnswer(answer: string): void;
  /** Generous wall time per frame for the test's timeout (2 busy cores). */
  timeoutPerFrameMs: number;
}

const CASES: SoakCase[] = [
  {
    backend: 'wasm',
    model: 'BlazeFace-128 on a group photo',
    card: () => 'blazeface-128',
    prepare: () => call('prepare', PHOTO.url, PHOTO.width, PHOTO.height),
    frame: { width: PHOTO.width, height: PHOTO.height },
    // the same three faces every frame (the photo's three people)
    checkAnswer: (answer) => expect(answer.split(' ').filter((d) => d.startsWith('face:'))).toHaveLength(3),
    timeoutPerFrameMs: 200,
  },
  {
    backend: 'webgpu',
    model: 'a tiny real graph model (cell detector) on a drawn frame',
    card: () => cellDetectorCard(CELL_MODEL_URL),
    prepare: () => call('prepareCells', CELLS_FRAME, CELL_GRID, CELLS),
    frame: { width: CELLS_FRAME, height: CELLS_FRAME },
    // exactly the bright squares, best first, with sigmoid(8 · mean) scores
    checkAnswer: (answer) =>
      expect(answer).toBe(
        expectedCells(CELLS, CELLS_FRAME)
          .map((d) => `${d.label}:${d.box.map((v) => v.toFixed(1)).join(',')}@${d.score.toFixed(3)}`)
          .join(' '),
      ),
    timeoutPerFrameMs: 500,
  },
];

const measured: Record<string, unknown> = {};
let server: TestServer;
let browser: TestBrowser;
let page: Page;
let log: string[];

function call<K extends keyof SoakHarness>(method: K, ...args: Parameters<SoakHarness[K]>): Promise<Awaited<ReturnType<SoakHarness[K]>>> {
  return page
    .evaluate(([name, params]) => (window as unknown as { soak: Record<string, (...a: unknown[]) => unknown> }).soak[name](...params), [method, args as unknown[]] as [string, unknown[]])
    .catch((error: unknown) => {
      throw new Error(`soak.${method} failed: ${error instanceof Error ? error.message : String(error)}\n${log.slice(-20).join('\n')}`);
    }) as never;
}

function framesOf(runs: SoakRun[]): number {
  return runs.reduce((sum, r) => sum + r.frames, 0);
}

beforeAll(async () => {
  await ensureBrowserBundles();
  server = await startServer();
  browser = await launchChromium();
  const model = cellDetectorFiles();
  const shard = Buffer.concat((model.weights as Uint8Array[]).map((w) => Buffer.from(w)));
  const files = new Map([
    [CELL_MODEL_URL, { body: Buffer.from(JSON.stringify(model.json)), contentType: 'application/json' }],
    [CELL_MODEL_URL.replace('model.json', 'group1-shard1of1.bin'), { body: shard, contentType: 'application/octet-stream' }],
  ]);
  // served from memory (the worker's fetches go through the context's routes too)
  await browser.context.route(`${server.origin}/__soak/**`, (route) => {
    const file = files.get(new URL(route.request().url()).pathname);
    return file
      ? route.fulfill({ status: 200, body: file.body, contentType: file.contentType, headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } })
      : route.fulfill({ status: 404, body: 'not found' });
  });
  ({ page, log } = await browser.newPage());
  await page.goto(`${server.origin}/test/soak/pages/soak.html`);
  await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean; harnessError?: string }).harnessReady || (window as unknown as { harnessError?: string }).harnessError, undefined, { timeout: 60_000 });
  const failed = await page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError ?? null);
  if (failed) throw new Error(`soak harness failed to load: ${failed}`);
});

afterAll(async () => {
  console.log(`[soak] measured: ${JSON.stringify(measured)}`);
  await browser?.close();
  await server?.close();
});

describe.each(CASES)('soak on $backend: a worker pipeline running $model over many transferred frames', (soak) => {
  const { backend } = soak;
  const frames = FRAMES;
  const perCheckpoint = Math.ceil((frames - WARMUP) / CHECKPOINTS);

  it(
    `${frames} frames: tensors identical and JS heaps flat (±${HEAP_TOLERANCE / 1024} KB) after ${WARMUP} warm-up frames, the expected detections every frame`,
    async () => {
      expect(await soak.prepare()).toEqual(soak.frame);
      const created = await call('create', backend, soak.card());
      expect(created.backend).toBe(backend);
      const heap = await probeHeaps(page, /\/dist\/rt\/worker\.js$/);
      try {
        const warm = await call('run', WARMUP);
        const base = { memory: await call('memory'), worker: await heap.worker(), page: await heap.page() };
        const runs = [warm];
        const checkpoints = [];
        for (let done = WARMUP; done < frames; done += perCheckpoint) {
          runs.push(await call('run', Math.min(perCheckpoint, frames - done)));
          checkpoints.push({ frames: done + runs[runs.length - 1].frames, memory: await call('memory'), worker: await heap.worker(), page: await heap.page() });
        }
        const last = checkpoints[checkpoints.length - 1];
        measured[backend] = {
          frames: framesOf(runs),
          createMs: Math.round(created.ms),
          msPerFrame: runs.slice(1).map((r) => Math.round(r.ms / r.frames)),
          inferenceMs: runs.slice(1).map((r) => Math.round(r.timing.inference)),
          numTensors: base.memory.numTensors,
          numBytes: base.memory.numBytes,
          gpu: base.memory.gpu,
          workerHeap: [base.worker, ...checkpoints.map((c) => c.worker)],
          pageHeap: [base.page, ...checkpoints.map((c) => c.page)],
        };

        expect(framesOf(runs)).toBe(frames);
        for (const run of runs) {
          expect(run.errors).toEqual([]);
          expect(run.notDetached).toBe(0);
        }
        // every frame, warm-up included, gives the same answer, and it is the expected one
        const answers = new Set(runs.flatMap((r) => r.fingerprints.map(([key]) => key)));
        expect(answers.size).toBe(1);
        soak.checkAnswer([...answers][0]);

        // tensors and, on WebGPU, the GPU buffers and textures (tfjs's pools and the GPU sampler's) stay exactly as they were
        for (const c of checkpoints) {
          expect({ frames: c.frames, ...c.memory }).toEqual({ frames: c.frames, ...base.memory, masks: 0, pipelines: 1 });
        }
        if (backend === 'webgpu') {
          // the frames went through the GPU preprocessing path: its output buffer exists, no picture texture is left in use
          expect(base.memory.gpu).toMatchObject({ samplerTexturesInUse: 0 });
          expect(base.memory.gpu!.samplerBuffers).toBeGreaterThan(1);
          expect(base.memory.gpu!.samplerTexturesFree).toBeGreaterThanOrEqual(1);
        } else {
          expect(base.memory.gpu).toBeNull();
        }
        expect(last.worker - base.worker).toBeLessThan(HEAP_TOLERANCE);
        expect(last.page - base.page).toBeLessThan(HEAP_TOLERANCE);

        // the probe sees a 2 MB allocation in the worker: the flat heap is a measurement, not a blind spot
        await heap.evaluateInWorker('self.soakProbe = Array.from({ length: 262144 }, (_, i) => i + 0.5)');
        const grown = (await heap.worker()) - last.worker;
        await heap.evaluateInWorker('delete self.soakProbe');
        expect(grown).toBeGreaterThan(2 * 1024 * 1024);
      } finally {
        await heap.detach();
        await call('dispose');
      }
    },
    120_000 + frames * soak.timeoutPerFrameMs,
  );
});
