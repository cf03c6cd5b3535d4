/** Test helper: how far paired tensors are apart. */
import * as tf from '@tensorflow/tfjs';

/** The largest |a[i] − b[i]| over paired tensors (same shapes). */
export function largestTensorDifference(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  return Math.max(...a.map((t, i) => tf.tidy(() => tf.abs(tf.sub(t, b[i])).max().dataSync()[0])));
}
