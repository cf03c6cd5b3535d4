/**
 * A frame opened for sampling, whatever the {@link ImageInput}: pixels in memory are read in
 * place (raw buffers, ImageData, decoded files, tensors on the wasm and cpu backends), camera
 * `VideoFrame`s can be read from their YUV planes and other browser pictures through a canvas
 * at model size (`resizeOnCapture`); GPU tensors stay on their backend.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError, describeError } from '../../core/errors';
import { type DrawableImage, type ImageInput, type RawImage, classifyImageInput, drawableSize, stableImageInput } from '../../core/image-input';
import { decodeImageInput, imageToTensor } from '../../core/image-tensor';
import { type Pixels, heapPixels } from './heap-pixels';
import { canReadDrawables, readDrawablePixels } from './capture-sample';
import { type YuvFrame, readYuvFrame } from './yuv-sample';
import { type GpuPicture, type GpuPictureSource, type GpuSampler, gpuSamplerFor } from '../gpu/gpu-sampler';

/**
 * A frame opened for sampling: its size, and either its pixels in memory (`pixels()` — call
 * it right before reading: a wasm heap view is invalidated by the next allocation), its YUV
 * planes, a browser picture to draw at model size, or a tensor. `release()` frees what opening
 * it created (never the caller's tensor).
 *
 * @example
 * ```ts
 * const frame = await openFrame(image);
 * try { input = sampleRegion(frame, region, target); } finally { frame.release(); }
 * ```
 */
export interface OpenFrame {
  width: number;
  height: number;
  channels: number;
  pixels?: () => Pixels;
  tensor?: tf.Tensor3D;
  /** A browser picture opened with `resizeOnCapture`: each region is scaled while it is read. */
  drawable?: DrawableImage;
  /** A camera frame's YUV planes (I420/NV12 `VideoFrame` opened with `resizeOnCapture`). */
  yuv?: YuvFrame;
  /** A browser picture in a GPU texture (WebGPU backend): samples are made by a compute shader. */
  gpu?: { sampler: GpuSampler; picture: GpuPicture };
  release(): void;
}

/**
 * How {@link openFrame} opens browser pictures.
 *
 * @example
 * ```ts
 * const frame = await openFrame(videoFrame, { resizeOnCapture: true });
 * ```
 */
export interface OpenFrameOptions {
  /**
   * Read browser pictures (VideoFrame, ImageBitmap, `<video>`, canvas, `<img>`) only as the
   * model-size samples a plan asks for — I420/NV12 `VideoFrame`s from their YUV planes, others
   * scaled by a canvas (bilinear) before the readback — instead of reading the whole picture
   * and resampling it exactly. Much less work per camera frame; values differ from the exact
   * path by a few grey levels. Default false.
   */
  resizeOnCapture?: boolean;
  /**
   * On the WebGPU backend, put browser pictures into a GPU texture and make model inputs there
   * with one compute pass (no pixel read back to the CPU). Default true; `false` keeps the
   * tensor path (`tf.browser.fromPixels` and resize kernels). The same switch governs
   * `prepareGpuInput` (models on onnxruntime-web's webgpu EP).
   */
  gpuSampling?: boolean;
}

function fromRaw(raw: RawImage | ImageData, channels: number): OpenFrame {
  return { width: raw.width, height: raw.height, channels, pixels: () => raw.data, release: () => undefined };
}

function tensorFrame(tensor: tf.Tensor3D, owned: boolean): OpenFrame {
  const [height, width, channels] = tensor.shape;
  return { width, height, channels, tensor, pixels: heapPixels(tensor), release: () => (owned ? tensor.dispose() : undefined) };
}

/**
 * Opens any {@link ImageInput} for the samplers; invalid inputs throw
 * `VisionError('INVALID_INPUT')` as every pipeline does.
 *
 * @example
 * ```ts
 * const frame = await openFrame(videoFrame, { resizeOnCapture: true });
 * ```
 */
export async function openFrame(given: ImageInput, options: OpenFrameOptions = {}): Promise<OpenFrame> {
  const input = stableImageInput(given);
  const kind = classifyImageInput(input);
  if ((kind === 'drawable' || kind === 'video-frame') && options.gpuSampling !== false) {
    const sampler = gpuSamplerFor();
    const { width, height } = drawableSize(input as DrawableImage);
    // a picture larger than the device's textures (maxTextureDimension2D, often 8192) would make an
    // invalid texture, which WebGPU only warns of: the model would run on zeros. It is read on the CPU path below.
    const side = sampler?.device.limits.maxTextureDimension2D ?? 0;
    if (sampler && width <= side && height <= side) {
      const picture = await sampler.open(input as GpuPictureSource, width, height);
      return { width, height, channels: 4, gpu: { sampler, picture }, release: () => picture.release() };
    }
  }
  if ((kind === 'drawable' || kind === 'video-frame') && canReadDrawables()) {
    const drawable = input as DrawableImage;
    const { width, height } = drawableSize(drawable);
    if (options.resizeOnCapture) {
      const yuv = kind === 'video-frame' ? await readYuvFrame(drawable as VideoFrame) : null;
      if (yuv) return { width, height, channels: 3, yuv, release: () => undefined };
      if (kind !== 'video-frame') return { width, height, channels: 4, drawable, release: () => undefined };
      // An RGB VideoFrame drawn shrunk is smoothed by Chrome (an area / mipmap filter: 10–25 grey
      // levels off at the 99th percentile); an ImageBitmap of it is drawn bilinearly as the plan says.
      const bitmap = await createImageBitmap(drawable as VideoFrame).catch((error: unknown) => {
        throw new VisionError('INVALID_INPUT', `could not read the VideoFrame (closed?): ${describeError(error)}`, { cause: error });
      });
      return { width, height, channels: 4, drawable: bitmap, release: () => bitmap.close() };
    }
    // On CPU backends, read the whole picture once and sample it in memory (no tensor).
    if (tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu') {
      let pixels: Pixels | undefined;
      return { width, height, channels: 4, pixels: () => (pixels ??= readDrawablePixels(drawable, width, height).data), release: () => undefined };
    }
  }
  if (kind === 'raw') return fromRaw(input as RawImage, (input as RawImage).channels);
  if (kind === 'image-data') return fromRaw(input as ImageData, 4);
  if (kind === 'path' || kind === 'encoded') {
    const raw = await decodeImageInput(input as string | Uint8Array | ArrayBuffer);
    return fromRaw(raw, raw.channels);
  }
  const { tensor, owned } = await imageToTensor(input);
  return tensorFrame(tensor, owned);
}
