import { describe, it, expect } from 'vitest';
import { boxArea, boxAreas, iou, iouMatrix } from '../../src/postprocess';
import { errorCode, loadFixture, type IouFixture } from './fixtures';

const fixture = loadFixture<IouFixture>('iou.json');

// torchvision.ops.box_iou gives NaN (stored as null) when the union is 0 (two empty
// boxes); we define that IoU as 0, so null is expected as 0.
describe('iouMatrix vs torchvision.ops.box_iou', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const m = iouMatrix(c.a, c.b);
      expect(m).toBeInstanceOf(Float32Array);
      expect(m.length).toBe(c.expected.length);
      const nb = c.b.length / 4;
      c.expected.forEach((want, k) => {
        expect(Math.abs(m[k] - (want ?? 0))).toBeLessThan(1e-6);
        // the scalar iou agrees with the matrix, both ways round
        const i = Math.floor(k / nb);
        const j = k % nb;
        expect(Math.abs(iou(c.a, i, c.b, j) - (want ?? 0))).toBeLessThan(1e-6);
        expect(iou(c.b, j, c.a, i)).toBe(iou(c.a, i, c.b, j));
      });
    });
  }
});

describe('iou and areas', () => {
  it('known values', () => {
    expect(iou([0, 0, 10, 10], 0, [5, 0, 15, 10], 0)).toBeCloseTo(1 / 3, 12);
    expect(iou([0, 0, 10, 10], 0, [10, 0, 20, 10], 0)).toBe(0); // touching
    expect(iou([0, 0, 10, 10], 0, [0, 0, 10, 10], 0)).toBe(1);
    expect(iou([3, 3, 3, 3], 0, [3, 3, 3, 3], 0)).toBe(0); // union 0
    const flat = [0, 0, 1, 1, 0, 0, 2, 2];
    expect(iou(flat, 0, flat, 1)).toBe(0.25);
  });

  it('areas have no +1', () => {
    expect(boxArea([0, 0, 10, 5])).toBe(50);
    expect(boxArea([0, 0, 1, 1, 0, 0, 4, 4], 1)).toBe(16);
    expect(Array.from(boxAreas([0, 0, 10, 5, 2, 2, 2, 9]))).toEqual([50, 0]);
  });

  it('rejects arrays that are not N×4', () => {
    expect(errorCode(() => iouMatrix([0, 0, 1], [0, 0, 1, 1]))).toBe('INVALID_INPUT');
    expect(errorCode(() => boxAreas([0, 0, 1, 1, 1]))).toBe('INVALID_INPUT');
  });
});
