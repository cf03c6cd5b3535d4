import type { Tensor } from '@tensorflow/tfjs';
import { shownValue } from './shown-value';
import { VisionError } from './errors';
import { optionNames } from './known-options';
import { checkPixelRange, checkImageSize, resolveMaxPixels } from './image-limits';
import { getPlatform } from './platform';
import type { RawImage } from './raw-image';

export type { RawImage } from './raw-image';


/** Anything the browser can draw: decoded images, canvases, video elements and frames. @example `const src: DrawableImage = document.querySelector('video')!;` */
export type DrawableImage =
  | ImageBitmap
  | VideoFrame
  | HTMLVideoElement
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas;

/**
 * Every image form a visionpipe pipeline accepts: browser images, canvases, video elements
 * and frames, `ImageData`, raw pixel buffers, an RGB(A) `tf.Tensor3D` of 0–255 values (int32 or float: scale 0–1 tensors by 255 first),
 * and — in Node, through `visionpipe/node` — a file path or encoded image bytes (JPEG, PNG,
 * WebP…).
 *
 * @example
 * ```ts
 * await classifier.run(document.querySelector('img')!);
 * await classifier.run({ data: rgba, width: 640, height: 480, channels: 4 });
 * ```
 */
export type ImageInput = DrawableImage | ImageData | RawImage | Tensor | string | Uint8Array | ArrayBuffer;

/** What kind of image input a value is, after validation. @example `if (kind === 'encoded') decode(...)` */
export type ImageInputKind = 'tensor' | 'raw' | 'image-data' | 'drawable' | 'video-frame' | 'encoded' | 'path';

function hasGlobal(name: string): boolean {
  return typeof (globalThis as Record<string, unknown>)[name] === 'function';
}

function isInstance(value: unknown, ctorName: string): boolean {
  const ctor = (globalThis as Record<string, unknown>)[ctorName];
  return hasGlobal(ctorName) && value instanceof (ctor as new () => unknown);
}

function isTensorLike(value: object): value is Tensor {
  const v = value as { shape?: unknown; dtype?: unknown; dataId?: unknown };
  return Array.isArray(v.shape) && typeof v.dtype === 'string' && v.dataId !== undefined;
}

function isPixelBuffer(value: object): value is { data: ArrayLike<number>; width: number; height: number } {
  const v = value as { data?: unknown; width?: unknown; height?: unknown };
  return ArrayBuffer.isView(v.data) && typeof v.width === 'number' && typeof v.height === 'number';
}

const ALLOWED =
  'allowed: ImageBitmap, VideoFrame, HTMLVideoElement, HTMLImageElement, HTMLCanvasElement, ' +
  'OffscreenCanvas, ImageData, {data, width, height, channels}, tf.Tensor3D [H,W,3|4], ' +
  'and in Node a file path or encoded image bytes';

/**
 * The input as it is to be read: a raw image or ImageData-like object (`{ data, width, height,
 * channels? }`, not a browser `ImageData`) copied into a frozen plain object, each field read
 * once. A getter or Proxy that answered the checks with one size and the pipeline with another
 * made a 48-byte image 1e9 pixels wide; the copy is what is checked and what is read. Anything
 * else is returned as given.
 *
 * @example
 * ```ts
 * const image = stableImageInput(input);
 * const kind = classifyImageInput(image); // then read image, never input
 * ```
 */
export function stableImageInput(value: ImageInput): ImageInput {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (isTensorLike(value) || isInstance(value, 'ImageData') || isInstance(value, 'VideoFrame') || !('data' in value && 'width' in value && 'height' in value)) return value;
  const v = value as { data: unknown; width: unknown; height: unknown; channels?: unknown };
  const copy = { data: v.data, width: v.width, height: v.height };
  return Object.freeze('channels' in value ? { ...copy, channels: v.channels } : copy) as unknown as ImageInput;
}

/** Limits applied when an image input is checked. @example `classifyImageInput(img, { maxPixels: 2 ** 24 })` */
export interface ImageInputLimits {
  /** Largest width × height accepted; default: the platform's `maxPixels`, else 2^26 (8192×8192). */
  maxPixels?: number;
}

/** The names {@link ImageInputLimits} has, for checks of the functions that take it (a misspelt `maxPixel` kept the default limit). */
export const LIMIT_NAMES = /* @__PURE__ */ optionNames<ImageInputLimits>()(['maxPixels']);

/**
 * The pixel limit in force: the given option, else the one installed with
 * `setPlatform({ maxPixels })`, else {@link DEFAULT_MAX_PIXELS}.
 *
 * @example
 * ```ts
 * const limit = effectiveMaxPixels(); // 67108864 unless configured
 * ```
 */
export function effectiveMaxPixels(limits: ImageInputLimits = {}): number {
  return resolveMaxPixels(limits.maxPixels ?? getPlatform().maxPixels);
}

/** `what`, with `hint` where the image is empty (a 9000² bitmap was "closed or detached?" in the pixel-limit message). */
const emptyHint = (what: string, width: number, height: number, hint: string): string => (width > 0 && height > 0 ? what : `${what} (${hint})`);

/**
 * The pixel size of a browser image, video or frame (and what to call it in messages); throws
 * `INVALID_INPUT` for a `<video>` without a frame or an `<img>` still loading.
 *
 * @example
 * ```ts
 * const { width, height } = drawableSize(video); // 640, 480
 * ```
 */
export function drawableSize(value: DrawableImage): { width: number; height: number; what: string } {
  if (isInstance(value, 'VideoFrame')) {
    const frame = value as VideoFrame;
    return { width: frame.displayWidth, height: frame.displayHeight, what: 'VideoFrame' };
  }
  if (isInstance(value, 'HTMLVideoElement')) {
    const video = value as HTMLVideoElement;
    if (video.readyState < 2) {
      throw new VisionError('INVALID_INPUT', `HTMLVideoElement has no current frame (readyState ${video.readyState}); wait for 'loadeddata' before running`);
    }
    return { width: video.videoWidth, height: video.videoHeight, what: 'HTMLVideoElement' };
  }
  if (isInstance(value, 'HTMLImageElement')) {
    const image = value as HTMLImageElement;
    if (!image.complete) throw new VisionError('INVALID_INPUT', 'HTMLImageElement has not finished loading; await image.decode() first');
    return { width: image.naturalWidth, height: image.naturalHeight, what: emptyHint('HTMLImageElement', image.naturalWidth, image.naturalHeight, 'broken or empty image?') };
  }
  if (isInstance(value, 'ImageBitmap')) {
    const bitmap = value as ImageBitmap;
    return { width: bitmap.width, height: bitmap.height, what: emptyHint('ImageBitmap', bitmap.width, bitmap.height, 'closed or detached?') };
  }
  const canvas = value as HTMLCanvasElement | OffscreenCanvas;
  return { width: canvas.width, height: canvas.height, what: 'canvas' };
}

/**
 * Checks an image input at the pipeline boundary and says what kind it is. Throws
 * `VisionError('INVALID_INPUT')` for zero-size, closed or detached images, for a width or
 * height that is not a positive whole number, for more than `maxPixels` pixels (see
 * {@link effectiveMaxPixels}), for a float pixel buffer value outside 0–255 (NaN and ±Infinity
 * included), and for values that are not images, naming what is allowed. (Float tensors are
 * scanned for such values by `imageToTensor`, which can read them asynchronously.)
 *
 * @example
 * ```ts
 * const kind = classifyImageInput(frame); // 'video-frame'
 * ```
 */
export function classifyImageInput(value: unknown, limits: ImageInputLimits = {}): ImageInputKind {
  const maxPixels = effectiveMaxPixels(limits);
  const requireSize = (width: number, height: number, what: string): void => checkImageSize(width, height, what, maxPixels);
  if (typeof value === 'string') {
    if (value.length === 0) throw new VisionError('INVALID_INPUT', `empty string given as image path; ${ALLOWED}`);
    return 'path';
  }
  if (value instanceof ArrayBuffer || value instanceof Uint8Array) {
    if (value.byteLength === 0) throw new VisionError('INVALID_INPUT', 'image bytes are empty (0 bytes, or a detached buffer)');
    return 'encoded';
  }
  if (value === null || typeof value !== 'object') {
    throw new VisionError('INVALID_INPUT', `image input is ${value === null ? 'null' : typeof value}; ${ALLOWED}`);
  }
  if (isTensorLike(value)) {
    const [h, w, c] = value.shape;
    if (value.isDisposed) throw new VisionError('INVALID_INPUT', 'image tensor is already disposed');
    if (value.shape.length !== 3 || (c !== 1 && c !== 3 && c !== 4)) {
      throw new VisionError('INVALID_INPUT', `image tensor has shape [${value.shape.join(',')}]; expected [height, width, 1|3|4]`);
    }
    if (value.dtype !== 'int32' && value.dtype !== 'float32') {
      throw new VisionError('INVALID_INPUT', `image tensor has dtype ${value.dtype}; allowed: int32 or float32`);
    }
    requireSize(w ?? 0, h ?? 0, 'image tensor');
    return 'tensor';
  }
  if (isInstance(value, 'VideoFrame')) {
    const frame = value as VideoFrame;
    if (frame.format === null || frame.displayWidth === 0) {
      throw new VisionError('INVALID_INPUT', 'VideoFrame is closed (or has no pixel format); clone it before passing it on if it must be closed early');
    }
    requireSize(frame.displayWidth, frame.displayHeight, 'VideoFrame');
    return 'video-frame';
  }
  if (isPixelBuffer(value)) {
    requireSize(value.width, value.height, 'pixel buffer');
    if (value.data.length === 0) throw new VisionError('INVALID_INPUT', 'pixel buffer has no data (detached ArrayBuffer?)');
    const data = value.data;
    if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Float32Array)) {
      // 16-bit or float64 pixels were read one way by the tensor path (truncated) and another by the sampler
      throw new VisionError('INVALID_INPUT', `pixel buffer data is a ${data.constructor.name}; allowed: Uint8Array, Uint8ClampedArray or Float32Array with values 0–255`);
    }
    if (data instanceof Float32Array) checkPixelRange(data, 'pixel buffer');
    if (isInstance(value, 'ImageData') || !('channels' in value)) {
      if (value.data.length !== value.width * value.height * 4) {
        throw new VisionError('INVALID_INPUT', `ImageData-like buffer has ${value.data.length} values; ${value.width}×${value.height} RGBA needs ${value.width * value.height * 4}`);
      }
      return 'image-data';
    }
    const channels = (value as RawImage).channels;
    if (channels !== 1 && channels !== 3 && channels !== 4) {
      throw new VisionError('INVALID_INPUT', `raw image has channels=${shownValue(channels)}; allowed: 1, 3 or 4`);
    }
    const expected = value.width * value.height * channels;
    if (value.data.length !== expected) {
      throw new VisionError('INVALID_INPUT', `raw image data has ${value.data.length} values; ${value.width}×${value.height}×${channels} needs ${expected}`);
    }
    return 'raw';
  }
  const drawables = ['HTMLVideoElement', 'HTMLImageElement', 'ImageBitmap', 'HTMLCanvasElement', 'OffscreenCanvas'];
  if (drawables.some((name) => isInstance(value, name))) {
    const { width, height, what } = drawableSize(value as DrawableImage);
    requireSize(width, height, what);
    return 'drawable';
  }
  if ('data' in value && 'width' in value && 'height' in value) {
    // a raw image with fields of the wrong kind: say which
    const v = value as { data: unknown; width: unknown; height: unknown };
    const data = ArrayBuffer.isView(v.data) ? v.data.constructor.name : shownValue(v.data);
    throw new VisionError('INVALID_INPUT', `a raw image needs data as a typed array (Uint8Array, Uint8ClampedArray, Float32Array…) and width and height as numbers; got data ${data}, width ${shownValue(v.width)}, height ${shownValue(v.height)}`);
  }
  throw new VisionError('INVALID_INPUT', `unsupported image input (${Object.prototype.toString.call(value)}); ${ALLOWED}`);
}
