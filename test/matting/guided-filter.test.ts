/**
 * The guided filter and box mean against OpenCV (`cv2.ximgproc.guidedFilter`,
 * `cv2.boxFilter` with BORDER_REFLECT) on fixtures made by scripts/make_guided_filter_fixture.py;
 * the fast guided filter against an independent numpy implementation of He & Sun's
 * Algorithm 2 on real photos (scripts/make_fast_guided_filter_fixture.py), and how far it
 * strays from the full filter; temporal smoothing's behaviour at sure and unsure pixels.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { smoothSegmentation } from '@tensorflow-models/pose-detection/dist/shared/calculators/segmentation_smoothing';
import { describe, expect, it } from 'vitest';
import { FastGuidedFilterWorkspace, fastGuidedFilter, fastGuidedFilterInto, subsampleGuide } from '../../src/postprocess/masks/fast-guided-filter';
import { boxMean, guidedFilter } from '../../src/postprocess/masks/guided-filter';
import { smoothWithPrevious, uncertainty } from '../../src/postprocess/masks/temporal-smoothing';
import { resizePlane } from '../../src/postprocess/masks/upsample';

interface Case {
  width: number;
  height: number;
  radius: number;
  epsilon: number;
  guide: number[];
  input: number[];
  boxMean: number[];
  output: number[];
}

interface ResizeCase {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  input: number[];
  output: number[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/masks/guided-filter.json', import.meta.url), 'utf8')) as { cases: Case[]; resize: ResizeCase[] };

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

describe('guided filter (He et al.) equals OpenCV', () => {
  it.each(fixture.cases.map((c) => [`${c.width}×${c.height} r=${c.radius} ε=${c.epsilon}`, c] as const))('%s', (_, c) => {
    const guide = Float32Array.from(c.guide);
    const input = Float32Array.from(c.input);
    expect(maxDiff(boxMean(input, c.width, c.height, c.radius), c.boxMean)).toBeLessThan(1e-6);
    const out = guidedFilter(guide, input, c.width, c.height, { radius: c.radius, epsilon: c.epsilon });
    expect(out.length).toBe(c.width * c.height);
    expect(maxDiff(out, c.output)).toBeLessThan(2e-5);
  });

  it('bad settings and sizes are refused', () => {
    const plane = new Float32Array(4);
    expect(() => guidedFilter(plane, plane, 2, 2, { radius: 0, epsilon: 1e-3 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => guidedFilter(plane, plane, 2, 2, { radius: 1, epsilon: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => guidedFilter(plane, new Float32Array(3), 2, 2, { radius: 1, epsilon: 1e-3 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(Array.from(guidedFilter(new Float32Array([0.5]), new Float32Array([0.25]), 1, 1, { radius: 3, epsilon: 1e-3 }))).toEqual([0.25]);
  });
});

interface FastCase {
  name: string;
  width: number;
  height: number;
  radius: number;
  epsilon: number;
  subsample: number;
  rgb: string;
  input: string;
  output: string;
}

const fast = JSON.parse(readFileSync(new URL('../fixtures/masks/fast-guided-filter.json', import.meta.url), 'utf8')) as { cases: FastCase[] };
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const floats = (b64: string): Float32Array => {
  const raw = bytes(b64);
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
};
const meanDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
};

describe('fast guided filter (He & Sun, Algorithm 2) equals an independent numpy implementation on real photos', () => {
  it.each(fast.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const rgb = bytes(c.rgb);
    const n = c.width * c.height;
    const luma = new Float32Array(n);
    for (let i = 0; i < n; i++) luma[i] = (0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2]) / 255;
    const input = Float32Array.from(bytes(c.input), (v) => v / 255);
    const expected = floats(c.output);
    const settings = { radius: c.radius, epsilon: c.epsilon };
    const planeOut = fastGuidedFilter(luma, input, c.width, c.height, { ...settings, subsample: c.subsample });
    expect(meanDiff(planeOut, expected)).toBeLessThan(1e-6);
    expect(maxDiff(planeOut, expected)).toBeLessThan(1e-4);
    // the same filter reading the RGB pixels in place (as the matting pipeline does), clamped
    const { lowWidth, lowHeight } = { lowWidth: Math.round(c.width / c.subsample), lowHeight: Math.round(c.height / c.subsample) };
    const workspace = new FastGuidedFilterWorkspace(c.width, c.height, lowWidth, lowHeight);
    const pixels = { data: rgb, width: c.width, height: c.height, channels: 3, scale: 1 / 255 };
    workspace.inputLow.set(subsampleGuide({ data: input, width: c.width, height: c.height, channels: 1, scale: 1 }, workspace));
    subsampleGuide(pixels, workspace);
    const inPlace = fastGuidedFilterInto(pixels, workspace, { lowRadius: Math.max(1, Math.round(c.radius / c.subsample)), epsilon: c.epsilon, clamp: true }, new Float32Array(n));
    const clamped = expected.map((v) => Math.min(Math.max(v, 0), 1));
    expect(meanDiff(inPlace, clamped)).toBeLessThan(1e-6);
    expect(maxDiff(inPlace, clamped)).toBeLessThan(1e-4);
    const full = guidedFilter(luma, input, c.width, c.height, settings).map((v) => Math.min(Math.max(v, 0), 1));
    console.log(`fast vs full guided filter, ${c.name}: mean ${(meanDiff(inPlace, full) * 255).toFixed(2)}/255, max ${(maxDiff(inPlace, full) * 255).toFixed(1)}/255`);
    // subsampling costs detail finer than s pixels: s = r (the astronaut case) is the coarse end
    expect(meanDiff(inPlace, full)).toBeLessThan(8 / 255);
  });

  it('subsample 1 is the plain guided filter; bad settings are refused', () => {
    const c = fixture.cases[2];
    const out = fastGuidedFilter(Float32Array.from(c.guide), Float32Array.from(c.input), c.width, c.height, { radius: c.radius, epsilon: c.epsilon, subsample: 1 });
    expect(maxDiff(out, c.output)).toBeLessThan(2e-5);
    const plane = new Float32Array(4);
    expect(() => fastGuidedFilter(plane, plane, 2, 2, { radius: 1, epsilon: 1e-3, subsample: 0.5 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => fastGuidedFilter(plane, plane, 2, 2, { radius: 0, epsilon: 1e-3, subsample: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => fastGuidedFilter(plane, new Float32Array(3), 2, 2, { radius: 1, epsilon: 1e-3, subsample: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => new FastGuidedFilterWorkspace(2, 2, 3, 1)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('matte upsampling equals OpenCV INTER_LINEAR', () => {
  it.each(fixture.resize.map((c) => [`${c.width}×${c.height} → ${c.outWidth}×${c.outHeight}`, c] as const))('%s', (_, c) => {
    const out = resizePlane(Float32Array.from(c.input), c.width, c.height, c.outWidth, c.outHeight);
    expect(maxDiff(out, c.output)).toBeLessThan(1e-5);
  });
});

describe('temporal smoothing (MediaPipe segmentation smoothing)', () => {
  it('keeps sure pixels, leans on the previous frame where unsure', () => {
    expect(uncertainty(0.5)).toBeCloseTo(1, 9);
    expect(uncertainty(0)).toBeCloseTo(0, 4); // MediaPipe's polynomial: 4.3e-5
    expect(uncertainty(1)).toBeCloseTo(0, 4);
    expect(uncertainty(0.9)).toBeGreaterThan(uncertainty(0.99));
    const out = smoothWithPrevious(new Float32Array([1, 0, 0.5, 0.6]), new Float32Array([0, 1, 1, 0]), 0.7);
    expect(out[0]).toBeCloseTo(1, 4);
    expect(out[1]).toBeCloseTo(0, 4);
    expect(out[2]).toBeCloseTo(0.5 + 0.5 * 0.7, 6);
    expect(out[3]).toBeLessThan(0.6);
    expect(out[3]).toBeGreaterThan(0.6 - 0.6 * 0.7);
    expect(() => smoothWithPrevious(new Float32Array(2), new Float32Array(2), 1.5)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    // the per-pixel uncertainty comes from a table: within 3e-4 of the exact curve, also in place
    const current = Float32Array.from({ length: 5000 }, (_, i) => (i === 0 ? 1e-6 : i === 1 ? 1 - 1e-6 : (i * 0.6180339887) % 1));
    const previous = Float32Array.from({ length: 5000 }, (_, i) => (i * 0.7548776662) % 1);
    const exact = current.map((p, i) => p + (previous[i] - p) * uncertainty(p) * 0.7);
    expect(maxDiff(smoothWithPrevious(current, previous, 0.7), exact)).toBeLessThan(3e-4 * 0.7);
    expect(maxDiff(smoothWithPrevious(current, previous, 0.7, previous), exact)).toBeLessThan(3e-4 * 0.7);
  });

  it("equals MediaPipe's blend (tfjs-models' port of SegmentationSmoothingCalculator) on the same planes", async () => {
    // our curve was 1 − (1 − H)², not MediaPipe's ≈ H²: a pixel at 0.9 kept 0.45 of the previous frame, not 0.22 (ratio 0.7: 0.448 vs 0.761 from 0)
    const current = Float32Array.from({ length: 4096 }, (_, i) => (i * 0.6180339887) % 1);
    const previous = Float32Array.from({ length: 4096 }, (_, i) => (i * 0.7548776662) % 1);
    for (const ratio of [0.7, 0.3, 1]) {
      const peer = tf.tidy(() => smoothSegmentation(tf.tensor2d(previous, [64, 64]), tf.tensor2d(current, [64, 64]), { combineWithPreviousRatio: ratio }).dataSync() as Float32Array);
      expect(maxDiff(smoothWithPrevious(current, previous, ratio), peer), `ratio ${ratio}`).toBeLessThan(1e-5);
    }
    const blended = smoothWithPrevious(Float32Array.of(0.75, 0.9), Float32Array.of(0, 0), 0.7);
    expect(blended[0]).toBeCloseTo(0.405, 3);
    expect(blended[1]).toBeCloseTo(0.761, 3);
  });
});
