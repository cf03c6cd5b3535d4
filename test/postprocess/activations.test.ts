import { describe, it, expect } from 'vitest';
import { softmax, sigmoid, topK } from '../../src/postprocess';
import { errorCode, loadFixture, type ActivationsFixture } from './fixtures';

// References: torch.softmax, torch.sigmoid, torch.topk (float64), see scripts/make_fixtures.py.
const fx = loadFixture<ActivationsFixture>('activations.json');

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-6): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(tol);
}

describe('softmax', () => {
  it('row-wise matches torch.softmax(dim=1), including a row with a huge logit', () => {
    expectClose(softmax(fx.softmax.logits, fx.softmax.axisLength), fx.softmax.expected);
  });

  it('whole array matches torch.softmax(dim=0)', () => {
    const p = softmax(new Float32Array(fx.softmax1d.logits));
    expect(p).toBeInstanceOf(Float32Array);
    expectClose(p, fx.softmax1d.expected);
  });

  it('is stable for large logits and each row sums to 1', () => {
    const p = softmax([1000, 1000, -1000, 0, 0, 0], 3);
    expectClose(p, [0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3]);
    expect(softmax([]).length).toBe(0);
  });

  it('rejects an axisLength that does not divide the length', () => {
    expect(errorCode(() => softmax([1, 2, 3], 2))).toBe('INVALID_OPTION');
    expect(errorCode(() => softmax([1, 2, 3], 0))).toBe('INVALID_OPTION');
    expect(() => softmax([1, 2, 3], 2)).toThrow(/divides logits.length/);
  });
});

describe('sigmoid', () => {
  it('matches torch.sigmoid, without overflow at ±100', () => {
    const y = sigmoid(fx.sigmoid.x);
    expect(y).toBeInstanceOf(Float32Array);
    expectClose(y, fx.sigmoid.expected);
    expect(Array.from(y).every(Number.isFinite)).toBe(true);
  });

  it('scalar in, scalar out', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
  });
});

describe('topK', () => {
  it('matches torch.topk on distinct values', () => {
    const r = topK(fx.topk.scores, fx.topk.k);
    expect(r.indices).toEqual(fx.topk.indices);
    expect(r.values).toEqual(fx.topk.values);
  });

  it('breaks ties by lower index (reference: a stable sort in python)', () => {
    const r = topK(new Float32Array(fx.topkTies.scores), fx.topkTies.k);
    expect(r.indices).toEqual(fx.topkTies.indices);
    expect(r.values).toEqual(fx.topkTies.values);
  });

  it('handles k = 0, k > n, NaN and bad k', () => {
    expect(topK([1, 2], 0)).toEqual({ indices: [], values: [] });
    expect(topK([0.1, NaN, 0.7, 0.7], 10)).toEqual({ indices: [2, 3, 0], values: [0.7, 0.7, 0.1] });
    expect(topK([3, 1, 2], Infinity).indices).toEqual([0, 2, 1]);
    expect(errorCode(() => topK([1], -1))).toBe('INVALID_OPTION');
    expect(errorCode(() => topK([1], 1.5))).toBe('INVALID_OPTION');
  });
});
