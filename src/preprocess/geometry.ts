import * as tf from '@tensorflow/tfjs';
import type { InputTransform } from '../core/types';

/** Pixel interpolation for resizing. `bilinear` matches OpenCV's INTER_LINEAR (half-pixel centres). @example `resize(img, 224, 224, 'nearest')` */
export type Interpolation = 'bilinear' | 'nearest';

/** An image tensor and how it was made from the source. @example `const { tensor, transform } = letterbox(img, 640, 640);` */
export interface Transformed {
  tensor: tf.Tensor3D;
  transform: InputTransform;
}

/** Python's round(): halves go to the even neighbour (Ultralytics computes sizes with it). */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (Math.abs(diff - 0.5) > 1e-9) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

function resizeTensor(image: tf.Tensor3D, width: number, height: number, method: Interpolation): tf.Tensor3D {
  const [h, w] = image.shape;
  if (h === height && w === width) return image.clone();
  const floats = image.dtype === 'float32' ? image : tf.cast(image, 'float32');
  return method === 'nearest'
    ? tf.image.resizeNearestNeighbor(floats, [height, width], false, true)
    : tf.image.resizeBilinear(floats, [height, width], false, true);
}

function identity(width: number, height: number): InputTransform {
  return { sourceWidth: width, sourceHeight: height, inputWidth: width, inputHeight: height, scaleX: 1, scaleY: 1, padX: 0, padY: 0, cropX: 0, cropY: 0 };
}

/**
 * Resizes to exactly `width`×`height`, ignoring aspect ratio. Returns a float32 tensor (the
 * caller owns it) and the transform for mapping coordinates back.
 *
 * @example
 * ```ts
 * const { tensor, transform } = resize(image, 512, 512);
 * ```
 */
export function resize(image: tf.Tensor3D, width: number, height: number, method: Interpolation = 'bilinear'): Transformed {
  const [h, w] = image.shape;
  const tensor = tf.tidy(() => resizeTensor(image, width, height, method));
  return { tensor, transform: { ...identity(w, h), inputWidth: width, inputHeight: height, scaleX: width / w, scaleY: height / h } };
}

/**
 * Letterbox as Ultralytics does it: scale to fit keeping the aspect ratio (`gain =
 * min(W/w, H/h)`), resize bilinearly, and pad evenly on both sides with `padValue` (114) so the
 * image is centred.
 *
 * @example
 * ```ts
 * const { tensor, transform } = letterbox(image, 640, 640); // transform.padY > 0 for a landscape photo
 * ```
 */
export function letterbox(
  image: tf.Tensor3D,
  width: number,
  height: number,
  options: { padValue?: number; method?: Interpolation; scaleUp?: boolean } = {},
): Transformed {
  const [h, w] = image.shape;
  let gain = Math.min(width / w, height / h);
  if (options.scaleUp === false) gain = Math.min(gain, 1);
  const newW = roundHalfEven(w * gain);
  const newH = roundHalfEven(h * gain);
  const dw = (width - newW) / 2;
  const dh = (height - newH) / 2;
  const top = roundHalfEven(dh - 0.1);
  const bottom = roundHalfEven(dh + 0.1);
  const left = roundHalfEven(dw - 0.1);
  const right = roundHalfEven(dw + 0.1);
  const tensor = tf.tidy(() => {
    const resized = resizeTensor(image, newW, newH, options.method ?? 'bilinear');
    const floats = resized.dtype === 'float32' ? resized : tf.cast(resized, 'float32');
    return tf.pad(floats, [[top, bottom], [left, right], [0, 0]], options.padValue ?? 114);
  });
  return {
    tensor,
    transform: { sourceWidth: w, sourceHeight: h, inputWidth: width, inputHeight: height, scaleX: gain, scaleY: gain, padX: left, padY: top, cropX: 0, cropY: 0 },
  };
}

/**
 * Centre crop: cuts the largest centred region with the target's aspect ratio, then resizes it
 * to `width`×`height` (the classic classification preprocessing).
 *
 * @example
 * ```ts
 * const { tensor } = centerCrop(image, 224, 224);
 * ```
 */
export function centerCrop(image: tf.Tensor3D, width: number, height: number, method: Interpolation = 'bilinear'): Transformed {
  const [h, w] = image.shape;
  const aspect = width / height;
  const cropW = Math.min(w, Math.round(h * aspect));
  const cropH = Math.min(h, Math.round(w / aspect));
  const cropX = Math.floor((w - cropW) / 2);
  const cropY = Math.floor((h - cropH) / 2);
  const tensor = tf.tidy(() => resizeTensor(tf.slice(image, [cropY, cropX, 0], [cropH, cropW, image.shape[2]]), width, height, method));
  return {
    tensor,
    transform: { sourceWidth: w, sourceHeight: h, inputWidth: width, inputHeight: height, scaleX: width / cropW, scaleY: height / cropH, padX: 0, padY: 0, cropX, cropY },
  };
}
