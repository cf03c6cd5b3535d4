/**
 * Any image → model input, reading only the model-size picture where it can: the fitted
 * (letterbox / stretch / centre-crop) input is sampled straight from pixels in memory (raw
 * buffers, ImageData, decoded files, tensors on the wasm and cpu backends), and with
 * `resizeOnCapture` from a camera frame's YUV planes or a canvas drawn at model size. GPU
 * tensors and nearest-neighbour specs take the tensor path ({@link prepareImage}); an
 * antialiased shrink is filtered from pixels in memory ({@link preparePixels}) or as a tensor.
 * For a runtime that reads inputs from GPU buffers, {@link prepareGpuInput} makes them on its
 * own device.
 */
import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { type DrawableImage, type ImageInput, classifyImageInput, drawableSize } from '../core/image-input';
import type { InputTransform } from '../core/types';
import type { GpuDeviceHandle } from '../runtime/gpu-feed';
import { type GpuPictureSource, type GpuSampledInput, gpuSamplerFor } from './gpu/gpu-sampler';
import { type InputSpec, type PreparedInput, checkInputSpec, prepareImage, preparePixels } from './prepare';
import { canSampleInHeap } from './sampling/heap-kernel';
import { type OpenFrame, type OpenFrameOptions, openFrame } from './sampling/open-frame';
import { canSample, sampleFrame } from './sampling/region-sample';
import type { SampleTarget } from './sampling/sample-output';
import { fitPlan } from './sampling/sample-plan';
import { shrinks } from './axis-taps';
import { fitGeometry } from './geometry';
import { imageToTensor } from '../core/image-tensor';
import { checkOptionsObject, optionNames } from '../core/known-options';

/**
 * Options of {@link prepareInput}.
 *
 * @example
 * ```ts
 * const options: PrepareInputOptions = { resizeOnCapture: true };
 * ```
 */
export type PrepareInputOptions = OpenFrameOptions;

/** The names {@link PrepareInputOptions} has (internal). @example `checkOptionsObject(options, 'prepareInput', PREPARE_OPTION_NAMES)` */
export const PREPARE_OPTION_NAMES = /* @__PURE__ */ optionNames<PrepareInputOptions>()(['resizeOnCapture', 'gpuSampling']);

/**
 * A frame already in a tensor in CPU memory (wasm, cpu) is sampled by the JavaScript loop only
 * when it has at least this many times the model input's pixels. Below that the backend's
 * resize kernels (C++ and SIMD on wasm) beat the JavaScript sampler even though they cast the
 * whole frame first (measured on wasm, 512×512 letterbox: 640×480 frame 0.8 ms kernels vs
 * 2.5 ms sampler; 1920×1280 frame 3.3 ms vs 2.9 ms with caches cold, as after a model run).
 * The WebAssembly SIMD sampler beats the kernels at every size and samples every wasm tensor
 * it can take (640×480: 0.66 ms vs 1.13 ms for the kernels, caches cold; heap-kernel.ts).
 */
const SAMPLE_TENSORS_FROM = 4;

/**
 * Plans of recent frame sizes and specs (a video keeps one size): the same plan object comes
 * back, so the sampler also reuses its per-column offsets and weights built for it.
 */
const PLANS_KEPT = 8;
const plans = new Map<string, ReturnType<typeof fitPlan>>();

function cachedFitPlan(width: number, height: number, spec: InputSpec): ReturnType<typeof fitPlan> {
  const key = [width, height, spec.width, spec.height, spec.fit ?? '', spec.padValue ?? '', spec.cropFraction ?? ''].join(' ');
  let entry = plans.get(key);
  if (!entry) {
    entry = fitPlan(width, height, spec);
    if (plans.size >= PLANS_KEPT) plans.delete(plans.keys().next().value as string);
    plans.set(key, entry);
  }
  return entry;
}

/**
 * The sampler target of an input spec (int32 values rounded half to even, as `prepareImage`).
 *
 * @example
 * ```ts
 * const target = sampleTarget({ width: 224, height: 224, normalization: 'unit' });
 * ```
 */
export function sampleTarget(spec: InputSpec): SampleTarget {
  return {
    width: spec.width,
    height: spec.height,
    normalization: spec.normalization ?? 'none',
    dtype: spec.dtype ?? 'float32',
    channelOrder: spec.channelOrder,
    layout: spec.layout,
    rounding: 'round',
  };
}

function smallerThanWorthSampling(frame: OpenFrame, spec: InputSpec): boolean {
  return frame.width * frame.height < SAMPLE_TENSORS_FROM * spec.width * spec.height && !canSampleInHeap(frame);
}

/** Whether the samplers (two taps per axis) can make this input: not an antialiased shrink, nor nearest-neighbour. */
function planSamples(width: number, height: number, spec: InputSpec): boolean {
  if (spec.interpolation === 'nearest') return false;
  if (!spec.antialias) return true;
  const { x, y } = fitGeometry(width, height, spec.width, spec.height, spec.fit ?? 'stretch', { cropFraction: spec.cropFraction });
  return !shrinks(x, y);
}

/**
 * Turns any {@link ImageInput} into a model input as {@link prepareImage} does (fit, normalise,
 * channel order, layout, dtype, batch axis), sampling only the model-size picture out of the
 * frame instead of converting the whole frame into a tensor first. Values equal the tensor
 * path's to float rounding for pixels in memory (without the WebAssembly SIMD sampler, tensors
 * much smaller than 4× the model input keep the backend's kernels, which are faster there);
 * with `resizeOnCapture`, browser pictures differ by a few grey levels (YUV conversion, canvas
 * filtering). The caller owns the result; a tensor the caller passed is never disposed.
 *
 * @throws VisionError `INVALID_INPUT` for unreadable images, `INVALID_OPTION` for a bad spec or an option name it does not take.
 *
 * @example
 * ```ts
 * const { input, transform } = await prepareInput(videoFrame, { width: 640, height: 640, fit: 'letterbox', normalization: 'unit' }, { resizeOnCapture: true });
 * ```
 */
export async function prepareInput(image: ImageInput, spec: InputSpec, options: PrepareInputOptions = {}): Promise<PreparedInput> {
  checkOptionsObject(options, 'prepareInput', PREPARE_OPTION_NAMES);
  checkInputSpec(spec);
  const frame = await openFrame(image, options);
  try {
    if (planSamples(frame.width, frame.height, spec) && canSample(frame) && !(frame.tensor && smallerThanWorthSampling(frame, spec))) {
      const { plan, transform } = cachedFitPlan(frame.width, frame.height, spec);
      return { input: sampleFrame(frame, plan, sampleTarget(spec)), transform: { ...transform } };
    }
    if (frame.tensor) return prepareImage(frame.tensor, spec);
    // an antialiased shrink of pixels in memory: filtered from the array, no tensor of the whole picture
    if (frame.pixels && spec.interpolation !== 'nearest') return preparePixels(frame.pixels(), frame.width, frame.height, frame.channels, spec);
    const { tensor, owned } = await imageToTensor(image);
    try {
      return prepareImage(tensor, spec);
    } finally {
      if (owned) tensor.dispose();
    }
  } finally {
    frame.release();
  }
}

/**
 * A model input made on a given `GPUDevice` by {@link prepareGpuInput}: a pooled GPU buffer
 * (release it once the model has read it) and the transform back to the frame.
 *
 * @example
 * ```ts
 * const prepared = await prepareGpuInput(bitmap, spec, device);
 * prepared?.input.release();
 * ```
 */
export interface PreparedGpuInput {
  input: GpuSampledInput;
  transform: InputTransform;
}

/**
 * Makes the model input of a browser picture (VideoFrame, ImageBitmap, `<video>`, canvas,
 * `<img>`) on `device` — a runtime's own WebGPU device, e.g. onnxruntime-web's — with the GPU
 * sampler's one compute pass: the same values as {@link prepareInput} (within float rounding)
 * in a pooled GPU buffer, and no pixel read back to or uploaded from the CPU. Returns
 * `undefined` where this path does not apply (other inputs, `gpuSampling: false`,
 * nearest-neighbour specs, antialiased shrinks, element types other than float32 / int32): use
 * `prepareInput` then.
 *
 * @throws VisionError `INVALID_INPUT` when the picture cannot be copied to the GPU, `INVALID_OPTION` for a bad spec, an option name it does not take, or a `device` that is no GPUDevice.
 *
 * @example
 * ```ts
 * const prepared = await prepareGpuInput(videoFrame, { width: 320, height: 320, fit: 'letterbox', layout: 'nchw', normalization: 'unit' }, device);
 * ```
 */
export async function prepareGpuInput(image: ImageInput, spec: InputSpec, device: GpuDeviceHandle, options: PrepareInputOptions = {}): Promise<PreparedGpuInput | undefined> {
  checkOptionsObject(options, 'prepareGpuInput', PREPARE_OPTION_NAMES);
  checkInputSpec(spec);
  // undefined would fall back to tfjs's own device: a buffer the runtime that asked cannot read
  const handle = device as { createBuffer?: unknown; queue?: unknown } | null | undefined;
  if (typeof handle !== 'object' || handle === null || typeof handle.createBuffer !== 'function' || typeof handle.queue !== 'object') {
    throw new VisionError('INVALID_OPTION', `prepareGpuInput: device is ${shownValue(device)}; it must be the GPUDevice the model runs on (e.g. onnxruntime-web's ort.env.webgpu.device)`);
  }
  const dtype = spec.dtype ?? 'float32';
  if (options.gpuSampling === false || spec.interpolation === 'nearest' || (dtype !== 'float32' && dtype !== 'int32')) return undefined;
  const kind = classifyImageInput(image);
  if (kind !== 'drawable' && kind !== 'video-frame') return undefined;
  const sampler = gpuSamplerFor(device);
  if (!sampler) return undefined;
  const { width, height } = drawableSize(image as DrawableImage);
  if (!planSamples(width, height, spec)) return undefined;
  const picture = await sampler.open(image as GpuPictureSource, width, height);
  try {
    const { plan, transform } = cachedFitPlan(width, height, spec);
    return { input: sampler.sampleToBuffer(picture, plan, sampleTarget(spec)), transform: { ...transform } };
  } finally {
    // the queue runs the pass before any later copy into the pooled texture
    picture.release();
  }
}
