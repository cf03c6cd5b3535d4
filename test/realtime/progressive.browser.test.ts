// Progressive start in headless Chromium: `pipeline(task, { worker: true, progressive: true,
// backend: ['webgpu', 'wasm'] })` with the soak's tiny cell detector (compiles in seconds on
// SwiftShader). With switchWhen: 'ready' the first results come from wasm, later frames from
// WebGPU; both give the expected cells; the static boxes keep their track IDs across the
// switch. With the default (measured) policy the worker reports SwiftShader's adapter as
// software and the pipeline stays on wasm without warming WebGPU up. No page errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { ensureBrowserBundles } from './build';
import { CELL_GRID, type GreyCell, cellDetectorCard, cellDetectorFiles, expectedCells } from '../soak/cell-detector';

const MODEL_URL = '/__progressive/cell-detector/model.json';
const SIDE = 128;
const CELLS: GreyCell[] = [
  { column: 0, row: 0, grey: 255 },
  { column: 2, row: 1, grey: 230 },
  { column: 3, row: 3, grey: 200 },
];

interface Served {
  servedBy: string;
  detections: { label: string; box: [number, number, number, number]; score: number; trackId: number | null }[];
}
interface Outcome {
  frames: Served[];
  stats: {
    served: Record<string, number>;
    switchedAtFrame: number | null;
    preferredFailure: string | null;
    preferredWarmupMs: number | null;
    fallbackLoadMs: number | null;
    preferredLoadMs: number | null;
    preferredAdapter: { vendor: string; architecture: string; isFallbackAdapter: boolean | null; software: boolean } | null;
    switch: { from: string; to: string; decision: string; reason: string; preferredMs: number | null; fallbackMs: number | null } | null;
  };
}

let browser: TestBrowser;
let server: TestServer;
let page: Page;
let log: string[];

beforeAll(async () => {
  await ensureBrowserBundles();
  server = await startServer();
  browser = await launchChromium();
  const model = cellDetectorFiles();
  const shard = Buffer.concat((model.weights as Uint8Array[]).map((w) => Buffer.from(w)));
  const files = new Map([
    [MODEL_URL, { body: Buffer.from(JSON.stringify(model.json)), contentType: 'application/json' }],
    [MODEL_URL.replace('model.json', 'group1-shard1of1.bin'), { body: shard, contentType: 'application/octet-stream' }],
  ]);
  await browser.context.route(`${server.origin}/__progressive/**`, (route) => {
    const file = files.get(new URL(route.request().url()).pathname);
    return file
      ? route.fulfill({ status: 200, body: file.body, contentType: file.contentType, headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } })
      : route.fulfill({ status: 404, body: 'not found' });
  });
  ({ page, log } = await browser.newPage());
  await page.goto(`${server.origin}/test/soak/pages/soak.html`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs the progressive pipeline with `options` on the cell frame until `webgpuFrames` came from WebGPU, or `afterDecision` frames after the switch decision. */
function runProgressive(options: Record<string, unknown>, stop: { webgpuFrames: number; afterDecision: number }): Promise<Outcome> {
  const card = cellDetectorCard(MODEL_URL);
  return page.evaluate(
    async ({ card, cells, side, grid, options, stop }) => {
      // (a Function body: vitest would rewrite a literal import() in this serialised callback)
      const vp = await (new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, any>>)('/dist/rt/realtime.js');
      const canvas = new OffscreenCanvas(side, side);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, side, side);
      const cell = side / grid;
      for (const c of cells as { column: number; row: number; grey: number }[]) {
        ctx.fillStyle = `rgb(${c.grey},${c.grey},${c.grey})`;
        ctx.fillRect(c.column * cell, c.row * cell, cell, cell);
      }
      const progressive = await vp.pipeline('object-detection', {
        worker: true,
        progressive: true,
        backend: ['webgpu', 'wasm'],
        model: card,
        wasmPaths: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/',
        timeoutMs: 60_000,
        ...options,
      });
      // the two workers load in either order (a fresh clone's CI once had WebGPU ready first, which
      // then rightly served frame 0): these tests are about wasm serving while WebGPU warms up, so
      // the first frame goes once wasm can take it (the warm-up only starts on that frame)
      for (let t = 0; t < 1200 && progressive.stats().fallbackLoadMs === null; t++) await new Promise((resolve) => setTimeout(resolve, 50));
      const frames: Served[] = [];
      let sinceDecision = 0;
      try {
        for (let i = 0; i < 400 && (progressive.stats().served.webgpu ?? 0) < stop.webgpuFrames && sinceDecision < stop.afterDecision; i++) {
          const bitmap = await createImageBitmap(canvas);
          const r = await progressive.runForVideo(vp.handOver(bitmap), i * 33);
          frames.push({
            servedBy: r.servedBy,
            detections: r.detections.map((d: { label: string; box: { x1: number; y1: number; x2: number; y2: number }; score: number; trackId?: number }) => ({ label: d.label, box: [d.box.x1, d.box.y1, d.box.x2, d.box.y2], score: d.score, trackId: d.trackId ?? null })),
          });
          if (progressive.stats().switch !== null) sinceDecision++;
          if (progressive.stats().switchedAtFrame === null) await new Promise((resolve) => setTimeout(resolve, 30));
        }
        return { frames, stats: progressive.stats() as Outcome['stats'] };
      } finally {
        progressive.dispose();
      }
    },
    { card, cells: CELLS, side: SIDE, grid: CELL_GRID, options, stop },
  );
}

describe('progressive start in Chromium', () => {
  it("['webgpu', 'wasm'], switchWhen: 'ready': wasm serves first, WebGPU takes over, the same cells and track IDs on both", async () => {
    const outcome = await runProgressive({ switchWhen: 'ready' }, { webgpuFrames: 3, afterDecision: Infinity });
    console.log(`[progressive] ${JSON.stringify({ ...outcome.stats, frames: outcome.frames.length })}`);
    const expected = expectedCells(CELLS, SIDE);
    expect(outcome.stats.preferredFailure).toBeNull();
    expect(outcome.frames[0].servedBy).toBe('wasm');
    expect(outcome.frames.at(-1)!.servedBy).toBe('webgpu');
    expect(outcome.stats.served.webgpu).toBe(3);
    expect(outcome.stats.switchedAtFrame).toBe(outcome.stats.served.wasm);
    expect(outcome.stats.switch).toMatchObject({ from: 'wasm', to: 'webgpu', decision: 'switched', reason: expect.stringMatching(/switchWhen: 'ready'/) });
    const ids = new Map<string, number | null>();
    for (const frame of outcome.frames) {
      expect(frame.detections.map((d) => [d.label, ...d.box.map(Math.round)])).toEqual(expected.map((e) => [e.label, ...e.box]));
      frame.detections.forEach((d, k) => expect(d.score).toBeCloseTo(expected[k].score, 3));
      for (const d of frame.detections) {
        const key = d.box.map(Math.round).join(',');
        if (ids.has(key)) expect(d.trackId).toBe(ids.get(key));
        ids.set(key, d.trackId);
      }
    }
    expect(new Set(ids.values()).size).toBe(CELLS.length);
    expect(log.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
  }, 60_000);

  it('default (measured) policy: SwiftShader is recognised as a software adapter and NOT switched to; wasm serves every frame', async () => {
    const outcome = await runProgressive({}, { webgpuFrames: 1, afterDecision: 3 });
    console.log(`[progressive, measured] ${JSON.stringify({ ...outcome.stats, frames: outcome.frames.length })}`);
    expect(outcome.stats.preferredAdapter).toMatchObject({ architecture: 'swiftshader', isFallbackAdapter: true, software: true });
    expect(outcome.stats.switch).toMatchObject({ from: 'wasm', to: 'webgpu', decision: 'kept', preferredMs: null, reason: expect.stringMatching(/swiftshader\) is a software renderer/) });
    expect(outcome.stats.preferredWarmupMs).toBeNull(); // kept out before its shaders compiled
    expect(outcome.stats.switchedAtFrame).toBeNull();
    expect(outcome.frames.map((f) => f.servedBy)).toEqual(outcome.frames.map(() => 'wasm'));
    expect(outcome.stats.served).toEqual({ wasm: outcome.frames.length });
    const expected = expectedCells(CELLS, SIDE);
    for (const frame of outcome.frames) expect(frame.detections.map((d) => [d.label, ...d.box.map(Math.round)])).toEqual(expected.map((e) => [e.label, ...e.box]));
    expect(log.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
  }, 60_000);
});
