import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import type { Normalization } from '../core/card-types';
export type { Normalization } from '../core/card-types';

/**
 * A {@link Normalization} as numbers: `(x * scale - mean[k]) / std[k]` for channel k.
 *
 * @example
 * ```ts
 * const { scale, mean, std } = normalizationAffine('imagenet');
 * ```
 */
export interface NormalizationAffine {
  scale: number;
  mean: readonly number[];
  std: readonly number[];
}

const PRESETS: Record<Exclude<Normalization, object>, NormalizationAffine> = {
  none: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
  unit: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
  symmetric: { scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] },
  imagenet: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
};

/**
 * Resolves a {@link Normalization} (preset or object) to its numbers; unknown presets and
 * malformed objects throw `VisionError('INVALID_OPTION')`.
 *
 * @example
 * ```ts
 * normalizationAffine('unit'); // { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] }
 * ```
 */
export function normalizationAffine(normalization: Normalization): NormalizationAffine {
  if (typeof normalization === 'string') {
    const preset = PRESETS[normalization];
    if (!preset) throw new VisionError('INVALID_OPTION', `unknown normalization '${normalization}'; allowed: ${Object.keys(PRESETS).join(', ')} or { scale, mean, std }`);
    return preset;
  }
  const affine = { scale: normalization.scale ?? 1, mean: normalization.mean ?? [0, 0, 0], std: normalization.std ?? [1, 1, 1] };
  if (affine.mean.length !== 3 || affine.std.length !== 3 || affine.std.some((s) => s === 0) || !Number.isFinite(affine.scale)) {
    throw new VisionError('INVALID_OPTION', 'normalization needs 3 mean values, 3 non-zero std values and a finite scale');
  }
  return affine;
}

/**
 * Applies a {@link Normalization} to an RGB/BGR tensor whose last axis is the 3 channels
 * (channel values in the same order as `mean`/`std`). Returns a new float32 tensor.
 *
 * @example
 * ```ts
 * const input = normalize(image, 'imagenet');
 * ```
 */
export function normalize(image: tf.Tensor, normalization: Normalization): tf.Tensor {
  const { scale, mean, std } = normalizationAffine(normalization);
  return tf.tidy(() => {
    let x = image.dtype === 'float32' ? image : tf.cast(image, 'float32');
    if (scale !== 1) x = tf.mul(x, scale);
    if (mean.some((m) => m !== 0)) x = tf.sub(x, tf.tensor1d(mean as number[]));
    if (std.some((s) => s !== 1)) x = tf.div(x, tf.tensor1d(std as number[]));
    return x === image ? image.clone() : x;
  });
}

/**
 * Whether a normalisation leaves values unchanged (scale 1, mean 0, std 1), so that float32
 * input can skip it.
 *
 * @example
 * ```ts
 * isIdentityNormalization('none'); // true
 * ```
 */
export function isIdentityNormalization(normalization: Normalization): boolean {
  const { scale, mean, std } = normalizationAffine(normalization);
  return scale === 1 && mean.every((m) => m === 0) && std.every((v) => v === 1);
}
