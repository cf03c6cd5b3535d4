import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import { isOptionsObject, shownValue } from '../core/shown-value';
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

/** Smallest `std` magnitude a normalisation may divide by (smaller ones overflow float32). */
const MIN_NORMALIZATION_STD = 1e-6;

function threeNumbers(value: unknown, field: 'mean' | 'std'): readonly number[] {
  const ok = Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number' && Number.isFinite(v) && (field === 'mean' || Math.abs(v) >= MIN_NORMALIZATION_STD));
  if (!ok) {
    const allowed = field === 'mean' ? 'finite numbers' : `finite numbers of magnitude ≥ ${MIN_NORMALIZATION_STD}`;
    const shown = Array.isArray(value) ? `[${value.map((v) => shownValue(v)).join(', ')}]` : shownValue(value);
    throw new VisionError('INVALID_OPTION', `normalization.${field} is ${shown}; it must be 3 ${allowed} (one per channel)`);
  }
  return value as readonly number[];
}

/**
 * Resolves a {@link Normalization} (preset or object) to its numbers. `INVALID_OPTION` naming
 * the field for an unknown preset, a `scale` that is not a finite non-zero number, a `mean` that
 * is not 3 finite numbers or a `std` that is not 3 finite numbers of magnitude ≥ 1e-6.
 *
 * @example
 * ```ts
 * normalizationAffine('unit'); // { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] }
 * ```
 */
export function normalizationAffine(normalization: Normalization): NormalizationAffine {
  if (typeof normalization === 'string') {
    const preset = Object.prototype.hasOwnProperty.call(PRESETS, normalization) ? PRESETS[normalization] : undefined;
    if (!preset) throw new VisionError('INVALID_OPTION', `unknown normalization ${shownValue(normalization)}; allowed: ${Object.keys(PRESETS).join(', ')} or { scale, mean, std }`);
    return preset;
  }
  if (!isOptionsObject(normalization)) {
    throw new VisionError('INVALID_OPTION', `normalization is ${shownValue(normalization)}; allowed: ${Object.keys(PRESETS).join(', ')} or { scale, mean, std }`);
  }
  const scale = normalization.scale ?? 1;
  if (!(typeof scale === 'number' && Number.isFinite(scale) && scale !== 0)) {
    throw new VisionError('INVALID_OPTION', `normalization.scale is ${shownValue(scale)}; it must be a finite non-zero number`);
  }
  return { scale, mean: threeNumbers(normalization.mean ?? [0, 0, 0], 'mean'), std: threeNumbers(normalization.std ?? [1, 1, 1], 'std') };
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
