import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matMulTransposed, trainableConv } from '../../src/training/detector/trainable-conv';

let previousBackend = '';
beforeAll(async () => {
  previousBackend = tf.getBackend();
});
afterAll(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
});

/** Max |a − b| over paired tensors. */
function maxDiff(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  return Math.max(...a.map((t, i) => tf.tidy(() => tf.abs(tf.sub(t, b[i])).max().dataSync()[0])));
}

describe('detector ops: gradients computed with forward kernels only', () => {
  it.each([
    ['same', 3, 8],
    ['same', 1, 8],
    ['down', 2, 4],
  ] as const)('trainableConv %s, kernel %i, output side %i: matches tf.conv2d and its autograd (cpu reference) on wasm', async (kind, k, outSide) => {
    await tf.setBackend('cpu');
    const inputs = [tf.randomNormal([3, 8, 8, 5], 0, 1, 'float32', 1), tf.randomNormal([k, k, 5, 7], 0, 1, 'float32', 2), tf.randomNormal([7], 0, 1, 'float32', 3)];
    const weight = tf.randomNormal([3, outSide, outSide, 7], 0, 1, 'float32', 4);
    const stride = kind === 'down' ? 2 : 1;
    const reference = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, kind === 'down' ? 'valid' : 'same'), b).mul(weight).sum())(inputs);
    const expected = tf.add(tf.conv2d(inputs[0] as tf.Tensor4D, inputs[1] as tf.Tensor4D, stride, kind === 'down' ? 'valid' : 'same'), inputs[2]);
    await tf.setBackend('wasm');
    const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => trainableConv(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, kind);
    const got = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => f(x, w, b).mul(weight).sum())(inputs);
    expect(maxDiff([f(inputs[0], inputs[1], inputs[2])], [expected])).toBeLessThan(1e-4);
    expect(maxDiff(got, reference)).toBeLessThan(1e-4);
    tf.dispose([...inputs, weight, ...reference, expected, ...got]);
  });

  it('matMulTransposed matches tf.matMul(a, b, false, true) and its gradients', async () => {
    await tf.setBackend('wasm');
    const a = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 5);
    const b = tf.randomNormal([2, 6, 3], 0, 1, 'float32', 6);
    const weight = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 7);
    const reference = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, false, true).mul(weight).sum())([a, b]);
    const got = tf.grads((x: tf.Tensor, y: tf.Tensor) => matMulTransposed(x as tf.Tensor3D, y as tf.Tensor3D).mul(weight).sum())([a, b]);
    expect(maxDiff([matMulTransposed(a as tf.Tensor3D, b as tf.Tensor3D)], [tf.matMul(a, b, false, true)])).toBeLessThan(1e-5);
    expect(maxDiff(got, reference)).toBeLessThan(1e-5);
  });
});
