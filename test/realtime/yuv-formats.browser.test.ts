// Camera colour paths in a real browser: VideoFrames built from YUV bytes in every format the
// SDK reads from their planes (I420 and NV12; BT.601 and BT.709; limited and full range). The
// pose model input sampled from the planes must equal an independent reference: the standard
// YUV → RGB matrices (ITU-R BT.601 / BT.709, studio or full swing) applied here to the same
// bytes, then sampled by the exact path (the whole RGB picture through tf.image.cropAndResize).
// An RGB VideoFrame (a canvas capture) sampled on capture is drawn as an ImageBitmap: Chrome
// smooths a VideoFrame it shrinks (10–25 grey levels off at the 99th percentile).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from '../browser/chromium';
import { type TestServer, startServer } from '../browser/server';
import { ensureBrowserBundles } from './build';
import { type RealtimePage, openHarness } from './page';

interface Case {
  format: 'I420' | 'NV12';
  matrix: 'bt601' | 'bt709';
  fullRange: boolean;
}

interface Comparison {
  yuvPath: boolean;
  mean: number;
  p99: number;
  max: number;
  /** The same differences with the other matrix or range in the reference (how much a mix-up would show). */
  wrongMatrixMean: number;
  wrongRangeMean: number;
}

/** What the page's bundle exposes as `window.vp` to the functions below (types only: they run in the page). */
type Opened = { yuv?: unknown; release(): void };
type Vp = {
  tf: { setBackend(name: string): Promise<boolean>; ready(): Promise<void> };
  openFrame(input: unknown, options: { resizeOnCapture: boolean }): Promise<Opened>;
  sampleRegion(frame: Opened, region: unknown, target: unknown): { data(): Promise<ArrayLike<number>>; dispose(): void };
};

const CASES: Case[] = (['I420', 'NV12'] as const).flatMap((format) =>
  (['bt601', 'bt709'] as const).flatMap((matrix) => [false, true].map((fullRange) => ({ format, matrix, fullRange }))),
);

/**
 * Runs in the page: builds a 160×120 frame of smooth saturated colour waves, converts it to YUV
 * 4:2:0 bytes (chroma averaged over 2×2), wraps them in a VideoFrame with the case's colour
 * space, samples MoveNet's 192×192 input from the planes (`resizeOnCapture`), and compares
 * with the reference RGB picture (nearest chroma, rounded) sampled exactly.
 */
async function compareInPage(c: Case): Promise<Comparison> {
  const vp = (window as unknown as { vp: Vp }).vp;
  await vp.tf.setBackend('cpu');
  await vp.tf.ready();
  const [W, H] = [160, 120];
  const kOf = (m: string): [number, number] => (m === 'bt709' ? [0.2126, 0.0722] : [0.299, 0.114]);
  const rgb = new Float64Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      rgb[i] = 128 + 120 * Math.sin((2 * Math.PI * x) / W);
      rgb[i + 1] = 128 + 120 * Math.sin((2 * Math.PI * y) / H + 2);
      rgb[i + 2] = 128 + 120 * Math.cos((2 * Math.PI * (x + y)) / (W + H));
    }
  }
  const clamp = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));
  // Forward (ITU-R BT.601/709): E'Y = kr·R + kg·G + kb·B; Cb = (B − Y)/(2(1 − kb)); Cr = (R − Y)/(2(1 − kr)).
  const [kr, kb] = kOf(c.matrix);
  const kg = 1 - kr - kb;
  const [ys, cs, y0] = c.fullRange ? [1, 1, 0] : [219 / 255, 224 / 255, 16];
  const Y = new Uint8Array(W * H);
  const U = new Uint8Array((W / 2) * (H / 2));
  const V = new Uint8Array((W / 2) * (H / 2));
  const lumaOf = (i: number): number => kr * rgb[i] + kg * rgb[i + 1] + kb * rgb[i + 2];
  for (let i = 0; i < W * H; i++) Y[i] = clamp(y0 + ys * lumaOf(i * 3));
  for (let y = 0; y < H / 2; y++) {
    for (let x = 0; x < W / 2; x++) {
      let cb = 0;
      let cr = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const i = ((2 * y + dy) * W + 2 * x + dx) * 3;
        const l = lumaOf(i);
        cb += (rgb[i + 2] - l) / (2 * (1 - kb)) / 4;
        cr += (rgb[i] - l) / (2 * (1 - kr)) / 4;
      }
      U[y * (W / 2) + x] = clamp(128 + cs * cb);
      V[y * (W / 2) + x] = clamp(128 + cs * cr);
    }
  }
  // The bytes as the format lays them out.
  const bytes = new Uint8Array(W * H + 2 * U.length);
  bytes.set(Y, 0);
  if (c.format === 'I420') {
    bytes.set(U, W * H);
    bytes.set(V, W * H + U.length);
  } else {
    for (let i = 0; i < U.length; i++) bytes.set([U[i], V[i]], W * H + 2 * i);
  }
  // Reference inverse with a given matrix and range: R = Y' + 2(1 − kr)·Cr', B = Y' + 2(1 − kb)·Cb', G = (Y' − kr·R − kb·B)/kg.
  const reference = (matrix: string, fullRange: boolean): ImageData => {
    const [rkr, rkb] = kOf(matrix);
    const rkg = 1 - rkr - rkb;
    const [rys, rcs, ry0] = fullRange ? [1, 1, 0] : [219 / 255, 224 / 255, 16];
    const out = new ImageData(W, H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const ci = (y >> 1) * (W / 2) + (x >> 1);
        const l = (Y[y * W + x] - ry0) / rys;
        const cb = (U[ci] - 128) / rcs;
        const cr = (V[ci] - 128) / rcs;
        const r = l + 2 * (1 - rkr) * cr;
        const b = l + 2 * (1 - rkb) * cb;
        const g = (l - rkr * r - rkb * b) / rkg;
        out.data.set([clamp(r), clamp(g), clamp(b), 255], (y * W + x) * 4);
      }
    }
    return out;
  };
  const target = { width: 192, height: 192, normalization: 'none', dtype: 'int32' };
  const region = { xMin: 0, xMax: 1, yMin: -1 / 6, yMax: 7 / 6 };
  const sample = async (input: unknown, resizeOnCapture: boolean): Promise<{ values: number[]; yuv: boolean }> => {
    const opened = await vp.openFrame(input, { resizeOnCapture });
    const tensor = vp.sampleRegion(opened, region, target);
    const values = Array.from(await tensor.data());
    tensor.dispose();
    opened.release();
    return { values, yuv: opened.yuv !== undefined };
  };
  const exactOf = async (image: ImageData): Promise<number[]> => {
    const bitmap = await createImageBitmap(image, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const { values } = await sample(bitmap, false);
    bitmap.close();
    return values;
  };
  const colorSpace = { matrix: c.matrix === 'bt709' ? 'bt709' : 'smpte170m', primaries: c.matrix === 'bt709' ? 'bt709' : 'smpte170m', transfer: c.matrix === 'bt709' ? 'bt709' : 'smpte170m', fullRange: c.fullRange } as VideoColorSpaceInit;
  const frame = new VideoFrame(bytes, { format: c.format, codedWidth: W, codedHeight: H, timestamp: 0, colorSpace });
  try {
    const planes = await sample(frame, true);
    const diffs = (exact: number[]): number[] => planes.values.map((v, i) => Math.abs(v - exact[i])).sort((a, b) => a - b);
    const mean = (d: number[]): number => d.reduce((a, b) => a + b, 0) / d.length;
    const right = diffs(await exactOf(reference(c.matrix, c.fullRange)));
    const wrongMatrix = diffs(await exactOf(reference(c.matrix === 'bt709' ? 'bt601' : 'bt709', c.fullRange)));
    const wrongRange = diffs(await exactOf(reference(c.matrix, !c.fullRange)));
    return { yuvPath: planes.yuv, mean: mean(right), p99: right[Math.floor(right.length * 0.99)], max: right[right.length - 1], wrongMatrixMean: mean(wrongMatrix), wrongRangeMean: mean(wrongRange) };
  } finally {
    frame.close();
  }
}

const measured: Record<string, string> = {};
let server: TestServer;
let browser: TestBrowser;
let rt: RealtimePage;

beforeAll(async () => {
  await ensureBrowserBundles();
  server = await startServer();
  browser = await launchChromium();
  rt = await openHarness(browser, server);
});

afterAll(async () => {
  console.log(`[yuv-formats] measured: ${JSON.stringify(measured)}`);
  await browser?.close();
  await server?.close();
});

describe('camera VideoFrames of every YUV format are sampled from their planes with the right colours', () => {
  it.each(CASES)('$format $matrix fullRange=$fullRange', async (c) => {
    const result = await rt.page.evaluate(compareInPage, c);
    measured[`${c.format} ${c.matrix} ${c.fullRange ? 'full' : 'limited'}`] = `mean ${result.mean.toFixed(2)}, p99 ${result.p99}, max ${result.max}; wrong matrix ${result.wrongMatrixMean.toFixed(2)}, wrong range ${result.wrongRangeMean.toFixed(2)}`;
    expect(result.yuvPath).toBe(true);
    // measured: mean 0.60–0.63, p99 3, max 5 grey levels in every case (the planes' chroma is
    // interpolated, the reference repeats it); a mix-up shows as a mean of 5.8 (matrix) or 7.2 (range)
    expect(result.mean).toBeLessThan(1);
    expect(result.p99).toBeLessThanOrEqual(4);
    expect(result.max).toBeLessThanOrEqual(8);
    expect(result.wrongMatrixMean).toBeGreaterThan(3);
    expect(result.wrongRangeMean).toBeGreaterThan(3);
  });
});

/** Runs in the page: a 640×480 canvas of fine waves (periods of 17–31 pixels) as an RGB VideoFrame, its 96² region sampled on capture vs exactly. */
async function rgbFrameInPage(): Promise<{ p99: number; mean: number }> {
  const vp = (window as unknown as { vp: Vp }).vp;
  await vp.tf.setBackend('cpu');
  await vp.tf.ready();
  const canvas = new OffscreenCanvas(640, 480);
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(640, 480);
  for (let i = 0; i < 640 * 480; i++) {
    const [x, y] = [i % 640, Math.floor(i / 640)];
    image.data.set([128 + 100 * Math.sin(x / 3.7), 128 + 100 * Math.sin(y / 2.7), 128 + 100 * Math.sin((x + y) / 4.9), 255], i * 4);
  }
  context.putImageData(image, 0, 0);
  const target = { width: 96, height: 96, normalization: 'none', dtype: 'int32' };
  const region = { xMin: 0, xMax: 1, yMin: 0, yMax: 1 };
  const sample = async (input: unknown, resizeOnCapture: boolean): Promise<number[]> => {
    const opened = await vp.openFrame(input, { resizeOnCapture });
    const tensor = vp.sampleRegion(opened, region, target);
    const values = Array.from(await tensor.data());
    tensor.dispose();
    opened.release();
    return values;
  };
  const bitmap = await createImageBitmap(canvas);
  const exact = await sample(bitmap, false);
  bitmap.close();
  const frame = new VideoFrame(canvas, { timestamp: 0 });
  try {
    const captured = await sample(frame, true);
    const diffs = captured.map((v, i) => Math.abs(v - exact[i])).sort((a, b) => a - b);
    return { p99: diffs[Math.floor(diffs.length * 0.99)], mean: diffs.reduce((a, b) => a + b, 0) / diffs.length };
  } finally {
    frame.close();
  }
}

describe('an RGB VideoFrame sampled on capture', () => {
  it('is drawn bilinearly as the plan says (Chrome smooths a shrunk VideoFrame; its ImageBitmap is not)', async () => {
    const result = await rt.page.evaluate(rgbFrameInPage);
    measured['RGB VideoFrame on capture'] = `mean ${result.mean.toFixed(2)}, p99 ${result.p99}`;
    expect(result.p99).toBeLessThanOrEqual(4);
  });
});
