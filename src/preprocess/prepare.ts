import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import type { InputTransform } from '../core/types';
import { type Transformed, centerCrop, fitGeometry, letterbox, resize } from './geometry';
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
  const { cropFraction, antialias } = spec;
  if (cropFraction !== undefined) {
    if (!(typeof cropFraction === 'number' && cropFraction > 0 && cropFraction <= 1)) {
      throw new VisionError('INVALID_OPTION', `input cropFraction is ${shownValue(cropFraction)}; it must be a number in (0, 1]`);
    }
    if (spec.fit !== 'center-crop') throw new VisionError('INVALID_OPTION', `input cropFraction needs fit 'center-crop'; the fit is '${spec.fit ?? 'stretch'}'`);
  }
  if (antialias !== undefined && typeof antialias !== 'boolean') throw new VisionError('INVALID_OPTION', `input antialias is ${shownValue(antialias)}; it must be true or false`);
  if (antialias && spec.interpolation === 'nearest') throw new VisionError('INVALID_OPTION', "input antialias filters bilinearly; it does not go with interpolation 'nearest'");
}

/** The fits torchvision's way (crop fraction, antialiasing) go through the resampler of taps. */
function resampledFit(image: tf.Tensor3D, spec: InputSpec): Transformed {
  const fitName = spec.fit ?? 'stretch';
  const [h, w] = image.shape;
  const { x, y, transform } = fitGeometry(w, h, spec.width, spec.height, fitName, { cropFraction: spec.cropFraction });
  const mode = spec.interpolation === 'nearest' ? 'nearest' : spec.antialias ? 'antialias' : 'bilinear';
  return { tensor: resampleFit(image, x, y, spec.width, spec.height, mode, fitName === 'letterbox' ? (spec.padValue ?? 114) : 0), transform };
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
  const fitted = fit(image, spec);
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
