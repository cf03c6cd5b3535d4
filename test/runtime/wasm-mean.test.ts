// The wasm backend's middle-axes Mean against tfjs-wasm's own kernel (deep-imported and set up on
// the same backend): bit-identical for NHWC spatial means with and without keepDims, channel
// counts with a scalar tail, one axis or several, negative axes, values of mixed magnitudes
// (where another summation order would round differently) and NaN / ±Infinity; innermost and
// split axes and int32 inputs still go to tfjs' kernel (same values).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
// a deep import of the kernel the SDK replaces
import { castConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Cast.js';
import { meanConfig as tfjsMean } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Mean.js';
import { transposeConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Transpose.js';
import { describe, expect, it } from 'vitest';
import { onBackendForFile } from '../helpers/file-backend';

onBackendForFile('wasm', () => {
  // the deep-imported module graph's own transpose and cast, which its Mean calls
  for (const config of [tfjsMean, transposeConfig, castConfig]) config.setupFunc?.(tf.backend());
});

/** Seeded values spanning magnitudes 1e-3 … 1e5 (order-sensitive sums), with specials where asked. */
function values(n: number, seed: number, specials = false): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    if (specials && i % 97 === 5) return [Number.NaN, Infinity, -Infinity][s % 3];
    return (s / 2 ** 32 - 0.5) * 10 ** ((s >>> 8) % 9 - 3);
  });
}

function both(x: tf.Tensor, axis: number | number[], keepDims: boolean): { ours: tf.Tensor; theirs: tf.Tensor } {
  const ours = tf.engine().runKernel('Mean', { x }, { axis, keepDims }) as unknown as tf.Tensor;
  const theirs = tf.engine().makeTensorFromTensorInfo(tfjsMean.kernelFunc({ inputs: { x } as unknown as tf.NamedTensorInfoMap, backend: tf.backend(), attrs: { axis, keepDims } }) as tf.TensorInfo);
  return { ours, theirs };
}

function expectSame(x: tf.Tensor, axis: number | number[], keepDims: boolean): void {
  const { ours, theirs } = both(x, axis, keepDims);
  expect(ours.shape).toEqual(theirs.shape);
  const a = Array.from(ours.dataSync());
  const b = Array.from(theirs.dataSync());
  expect(a.map((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i])))).not.toContain(false);
  tf.dispose([ours, theirs]);
}

describe('middle-axes Mean on wasm', () => {
  it('is installed in place of tfjs-wasm’s own kernel', () => {
    expect(tf.getKernel('Mean', 'wasm')!.kernelFunc).not.toBe(tfjsMean.kernelFunc);
  });

  for (const [shape, axis, specials] of [
    [[2, 7, 9, 16], [1, 2], false],
    [[1, 40, 40, 5], [1, 2], true],
    [[3, 5, 6], 1, false],
    [[4, 5, 3], [0, 1], true],
    [[2, 6, 4, 7, 3], [-4, -3, -2], false],
    [[1, 128, 128, 8], [1, 2], false],
    [[1, 32, 24, 8], [2, 1], false], // axes out of order: tfjs sums column by column (its kernel runs)
  ] as [number[], number | number[], boolean][]) {
    it(`equals tfjs' kernel bit for bit: ${shape.join('×')} over ${JSON.stringify(axis)}${specials ? ' with NaN / ±Infinity' : ''}`, () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor(values(shape.reduce((a, b) => a * b, 1), shape.length, specials), shape);
      for (const keepDims of [false, true]) expectSame(x, axis, keepDims);
      x.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('leaves innermost and split axes and int32 to tfjs’ kernel (same values)', () => {
    const x = tf.tensor(values(3 * 4 * 5, 9), [3, 4, 5]);
    const ints = tf.tensor(Int32Array.from({ length: 24 }, (_, i) => i * 7 - 50), [2, 3, 4], 'int32');
    for (const [t, axis] of [[x, 2], [x, [1, 2]], [x, [0, 2]], [ints, [1]]] as [tf.Tensor, number | number[]][]) expectSame(t, axis, false);
    const means = tf.mean(ints, 1);
    expect(Array.from(means.dataSync())).toEqual([-22, -15, -8, -1, 62, 69, 76, 83]);
    means.dispose();
    tf.dispose([x, ints]);
  });
});
