import { describe, expect, it } from 'vitest';
import { decodeGfl } from '../../src/postprocess/detection/nanodet';

/** One 4×3 level at stride 8 with 2 classes and regMax 3 (4 bins); one hot cell. */
function level(cell: number, score: number, bins: number[][]) {
  const gridWidth = 4;
  const gridHeight = 3;
  const scores = new Float32Array(gridWidth * gridHeight * 2);
  scores[cell * 2 + 1] = score;
  const regression = new Float32Array(gridWidth * gridHeight * 4 * 4).fill(0);
  bins.forEach((logits, side) => logits.forEach((v, b) => (regression[(cell * 4 + side) * 4 + b] = v)));
  return { scores, regression, stride: 8, gridWidth, gridHeight };
}

describe('decodeGfl (NanoDet distribution focal head)', () => {
  it('measures each side as the softmax expectation over bins times the stride, from the cell centre', () => {
    // cell 6 = column 2, row 1 → centre (2.5 × 8, 1.5 × 8) = (20, 12)
    const big = 30; // near one-hot logits
    const oneHot = (k: number) => [0, 1, 2, 3].map((b) => (b === k ? big : 0));
    const out = decodeGfl([level(6, 0.9, [oneHot(1), oneHot(0), oneHot(3), [0, 0, 0, 0]])], { numClasses: 2, regMax: 3, threshold: 0.5 });
    expect(out.classIds).toEqual(Int32Array.from([1]));
    expect(out.scores[0]).toBeCloseTo(0.9, 6);
    // left 1 bin, top 0, right 3, bottom uniform → expectation 1.5
    expect(Array.from(out.boxes)).toEqual([20 - 8, 12 - 0, 20 + 24, 12 + 1.5 * 8].map((v) => expect.closeTo(v, 4)));
  });

  it('uses cell corners with centerOffset 0 (NanoDet-Plus)', () => {
    const zero = [0, 0, 0, 0];
    const out = decodeGfl([level(6, 0.9, [zero, zero, zero, zero])], { numClasses: 2, regMax: 3, threshold: 0.5, centerOffset: 0 });
    expect(Array.from(out.boxes)).toEqual([16 - 12, 8 - 12, 16 + 12, 8 + 12]);
  });

  it('keeps nothing below the threshold, drops NaN scores, and rejects mismatched sizes', () => {
    expect(decodeGfl([level(0, 0.2, [])], { numClasses: 2, regMax: 3, threshold: 0.5 }).scores).toHaveLength(0);
    expect(decodeGfl([level(0, Number.NaN, [])], { numClasses: 2, regMax: 3, threshold: 0.1 }).scores).toHaveLength(0);
    const mixed = level(0, Number.NaN, []);
    mixed.scores[0] = 0.6; // class 0 fine, class 1 NaN → class 0 wins
    expect(Array.from(decodeGfl([mixed], { numClasses: 2, regMax: 3, threshold: 0.1 }).classIds)).toEqual([0]);
    expect(() => decodeGfl([level(0, 0.9, [])], { numClasses: 3, regMax: 3, threshold: 0.5 })).toThrow(/needs 36 and 192/);
  });

  it('a tie goes to the first class, as torch.max (it went to the last)', () => {
    const tied = level(5, 0.6, []);
    tied.scores[5 * 2] = 0.6;
    expect(Array.from(decodeGfl([tied], { numClasses: 2, regMax: 3, threshold: 0.5 }).classIds)).toEqual([0]);
  });

  it('levels that are no array, and strides or grids that are no positive integers, are INVALID_INPUT (a TypeError; a stride of 0 gave a zero-size box at full score)', () => {
    const refused = (levels: unknown, message: string) =>
      expect(() => decodeGfl(levels as never, { numClasses: 2, regMax: 3, threshold: 0.5 })).toThrow(expect.objectContaining({ name: 'VisionError', code: 'INVALID_INPUT', message }));
    refused(null, 'decodeGfl: levels must be an array of { stride, gridWidth, gridHeight, scores, regression }; got null');
    refused([{ ...level(0, 0.9, []), stride: 0 }], 'decodeGfl: levels[0].stride is 0; it must be a positive integer');
    refused([level(0, 0.9, []), { ...level(0, 0.9, []), gridWidth: -1 }], 'decodeGfl: levels[1].gridWidth is -1; it must be a positive integer');
    refused([null], 'decodeGfl: levels[0].stride is undefined; it must be a positive integer');
  });
});
