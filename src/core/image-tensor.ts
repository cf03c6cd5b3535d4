import * as tf from '@tensorflow/tfjs';
import { VisionError, describeError } from './errors';
import { type DrawableImage, type ImageInput, type ImageInputLimits, LIMIT_NAMES, type RawImage, classifyImageInput, drawableSize, effectiveMaxPixels, stableImageInput } from './image-input';
import { checkOptionsObject } from './known-options';
import { getPlatform } from './platform';

/**
 * An image as an RGB tensor `[height, width, 3]` and whether the caller owns it (a tensor the
 * caller passed in is used as is and must never be disposed by visionpipe).
 *
 * @example
 * ```ts
 * const { tensor, owned } = await imageToTensor(video);
 * try { ... } finally { if (owned) tensor.dispose(); }
 * ```
 */
export interface ImageTensor {
  tensor: tf.Tensor3D;
  owned: boolean;
}

function fromRaw(raw: RawImage): tf.Tensor3D {
  const { width, height, channels } = raw;
  return tf.tidy(() => {
    const dtype = raw.data instanceof Float32Array ? 'float32' : 'int32';
    const values = raw.data instanceof Float32Array ? raw.data : Int32Array.from(raw.data);
    const full = tf.tensor3d(values, [height, width, channels], dtype);
    if (channels === 3) return full;
    if (channels === 4) return tf.slice(full, [0, 0, 0], [height, width, 3]);
    return tf.tile(full, [1, 1, 3]);
  });
}

/**
 * A float tensor value outside 0–255 (NaN and ±Infinity included) is `INVALID_INPUT`: three
 * reductions read back together (the element-wise comparisons this replaced cost 11 ms a
 * 640×480 frame on wasm; these about 2 ms). int32 tensors — `tf.browser.fromPixels`' bytes — are
 * taken as they are: checking them would cost every camera frame a readback.
 */
async function requirePixelRange(tensor: tf.Tensor): Promise<void> {
  if (tensor.dtype !== 'float32') return;
  // NaN and ±Infinity times 0 are NaN, which reaches the sum whatever a vectorised min or max makes
  // of them; a sum of zeros cannot overflow (a plain sum of a frame would, in WebGL's half floats)
  const summary = tf.tidy(() => tf.stack([tf.min(tensor), tf.max(tensor), tf.sum(tf.mul(tensor, 0))]));
  let min: number, max: number, nonFinite: number;
  try {
    [min, max, nonFinite] = await summary.data();
  } finally {
    summary.dispose();
  }
  if (min >= 0 && max <= 255 && nonFinite === 0) return;
  throw new VisionError('INVALID_INPUT', `image tensor has values outside 0–255 (${await describeRange(tensor)}); pixel values must be numbers 0–255 (clip resampled values, and give raw pixels, not normalised ones)`);
}

/** The smallest and largest value of a float tensor, or that it holds NaN — for the message only. */
async function describeRange(tensor: tf.Tensor): Promise<string> {
  const summary = tf.tidy(() => tf.stack([tf.min(tensor), tf.max(tensor), tf.any(tf.isNaN(tensor)).toFloat()]));
  const [min, max, hasNaN] = await summary.data();
  summary.dispose();
  return hasNaN ? 'NaN among them' : `min ${min}, max ${max}`;
}

function fromTensor(tensor: tf.Tensor): ImageTensor {
  const channels = tensor.shape[2];
  if (channels === 3) return { tensor: tensor as tf.Tensor3D, owned: false };
  const [h, w] = tensor.shape as [number, number, number];
  const rgb = tf.tidy(() => (channels === 4 ? tf.slice(tensor, [0, 0, 0], [h, w, 3]) : tf.tile(tensor, [1, 1, 3])));
  return { tensor: rgb as tf.Tensor3D, owned: true };
}

function drawToCanvas(source: CanvasImageSource, width: number, height: number): ImageData {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new VisionError('INVALID_INPUT', 'could not create a 2D canvas to read the frame pixels');
  context.drawImage(source, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

/**
 * The largest texture side of the active tfjs backend where `fromPixels` makes a texture
 * (WebGPU: the device's `maxTextureDimension2D`; WebGL: `WEBGL_MAX_TEXTURE_SIZE`), else
 * Infinity. A larger picture made an invalid WebGPU texture silently (the model ran on zeros).
 */
function textureLimit(): number {
  const backend = tf.getBackend();
  if (backend === 'webgpu') return (tf.backend() as unknown as { device?: GPUDevice }).device?.limits.maxTextureDimension2D ?? Infinity;
  if (backend === 'webgl') return tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
  return Infinity;
}

function fromDrawable(source: DrawableImage): tf.Tensor3D {
  const { width, height } = drawableSize(source);
  const limit = textureLimit();
  // too large for one texture: its pixels are read through a 2D canvas and uploaded as data
  if ((width > limit || height > limit) && typeof OffscreenCanvas === 'function') return tf.browser.fromPixels(drawToCanvas(source as CanvasImageSource, width, height));
  try {
    return tf.browser.fromPixels(source as Exclude<DrawableImage, VideoFrame | OffscreenCanvas> );
  } catch (error) {
    // Some WebGPU devices (e.g. SwiftShader) cannot import a <video> as an external texture;
    // read its pixels through a 2D canvas instead.
    const isVideo = typeof HTMLVideoElement === 'function' && source instanceof HTMLVideoElement;
    if (!isVideo || typeof OffscreenCanvas !== 'function') {
      throw new VisionError('INVALID_INPUT', `could not read pixels from the image: ${describeError(error)}`, { cause: error });
    }
    const video = source as HTMLVideoElement;
    return tf.browser.fromPixels(drawToCanvas(video, video.videoWidth, video.videoHeight));
  }
}

/**
 * Decodes a file path or encoded image bytes with the host's decoder (Node: sharp, installed by
 * `visionpipe/node`). Throws `INVALID_INPUT` when there is no decoder or the image cannot be
 * decoded, naming the file.
 *
 * @example
 * ```ts
 * const { data, width, height } = await decodeImageInput('photo.jpg');
 * ```
 */
export async function decodeImageInput(input: string | Uint8Array | ArrayBuffer, limits: ImageInputLimits = {}): Promise<RawImage> {
  const decode = getPlatform().decodeImage;
  if (!decode) {
    throw new VisionError('INVALID_INPUT', `${typeof input === 'string' ? 'file paths' : 'encoded image bytes'} need an image decoder: import from 'visionpipe/node' in Node, or pass an ImageBitmap/HTMLImageElement in browsers`);
  }
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  const maxPixels = effectiveMaxPixels(limits);
  let decoded: RawImage;
  try {
    decoded = await decode(bytes, { maxPixels });
  } catch (error) {
    if (error instanceof VisionError) throw error;
    throw new VisionError('INVALID_INPUT', `could not decode the image${typeof bytes === 'string' ? ` '${bytes}'` : ''}: ${describeError(error)}`, { cause: error });
  }
  // A decoder the host installed may not check the limit itself: check what it returned too.
  classifyImageInput(decoded, { maxPixels });
  return decoded;
}

/**
 * Converts any {@link ImageInput} into an RGB tensor on the active tfjs backend (values
 * 0–255; int32 for 8-bit sources, float32 for float sources). Zero-size, closed or detached
 * inputs, images over the pixel limit (`limits.maxPixels`, checked from the header before an
 * encoded image is decoded) and float pixel values outside 0–255 (NaN, ±Infinity) throw `VisionError('INVALID_INPUT')`. File paths and encoded bytes need the Node
 * entry (`visionpipe/node`), which installs an image decoder.
 *
 * @example
 * ```ts
 * const { tensor, owned } = await imageToTensor(imageBitmap);
 * ```
 */
export async function imageToTensor(given: ImageInput, limits: ImageInputLimits = {}): Promise<ImageTensor> {
  checkOptionsObject(limits, 'imageToTensor', LIMIT_NAMES);
  const input = stableImageInput(given);
  const kind = classifyImageInput(input, limits);
  switch (kind) {
    case 'tensor':
      await requirePixelRange(input as tf.Tensor);
      return fromTensor(input as tf.Tensor);
    case 'raw':
      return { tensor: fromRaw(input as RawImage), owned: true };
    case 'image-data': {
      const data = input as ImageData;
      return { tensor: fromRaw({ data: data.data, width: data.width, height: data.height, channels: 4 }), owned: true };
    }
    case 'video-frame': {
      const frame = input as VideoFrame;
      const pixels = drawToCanvas(frame, frame.displayWidth, frame.displayHeight);
      return { tensor: tf.browser.fromPixels(pixels), owned: true };
    }
    case 'drawable':
      return { tensor: fromDrawable(input as DrawableImage), owned: true };
    case 'path':
    case 'encoded':
      return { tensor: fromRaw(await decodeImageInput(input as string | Uint8Array | ArrayBuffer, limits)), owned: true };
  }
}
