/**
 * The guided filter and box mean against OpenCV (`cv2.ximgproc.guidedFilter`,
 * `cv2.boxFilter` with BORDER_REFLECT) on fixtures made by scripts/make_guided_filter_fixture.py;
 * temporal smoothing's behaviour at sure and unsure pixels.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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

describe('matte upsampling equals OpenCV INTER_LINEAR', () => {
  it.each(fixture.resize.map((c) => [`${c.width}×${c.height} → ${c.outWidth}×${c.outHeight}`, c] as const))('%s', (_, c) => {
    const out = resizePlane(Float32Array.from(c.input), c.width, c.height, c.outWidth, c.outHeight);
    expect(maxDiff(out, c.output)).toBeLessThan(1e-5);
  });
});

describe('temporal smoothing (MediaPipe segmentation smoothing)', () => {
  it('keeps sure pixels, leans on the previous frame where unsure', () => {
    expect(uncertainty(0.5)).toBeCloseTo(1, 9);
    expect(uncertainty(0)).toBe(0);
    expect(uncertainty(1)).toBe(0);
    expect(uncertainty(0.9)).toBeGreaterThan(uncertainty(0.99));
    const out = smoothWithPrevious(new Float32Array([1, 0, 0.5, 0.6]), new Float32Array([0, 1, 1, 0]), 0.7);
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(0.5 + 0.5 * 0.7, 6);
    expect(out[3]).toBeLessThan(0.6);
    expect(out[3]).toBeGreaterThan(0.6 - 0.6 * 0.7);
    expect(() => smoothWithPrevious(new Float32Array(2), new Float32Array(2), 1.5)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
