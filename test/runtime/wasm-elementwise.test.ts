// The wasm backend's SIMD Equal and per-channel Add / Multiply against tfjs-wasm's own kernels
// (deep-imported and set up on the same backend): equal results for float32 (NaN, ±0, ±Infinity
// and equal values among them) and int32, one value on either side, channel counts with and
// without a scalar tail, the channel vector on either side; other broadcasts and dtypes still go
// to tfjs' kernels (same values); nothing leaks.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
// deep imports of the kernels the SDK replaces
import { addConfig as tfjsAdd } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Add.js';
import { equalConfig as tfjsEqual } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Equal.js';
import { multiplyConfig as tfjsMultiply } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Multiply.js';
import { describe, expect, it } from 'vitest';
import { onBackendForFile } from '../helpers/file-backend';

onBackendForFile('wasm', () => {
  for (const config of [tfjsAdd, tfjsEqual, tfjsMultiply]) config.setupFunc!(tf.backend());
});

const SPECIALS = [Number.NaN, Infinity, -Infinity, 0, -0, 1, 1e-42];

/** Seeded float32 values, every third one special; `pool` > 0 draws from a few values so that equal pairs occur. */
function values(n: number, seed: number, pool = 0): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    if (pool > 0) return SPECIALS[s % Math.min(pool, SPECIALS.length)];
    return i % 3 === 0 ? SPECIALS[s % SPECIALS.length] : (s / 2 ** 32 - 0.5) * 20;
  });
}

/** Outputs of the registered kernel (through the engine) and of tfjs' own, as bits (NaN as one value). */
function both(name: 'Equal' | 'Add' | 'Multiply', a: tf.Tensor, b: tf.Tensor): { ours: number[]; theirs: number[]; shape: number[]; dtype: string } {
  const bits = (t: tf.Tensor): number[] => {
    const v = t.dataSync();
    const out = v instanceof Float32Array ? Array.from(new Int32Array(Float32Array.from(v, (x) => (Number.isNaN(x) ? Number.NaN : x)).buffer)) : Array.from(v as ArrayLike<number>);
    return out;
  };
  const mine = tf.engine().runKernel(name, { a, b }) as unknown as tf.Tensor;
  const config = { Equal: tfjsEqual, Add: tfjsAdd, Multiply: tfjsMultiply }[name];
  const theirs = tf.engine().makeTensorFromTensorInfo(config.kernelFunc({ inputs: { a, b } as unknown as tf.NamedTensorInfoMap, backend: tf.backend(), attrs: {} }) as tf.TensorInfo);
  expect(mine.shape).toEqual(theirs.shape);
  expect(mine.dtype).toBe(theirs.dtype);
  const result = { ours: bits(mine), theirs: bits(theirs), shape: mine.shape, dtype: mine.dtype };
  tf.dispose([mine, theirs]);
  return result;
}

describe('SIMD Equal and per-channel Add / Multiply on wasm', () => {
  it('are installed in place of tfjs-wasm’s own kernels', () => {
    for (const config of [tfjsAdd, tfjsEqual, tfjsMultiply]) expect(tf.getKernel(config.kernelName, 'wasm')!.kernelFunc).not.toBe(config.kernelFunc);
  });

  it('Equal: float32 and int32, value by value and one value on either side, equals tfjs’ kernel', () => {
    const before = tf.memory().numTensors;
    let ones = 0;
    let zeros = 0;
    for (const [aShape, bShape] of [[[2, 9, 9, 5], [2, 9, 9, 5]], [[3, 7], []], [[], [4, 3, 3]], [[1, 6, 5], [6, 5]], [[3], [3]]] as [number[], number[]][]) {
      const size = (shape: number[]): number => shape.reduce((x, y) => x * y, 1);
      const af = tf.tensor(values(size(aShape), 1, 4), aShape);
      const bf = tf.tensor(values(size(bShape), 2, 4), bShape);
      const ai = tf.tensor(Int32Array.from(values(size(aShape), 3), (v) => (Number.isFinite(v) ? Math.round(v) % 3 : 0)), aShape, 'int32');
      const bi = tf.tensor(Int32Array.from(values(size(bShape), 4), (v) => (Number.isFinite(v) ? Math.round(v) % 3 : 0)), bShape, 'int32');
      for (const [a, b] of [[af, bf], [ai, bi]]) {
        const r = both('Equal', a, b);
        expect(r.dtype).toBe('bool');
        expect(r.ours).toEqual(r.theirs);
        ones += r.ours.filter((v) => v === 1).length;
        zeros += r.ours.filter((v) => v === 0).length;
      }
      tf.dispose([af, bf, ai, bi]);
    }
    // the cases hold both answers in numbers (values drawn from a few, so equal pairs occur)
    expect(Math.min(ones, zeros)).toBeGreaterThan(100);
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const name of ['Add', 'Multiply'] as const) {
    it(`${name}: a per-channel vector on either side equals tfjs’ kernel bit for bit`, () => {
      for (const [full, vector, swap] of [
        [[1, 12, 12, 16], [16], false],
        [[2, 5, 7, 3], [1, 1, 1, 3], false],
        [[1, 9, 9, 5], [5], true],
        [[4, 19], [1, 19], true],
        [[3, 3, 6], [1, 6], false],
      ] as [number[], number[], boolean][]) {
        const x = tf.tensor(values(full.reduce((p, q) => p * q, 1), 5), full);
        const v = tf.tensor(values(vector.reduce((p, q) => p * q, 1), 6), vector);
        const r = swap ? both(name, v, x) : both(name, x, v);
        expect(r.shape).toEqual(full);
        expect(r.ours).toEqual(r.theirs);
        tf.dispose([x, v]);
      }
    });
  }

  it('leaves other broadcasts and int32 to tfjs’ kernels (same values)', () => {
    const a = tf.tensor(values(12, 7), [4, 3]);
    const column = tf.tensor(values(4, 8), [4, 1]);
    const same = tf.tensor(values(12, 9), [4, 3]);
    const ints = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const intVector = tf.tensor([10, 20, 30], [3], 'int32');
    for (const name of ['Add', 'Multiply'] as const) {
      for (const [x, y] of [[a, column], [a, same], [ints, intVector]]) {
        const r = both(name, x, y);
        expect(r.ours).toEqual(r.theirs);
      }
    }
    expect(Array.from(tf.add(ints, intVector).dataSync())).toEqual([11, 22, 33, 14, 25, 36]);
    tf.dispose([a, column, same, ints, intVector]);
  });
});
