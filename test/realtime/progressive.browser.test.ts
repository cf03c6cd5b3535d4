// Progressive start in headless Chromium: `pipeline(task, { worker: true, progressive: true,
// backend: ['webgpu', 'wasm'] })` with the soak's tiny cell detector (compiles in seconds on
// SwiftShader). The first results come from wasm, later frames from WebGPU; both give the
// expected cells; the static boxes keep their track IDs across the switch; no page errors.
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
  stats: { served: Record<string, number>; switchedAtFrame: number | null; preferredFailure: string | null; preferredWarmupMs: number | null; fallbackLoadMs: number | null; preferredLoadMs: number | null };
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

describe('progressive start in Chromium', () => {
  it("['webgpu', 'wasm']: wasm serves first, WebGPU takes over, the same cells and track IDs on both", async () => {
    const card = cellDetectorCard(MODEL_URL);
    const outcome: Outcome = await page.evaluate(
      async ({ card, cells, side, grid }) => {
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
        });
        const frames: Served[] = [];
        try {
          for (let i = 0; i < 400 && (progressive.stats().served.webgpu ?? 0) < 3; i++) {
            const bitmap = await createImageBitmap(canvas);
            const r = await progressive.runForVideo(vp.handOver(bitmap), i * 33);
            frames.push({
              servedBy: r.servedBy,
              detections: r.detections.map((d: { label: string; box: { x1: number; y1: number; x2: number; y2: number }; score: number; trackId?: number }) => ({ label: d.label, box: [d.box.x1, d.box.y1, d.box.x2, d.box.y2], score: d.score, trackId: d.trackId ?? null })),
            });
            if (progressive.stats().switchedAtFrame === null) await new Promise((resolve) => setTimeout(resolve, 30));
          }
          return { frames, stats: progressive.stats() as Outcome['stats'] };
        } finally {
          progressive.dispose();
        }
      },
      { card, cells: CELLS, side: SIDE, grid: CELL_GRID },
    );
    console.log(`[progressive] ${JSON.stringify({ ...outcome.stats, frames: outcome.frames.length })}`);
    const expected = expectedCells(CELLS, SIDE);
    expect(outcome.stats.preferredFailure).toBeNull();
    expect(outcome.frames[0].servedBy).toBe('wasm');
    expect(outcome.frames.at(-1)!.servedBy).toBe('webgpu');
    expect(outcome.stats.served.webgpu).toBe(3);
    expect(outcome.stats.switchedAtFrame).toBe(outcome.stats.served.wasm);
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
});
