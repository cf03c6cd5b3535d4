/**
 * Box layouts and coordinate frames on flat N×4 arrays: format conversion, normalisation,
 * clipping, and mapping from model-input pixels back to the source image.
 */
import { VisionError } from '../core/errors';
import type { InputTransform } from '../core/types';
import { checkBoxArray, checkOptionNames, checkPositive } from './validate';
import { optionNames } from '../core/known-options';

/**
 * How the 4 numbers of a box are laid out:
 * - `'xyxy'`: top-left and bottom-right corners `x1, y1, x2, y2`;
 * - `'xywh'`: top-left corner and size `x, y, w, h` (COCO, `cv2.dnn.NMSBoxes`);
 * - `'cxcywh'`: centre and size `cx, cy, w, h` (YOLO heads, DETR).
 *
 * @example
 * ```ts
 * const fmt: BoxFormat = 'cxcywh';
 * ```
 */
export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';

const FORMATS: readonly BoxFormat[] = ['xyxy', 'xywh', 'cxcywh'];

/**
 * An array that can be written in place.
 *
 * @example
 * ```ts
 * const boxes: WritableNumberArray = new Float32Array(8);
 * ```
 */
export type WritableNumberArray = Float32Array | Float64Array | number[];


function checkFormat(f: string, what: string): void {
  if (!FORMATS.includes(f as BoxFormat)) {
    throw new VisionError('INVALID_OPTION', `${what} must be one of ${FORMATS.join(', ')}; got ${String(f)}`);
  }
}

/**
 * Converts flat N×4 boxes between layouts. Always returns a new array.
 *
 * @throws VisionError `INVALID_INPUT` (length not a multiple of 4), `INVALID_OPTION` (unknown format).
 *
 * @example
 * ```ts
 * convertBoxes([50, 50, 20, 10], 'cxcywh', 'xyxy'); // Float32Array [40, 45, 60, 55]
 * ```
 */
export function convertBoxes(boxes: ArrayLike<number>, from: BoxFormat, to: BoxFormat): Float32Array {
  const n = checkBoxArray(boxes, 'convertBoxes: boxes');
  checkFormat(from, 'convertBoxes: from');
  checkFormat(to, 'convertBoxes: to');
  const out = new Float32Array(n * 4);
  for (let o = 0; o < n * 4; o += 4) {
    let x1 = boxes[o];
    let y1 = boxes[o + 1];
    let x2 = boxes[o + 2];
    let y2 = boxes[o + 3];
    if (from === 'xywh') {
      x2 += x1;
      y2 += y1;
    } else if (from === 'cxcywh') {
      const hw = x2 / 2;
      const hh = y2 / 2;
      x2 = x1 + hw;
      y2 = y1 + hh;
      x1 -= hw;
      y1 -= hh;
    }
    if (to === 'xyxy') {
      out[o] = x1;
      out[o + 1] = y1;
      out[o + 2] = x2;
      out[o + 3] = y2;
    } else if (to === 'xywh') {
      out[o] = x1;
      out[o + 1] = y1;
      out[o + 2] = x2 - x1;
      out[o + 3] = y2 - y1;
    } else {
      out[o] = (x1 + x2) / 2;
      out[o + 1] = (y1 + y2) / 2;
      out[o + 2] = x2 - x1;
      out[o + 3] = y2 - y1;
    }
  }
  return out;
}

function scaleXY(boxes: ArrayLike<number>, sx: number, sy: number): Float32Array {
  const out = new Float32Array(boxes.length);
  for (let o = 0; o < boxes.length; o += 4) {
    out[o] = boxes[o] * sx;
    out[o + 1] = boxes[o + 1] * sy;
    out[o + 2] = boxes[o + 2] * sx;
    out[o + 3] = boxes[o + 3] * sy;
  }
  return out;
}

/**
 * Divides x-like numbers by `width` and y-like numbers by `height` (pixels → 0–1). Works for
 * every {@link BoxFormat}, since each stores x, y, x-extent, y-extent. Returns a new array.
 *
 * @example
 * ```ts
 * normalizeBoxes([64, 48, 320, 240], 640, 480); // Float32Array [0.1, 0.1, 0.5, 0.5]
 * ```
 */
export function normalizeBoxes(boxes: ArrayLike<number>, width: number, height: number): Float32Array {
  checkBoxArray(boxes, 'normalizeBoxes: boxes');
  checkPositive(width, 'normalizeBoxes: width');
  checkPositive(height, 'normalizeBoxes: height');
  return scaleXY(boxes, 1 / width, 1 / height);
}

/**
 * Multiplies normalised (0–1) boxes by the image size (0–1 → pixels). Any {@link BoxFormat}.
 *
 * @example
 * ```ts
 * denormalizeBoxes([0.1, 0.1, 0.5, 0.5], 640, 480); // Float32Array [64, 48, 320, 240]
 * ```
 */
export function denormalizeBoxes(boxes: ArrayLike<number>, width: number, height: number): Float32Array {
  checkBoxArray(boxes, 'denormalizeBoxes: boxes');
  checkPositive(width, 'denormalizeBoxes: width');
  checkPositive(height, 'denormalizeBoxes: height');
  return scaleXY(boxes, width, height);
}

/**
 * Options of {@link clipBoxes}.
 *
 * @example
 * ```ts
 * clipBoxes(boxes, 640, 480, { inPlace: true });
 * ```
 */
export interface ClipOptions {
  /** Write into `boxes` and return it instead of allocating. Default false. */
  inPlace?: boolean;
}

const CLIP_OPTION_NAMES = /* @__PURE__ */ optionNames<ClipOptions>()(['inPlace']);

/**
 * Clamps xyxy boxes to the image: x into [0, width], y into [0, height] (as Ultralytics
 * `clip_boxes`). Returns a new `Float32Array`, or `boxes` itself with `{ inPlace: true }`.
 *
 * @example
 * ```ts
 * clipBoxes([-5, 10, 700, 500], 640, 480);                  // Float32Array [0, 10, 640, 480]
 * clipBoxes(decoded, 640, 480, { inPlace: true });          // no allocation
 * ```
 */
export function clipBoxes(
  boxes: ArrayLike<number>,
  width: number,
  height: number,
  options?: { inPlace?: false },
): Float32Array;
export function clipBoxes<T extends WritableNumberArray>(
  boxes: T,
  width: number,
  height: number,
  options: { inPlace: true },
): T;
export function clipBoxes(
  boxes: WritableNumberArray,
  width: number,
  height: number,
  options: ClipOptions,
): WritableNumberArray;
export function clipBoxes(
  boxes: ArrayLike<number>,
  width: number,
  height: number,
  options: ClipOptions = {},
): ArrayLike<number> {
  checkOptionNames(options, 'clipBoxes', CLIP_OPTION_NAMES);
  checkBoxArray(boxes, 'clipBoxes: boxes');
  if (!(width >= 0) || !(height >= 0)) {
    throw new VisionError(
      'INVALID_OPTION',
      `clipBoxes: width and height must be non-negative numbers; got ${String(width)}×${String(height)}`,
    );
  }
  const out: WritableNumberArray = options.inPlace ? (boxes as WritableNumberArray) : Float32Array.from(boxes);
  for (let o = 0; o < out.length; o += 4) {
    out[o] = Math.min(Math.max(out[o], 0), width);
    out[o + 1] = Math.min(Math.max(out[o + 1], 0), height);
    out[o + 2] = Math.min(Math.max(out[o + 2], 0), width);
    out[o + 3] = Math.min(Math.max(out[o + 3], 0), height);
  }
  return out;
}

function checkTransform(meta: InputTransform, what: string): void {
  if (meta == null || typeof meta !== 'object') {
    throw new VisionError('INVALID_INPUT', `${what}: meta must be an InputTransform object`);
  }
  checkPositive(meta.sourceWidth, `${what}: meta.sourceWidth`);
  checkPositive(meta.sourceHeight, `${what}: meta.sourceHeight`);
  checkPositive(meta.scaleX, `${what}: meta.scaleX`);
  checkPositive(meta.scaleY, `${what}: meta.scaleY`);
  for (const key of ['padX', 'padY', 'cropX', 'cropY'] as const) {
    if (typeof meta[key] !== 'number' || !Number.isFinite(meta[key])) {
      throw new VisionError('INVALID_OPTION', `${what}: meta.${key} must be a finite number; got ${String(meta[key])}`);
    }
  }
}

/**
 * Options of {@link scaleBoxesToSource}.
 *
 * @example
 * ```ts
 * scaleBoxesToSource(boxes, meta, { clip: false });
 * ```
 */
export interface ScaleOptions {
  /** Clip the result to the source image. Default true. */
  clip?: boolean;
}

const SCALE_OPTION_NAMES = /* @__PURE__ */ optionNames<ScaleOptions>()(['clip']);

/**
 * Maps xyxy boxes from model-input pixels back to source-image pixels:
 * `source = (input - pad) / scale + crop`, then clipped to the source image (Ultralytics
 * `scale_boxes(img1_shape, boxes, img0_shape, ratio_pad)` with a crop offset added).
 * Returns a new array.
 *
 * @throws VisionError `INVALID_INPUT` for a malformed box array, `INVALID_OPTION` for a
 * meta with non-positive sizes or scales.
 *
 * @example
 * ```ts
 * // meta from the letterbox that produced the model input
 * const boxes = scaleBoxesToSource(decodedXyxy, meta); // pixels of the original frame
 * ```
 */
export function scaleBoxesToSource(
  boxes: ArrayLike<number>,
  meta: InputTransform,
  options: ScaleOptions = {},
): Float32Array {
  checkOptionNames(options, 'scaleBoxesToSource', SCALE_OPTION_NAMES);
  const n = checkBoxArray(boxes, 'scaleBoxesToSource: boxes');
  checkTransform(meta, 'scaleBoxesToSource');
  const { scaleX, scaleY, padX, padY, cropX, cropY } = meta;
  const clip = options.clip ?? true;
  const w = meta.sourceWidth;
  const h = meta.sourceHeight;
  const out = new Float32Array(n * 4);
  for (let o = 0; o < n * 4; o += 4) {
    let x1 = (boxes[o] - padX) / scaleX + cropX;
    let y1 = (boxes[o + 1] - padY) / scaleY + cropY;
    let x2 = (boxes[o + 2] - padX) / scaleX + cropX;
    let y2 = (boxes[o + 3] - padY) / scaleY + cropY;
    if (clip) {
      x1 = Math.min(Math.max(x1, 0), w);
      y1 = Math.min(Math.max(y1, 0), h);
      x2 = Math.min(Math.max(x2, 0), w);
      y2 = Math.min(Math.max(y2, 0), h);
    }
    out[o] = x1;
    out[o + 1] = y1;
    out[o + 2] = x2;
    out[o + 3] = y2;
  }
  return out;
}

/**
 * The inverse of {@link scaleBoxesToSource} (without clipping): maps xyxy boxes from
 * source-image pixels into model-input pixels, `input = (source - crop) * scale + pad`.
 * Useful for prompts, anchors or ground truth given in source pixels.
 *
 * @example
 * ```ts
 * const inInput = scaleBoxesToInput([100, 100, 300, 200], meta);
 * ```
 */
export function scaleBoxesToInput(boxes: ArrayLike<number>, meta: InputTransform): Float32Array {
  const n = checkBoxArray(boxes, 'scaleBoxesToInput: boxes');
  checkTransform(meta, 'scaleBoxesToInput');
  const { scaleX, scaleY, padX, padY, cropX, cropY } = meta;
  const out = new Float32Array(n * 4);
  for (let o = 0; o < n * 4; o += 4) {
    out[o] = (boxes[o] - cropX) * scaleX + padX;
    out[o + 1] = (boxes[o + 1] - cropY) * scaleY + padY;
    out[o + 2] = (boxes[o + 2] - cropX) * scaleX + padX;
    out[o + 3] = (boxes[o + 3] - cropY) * scaleY + padY;
  }
  return out;
}

/**
 * Maps flat `(x, y)` points from model-input pixels back to source-image pixels through the
 * same transform as {@link scaleBoxesToSource} (not clipped: landmarks may lie just outside).
 *
 * @example
 * ```ts
 * const eyes = scaleKeypointsToSource([100, 80, 140, 80], meta); // [x0, y0, x1, y1] in the frame
 * ```
 */
export function scaleKeypointsToSource(points: ArrayLike<number>, meta: InputTransform): Float32Array {
  if (points.length % 2 !== 0) throw new VisionError('INVALID_INPUT', `scaleKeypointsToSource: points must be flat (x, y) pairs; got ${points.length} values`);
  checkTransform(meta, 'scaleKeypointsToSource');
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    out[i] = (points[i] - meta.padX) / meta.scaleX + meta.cropX;
    out[i + 1] = (points[i + 1] - meta.padY) / meta.scaleY + meta.cropY;
  }
  return out;
}
