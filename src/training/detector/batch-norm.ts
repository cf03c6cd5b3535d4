/**
 * Batch normalisation for the detector's convolutions: batch statistics while training (with
 * running averages kept for inference), the running statistics otherwise, and folding into
 * the preceding convolution for export.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Added to the variance before its square root. A layer with running variance
 * `1 - NORM_EPSILON`, mean 0, gamma 1 and beta 0 is the identity.
 *
 * @example
 * ```ts
 * const identityVariance = 1 - NORM_EPSILON;
 * ```
 */
export const NORM_EPSILON = 1e-3;
/** Weight of the old value in the running averages. */
const MOMENTUM = 0.9;

/**
 * Scale, shift and running statistics of one normalised layer (`[C]` each).
 *
 * @example
 * ```ts
 * const state: NormState = { gamma, beta, mean, variance };
 * ```
 */
export interface NormState {
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  mean: tf.Variable;
  variance: tf.Variable;
}

/**
 * Normalises `x [B, H, W, C]` per channel. With `training`, uses the batch's mean and variance
 * and moves the running averages towards them (call inside the training step); otherwise uses
 * the running averages (inference, or fine-tuning with frozen statistics).
 *
 * @example
 * ```ts
 * const y = batchNorm(conv(x), state, true);
 * ```
 */
export function batchNorm(x: tf.Tensor4D, state: NormState, training: boolean): tf.Tensor4D {
  let mean: tf.Tensor = state.mean;
  let variance: tf.Tensor = state.variance;
  if (training) {
    ({ mean, variance } = tf.moments(x, [0, 1, 2]));
    state.mean.assign(tf.add(state.mean.mul(MOMENTUM), mean.mul(1 - MOMENTUM)));
    state.variance.assign(tf.add(state.variance.mul(MOMENTUM), variance.mul(1 - MOMENTUM)));
  }
  return x.sub(mean).mul(tf.rsqrt(variance.add(NORM_EPSILON)).mul(state.gamma)).add(state.beta);
}

/**
 * The kernel `[K, C]` and bias `[C]` of a convolution followed by inference-mode
 * {@link batchNorm}, folded into one convolution (new tensors the caller owns).
 *
 * @example
 * ```ts
 * const [foldedKernel, foldedBias] = foldNorm(kernel, bias, state);
 * ```
 */
export function foldNorm(kernel: tf.Tensor2D, bias: tf.Tensor1D, state: NormState): [tf.Tensor2D, tf.Tensor1D] {
  return tf.tidy(() => {
    const scale = tf.rsqrt(state.variance.add(NORM_EPSILON)).mul(state.gamma);
    return [kernel.mul(scale) as tf.Tensor2D, bias.sub(state.mean).mul(scale).add(state.beta) as tf.Tensor1D];
  });
}
