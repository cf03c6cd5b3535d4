// The wasm backend's in-memory Slice / Unpack / SplitV / StridedSlice against tfjs-wasm's own
// kernels (deep-imported and set up on the same backend): a seeded fuzz over ranks 1–5, float32
// (NaN payloads and -0 included), int32 and bool tensors, contiguous and strided slices with
// short and long rows — same shapes, same bits; strings still go to tfjs' kernels; nothing leaks.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
// deep imports of the kernels the SDK replaces
import { sliceConfig as tfjsSlice } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Slice.js';
import { splitVConfig as tfjsSplitV } from '@tensorflow/tfjs-backend-wasm/dist/kernels/SplitV.js';
import { stridedSliceConfig as tfjsStridedSlice } from '@tensorflow/tfjs-backend-wasm/dist/kernels/StridedSlice.js';
import { unpackConfig as tfjsUnpack } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Unpack.js';
import { describe, expect, it } from 'vitest';
import { onBackendForFile } from '../helpers/file-backend';

onBackendForFile('wasm', () => tfjsStridedSlice.setupFunc!(tf.backend()));

/** A seeded generator of integers in [0, n). */
function integers(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

/** A tensor of this shape and dtype with seeded values (float32: NaN with a payload and -0 among them). */
function tensorOf(shape: number[], dtype: 'float32' | 'int32' | 'bool', next: (n: number) => number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'bool') return tf.tensor(Array.from({ length: n }, () => next(2) === 1), shape, 'bool');
  if (dtype === 'int32') return tf.tensor(Int32Array.from({ length: n }, () => next(2 ** 31) - 2 ** 30), shape, 'int32');
  const bits = Int32Array.from({ length: n }, () => next(2 ** 32) | 0);
  for (let i = 0; i < n; i += 7) bits[i] = [0x7fc01234, 0x80000000, 0xff800000][next(3)] | 0; // a NaN payload, -0, -Infinity
  return tf.tensor(new Float32Array(bits.buffer), shape, 'float32');
}

/** Shape and raw bits of a kernel output the engine did not track (disposed after). */
function read(info: tf.TensorInfo): { shape: number[]; bits: number[] } {
  return { ...readTensor(tf.engine().makeTensorFromTensorInfo(info)), shape: info.shape };
}

/** Shape and raw bits of a tensor the engine made (disposed after). */
function readTensor(t: tf.Tensor): { shape: number[]; bits: number[] } {
  const values = t.dataSync();
  const bits = values instanceof Float32Array ? Array.from(new Int32Array(values.buffer, values.byteOffset, values.length)) : Array.from(values as ArrayLike<number>);
  const shape = t.shape;
  t.dispose();
  return { shape, bits };
}

/** The registered kernel's outputs through the engine, read and disposed. */
function ours(name: string, inputs: tf.NamedTensorMap, attrs: object): { shape: number[]; bits: number[] }[] {
  const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as unknown as tf.Tensor | tf.Tensor[];
  return (Array.isArray(out) ? out : [out]).map(readTensor);
}

function theirs(config: tf.KernelConfig, inputs: tf.NamedTensorMap, attrs: object): tf.TensorInfo[] {
  const out = config.kernelFunc({ inputs: inputs as unknown as tf.NamedTensorInfoMap, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap });
  return Array.isArray(out) ? out : [out];
}

function expectSame(name: string, config: tf.KernelConfig, inputs: tf.NamedTensorMap, attrs: object): void {
  const a = ours(name, inputs, attrs);
  const b = theirs(config, inputs, attrs).map(read);
  expect(a).toEqual(b);
}

const DTYPES = ['float32', 'int32', 'bool'] as const;

describe('in-memory slices on wasm', () => {
  it('are installed in place of tfjs-wasm’s own kernels', () => {
    for (const config of [tfjsSlice, tfjsUnpack, tfjsSplitV, tfjsStridedSlice]) expect(tf.getKernel(config.kernelName, 'wasm')!.kernelFunc).not.toBe(config.kernelFunc);
  });

  it('Slice: 300 seeded cases equal tfjs’ kernel (shapes and bits)', () => {
    const next = integers(1);
    const before = tf.memory().numTensors;
    for (let c = 0; c < 300; c++) {
      const rank = 1 + next(5);
      const shape = Array.from({ length: rank }, (_, i) => 1 + next(i === rank - 1 && c % 3 === 0 ? 70 : 6));
      const x = tensorOf(shape, DTYPES[c % 3], next);
      const begin = shape.map((d) => next(d));
      // size -1 (to the end) now and then
      const size = shape.map((d, i) => (next(5) === 0 ? -1 : next(d - begin[i] + 1)));
      expectSame('Slice', tfjsSlice, { x }, { begin, size });
      x.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Unpack and SplitV: every axis of seeded tensors equals tfjs’ kernels', () => {
    const next = integers(2);
    for (let c = 0; c < 60; c++) {
      const rank = 1 + next(4);
      const shape = Array.from({ length: rank }, () => 1 + next(6));
      const x = tensorOf(shape, DTYPES[c % 3], next);
      const axis = next(rank);
      expectSame('Unpack', tfjsUnpack, { value: x }, { axis: c % 2 === 0 ? axis : axis - rank });
      const sizes: number[] = [];
      for (let left = shape[axis]; left > 0; ) {
        const s = 1 + next(left);
        sizes.push(s);
        left -= s;
      }
      expectSame('SplitV', tfjsSplitV, { x }, { numOrSizeSplits: sizes, axis });
      x.dispose();
    }
  });

  it('StridedSlice: plain slices (copied here) and strided ones (tfjs’ kernel) equal tfjs’ kernel', () => {
    const next = integers(3);
    for (let c = 0; c < 120; c++) {
      const rank = 1 + next(4);
      const shape = Array.from({ length: rank }, () => 1 + next(7));
      const x = tensorOf(shape, c % 2 === 0 ? 'float32' : 'int32', next);
      const begin = shape.map((d) => next(d));
      const end = shape.map((d, i) => begin[i] + 1 + next(d - begin[i]));
      const strided = c % 4 === 3;
      const strides = shape.map(() => (strided ? 1 + next(2) : 1));
      // masks only on plain slices: tfjs' own strided kernel returns stray values for some masked
      // strided cases (seen: int32 [1, 3, 6], strides [2, 2, 1], beginMask 5, endMask 2)
      const masks = strided ? { beginMask: 0, endMask: 0 } : { beginMask: next(2 ** rank), endMask: next(2 ** rank) };
      const attrs = { begin, end, strides, ...masks, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: c % 5 === 0 ? 1 : 0 };
      expectSame('StridedSlice', tfjsStridedSlice, { x }, attrs);
      x.dispose();
    }
  });

  it('leaves string tensors to tfjs’ kernels', () => {
    const words = tf.tensor(['a', 'bb', 'ccc', 'dddd'], [2, 2], 'string');
    const part = tf.slice(words, [1, 0], [1, 2]);
    expect(part.arraySync()).toEqual([['ccc', 'dddd']]);
    const columns = tf.unstack(words, 1);
    expect(columns.map((t) => t.arraySync())).toEqual([['a', 'ccc'], ['bb', 'dddd']]);
    const twice = tf.concat([words, words], 1);
    expect(twice.arraySync()).toEqual([['a', 'bb', 'a', 'bb'], ['ccc', 'dddd', 'ccc', 'dddd']]);
    tf.dispose([words, part, twice, ...columns]);
  });
});
