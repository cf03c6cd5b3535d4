import * as tf from '@tensorflow/tfjs';
import { knownOptions, optionNames } from '../core/known-options';
import { checkObject, checkOptionalNumber } from './checks';

/**
 * Gradient clipping: scale all gradients so their global L2 norm is at most `maxNorm`,
 * and/or clamp each value to `[-maxValue, maxValue]`.
 *
 * @example
 * ```ts
 * const clip: GradientClipping = { maxNorm: 1 };
 * ```
 */
export interface GradientClipping {
  maxNorm?: number;
  maxValue?: number;
}

/** Every name {@link GradientClipping} has. */
const CLIPPING_NAMES = /* @__PURE__ */ optionNames<GradientClipping>()(['maxNorm', 'maxValue']);

/**
 * The global L2 norm of a set of gradients (a scalar tensor the caller owns).
 *
 * @example
 * ```ts
 * const norm = globalNorm(Object.values(grads));
 * ```
 */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * Throws `INVALID_OPTION` unless `clip` is a {@link GradientClipping} whose limits are finite
 * numbers > 0 (and that sets no other name: a misspelt `max_norm`).
 *
 * @example
 * ```ts
 * checkClipping(options.clip); // maxNorm is NaN; it must be a finite number > 0
 * ```
 */
export function checkClipping(clip: GradientClipping): void {
  checkObject(clip, 'clip');
  knownOptions(clip, 'clip', CLIPPING_NAMES);
  checkOptionalNumber(clip.maxNorm, 'maxNorm', 'positive');
  checkOptionalNumber(clip.maxValue, 'maxValue', 'positive');
}

/**
 * Clips gradients by value, then by global norm. Returns new tensors (the inputs are left
 * alone); with no clipping asked, returns clones.
 *
 * @example
 * ```ts
 * const clipped = clipGradients(grads, { maxNorm: 5 });
 * ```
 */
export function clipGradients(grads: tf.NamedTensorMap, clip: GradientClipping = {}): tf.NamedTensorMap {
  checkClipping(clip);
  return tf.tidy(() => {
    const names = Object.keys(grads);
    let values = names.map((n) => grads[n]);
    if (clip.maxValue !== undefined) {
      const m = clip.maxValue;
      values = values.map((g) => tf.clipByValue(g, -m, m));
    }
    if (clip.maxNorm !== undefined && values.length > 0) {
      const norm = globalNorm(values);
      const scale = tf.div(clip.maxNorm, tf.maximum(norm, clip.maxNorm));
      values = values.map((g) => tf.mul(g, scale));
    } else {
      values = values.map((g) => tf.clone(g));
    }
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  });
}
