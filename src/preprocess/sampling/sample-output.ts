/**
 * Where the samplers write the model input: its shape, channel order, layout (NHWC / NCHW),
 * normalisation and dtype, as plain numbers the per-pixel loops use, and the memory the
 * values go to (on the wasm backend the input tensor's own memory).
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { type Normalization, normalizationAffine } from '../normalize';
import { heapPixels } from './heap-pixels';
import type { SamplePlan } from './sample-plan';

/**
 * What the model input must look like.
 *
 * @example
 * ```ts
 * const target: SampleTarget = { width: 192, height: 192, normalization: 'none', dtype: 'int32' };
 * ```
 */
export interface SampleTarget {
  width: number;
  height: number;
  normalization: Normalization;
  dtype: 'int32' | 'float32';
  /** Channel order of the model (`mean`/`std` are in this order). Default `rgb`. */
  channelOrder?: 'rgb' | 'bgr';
  /** Default `nhwc`. */
  layout?: 'nhwc' | 'nchw';
  /** How int32 targets take fractional values: `truncate` (a tfjs cast; default) or `round` (half to even, as `prepareImage`). */
  rounding?: 'truncate' | 'round';
}

/**
 * The target as the per-pixel loops read it: output pixel (i, j) starts at
 * `i · rowStride + j · pixelStride`; its R, G and B go to `+ slots[0..2]`, each as
 * `value · gain + offset`.
 *
 * @example
 * ```ts
 * const layout = outputLayout({ width: 4, height: 2, normalization: 'unit', dtype: 'float32', layout: 'nchw' }); // slots [0, 8, 16]
 * ```
 */
export interface OutputLayout {
  width: number;
  height: number;
  pixelStride: number;
  rowStride: number;
  slots: readonly [number, number, number];
  gains: readonly [number, number, number];
  offsets: readonly [number, number, number];
}

/** Builds the {@link OutputLayout} of a target. @example `const layout = outputLayout(target);` */
export function outputLayout(target: SampleTarget): OutputLayout {
  const { width, height } = target;
  const { scale, mean, std } = normalizationAffine(target.normalization);
  const bgr = target.channelOrder === 'bgr';
  const planar = target.layout === 'nchw';
  const step = planar ? width * height : 1;
  // model channel of R, G, B
  const model = bgr ? [2, 1, 0] : [0, 1, 2];
  const slot = (c: number): number => model[c] * step;
  // float32 gains: with unit/none scaling an integer pixel × gain is exact in float64, so the
  // stored float32 value equals the tensor path's float32 multiply bit for bit
  const gain = (c: number): number => Math.fround(scale / std[model[c]]);
  const offset = (c: number): number => -mean[model[c]] / std[model[c]];
  return {
    width,
    height,
    pixelStride: planar ? 1 : 3,
    rowStride: planar ? width : width * 3,
    slots: [slot(0), slot(1), slot(2)],
    gains: [gain(0), gain(1), gain(2)],
    offsets: [offset(0), offset(1), offset(2)],
  };
}

/**
 * Writes the pad value (normalised) where the plan samples outside the frame. When the values
 * start as zeros (`zeroed`, the default), nothing is written where the pad normalises to 0 in
 * every channel; memory that was never cleared gets the pad written whatever it is.
 *
 * @example
 * ```ts
 * fillPad(values, plan, layout);
 * ```
 */
export function fillPad(values: Int32Array | Float32Array, plan: SamplePlan, layout: OutputLayout, zeroed = true): void {
  const [p0, p1, p2] = [0, 1, 2].map((c) => plan.pad * layout.gains[c] + layout.offsets[c]);
  if (zeroed && p0 === 0 && p1 === 0 && p2 === 0) return;
  const xs = plan.x.positions;
  const ys = plan.y.positions;
  const [s0, s1, s2] = layout.slots;
  const { width, height, pixelStride, rowStride } = layout;
  // inside samples are one contiguous run per axis
  let first = 0;
  while (first < width && Number.isNaN(xs[first])) first++;
  let end = width;
  while (end > first && Number.isNaN(xs[end - 1])) end--;
  for (let i = 0; i < height; i++) {
    const rowOutside = Number.isNaN(ys[i]) || first === end;
    for (let j = 0, o = i * rowStride; j < width; j++, o += pixelStride) {
      if (!rowOutside && j === first) {
        j = end - 1;
        o = i * rowStride + j * pixelStride;
        continue;
      }
      values[o + s0] = p0;
      values[o + s1] = p1;
      values[o + s2] = p2;
    }
  }
}

/** Values in one sample of a target (3 channels). @example `sampleSize({ width: 2, height: 2, normalization: 'unit', dtype: 'float32' }) // 12` */
export function sampleSize(target: SampleTarget): number {
  return 3 * target.width * target.height;
}

/**
 * The memory a sampler writes a target into, and how it becomes the input tensor. On the wasm
 * backend it is the zero-filled memory of the input tensor itself (no second copy per frame);
 * nothing may allocate on the backend between {@link openSink} and the last write (a heap
 * view is invalidated when wasm memory grows). int32 targets that round get a float32 scratch
 * array, rounded into the tensor by `finish`.
 *
 * @example
 * ```ts
 * const sink = openSink(target);
 * sampleInto(sink.values);
 * const input = sink.finish();
 * ```
 */
export interface Sink {
  values: Int32Array | Float32Array;
  finish(): tf.Tensor4D;
  /** Frees what the sink holds when sampling failed before {@link finish} (the wasm heap tensor it writes into). */
  abandon(): void;
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Opens a {@link Sink} for a target; `count` > 1 makes a batch (`[count, …]`), its samples one
 * after another in `values` (each {@link sampleSize} long).
 *
 * @example
 * ```ts
 * const sink = openSink({ width: 512, height: 512, normalization: 'none', dtype: 'float32' });
 * ```
 */
export function openSink(target: SampleTarget, count = 1): Sink {
  const shape: [number, number, number, number] = target.layout === 'nchw' ? [count, 3, target.height, target.width] : [count, target.height, target.width, 3];
  const size = sampleSize(target) * count;
  if (!(size > 0)) throw new VisionError('INVALID_OPTION', `model input size ${target.width}×${target.height} must be positive`);
  let tensor: tf.Tensor4D | undefined;
  let memory: Int32Array | Float32Array | undefined;
  if (tf.getBackend() === 'wasm') {
    tensor = tf.fill(shape, 0, target.dtype) as tf.Tensor4D;
    const view = heapPixels(tensor)?.();
    if (view instanceof Int32Array || view instanceof Float32Array) memory = view;
    else {
      tensor.dispose();
      tensor = undefined;
    }
  }
  const round = target.dtype === 'int32' && target.rounding === 'round';
  const values = round ? new Float32Array(size) : (memory ?? (target.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size)));
  return {
    values,
    finish: () => {
      if (!round) return tensor ?? tf.tensor4d(values, shape, target.dtype);
      const ints = tensor ? (heapPixels(tensor)?.() as Int32Array) : new Int32Array(size);
      for (let k = 0; k < size; k++) ints[k] = roundHalfEven(values[k]);
      return tensor ?? tf.tensor4d(ints, shape, 'int32');
    },
    abandon: () => tensor?.dispose(),
  };
}
