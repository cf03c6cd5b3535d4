import * as tf from '@tensorflow/tfjs';
import { type AxisTaps, type ResampleMode, axisTaps } from './axis-taps';
import type { AxisFit } from './geometry';
import { resamplePixels } from './resample-pixels';
import { heapPixels } from './sampling/heap-pixels';

/** Σ over taps of the gathered rows (axis 0) or columns (axis 1) as float32, each times its weight; one tap's tensors alive at a time. */
function combine(image: tf.Tensor3D, taps: AxisTaps, axis: 0 | 1): tf.Tensor3D {
  const out = taps.inside.length;
  const weightShape: [number, number, number] = axis === 0 ? [out, 1, 1] : [1, out, 1];
  let sum: tf.Tensor3D | undefined;
  for (let t = 0; t < taps.size; t++) {
    const index = new Int32Array(out);
    const weight = new Float32Array(out);
    for (let j = 0; j < out; j++) {
      index[j] = taps.index[j * taps.size + t];
      weight[j] = taps.weight[j * taps.size + t];
    }
    if (weight.every((w) => w === 0)) continue;
    const previous = sum;
    sum = tf.tidy(() => {
      const gathered = tf.gather(image, tf.tensor1d(index, 'int32'), axis);
      const term = tf.mul<tf.Tensor3D>(gathered.dtype === 'float32' ? gathered : tf.cast(gathered, 'float32'), tf.tensor3d(weight, weightShape));
      return previous ? (tf.add(previous, term) as tf.Tensor3D) : term;
    });
    previous?.dispose();
  }
  return sum ?? tf.zeros([axis === 0 ? out : image.shape[0], axis === 1 ? out : image.shape[1], image.shape[2]]);
}

/** The taps' pad over a resampled [height, width, C] tensor. */
function padOutside(resampled: tf.Tensor3D, rowTaps: AxisTaps, columnTaps: AxisTaps, pad: number): tf.Tensor3D {
  if (rowTaps.inside.every((v) => v === 1) && columnTaps.inside.every((v) => v === 1)) return resampled;
  return tf.tidy(() => {
    const inside = tf.mul(tf.tensor3d(Float32Array.from(rowTaps.inside), [rowTaps.inside.length, 1, 1]), tf.tensor3d(Float32Array.from(columnTaps.inside), [1, columnTaps.inside.length, 1]));
    return tf.add(tf.mul(resampled, inside), tf.mul(tf.sub(1, inside), pad)) as tf.Tensor3D;
  });
}

/**
 * Resamples an [H, W, C] image (any dtype) through both axes' fits as float32 — bilinear,
 * nearest or antialiased ({@link axisTaps}) — with `pad` where a fit leaves the picture. Pixels
 * in CPU memory (wasm, cpu) are filtered in place by {@link resamplePixels} (RGB of RGBA);
 * GPU tensors by gathers and products, one tap at a time. The caller owns the result.
 *
 * @example
 * ```ts
 * const { x, y } = fitGeometry(1920, 1080, 224, 224, 'center-crop', { cropFraction: 0.875 });
 * const input = resampleFit(image, x, y, 224, 224, 'antialias', 0);
 * ```
 */
export function resampleFit(image: tf.Tensor3D, x: AxisFit, y: AxisFit, width: number, height: number, mode: ResampleMode, pad: number): tf.Tensor3D {
  const rowTaps = axisTaps(y, height, mode);
  const columnTaps = axisTaps(x, width, mode);
  const [h, w, channels] = image.shape;
  const pixels = heapPixels(image);
  if (pixels) return tf.tensor3d(resamplePixels(pixels(), w, h, channels, columnTaps, rowTaps, pad), [height, width, Math.min(channels, 3)]);
  return gatherResample(image, rowTaps, columnTaps, pad);
}

/**
 * The tensor half of {@link resampleFit}, on any backend: rows then columns by gathers and
 * products (one tap's tensors alive at a time; int32 pixels cast per gathered tap, never the
 * whole frame), then the pad. The caller owns the result.
 *
 * @example
 * ```ts
 * const fitted = gatherResample(gpuFrame, axisTaps(y, 224, 'antialias'), axisTaps(x, 224, 'antialias'), 0);
 * ```
 */
export function gatherResample(image: tf.Tensor3D, rowTaps: AxisTaps, columnTaps: AxisTaps, pad: number): tf.Tensor3D {
  const rows = combine(image, rowTaps, 0);
  const both = combine(rows, columnTaps, 1);
  rows.dispose();
  const padded = padOutside(both, rowTaps, columnTaps, pad);
  if (padded !== both) both.dispose();
  return padded;
}
