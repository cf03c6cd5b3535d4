// The GPU input path of onnxruntime-web in headless Chromium (WebGPU on SwiftShader: a CPU
// adapter — correctness and transfer counts only, never speed). An ONNX detector runs on the
// webgpu EP with its input made by the GPU sampler on onnxruntime's own GPUDevice and fed
// with Tensor.fromGpuBuffer, and through the CPU path (picture read back, sampled in memory,
// uploaded by onnxruntime). Model inputs must agree within 1 grey level (p99), detections
// within 1 px, and on the GPU path no pixel of the frame may come back and no input go up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { ensureDistBuilt } from '../helpers/build-dist';
import { tinyYoloOnnx } from './tiny-yolo-onnx';

interface Counts {
  getImageData: number;
  readPixels: number;
  mapAsync: number;
  mappedBytes: number;
  largestMap: number;
  uploadedBytes: number;
  largestUpload: number;
}

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

const MODEL_PATH = '/test/gpu/generated/tiny-yolo.onnx';
const measured: Record<string, unknown> = { inputP99: 0, inputMax: 0, boxPx: 0, score: 0, detections: 0 };

describe('onnxruntime-web webgpu EP fed from the GPU sampler (Tensor.fromGpuBuffer, SwiftShader)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let log: string[];

  beforeAll(async () => {
    ensureDistBuilt();
    server = await startServer();
    browser = await launchChromium();
    ({ page, log } = await browser.newPage());
    const model = Buffer.from(tinyYoloOnnx());
    await page.route(`**${MODEL_PATH}`, (route) =>
      route.fulfill({ body: model, headers: { 'Content-Type': 'application/octet-stream', 'Cross-Origin-Resource-Policy': 'same-origin' } }),
    );
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
});
