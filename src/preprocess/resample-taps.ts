import * as tf from '@tensorflow/tfjs';
import { type AxisTaps, type ResampleMode, axisTaps } from './axis-taps';
import type { AxisFit } from './geometry';

/** Σ over taps of the gathered rows (axis 0) or columns (axis 1), each times its weight. */
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
    const term = tf.mul<tf.Tensor3D>(tf.gather(image, tf.tensor1d(index, 'int32'), axis), tf.tensor3d(weight, weightShape));
    sum = sum ? tf.add(sum, term) as tf.Tensor3D : term;
  }
  return sum as tf.Tensor3D;
}

/**
 * Resamples an [H, W, C] image (any dtype) through both axes' fits as float32 — bilinear,
 * nearest or antialiased ({@link axisTaps}) — with `pad` where a fit leaves the picture, on the
 * active tfjs backend (gathers and products: every backend). The caller owns the result.
 *
 * @example
 * ```ts
 * const { x, y } = fitGeometry(1920, 1080, 224, 224, 'center-crop', { cropFraction: 0.875 });
 * const input = resampleFit(image, x, y, 224, 224, 'antialias', 0);
 * ```
 */
export function resampleFit(image: tf.Tensor3D, x: AxisFit, y: AxisFit, width: number, height: number, mode: ResampleMode, pad: number): tf.Tensor3D {
  return tf.tidy(() => {
    const floats = image.dtype === 'float32' ? image : tf.cast(image, 'float32');
    const rowsTaps = axisTaps(y, height, mode);
    const columnTaps = axisTaps(x, width, mode);
    const both = combine(combine(floats, rowsTaps, 0), columnTaps, 1);
    if (rowsTaps.inside.every((v) => v === 1) && columnTaps.inside.every((v) => v === 1)) return both;
    const inside = tf.mul(tf.tensor3d(Float32Array.from(rowsTaps.inside), [height, 1, 1]), tf.tensor3d(Float32Array.from(columnTaps.inside), [1, width, 1]));
    return tf.add(tf.mul(both, inside), tf.mul(tf.sub(1, inside), pad)) as tf.Tensor3D;
  });
}
