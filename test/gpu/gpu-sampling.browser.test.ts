// The GPU preprocessing path in headless Chromium on tfjs-webgpu (SwiftShader: a CPU WebGPU
// adapter — correctness and transfer counts only, never speed). A browser picture goes into a
// GPU texture and one compute pass makes the model input: it must equal the tensor path's
// input (tf.browser.fromPixels + resize kernels) within 1 grey level for every input kind and
// fit, and no pixel of the frame may come back to the CPU. Detection through this path on real
// photos (against wasm, and its readbacks: only the outputs) is in test/browser/pipelines.browser.test.ts.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { ensureDistBuilt } from '../helpers/build-dist';

interface Counts {
  getImageData: number;
  readPixels: number;
  mapAsync: number;
  mappedBytes: number;
  largestMap: number;
  writeBuffer: number;
  writtenBytes: number;
}

interface Compared {
  shape: number[];
  exactShape: number[];
  dtype: string;
  exactDtype: string;
  transform: Record<string, number>;
  exactTransform: Record<string, number>;
  diff: { p99: number; max: number; mean: number };
  counts: Counts;
  frameBytes: number;
  leakedTensors: number;
}

const KINDS = ['bitmap', 'image', 'canvas', 'offscreen', 'videoframe'] as const;

/** One spec per fit, each with another normalisation / order / layout / dtype. */
const SPECS = {
  letterbox: { width: 512, height: 512, fit: 'letterbox', padValue: 114, normalization: 'none' },
  stretch: { width: 320, height: 240, fit: 'stretch', normalization: 'unit', channelOrder: 'bgr', layout: 'nchw' },
  'center-crop': { width: 192, height: 192, fit: 'center-crop', normalization: 'none', dtype: 'int32' },
} as const;

/** Largest p99 and max difference per fit, in grey levels. */
const measured: Record<string, { p99: number; max: number }> = {};

describe('GPU preprocessing (tfjs-webgpu on SwiftShader)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let log: string[];

  beforeAll(async () => {
    ensureDistBuilt();
    server = await startServer();
    browser = await launchChromium();
    ({ page, log } = await browser.newPage());
    await page.goto(`${server.origin}/test/gpu/pages/gpu-sampling.html`);
    await page.waitForFunction(() => (window as unknown as { gpuTestReady?: boolean; harnessError?: string }).gpuTestReady === true || typeof (window as unknown as { harnessError?: string }).harnessError === 'string', null, { timeout: 60_000 });
    const failure = await page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError ?? null);
    if (failure) throw new Error(`the GPU test page did not load: ${failure}\n${log.join('\n')}`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    console.log(`GPU sampling vs tensor path, largest differences in grey levels: ${JSON.stringify(measured)}`);
  });

  const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(([name, params]) => (window as unknown as { gpuTest: Record<string, (...a: unknown[]) => Promise<unknown>> }).gpuTest[name](...params), [method, args] as [string, unknown[]]) as Promise<T>;

  it('runs on the webgpu backend', async () => {
    expect(await call<{ backend: string }>('env')).toMatchObject({ backend: 'webgpu' });
  });

  for (const [fit, spec] of Object.entries(SPECS)) {
    for (const kind of KINDS) {
      it(`${kind}, ${fit}: the GPU input equals the tensor path's within 1 grey level (p99), with no frame readback`, async () => {
        const r = await call<Compared>('compare', 1, kind, spec);
        expect(r.shape).toEqual(r.exactShape);
        expect(r.dtype).toBe(spec.width === 192 ? 'int32' : 'float32');
        expect(r.dtype).toBe(r.exactDtype);
        for (const key of Object.keys(r.exactTransform)) expect(r.transform[key], key).toBeCloseTo(r.exactTransform[key], 6);
        expect(r.diff.p99).toBeLessThanOrEqual(1);
        // float inputs differ by float rounding only; int32 ones by 1 where a value sits on a .5 tie
        expect(r.diff.max).toBeLessThanOrEqual(spec.width === 192 ? 1 : 0.05);
        const m = (measured[fit] ??= { p99: 0, max: 0 });
        m.p99 = Math.max(m.p99, r.diff.p99);
        m.max = Math.max(m.max, r.diff.max);
        // nothing of the frame came back: no canvas or WebGL readback, no buffer mapped at all while making the input
        expect(r.counts).toMatchObject({ getImageData: 0, readPixels: 0, mapAsync: 0 });
        // what went up is the plan (positions) and the shader's parameters, not the frame
        expect(r.counts.writtenBytes).toBeLessThan(r.frameBytes / 100);
        expect(r.leakedTensors).toBe(0);
      });
    }
  }
});
