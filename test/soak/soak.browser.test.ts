// Soak: 1000 frames through a worker pipeline in headless Chromium, on WebGPU (SwiftShader)
// and on wasm. Each frame is a fresh ImageBitmap of a real group photo (face-api sample 1,
// 192×128) handed over to the worker; the pipeline is BlazeFace 128² (pages/soak.js). After
// a warm-up, the worker's tensors (numTensors, numBytes) must not change at all, and the JS
// heaps of the worker and of the page (each measured after a forced full GC over CDP) must
// not grow by more than HEAP_TOLERANCE over the remaining frames. Every frame must give the
// same three faces. SwiftShader takes ~0.85–1.4 s per BlazeFace frame on 2 shared cores
// (measured: 1000 frames in 21 min, passing), so the WebGPU soak runs 200 frames by default
// (~3–4 min); SOAK_WEBGPU_FRAMES=1000 runs the full count. wasm runs 1000 frames in ~20 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { ensureBrowserBundles } from '../realtime/build';
import type { SoakHarness, SoakRun } from './soak-types';
import { probeHeaps } from './target-heap';

/** Frames per backend, and how many of them are warm-up (shader compile, caches, JIT). */
const FRAMES = { wasm: 1000, webgpu: Number(process.env.SOAK_WEBGPU_FRAMES ?? 200) } as const;
const WARMUP = 100;
/** Checkpoints after the warm-up, each measuring tensors and heaps. */
const CHECKPOINTS = 3;
/** Allowed JS heap growth (bytes) after warm-up, per thread: ~0.5 KB per frame over 900 frames. */
const HEAP_TOLERANCE = 512 * 1024;
/** A frame of the photo: small, so that SwiftShader's time goes to the model only. */
const FRAME = { width: 192, height: 128 } as const;
const PHOTO = '/node_modules/@vladmandic/face-api/demo/sample1.jpg';

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
  ({ page, log } = await browser.newPage());
  await page.goto(`${server.origin}/test/soak/pages/soak.html`);
  await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean; harnessError?: string }).harnessReady || (window as unknown as { harnessError?: string }).harnessError, undefined, { timeout: 60_000 });
  const failed = await page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError ?? null);
  if (failed) throw new Error(`soak harness failed to load: ${failed}`);
  expect(await call('prepare', PHOTO, FRAME.width, FRAME.height)).toEqual(FRAME);
});

afterAll(async () => {
  console.log(`[soak] measured: ${JSON.stringify(measured)}`);
  await browser?.close();
  await server?.close();
});

describe.each(['wasm', 'webgpu'] as const)('soak on %s: a BlazeFace worker pipeline over many transferred frames', (backend) => {
  const frames = FRAMES[backend];
  const perCheckpoint = Math.ceil((frames - WARMUP) / CHECKPOINTS);

  it(
    `${frames} frames: tensors identical and JS heaps flat (±${HEAP_TOLERANCE / 1024} KB) after ${WARMUP} warm-up frames, same faces every frame`,
    async () => {
      const created = await call('create', backend);
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
          workerHeap: [base.worker, ...checkpoints.map((c) => c.worker)],
          pageHeap: [base.page, ...checkpoints.map((c) => c.page)],
        };

        expect(framesOf(runs)).toBe(frames);
        for (const run of runs) {
          expect(run.errors).toEqual([]);
          expect(run.notDetached).toBe(0);
        }
        // every frame, warm-up included, gives the same three faces (the photo's three people)
        const answers = new Set(runs.flatMap((r) => r.fingerprints.map(([key]) => key)));
        expect(answers.size).toBe(1);
        expect([...answers][0].split(' ').filter((d) => d.startsWith('face:'))).toHaveLength(3);

        for (const c of checkpoints) {
          expect({ frames: c.frames, ...c.memory }).toEqual({ frames: c.frames, ...base.memory, masks: 0, pipelines: 1 });
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
    // SwiftShader: up to ~2 s a frame on 2 busy cores; wasm: ~20 ms
    120_000 + frames * (backend === 'webgpu' ? 2_500 : 200),
  );
});
