import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import type { InputTransform } from '../core/types';
import { type FitGeometry, type Transformed, centerCrop, fitGeometry, letterbox, resize } from './geometry';
import { type ResampleMode, axisTaps } from './axis-taps';
import { resamplePixels } from './resample-pixels';
import { resampleFit } from './resample-taps';
import { shownValue } from '../core/shown-value';
import { isIdentityNormalization, normalize } from './normalize';
import type { InputSpec } from '../core/card-types';
export type { InputSpec } from '../core/card-types';

/** A batched model input and the transform that maps its coordinates back to the image. @example `const { input, transform } = prepareImage(image, spec);` */
export interface PreparedInput {
  input: tf.Tensor4D;
  transform: InputTransform;
}

/**
 * Validates an {@link InputSpec}'s size, `cropFraction` (in (0, 1], centre crop only) and
 * `antialias` (a boolean, not with nearest) at the API boundary (`INVALID_OPTION` naming the bad value).
 *
 * @example
 * ```ts
 * checkInputSpec({ width: 640, height: 640 });
 * ```
 */
export function checkInputSpec(spec: InputSpec): void {
  for (const key of ['width', 'height'] as const) {
    if (!Number.isInteger(spec[key]) || spec[key] <= 0) {
      throw new VisionError('INVALID_OPTION', `input ${key} is ${String(spec[key])}; it must be a positive integer`);
    }
  }
  const problem = resamplingProblem(spec);
  if (problem) throw new VisionError('INVALID_OPTION', `input ${problem}`);
}

/** The largest side a crop fraction may scale an input to (the largest input side a card may declare). */
const MAX_SCALED_SIDE = 16384;

/**
 * What is wrong with an input's `cropFraction` / `antialias` (beginning with the field's name),
 * or `undefined`: the fraction a number in (0, 1] with fit `center-crop` that scales no side of
 * the input past 16384, `antialias` a boolean and not with nearest.
 *
 * @example
 * ```ts
 * resamplingProblem({ width: 224, height: 224, fit: 'center-crop', cropFraction: 1e-9 }); // 'cropFraction is 1e-9; it scales …'
 * ```
 */
export function resamplingProblem(input: { width: unknown; height: unknown; fit?: unknown; cropFraction?: unknown; antialias?: unknown; interpolation?: unknown }): string | undefined {
  const { cropFraction, antialias } = input;
  if (cropFraction !== undefined) {
    if (!(typeof cropFraction === 'number' && cropFraction > 0 && cropFraction <= 1)) return `cropFraction is ${shownValue(cropFraction)}; it must be a number in (0, 1]`;
    if (input.fit !== 'center-crop') return `cropFraction needs fit 'center-crop'; the fit is ${shownValue(input.fit ?? 'stretch')}`;
    const side = Math.max(Number(input.width), Number(input.height)) / cropFraction;
    if (!(side <= MAX_SCALED_SIDE)) return `cropFraction is ${cropFraction}; it scales the input's side to ${side.toPrecision(4)}, past ${MAX_SCALED_SIDE} (timm's crop_pct is 0.875–1)`;
  }
  if (antialias !== undefined && typeof antialias !== 'boolean') return `antialias is ${shownValue(antialias)}; it must be true or false`;
  if (antialias === true && input.interpolation === 'nearest') return "antialias filters bilinearly; it does not go with interpolation 'nearest'";
  return undefined;
}

/** How a spec resamples, and its fit of a `w` × `h` image with the pad outside the picture. */
function tapFit(w: number, h: number, spec: InputSpec): FitGeometry & { mode: ResampleMode; pad: number } {
  const fitName = spec.fit ?? 'stretch';
  const mode: ResampleMode = spec.interpolation === 'nearest' ? 'nearest' : spec.antialias ? 'antialias' : 'bilinear';
  return { ...fitGeometry(w, h, spec.width, spec.height, fitName, { cropFraction: spec.cropFraction }), mode, pad: fitName === 'letterbox' ? (spec.padValue ?? 114) : 0 };
}

/** The fits torchvision's way (crop fraction, antialiasing) go through the resampler of taps. */
function resampledFit(image: tf.Tensor3D, spec: InputSpec): Transformed {
  const [h, w] = image.shape;
  const { x, y, transform, mode, pad } = tapFit(w, h, spec);
  return { tensor: resampleFit(image, x, y, spec.width, spec.height, mode, pad), transform };
}

function fit(image: tf.Tensor3D, spec: InputSpec): Transformed {
  if (spec.antialias || spec.cropFraction !== undefined) return resampledFit(image, spec);
  switch (spec.fit ?? 'stretch') {
    case 'letterbox':
      return letterbox(image, spec.width, spec.height, { padValue: spec.padValue, method: spec.interpolation });
    case 'center-crop':
      return centerCrop(image, spec.width, spec.height, spec.interpolation);
    case 'stretch':
      return resize(image, spec.width, spec.height, spec.interpolation);
    default:
      throw new VisionError('INVALID_OPTION', `unknown fit '${String(spec.fit)}'; allowed: stretch, letterbox, center-crop`);
  }
}

/**
 * Turns an RGB image tensor (0–255) into a model input: fit to size, normalise, channel order,
 * layout (NHWC/NCHW), dtype and a batch axis — all on the active tfjs backend. The result is
 * owned by the caller; the source tensor is left alone.
 *
 * @example
 * ```ts
 * const { input, transform } = prepareImage(image, { width: 512, height: 512, fit: 'letterbox', padValue: 0 });
 * ```
 */
export function prepareImage(image: tf.Tensor3D, spec: InputSpec): PreparedInput {
  checkInputSpec(spec);
  return finishInput(fit(image, spec), spec);
}

/**
 * {@link prepareImage} for pixels in memory (`height` × `width` × `channels`, RGB / RGBA /
 * grey, 0–255): fitted by the resampler of taps straight from the array — no tensor of the
 * whole picture (what an antialiased shrink of a large photo takes).
 *
 * @example
 * ```ts
 * const { input } = preparePixels(raw.data, raw.width, raw.height, raw.channels, { width: 224, height: 224, fit: 'center-crop', cropFraction: 0.875, antialias: true });
 * ```
 */
export function preparePixels(pixels: ArrayLike<number>, width: number, height: number, channels: number, spec: InputSpec): PreparedInput {
  checkInputSpec(spec);
  const { x, y, transform, mode, pad } = tapFit(width, height, spec);
  const values = resamplePixels(pixels, width, height, channels, axisTaps(x, spec.width, mode), axisTaps(y, spec.height, mode), pad);
  const kept = Math.min(channels, 3);
  const rgb = tf.tidy(() => {
    const fitted = tf.tensor3d(values, [spec.height, spec.width, kept]);
    return kept === 3 ? fitted : tf.tile(fitted, [1, 1, 3]);
  });
  return finishInput({ tensor: rgb, transform }, spec);
}

/** Channel order, normalisation, layout, dtype and the batch axis of a fitted picture (which it disposes). */
function finishInput(fitted: Transformed, spec: InputSpec): PreparedInput {
  const input = tf.tidy(() => {
    const ordered = spec.channelOrder === 'bgr' ? tf.reverse(fitted.tensor, -1) : fitted.tensor;
    const normalization = spec.normalization ?? 'none';
    let x = ordered.dtype === 'float32' && isIdentityNormalization(normalization) ? ordered : normalize(ordered, normalization);
    if (spec.layout === 'nchw') x = tf.transpose(x, [2, 0, 1]);
    if (spec.dtype === 'int32') x = tf.cast(tf.round(x), 'int32');
    return tf.expandDims(x, 0) as tf.Tensor4D;
  });
  fitted.tensor.dispose();
  return { input, transform: fitted.transform };
}
