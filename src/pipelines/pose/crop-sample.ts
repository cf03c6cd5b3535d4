/**
 * Model inputs cut straight out of a frame: a crop region resampled to the model size with
 * `tf.image.cropAndResize` semantics (bilinear, corners aligned, black outside the image),
 * normalised and typed in one pass. Pixels in memory (raw buffers, ImageData, decoded files,
 * tensors on the wasm backend) are read in place, so the full frame is never copied or cast
 * to float — only the ~2 × 2 pixels behind each output pixel are read. Other tensors (WebGL,
 * WebGPU) use `tf.image.cropAndResize` on the backend.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { type DrawableImage, type ImageInput, type RawImage, classifyImageInput, drawableSize } from '../../core/image-input';
import type { CropRegion } from '../../postprocess/pose/crop-region';
import type { Normalization } from '../../preprocess/normalize';
import { normalize } from '../../preprocess/normalize';
import { decodeImageInput, imageToTensor } from '../../preprocess/to-tensor';
import { type ChannelAffine, captureRegion, canReadDrawables, readDrawablePixels } from './capture-sample';
import { type YuvFrame, readYuvFrame, sampleYuvRegion } from './yuv-sample';

type Pixels = ArrayLike<number>;

/**
 * A frame opened for sampling: its size, and either its pixels in memory (`pixels()` — call
 * it right before reading: a wasm heap view is invalidated by the next allocation) or a tensor.
 * `release()` frees what opening it created (never the caller's tensor).
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
   * model-size crops {@link sampleRegion} asks for — I420/NV12 `VideoFrame`s from their YUV
   * planes, others scaled by a canvas (bilinear) before the readback — instead of reading the
   * whole picture and resampling it exactly. Much less work per camera frame; values differ
   * from the exact path by a few grey levels. Default false.
   */
  resizeOnCapture?: boolean;
}

/**
 * What the model input must look like.
 *
 * @example
 * ```ts
 * const target: SampleTarget = { width: 192, height: 192, normalization: 'none', dtype: 'int32' };
 * ```
 */
export interface SampleTarget {
  width: number;
  height: number;
  normalization: Normalization;
  dtype: 'int32' | 'float32';
}

interface WasmBackendLike {
  typedArrayFromHeap(info: { shape: number[]; dtype: string; dataId: object }): Pixels;
}

/** A zero-copy view of a tensor's pixels where the backend keeps them in CPU memory. */
function heapPixels(tensor: tf.Tensor): (() => Pixels) | undefined {
  if (tensor.dtype !== 'int32' && tensor.dtype !== 'float32') return undefined;
  const name = tf.getBackend();
  if (name === 'wasm') {
    const backend = tf.backend() as unknown as Partial<WasmBackendLike>;
    if (typeof backend.typedArrayFromHeap !== 'function') return undefined;
    return () => (backend as WasmBackendLike).typedArrayFromHeap({ shape: tensor.shape, dtype: tensor.dtype, dataId: tensor.dataId });
  }
  if (name === 'cpu') return () => tensor.dataSync();
  return undefined;
}

/**
 * Where the sampler writes the model input. On the wasm backend it is the zero-filled memory
 * of the input tensor itself (no second copy of ~0.4 MB per frame); elsewhere a typed array
 * that becomes the tensor afterwards. Nothing may allocate on the backend between this call
 * and the last write (a heap view is invalidated when wasm memory grows).
 */
function inputSink(shape: [number, number, number, number], dtype: 'int32' | 'float32'): { values: Int32Array | Float32Array; tensor?: tf.Tensor4D } {
  const size = shape[1] * shape[2] * shape[3];
  if (tf.getBackend() === 'wasm') {
    const tensor = tf.fill(shape, 0, dtype) as tf.Tensor4D;
    const view = heapPixels(tensor)?.();
    if (view instanceof Int32Array || view instanceof Float32Array) {
      return { values: view, tensor };
    }
    tensor.dispose();
  }
  const values = dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  return { values };
}

function fromRaw(raw: RawImage | ImageData, channels: number): OpenFrame {
  return { width: raw.width, height: raw.height, channels, pixels: () => raw.data, release: () => undefined };
}

/**
 * Opens any {@link ImageInput} for {@link sampleRegion}; invalid inputs throw
 * `VisionError('INVALID_INPUT')` as every pipeline does.
 *
 * @example
 * ```ts
 * const frame = await openFrame(videoFrame);
 * ```
 */
export async function openFrame(input: ImageInput, options: OpenFrameOptions = {}): Promise<OpenFrame> {
  const kind = classifyImageInput(input);
  if ((kind === 'drawable' || kind === 'video-frame') && canReadDrawables()) {
    const drawable = input as DrawableImage;
    const { width, height } = drawableSize(drawable);
    if (options.resizeOnCapture) {
      const yuv = kind === 'video-frame' ? await readYuvFrame(drawable as VideoFrame) : null;
      return yuv ? { width, height, channels: 3, yuv, release: () => undefined } : { width, height, channels: 4, drawable, release: () => undefined };
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

function tensorFrame(tensor: tf.Tensor3D, owned: boolean): OpenFrame {
  const [height, width, channels] = tensor.shape;
  return { width, height, channels, tensor, pixels: heapPixels(tensor), release: () => (owned ? tensor.dispose() : undefined) };
}

/** (v · scale − mean) / std per channel as a gain and an offset per channel. */
function channelAffine(normalization: Normalization): ChannelAffine {
  const { scale, mean, std } = affine(normalization);
  const per = (k: number): [number, number] => [scale / std[k], -mean[k] / std[k]];
  const [[g0, o0], [g1, o1], [g2, o2]] = [per(0), per(1), per(2)];
  return { gains: [g0, g1, g2], offsets: [o0, o1, o2] };
}

/** (v · scale − mean) / std per channel, as preprocess/normalize defines the presets. */
function affine(normalization: Normalization): { scale: number; mean: readonly number[]; std: readonly number[] } {
  switch (normalization) {
    case 'none':
      return { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };
    case 'unit':
      return { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };
    case 'symmetric':
      return { scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] };
    case 'imagenet':
      return { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
    default:
      if (typeof normalization !== 'object' || normalization === null) {
        throw new VisionError('INVALID_OPTION', `unknown normalization '${String(normalization)}'; allowed: none, unit, symmetric, imagenet or { scale, mean, std }`);
      }
      return { scale: normalization.scale ?? 1, mean: normalization.mean ?? [0, 0, 0], std: normalization.std ?? [1, 1, 1] };
  }
}

/**
 * Source positions of the output samples along one axis, computed in float32 exactly as TF's
 * CropAndResize kernel does (corners aligned; samples beyond the image are "outside").
 */
function axis(min: number, max: number, size: number, out: number): { lo: Int32Array; hi: Int32Array; t: Float32Array; inside: Uint8Array } {
  const f = Math.fround;
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const t = new Float32Array(out);
  const inside = new Uint8Array(out);
  const a = f(min);
  const b = f(max);
  const step = out > 1 ? f(f(f(b - a) * (size - 1)) / (out - 1)) : 0;
  for (let i = 0; i < out; i++) {
    const v = out > 1 ? f(f(a * (size - 1)) + f(i * step)) : f(f(0.5 * f(a + b)) * (size - 1));
    if (v < 0 || v > size - 1) continue;
    inside[i] = 1;
    lo[i] = Math.floor(v);
    hi[i] = Math.ceil(v);
    t[i] = f(v - lo[i]);
  }
  return { lo, hi, t, inside };
}

/**
 * Where the output samples read, per row and column, with the normalisation: everything the
 * blend loop needs, as plain numbers and typed arrays.
 */
interface SampleGrid {
  width: number;
  height: number;
  /** Source offsets of the upper and lower rows, the vertical weights, and inside flags. */
  top: Int32Array;
  bottom: Int32Array;
  ty: Float32Array;
  rowInside: Uint8Array;
  /** Source offsets of the left and right columns and the horizontal weights. */
  left: Int32Array;
  right: Int32Array;
  tx: Float64Array;
  /** The run of columns inside the image (inside samples are contiguous). */
  first: number;
  end: number;
  /** Offsets of G and B within a pixel (grey images read channel 0 three times). */
  k1: number;
  k2: number;
  gains: readonly [number, number, number];
  offsets: readonly [number, number, number];
}

function sampleGrid(frame: OpenFrame, region: CropRegion, target: SampleTarget): SampleGrid {
  const { width: w, height: h, channels: c } = frame;
  const ys = axis(region.yMin, region.yMax, h, target.height);
  const xs = axis(region.xMin, region.xMax, w, target.width);
  const { gains, offsets } = channelAffine(target.normalization);
  const left = new Int32Array(target.width);
  const right = new Int32Array(target.width);
  const tx = new Float64Array(target.width);
  let first = target.width;
  let end = 0;
  for (let j = 0; j < target.width; j++) {
    left[j] = xs.lo[j] * c;
    right[j] = xs.hi[j] * c;
    tx[j] = xs.t[j];
    if (xs.inside[j] === 1) {
      first = Math.min(first, j);
      end = j + 1;
    }
  }
  const stride = w * c;
  const top = new Int32Array(target.height);
  const bottom = new Int32Array(target.height);
  for (let i = 0; i < target.height; i++) {
    top[i] = ys.lo[i] * stride;
    bottom[i] = ys.hi[i] * stride;
  }
  const k = c >= 3 ? 1 : 0;
  return { width: target.width, height: target.height, top, bottom, ty: ys.t, rowInside: ys.inside, left, right, tx, first, end, k1: k, k2: 2 * k, gains, offsets };
}

/**
 * The per-frame loop, kept apart from everything else: its arguments are typed arrays and
 * plain objects only, so V8's optimised code holds no reference to a frame's short-lived
 * objects and survives garbage collections (otherwise each full GC deoptimises it and the
 * next frame samples ~10× slower). The blends are written out: no helper calls per pixel.
 */
function blend(data: Pixels, out: Int32Array | Float32Array, grid: SampleGrid): void {
  const { width, height, top: tops, bottom: bottoms, ty: tys, rowInside, left, right, tx, first, end, k1, k2 } = grid;
  const g0 = grid.gains[0];
  const g1 = grid.gains[1];
  const g2 = grid.gains[2];
  const o0 = grid.offsets[0];
  const o1 = grid.offsets[1];
  const o2 = grid.offsets[2];
  for (let i = 0; i < height; i++) {
    if (rowInside[i] === 0) continue;
    const top = tops[i];
    const bottom = bottoms[i];
    const ty = tys[i];
    for (let j = first, o = (i * width + first) * 3; j < end; j++, o += 3) {
      const x = tx[j];
      const tl = top + left[j];
      const tr = top + right[j];
      const bl = bottom + left[j];
      const br = bottom + right[j];
      let upper = data[tl] + (data[tr] - data[tl]) * x;
      let lower = data[bl] + (data[br] - data[bl]) * x;
      out[o] = (upper + (lower - upper) * ty) * g0 + o0;
      upper = data[tl + k1] + (data[tr + k1] - data[tl + k1]) * x;
      lower = data[bl + k1] + (data[br + k1] - data[bl + k1]) * x;
      out[o + 1] = (upper + (lower - upper) * ty) * g1 + o1;
      upper = data[tl + k2] + (data[tr + k2] - data[tl + k2]) * x;
      lower = data[bl + k2] + (data[br + k2] - data[bl + k2]) * x;
      out[o + 2] = (upper + (lower - upper) * ty) * g2 + o2;
    }
  }
}

function sampleInMemory(frame: OpenFrame, region: CropRegion, target: SampleTarget): tf.Tensor4D {
  const grid = sampleGrid(frame, region, target);
  const shape: [number, number, number, number] = [1, target.height, target.width, 3];
  const sink = inputSink(shape, target.dtype);
  const out = sink.values;
  // Samples outside the image are black, i.e. the normalisation's offset.
  const [o0, o1, o2] = grid.offsets;
  if (o0 !== 0 || o1 !== 0 || o2 !== 0) {
    for (let o = 0; o < out.length; o += 3) {
      out[o] = o0;
      out[o + 1] = o1;
      out[o + 2] = o2;
    }
  }
  // Sample positions are float32 as the kernel's; the blend is in double (emulating float32
  // here costs ~25 % of the sampling time and moves a rare value by one unit after truncation).
  blend(frame.pixels!(), out, grid);
  return sink.tensor ?? tf.tensor4d(out, shape, target.dtype);
}

function sampleOnBackend(tensor: tf.Tensor3D, region: CropRegion, target: SampleTarget): tf.Tensor4D {
  return tf.tidy(() => {
    const rgb = tensor.shape[2] === 3 ? tensor : tensor.shape[2] === 4 ? tf.slice(tensor, [0, 0, 0], [-1, -1, 3]) : tf.tile(tensor, [1, 1, 3]);
    const box = tf.tensor2d([[region.yMin, region.xMin, region.yMax, region.xMax]]);
    const crop = tf.image.cropAndResize(tf.expandDims(rgb, 0) as tf.Tensor4D, box, tf.zeros([1], 'int32') as tf.Tensor1D, [target.height, target.width], 'bilinear', 0);
    const x = normalize(crop, target.normalization);
    return (target.dtype === 'int32' ? tf.cast(x, 'int32') : x) as tf.Tensor4D;
  });
}

/**
 * Cuts `region` (0–1 of the frame; may extend beyond it) out of the frame and resamples it to
 * the target size, normalised and typed: a `[1, height, width, 3]` tensor the caller owns.
 * int32 targets truncate, as a tfjs cast does. The black outside the image is black after
 * normalisation too.
 *
 * @throws VisionError `INVALID_INPUT` for an empty or non-finite region.
 *
 * @example
 * ```ts
 * const input = sampleRegion(frame, fullFrameRegion(frame.width, frame.height), { width: 192, height: 192, normalization: 'none', dtype: 'int32' });
 * ```
 */
export function sampleRegion(frame: OpenFrame, region: CropRegion, target: SampleTarget): tf.Tensor4D {
  const values = [region.xMin, region.yMin, region.xMax, region.yMax];
  if (!values.every(Number.isFinite) || !(region.xMax > region.xMin) || !(region.yMax > region.yMin)) {
    throw new VisionError('INVALID_INPUT', `crop region must be finite and non-empty; got ${JSON.stringify(region)}`);
  }
  if (frame.yuv) return sampleYuvRegion(frame.yuv, region, target.width, target.height, channelAffine(target.normalization), target.dtype);
  if (frame.drawable) {
    return captureRegion(frame.drawable, frame.width, frame.height, region, target.width, target.height, channelAffine(target.normalization), target.dtype);
  }
  if (frame.pixels) return sampleInMemory(frame, region, target);
  if (!frame.tensor) throw new VisionError('INVALID_INPUT', 'the frame has neither pixels nor a tensor');
  return sampleOnBackend(frame.tensor, region, target);
}
