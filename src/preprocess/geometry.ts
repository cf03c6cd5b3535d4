import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import type { InputTransform } from '../core/types';
import type { Interpolation } from '../core/card-types';
import { roundHalfEven } from '../core/round-half-even';
export type { Interpolation } from '../core/card-types';

/** An image tensor and how it was made from the source. @example `const { tensor, transform } = letterbox(img, 640, 640);` */
export interface Transformed {
  tensor: tf.Tensor3D;
  transform: InputTransform;
}

function resizeTensor(image: tf.Tensor3D, width: number, height: number, method: Interpolation): tf.Tensor3D {
  const [h, w] = image.shape;
  if (h === height && w === width) return image.clone();
  // resizeBilinear reads int32 input and returns float32 itself (no full-frame cast first);
  // nearest-neighbour keeps the input dtype, so it gets float32 explicitly.
  if (method !== 'nearest') return tf.image.resizeBilinear(image, [height, width], false, true);
  const floats = image.dtype === 'float32' ? image : tf.cast(image, 'float32');
  return tf.image.resizeNearestNeighbor(floats, [height, width], false, true);
}

/** Validates a geometry call at the API boundary: a [H, W, C] image and a positive integer size. */
function checkArgs(what: string, image: tf.Tensor3D, width: number, height: number): void {
  if (!image || !Array.isArray(image.shape) || image.shape.length !== 3 || image.isDisposed) {
    const shape = image && Array.isArray(image.shape) ? `[${image.shape.join(',')}]` : String(image);
    throw new VisionError('INVALID_INPUT', `${what}: image must be an undisposed [height, width, channels] tensor; got ${image?.isDisposed ? 'a disposed tensor' : shape}`);
  }
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new VisionError('INVALID_OPTION', `${what}: ${name} is ${String(value)}; it must be a positive integer`);
    }
  }
}

/**
 * How one axis of a fit maps the source: the source span [from, from + span) is resized to
 * `resized` pixels placed at `offset` of the model input (the rest is pad).
 *
 * @example
 * ```ts
 * const x: AxisFit = { from: 0, span: 1920, offset: 0, resized: 512 };
 * ```
 */
export interface AxisFit {
  from: number;
  span: number;
  offset: number;
  resized: number;
}

/**
 * Both axes of a fit and the transform back to the source.
 *
 * @example
 * ```ts
 * const { x, y, transform }: FitGeometry = fitGeometry(640, 480, 224, 224, 'center-crop');
 * ```
 */
export interface FitGeometry {
  x: AxisFit;
  y: AxisFit;
  transform: InputTransform;
}

/**
 * The size a crop fraction scales a `w` × `h` source to, as timm's evaluation transform: for a
 * square input torchvision's `Resize(⌊side / f⌋)` (the short side gets it, the long side
 * `int(that · long / short)`), for another input timm's `ResizeKeepRatio` to the floored
 * targets (the ratio that covers both, each side `round(side / ratio)`, half to even).
 */
function fractionSize(w: number, h: number, width: number, height: number, fraction: number): [number, number] {
  const targetW = Math.floor(width / fraction);
  const targetH = Math.floor(height / fraction);
  if (width === height) return h <= w ? [Math.trunc((targetH * w) / h), targetH] : [targetW, Math.trunc((targetW * h) / w)];
  const ratio = Math.min(h / targetH, w / targetW);
  return [roundHalfEven(w / ratio), roundHalfEven(h / ratio)];
}

/**
 * torchvision's `Resize(⌊side / f⌋)` + `CenterCrop(side)` (timm's `crop_pct`) as one fit: the
 * source is scaled, aspect kept, so that it covers the input grown by 1 / f
 * ({@link fractionSize}), and the input is cut from its middle at torchvision's offsets
 * (`round((resized − side) / 2)`, half to even). Each axis resizes the whole source and starts
 * at a negative offset.
 */
function fractionCrop(base: InputTransform, w: number, h: number, fraction: number): FitGeometry {
  const { inputWidth: width, inputHeight: height } = base;
  const [resizedW, resizedH] = fractionSize(w, h, width, height, fraction);
  // float rounding must not leave the cut a sample short
  const sizeX = Math.max(resizedW, width);
  const sizeY = Math.max(resizedH, height);
  const left = roundHalfEven((sizeX - width) / 2);
  const top = roundHalfEven((sizeY - height) / 2);
  const scaleX = sizeX / w;
  const scaleY = sizeY / h;
  return {
    x: { from: 0, span: w, offset: -left, resized: sizeX },
    y: { from: 0, span: h, offset: -top, resized: sizeY },
    transform: { ...base, scaleX, scaleY, cropX: left / scaleX, cropY: top / scaleY },
  };
}

/**
 * The geometry of a fit without touching pixels: per axis what is cut, resized and padded, and
 * the {@link InputTransform} back to the source. {@link resize}, {@link letterbox} and
 * {@link centerCrop} apply it to tensors; the samplers of `preprocess/sampling` read it.
 * `cropFraction` (centre crop only) makes the crop torchvision's `Resize` + `CenterCrop`
 * (see `InputSpec.cropFraction`); `scaleUp: false` keeps a letterbox from enlarging.
 *
 * @throws VisionError `INVALID_OPTION` for an unknown fit or a non-positive size.
 *
 * @example
 * ```ts
 * const { x, y, transform } = fitGeometry(1920, 1280, 640, 640, 'letterbox'); // y.offset 106
 * ```
 */
export function fitGeometry(
  w: number,
  h: number,
  width: number,
  height: number,
  fit: 'stretch' | 'letterbox' | 'center-crop',
  options: { scaleUp?: boolean; cropFraction?: number } = {},
): FitGeometry {
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new VisionError('INVALID_OPTION', `input ${name} is ${String(value)}; it must be a positive integer`);
  }
  const base: InputTransform = { sourceWidth: w, sourceHeight: h, inputWidth: width, inputHeight: height, scaleX: 1, scaleY: 1, padX: 0, padY: 0, cropX: 0, cropY: 0 };
  switch (fit) {
    case 'stretch':
      return { x: { from: 0, span: w, offset: 0, resized: width }, y: { from: 0, span: h, offset: 0, resized: height }, transform: { ...base, scaleX: width / w, scaleY: height / h } };
    case 'letterbox': {
      let gain = Math.min(width / w, height / h);
      if (options.scaleUp === false) gain = Math.min(gain, 1);
      // Ultralytics would hand cv2.resize a zero size for extreme aspect ratios: keep ≥ 1 pixel.
      const newW = Math.max(1, roundHalfEven(w * gain));
      const newH = Math.max(1, roundHalfEven(h * gain));
      const top = roundHalfEven((height - newH) / 2 - 0.1);
      const left = roundHalfEven((width - newW) / 2 - 0.1);
      return {
        x: { from: 0, span: w, offset: left, resized: newW },
        y: { from: 0, span: h, offset: top, resized: newH },
        transform: { ...base, scaleX: gain, scaleY: gain, padX: left, padY: top },
      };
    }
    case 'center-crop': {
      if (options.cropFraction !== undefined) return fractionCrop(base, w, h, options.cropFraction);
      const aspect = width / height;
      const cropW = Math.max(1, Math.min(w, Math.round(h * aspect)));
      const cropH = Math.max(1, Math.min(h, Math.round(w / aspect)));
      const cropX = Math.floor((w - cropW) / 2);
      const cropY = Math.floor((h - cropH) / 2);
      return {
        x: { from: cropX, span: cropW, offset: 0, resized: width },
        y: { from: cropY, span: cropH, offset: 0, resized: height },
        transform: { ...base, scaleX: width / cropW, scaleY: height / cropH, cropX, cropY },
      };
    }
    default:
      throw new VisionError('INVALID_OPTION', `unknown fit '${String(fit)}'; allowed: stretch, letterbox, center-crop`);
  }
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
  checkArgs('resize', image, width, height);
  const [h, w] = image.shape;
  const tensor = tf.tidy(() => resizeTensor(image, width, height, method));
  return { tensor, transform: fitGeometry(w, h, width, height, 'stretch').transform };
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
  checkArgs('letterbox', image, width, height);
  const [h, w] = image.shape;
  const { x, y, transform } = fitGeometry(w, h, width, height, 'letterbox', options);
  const tensor = tf.tidy(() => {
    const resized = resizeTensor(image, x.resized, y.resized, options.method ?? 'bilinear');
    const floats = resized.dtype === 'float32' ? resized : tf.cast(resized, 'float32');
    const pads: [number, number][] = [[y.offset, height - y.resized - y.offset], [x.offset, width - x.resized - x.offset], [0, 0]];
    return tf.pad(floats, pads, options.padValue ?? 114);
  });
  return { tensor, transform };
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
  checkArgs('centerCrop', image, width, height);
  const [h, w] = image.shape;
  const { x, y, transform } = fitGeometry(w, h, width, height, 'center-crop');
  const tensor = tf.tidy(() => resizeTensor(tf.slice(image, [y.from, x.from, 0], [y.span, x.span, image.shape[2]]), width, height, method));
  return { tensor, transform };
}
