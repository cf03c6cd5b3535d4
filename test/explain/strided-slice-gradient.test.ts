/**
 * The StridedSlice gradient tfjs lacks (graph models exported from TensorFlow slice with it):
 * checked against the slice itself — the gradient of Σ w · slice(x) puts each w where the slice
 * read it (found by slicing a tensor of indices) and zero elsewhere. (tfjs 4.22's own cpu slice
 * fails for a shrunk axis with a stride ≠ 1 and for a shrunk axis with a new axis, so those have
 * no reference here.)
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradientOf } from '../../src/explain/differentiate';
import { useStridedSliceGradient } from '../../src/explain/strided-slice-gradient';

let previousBackend = '';
beforeAll(async () => {
  previousBackend = tf.getBackend();
  await tf.setBackend('cpu');
  useStridedSliceGradient();
});
afterAll(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
});

type Slice = [begin: number[], end: number[], strides: number[], beginMask?: number, endMask?: number, ellipsisMask?: number, newAxisMask?: number, shrinkAxisMask?: number];

const SHAPE = [3, 7, 8];
const CASES: Array<[string, Slice]> = [
  ['a plain box', [[0, 1, 2], [2, 5, 7], [1, 1, 1]]],
  ['strides 2 and 3 (end not on a stride)', [[0, 1, 0], [3, 7, 8], [2, 3, 2]]],
  ['negative strides (reversed reads)', [[2, 6, 7], [0, 0, 1], [-1, -2, -3]]],
  ['negative indices and begin/end masks', [[-2, 0, -5], [0, -1, 0], [1, 1, 1], 0b001, 0b101]],
  ['a shrunk axis (x[1, :, 2:6])', [[1, 0, 2], [2, 0, 6], [1, 1, 1], 0b010, 0b010, 0, 0, 0b001]],
  ['a new axis (x[:, None, 3:, ::4])', [[0, 0, 3, 0], [0, 0, 0, 0], [1, 1, 1, 4], 0b1101, 0b1101, 0, 0b0010]],
  ['an ellipsis (x[..., 1::3])', [[0, 1], [0, 0], [1, 3], 0, 0b10, 0b01]],
  ['an empty slice', [[0, 4, 0], [3, 4, 8], [1, 1, 1]]],
];

describe('StridedSlice gradient', () => {
  it.each(CASES)('%s: the gradient is the weights scattered where the slice read', (_, [begin, end, strides, beginMask = 0, endMask = 0, ellipsisMask = 0, newAxisMask = 0, shrinkAxisMask = 0]) => {
    const slice = (t: tf.Tensor) => tf.stridedSlice(t, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask);
    const size = SHAPE.reduce((a, b) => a * b, 1);
    const x = tf.randomNormal(SHAPE, 0, 1, 'float32', 1);
    const indices = tf.tensor(Float32Array.from({ length: size }, (_, i) => i), SHAPE);
    const read = slice(indices);
    const weights = tf.randomNormal(read.shape, 0, 1, 'float32', 2);
    const expected = new Float32Array(size);
    const at = read.dataSync();
    const w = weights.dataSync();
    at.forEach((index, k) => {
      expected[index] += w[k];
    });
    const before = tf.memory().numTensors;
    const gradient = gradientOf((t) => tf.sum(tf.mul(slice(t), weights)), x, 'n/a');
    expect(gradient.shape).toEqual(SHAPE);
    expect(Array.from(gradient.dataSync())).toEqual(Array.from(expected));
    gradient.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, indices, read, weights]);
  });

  it('an op tfjs cannot differentiate is INVALID_OPTION naming it, and the tensors tfjs kept for the backward pass are freed', () => {
    const x = tf.randomNormal([4, 4], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    // a kernel with no registered gradient, between x and the score
    expect(() => gradientOf((t) => tf.sum(tf.mul(tf.cumprod(tf.mul(t, 2)), t)), x, "use method 'occlusion'")).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: "the model runs Cumprod, which tfjs cannot differentiate; use method 'occlusion'" }),
    );
    expect(tf.memory().numTensors).toBe(before);
    // tfjs still differentiates afterwards
    const gradient = gradientOf((t) => tf.sum(tf.square(t)), x, 'n/a');
    expect(Array.from(gradient.dataSync())).toEqual(Array.from(x.dataSync(), (v) => 2 * v));
    tf.dispose([x, gradient]);
  });
});
