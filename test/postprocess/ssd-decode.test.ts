import { describe, expect, it } from 'vitest';
import { type MediapipeSsdDecodeOptions, decodeMediapipeSsd } from '../../src/postprocess/detection/mediapipe-ssd';

const BASE: MediapipeSsdDecodeOptions = { inputWidth: 128, inputHeight: 128, xScale: 128, yScale: 128, wScale: 128, hScale: 128 };
const sig = (x: number): number => 1 / (1 + Math.exp(-x));
const close = (actual: ArrayLike<number>, expected: number[], digits = 4): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i], `[${i}]`).toBeCloseTo(v, digits));
};

describe('decodeMediapipeSsd (MediaPipe TensorsToDetections)', () => {
  // anchor 0: centre of the image, unit size (fixed_anchor_size); anchor 1: a small anchor
  const anchors = [0.5, 0.5, 1, 1, 0.25, 0.75, 0.5, 0.25];

  it('decodes x, y, w, h offsets (reverse order) and keypoints into input pixels', () => {
    // anchor 0: cx = 12.8/128 + 0.5 = 0.6, cy = -6.4/128 + 0.5 = 0.45, w = 0.2, h = 0.1
    // keypoint: (0.5 + 25.6/128, 0.5 - 12.8/128) = (0.7, 0.4)
    const raw = [12.8, -6.4, 25.6, 12.8, 25.6, -12.8, /* anchor 1 */ 0, 0, 64, 64, 0, 0];
    const c = decodeMediapipeSsd(raw, [2, 0], anchors, { ...BASE, numKeypoints: 1, reverseOutputOrder: true, sigmoidScore: true });
    close(c.boxes.subarray(0, 4), [0.5 * 128, 0.4 * 128, 0.7 * 128, 0.5 * 128]);
    close(c.keypoints.subarray(0, 2), [0.7 * 128, 0.4 * 128]);
    // anchor 1 (w 0.5, h 0.25): size 64/128 · 0.5 = 0.25 wide, 0.125 high, centred on the anchor
    close(c.boxes.subarray(4, 8), [(0.25 - 0.125) * 128, (0.75 - 0.0625) * 128, (0.25 + 0.125) * 128, (0.75 + 0.0625) * 128]);
    close(c.keypoints.subarray(2, 4), [0.25 * 128, 0.75 * 128]);
    close(c.scores, [sig(2), sig(0)], 6);
    expect(Array.from(c.classIds)).toEqual([0, 0]);
    expect(Array.from(c.anchorIndices)).toEqual([0, 1]);
    expect(c.numKeypoints).toBe(1);
  });

  it('default order is y, x, h, w (MediaPipe reverse_output_order false)', () => {
    const yx = decodeMediapipeSsd([-6.4, 12.8, 12.8, 25.6], [1], [0.5, 0.5, 1, 1], BASE);
    const xy = decodeMediapipeSsd([12.8, -6.4, 25.6, 12.8], [1], [0.5, 0.5, 1, 1], { ...BASE, reverseOutputOrder: true });
    close(yx.boxes, Array.from(xy.boxes));
    expect(yx.scores[0]).toBe(1); // no sigmoid by default
  });

  it('exp box sizes, per-axis scales and a non-square input', () => {
    const c = decodeMediapipeSsd([0, 0, Math.log(2) * 10, 0], [1], [0.5, 0.5, 0.25, 0.5], {
      ...BASE, inputWidth: 200, inputHeight: 100, wScale: 10, hScale: 10, applyExponentialOnBoxSize: true, reverseOutputOrder: true,
    });
    // w = e^(ln 2) · 0.25 = 0.5, h = e^0 · 0.5 = 0.5
    close(c.boxes, [0.25 * 200, 0.25 * 100, 0.75 * 200, 0.75 * 100]);
  });

  it('clips raw scores before the sigmoid and keeps scores >= minScoreThresh', () => {
    const raw = new Array(8).fill(0);
    const clipped = decodeMediapipeSsd(raw, [1000, -1000], anchors, { ...BASE, sigmoidScore: true, scoreClippingThresh: 3 });
    close(clipped.scores, [sig(3), sig(-3)], 6);
    const filtered = decodeMediapipeSsd(raw, [0, -1], anchors, { ...BASE, sigmoidScore: true, minScoreThresh: 0.5 });
    expect(Array.from(filtered.anchorIndices)).toEqual([0]); // sigmoid(0) = 0.5 is kept
    expect(filtered.scores[0]).toBe(0.5);
    // NaN, or a threshold no sigmoid score reaches, dropped every candidate without a word
    for (const minScoreThresh of [Number.NaN, 2]) {
      expect(() => decodeMediapipeSsd(raw, [0, -1], anchors, { ...BASE, sigmoidScore: true, minScoreThresh })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    expect(() => decodeMediapipeSsd(raw, [0, -1], anchors, { ...BASE, scoreClippingThresh: Number.NaN })).toThrow(/scoreClippingThresh must be a finite number or left out; got NaN/);
  });

  it('takes the best class of multi-class scores', () => {
    const c = decodeMediapipeSsd(new Array(8).fill(0), [0.1, 0.7, 0.2, 0.9, 0.3, 0.4], anchors, BASE);
    expect(Array.from(c.classIds)).toEqual([1, 0]);
    close(c.scores, [0.7, 0.9], 6);
  });

  it('accepts outputs split into chunks (tfjs BlazeFace: per-stride tensors) like one array', () => {
    const raw = [1, 2, 3, 4, 5, 6, 7, 8];
    const whole = decodeMediapipeSsd(raw, [0.5, 0.6], anchors, BASE);
    const parts = decodeMediapipeSsd([new Float32Array(raw.slice(0, 4)), new Float32Array(raw.slice(4))], [[0.5], [0.6]], anchors, BASE);
    expect(parts).toEqual(whole);
  });

  it('honours box and keypoint offsets and extra values per keypoint', () => {
    // row: [pad, x, y, w, h, kx, ky, kz]
    const c = decodeMediapipeSsd([9, 0, 0, 128, 128, 64, 0, 99], [1], [0.5, 0.5, 1, 1], {
      ...BASE, boxCoordOffset: 1, numKeypoints: 1, numValuesPerKeypoint: 3, reverseOutputOrder: true,
    });
    close(c.boxes, [0, 0, 128, 128]);
    close(c.keypoints, [128, 64]);
  });

  it('rejects mismatched lengths (INVALID_INPUT) and bad options (INVALID_OPTION)', () => {
    const code = (code: string) => expect.objectContaining({ code });
    expect(() => decodeMediapipeSsd([1, 2, 3], [1], anchors, BASE)).toThrow(code('INVALID_INPUT'));
    expect(() => decodeMediapipeSsd(new Array(8).fill(0), [1], anchors, BASE)).toThrow(code('INVALID_INPUT'));
    expect(() => decodeMediapipeSsd(new Array(8).fill(0), [1, 1], [0, 0, 1], BASE)).toThrow(code('INVALID_INPUT'));
    expect(() => decodeMediapipeSsd(new Array(8).fill(0), [1, 1], anchors, { ...BASE, numKeypoints: 1 })).toThrow(code('INVALID_INPUT'));
    expect(() => decodeMediapipeSsd(new Array(8).fill(0), [1, 1], anchors, { ...BASE, xScale: 0 })).toThrow(code('INVALID_OPTION'));
    expect(() => decodeMediapipeSsd(new Array(8).fill(0), [1, 1], anchors, { ...BASE, numKeypoints: -1 })).toThrow(code('INVALID_OPTION'));
  });
});
