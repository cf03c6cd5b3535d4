// The wasm backend's SIMD Maximum / Minimum against tfjs-wasm's own kernels (deep-imported and
// set up on the same backend): bit-identical for same-size tensors and one value against a
// tensor on either side, lengths with and without a scalar tail, NaN / ±Infinity / ±0 on both
// sides; int32 tensors and true broadcasts still go to tfjs' kernels.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
// deep imports of the kernels the SDK replaces
import { maximumConfig as tfjsMaximum } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Maximum.js';
import { minimumConfig as tfjsMinimum } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Minimum.js';
import { describe, expect, it } from 'vitest';
import { onBackendForFile } from '../helpers/file-backend';

onBackendForFile('wasm', () => {
  tfjsMaximum.setupFunc!(tf.backend());
  tfjsMinimum.setupFunc!(tf.backend());
});

const SPECIALS = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-42, -1e-42, 6, -6];

/** Seeded values in [-10, 10), every third one of them a special value. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return i % 3 === 0 ? SPECIALS[s % SPECIALS.length] : (s / 2 ** 32 - 0.5) * 20;
  });
}

/** The bits of the registered kernel's output and of tfjs' own, for `name` on a and b. */
function bothKernels(name: 'Maximum' | 'Minimum', a: tf.Tensor, b: tf.Tensor): { ours: Int32Array; theirs: Int32Array; shape: number[] } {
  const bits = (t: tf.Tensor): { bits: Int32Array; shape: number[] } => {
    const out = { bits: new Int32Array(Float32Array.from(t.dataSync()).buffer), shape: t.shape };
    t.dispose();
    return out;
  };
  const ours = bits(tf.engine().runKernel(name, { a, b }) as unknown as tf.Tensor);
  const config = name === 'Maximum' ? tfjsMaximum : tfjsMinimum;
  // tfjs' kernel called directly gives an untracked TensorInfo
  const theirs = bits(tf.engine().makeTensorFromTensorInfo(config.kernelFunc({ inputs: { a, b } as unknown as tf.NamedTensorInfoMap, backend: tf.backend(), attrs: {} }) as tf.TensorInfo));
  expect(ours.shape).toEqual(theirs.shape);
  return { ours: ours.bits, theirs: theirs.bits, shape: ours.shape };
}

function differing(a: Int32Array, b: Int32Array): number {
  expect(a.length).toBe(b.length);
  const fa = new Float32Array(a.buffer);
  const fb = new Float32Array(b.buffer);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(fa[i]) && Number.isNaN(fb[i]))) n++;
  return n;
}

describe('SIMD Maximum / Minimum on wasm', () => {
  it('are installed in place of tfjs-wasm’s own kernels, and comparing them leaks nothing', () => {
    const before = tf.memory().numTensors;
    const [a, b] = [tf.tensor(values(10, 9)), tf.scalar(0.5)];
    bothKernels('Maximum', a, b);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.getKernel('Maximum', 'wasm')!.kernelFunc).not.toBe(tfjsMaximum.kernelFunc);
    expect(tf.getKernel('Minimum', 'wasm')!.kernelFunc).not.toBe(tfjsMinimum.kernelFunc);
  });

  const cases: [string, number[], number[]][] = [
    ['same shape', [2, 5, 7, 8], [2, 5, 7, 8]],
    ['same shape, scalar tail', [3, 7, 5], [3, 7, 5]],
    ['b one value (relu6-like clamp)', [2, 9, 9, 6], []],
    ['a one value', [1], [4, 11, 3]],
    ['size-1 axes, same values', [1, 6, 5], [6, 5]],
    ['three values', [3], [3]],
  ];
  for (const name of ['Maximum', 'Minimum'] as const) {
    for (const [label, aShape, bShape] of cases) {
      it(`${name}: equals tfjs' kernel bit for bit — ${label}`, () => {
        const a = tf.tensor(values(Math.max(1, aShape.reduce((x, y) => x * y, 1)), 1), aShape);
        const scalarB = bShape.length === 0;
        for (const bValue of scalarB ? [6, 0, -0, Number.NaN] : [undefined]) {
          const b = bValue === undefined ? tf.tensor(values(bShape.reduce((x, y) => x * y, 1), 2), bShape) : tf.scalar(bValue);
          const { ours, theirs } = bothKernels(name, a, b);
          expect(differing(ours, theirs)).toBe(0);
          b.dispose();
        }
        a.dispose();
      });
    }
  }

  it('leaves true broadcasts and int32 tensors to tfjs’ kernels (same values)', () => {
    const a = tf.tensor(values(4, 3), [4, 1]);
    const b = tf.tensor(values(5, 4), [1, 5]);
    const i = tf.tensor([3, -2, 7, 0, 9], [5], 'int32');
    const j = tf.scalar(2, 'int32');
    for (const name of ['Maximum', 'Minimum'] as const) {
      const broadcast = bothKernels(name, a, b);
      expect(broadcast.shape).toEqual([4, 5]);
      expect(differing(broadcast.ours, broadcast.theirs)).toBe(0);
      const ints = tf.engine().runKernel(name, { a: i, b: j }) as unknown as tf.Tensor;
      expect(Array.from(ints.dataSync())).toEqual(name === 'Maximum' ? [3, 2, 7, 2, 9] : [2, -2, 2, 0, 2]);
      ints.dispose();
    }
    tf.dispose([a, b, i, j]);
  });

  it('runs tf.clipByValue-style chains with no tensor left behind', () => {
    const x = tf.tensor(values(1000, 5), [10, 100]);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => tf.maximum(tf.minimum(x, 6), 0));
    const got = y.dataSync();
    const input = x.dataSync();
    for (let k = 0; k < got.length; k++) {
      const v = input[k];
      const expected = Number.isNaN(v) ? Number.NaN : Math.max(Math.min(v, 6), 0);
      if (!Object.is(got[k], expected) && !(Number.isNaN(got[k]) && Number.isNaN(expected))) {
        // std::max(-0, 0) keeps -0: the only place Math.max differs
        expect([got[k], v]).toEqual([-0, -0]);
      }
    }
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
