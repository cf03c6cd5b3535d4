/**
 * The gradient of `StridedSlice`, which tfjs does not define: graph models exported from
 * TensorFlow slice with it (a YOLOv5 TF.js export's detect head does), so the gradient methods
 * of `explain` could not differentiate them. The gradient scatters `dy` back to the positions
 * the slice read and is zero elsewhere (TensorFlow's `StridedSliceGrad`).
 */
import * as tf from '@tensorflow/tfjs';
import type { StridedSliceAttrs } from '../runtime/wasm-slice';

/** How many elements a canonical (begin, end, stride) reads along an axis. */
function countAlong(begin: number, end: number, stride: number): number {
  const span = end - begin;
  if (span === 0 || span < 0 !== stride < 0) return 0;
  return Math.ceil(span / stride);
}

/**
 * `g` (`count` values along `axis`, read from `begin` every `stride`) spread over an axis of
 * `size`: reversed for a negative stride, zeros between strided values, zero padding around.
 */
function spreadAlong(g: tf.Tensor, axis: number, size: number, begin: number, stride: number, count: number): tf.Tensor {
  const step = Math.abs(stride);
  const low = stride > 0 ? begin : begin + (count - 1) * stride;
  let spread = stride > 0 ? g : tf.reverse(g, axis);
  if (step > 1) {
    const shape = spread.shape;
    // each value followed by step − 1 zeros: a new axis after `axis`, padded, merged back
    const widened = tf.reshape(spread, [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)]);
    const paddings = widened.shape.map((_, i): [number, number] => (i === axis + 1 ? [0, step - 1] : [0, 0]));
    const flat = tf.reshape(tf.pad(widened, paddings), [...shape.slice(0, axis), count * step, ...shape.slice(axis + 1)]);
    spread = tf.slice(flat, shape.map(() => 0), shape.map((_, i) => (i === axis ? (count - 1) * step + 1 : -1)));
  }
  const length = (count - 1) * step + 1;
  return tf.pad(spread, spread.shape.map((_, i) => (i === axis ? [low, size - low - length] : [0, 0]) as [number, number]));
}

/**
 * The input gradient of a strided slice of an input of shape `xShape`: `dy` placed where the
 * slice read, zeros elsewhere.
 *
 * @example
 * ```ts
 * const dx = stridedSliceGradient(dy, [4, 6], { begin: [0, 1], end: [4, 6], strides: [1, 2], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
 * ```
 */
export function stridedSliceGradient(dy: tf.Tensor, xShape: number[], attrs: StridedSliceAttrs): tf.Tensor {
  const { begin, end, strides } = tf.slice_util.sliceInfo(xShape, attrs.begin, attrs.end, attrs.strides, attrs.beginMask, attrs.endMask, attrs.ellipsisMask, attrs.newAxisMask, attrs.shrinkAxisMask);
  const counts = xShape.map((_, i) => countAlong(begin[i], end[i], strides[i]));
  if (counts.some((n) => n === 0)) return tf.zeros(xShape, dy.dtype);
  // dy without the new axes and with the shrunk axes back: one axis per input axis
  let g = tf.reshape(dy, counts);
  xShape.forEach((size, axis) => {
    g = spreadAlong(g, axis, size, begin[axis], strides[axis], counts[axis]);
  });
  return g;
}

let registered = false;

/**
 * Registers {@link stridedSliceGradient} as tfjs' gradient of `StridedSlice` unless tfjs (or the
 * app) has one. Called by the gradient methods of `explain`.
 *
 * @example
 * ```ts
 * useStridedSliceGradient();
 * const dx = tf.grad((x) => tf.stridedSlice(x, [0, 1], [4, 6], [1, 2]).sum())(x);
 * ```
 */
export function useStridedSliceGradient(): void {
  if (registered || tf.getGradient('StridedSlice')) return;
  registered = true;
  tf.registerGradient({
    kernelName: 'StridedSlice',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({ x: () => stridedSliceGradient(dy as tf.Tensor, saved[0].shape, attrs as unknown as StridedSliceAttrs) }),
  });
}
