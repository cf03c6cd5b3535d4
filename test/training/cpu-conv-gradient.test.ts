// The cpu backend's faster convolution filter gradient against tfjs' own kernel (imported from
// tfjs-backend-cpu, whatever is registered now): bit-identical for strides, paddings, rounding
// modes and shapes, NaN carried the same way; channels-first still goes to tfjs' kernel; and
// gradients through tf.conv2d use it once fit() has run.
import * as tf from '@tensorflow/tfjs';
// a deep import of the kernel the SDK replaces
import { conv2DBackpropFilter as tfjsConv2DBackpropFilter } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Conv2DBackpropFilter.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFastCpuConvGradient } from '../../src/training/cpu-conv-gradient';
import { buildSmallCnn, fit } from '../../src/training/index';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const CASES: Case[] = [
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [3, 9, 8, 2], filter: [3, 2, 2, 5], strides: [2, 1], pad: 'same' },
  { x: [1, 8, 8, 4], filter: [2, 2, 4, 3], strides: 2, pad: 'valid' },
  { x: [2, 10, 7, 1], filter: [5, 3, 1, 2], strides: [3, 2], pad: 'valid' },
  { x: [2, 6, 6, 3], filter: [3, 3, 3, 2], strides: 2, pad: 1, dimRoundingMode: 'ceil' },
  { x: [1, 5, 7, 2], filter: [3, 3, 2, 3], strides: 1, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
];

let previous = '';
beforeAll(async () => {
  previous = tf.getBackend();
  await tf.setBackend('cpu');
  useFastCpuConvGradient();
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

/** The filter gradient through the registered kernel and through tfjs' own, as Float32Arrays. */
function bothGradients(c: Case, x: tf.Tensor4D, dy: tf.Tensor4D, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): [Float32Array, Float32Array] {
  const attrs = { strides: c.strides, pad: c.pad, dataFormat, dimRoundingMode: c.dimRoundingMode, filterShape: c.filter };
  const ours = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
  const backend = tf.backend() as unknown as { readSync(id: object): Float32Array; disposeData(id: object): void };
  const info = tfjsConv2DBackpropFilter({ inputs: { x, dy }, backend: backend as never, attrs: attrs as never });
  const theirs = backend.readSync(info.dataId);
  backend.disposeData(info.dataId);
  const result: [Float32Array, Float32Array] = [ours.dataSync() as Float32Array, Float32Array.from(theirs)];
  ours.dispose();
  return result;
}

describe('the cpu backend\'s convolution filter gradient', () => {
  it.each(CASES)('equals tfjs\' own kernel bit for bit: x $x, filter $filter, strides $strides, pad $pad', (c) => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
    const outShape = tf.tidy(() => tf.conv2d(x, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad, 'NHWC', 1, c.dimRoundingMode).shape);
    const dy = tf.randomNormal(outShape, 0, 1, 'float32', 2) as tf.Tensor4D;
    const [ours, theirs] = bothGradients(c, x, dy);
    expect(ours.length).toBe(c.filter.reduce((a, b) => a * b, 1));
    expect(ours).toEqual(theirs);
    tf.dispose([x, dy]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('carries NaN and Infinity of the output gradient as tfjs does', () => {
    const c = CASES[0];
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 3) as tf.Tensor4D;
    const values = tf.randomNormal([2, 7, 6, 4], 0, 1, 'float32', 4).dataSync() as Float32Array;
    values[5] = Number.NaN;
    values[40] = Number.POSITIVE_INFINITY;
    const dy = tf.tensor4d(values, [2, 7, 6, 4]);
    const [ours, theirs] = bothGradients(c, x, dy);
    expect(ours.some(Number.isNaN)).toBe(true);
    expect(ours).toEqual(theirs);
    tf.dispose([x, dy]);
  });

  it('leaves channels-first convolutions to tfjs\' kernel', () => {
    const c: Case = { x: [2, 3, 6, 5], filter: [3, 3, 3, 2], strides: 1, pad: 'same' };
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 5) as tf.Tensor4D;
    const dy = tf.randomNormal([2, 2, 6, 5], 0, 1, 'float32', 6) as tf.Tensor4D;
    const [ours, theirs] = bothGradients(c, x, dy, 'NCHW');
    expect(ours).toEqual(theirs);
    tf.dispose([x, dy]);
  });

  it('is what a conv layer trained by fit() on cpu gets: the kernel gradient equals the loop over x and dy', async () => {
    const model = buildSmallCnn({ inputShape: [8, 8, 1], numClasses: 2, filters: [4, 4], dense: 4, seed: 1 });
    const data = { x: tf.randomUniform([8, 8, 8, 1], 0, 1, 'float32', 7) as tf.Tensor4D, labels: Int32Array.from({ length: 8 }, (_, i) => i % 2) };
    const result = await fit(model, data, { epochs: 2, batchSize: 4, optimizer: 'adam', seed: 1 });
    expect(result.history).toHaveLength(2);
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc).not.toBe(tfjsConv2DBackpropFilter);
    const kernel = tf.randomNormal([3, 3, 1, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
    const x = data.x;
    const dW = tf.grad((k: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, k as tf.Tensor4D, 1, 'same'), tf.range(0, 8 * 8 * 8 * 2).reshape([8, 8, 8, 2]).div(100))))(kernel);
    // the same sum written out: dW[r, c, 0, o] = Σ x[b, i + r − 1, j + c − 1] · dy[b, i, j, o], dy[b, i, j, o] = (flat index) / 100
    const xs = x.dataSync();
    const expected = new Float32Array(18);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let o = 0; o < 2; o++) {
      let sum = 0;
      for (let b = 0; b < 8; b++) for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) {
        const [xi, xj] = [i + r - 1, j + c - 1];
        if (xi >= 0 && xi < 8 && xj >= 0 && xj < 8) sum += xs[(b * 8 + xi) * 8 + xj] * ((((b * 8 + i) * 8 + j) * 2 + o) / 100);
      }
      expected[(r * 3 + c) * 2 + o] = sum;
    }
    const got = dW.dataSync();
    for (let i = 0; i < 18; i++) expect(got[i]).toBeCloseTo(expected[i], 3);
    tf.dispose([kernel, dW, data.x]);
    model.dispose();
  });
});
