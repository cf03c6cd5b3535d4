import * as tf from '@tensorflow/tfjs';
import { toVisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { InputTransform, Timing } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { type PrepareInputOptions, prepareGpuInput, prepareInput } from '../../preprocess/prepare-input';
import { type GpuFeedRunner, acceptsGpuFeeds } from '../../runtime/gpu-feed';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { onModelBackend } from './model-backend';

/**
 * Outputs of one model run with the transform of its input and the time spent so far.
 *
 * @example
 * ```ts
 * const { outputs, transform } = await preprocessAndInfer(runner, spec, image);
 * ```
 */
export interface StageOutputs {
  outputs: Record<string, RawTensor>;
  transform: InputTransform;
  timing: Omit<Timing, 'postprocess' | 'total'>;
  started: number;
}

/** A monotonic clock in milliseconds for stage timings. @example `const t0 = now();` */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * The element type a model's input is prepared in: the card's, else int32 pixels (0–255) for
 * an int32 or uint8 input (the runner makes bytes of them), else float32.
 *
 * @example
 * ```ts
 * const dtype = pixelDtype(spec, runner); // 'int32' for MoveNet
 * ```
 */
export function pixelDtype(spec: ModelSpec, runner: ModelRunner): 'float32' | 'int32' {
  const modelType = runner.inputs[0]?.dtype;
  return spec.input.dtype ?? (modelType === 'int32' || modelType === 'uint8' ? 'int32' : 'float32');
}

/**
 * The first two stages every image pipeline shares — preprocess (image → fitted, normalised
 * model input, sampling only the model-size picture where it can: see `prepareInput`) and
 * inference — each timed, with every intermediate tensor freed even when a stage throws.
 * Tensors the caller passed are never disposed. Every error is a `VisionError`: a raw one from
 * reading or preparing the image becomes `INVALID_INPUT` (the runners already turn theirs into
 * `INFERENCE_FAILED`), with the original as `cause`. A runner that reads inputs from GPU
 * buffers (onnxruntime-web on webgpu) gets browser pictures sampled on its own device
 * (`prepareGpuInput`): no pixel crosses to the CPU, only the outputs come back.
 *
 * @example
 * ```ts
 * const { outputs, transform, timing } = await preprocessAndInfer(runner, spec, image);
 * ```
 */
export async function preprocessAndInfer(runner: ModelRunner, spec: ModelSpec, image: ImageInput, sampling: PrepareInputOptions = {}): Promise<StageOutputs> {
  // (half and byte inputs are converted from the CPU copy of the feed)
  if (acceptsGpuFeeds(runner) && runner.inputs[0].dtype !== 'float16' && runner.inputs[0].dtype !== 'uint8') {
    const dtype = pixelDtype(spec, runner);
    const onGpu = await inferOnGpu(runner, spec, image, sampling, dtype, now());
    if (onGpu) return onGpu;
  }
  const stage = await preprocessAndExecute(runner, spec, image, sampling, (feeds) => runner.run(feeds, { outputs: spec.outputs }));
  return { ...stage, outputs: stage.result };
}

/**
 * {@link preprocessAndInfer} with the inference step given: `infer` gets the feeds (freed
 * afterwards) and returns what the caller needs from the model — e.g. outputs kept on the GPU
 * and filtered there before anything is read back. Feeds are always tensors here (the GPU-buffer
 * feeds of onnxruntime-web's webgpu runner are {@link preprocessAndInfer}'s).
 *
 * @example
 * ```ts
 * const { result } = await preprocessAndExecute(runner, spec, image, {}, (feeds) => runner.run(feeds));
 * ```
 */
export async function preprocessAndExecute<T>(
  runner: ModelRunner,
  spec: ModelSpec,
  image: ImageInput,
  sampling: PrepareInputOptions,
  infer: (feeds: Record<string, tf.Tensor>) => Promise<T>,
): Promise<Omit<StageOutputs, 'outputs'> & { result: T }> {
  const started = now();
  const dtype = pixelDtype(spec, runner);
  const prepared = await onModelBackend(runner, () => prepareInput(image, { ...spec.input, dtype }, sampling)).catch((error: unknown) => {
    throw toVisionError(error, 'INVALID_INPUT', 'could not read or prepare the image for the model');
  });
  const preprocessed = now();
  const intermediates: tf.Tensor[] = [prepared.input];
  try {
    // Some exports (torchvision's detectors) take one unbatched image: drop the batch axis.
    const feed = runner.inputs[0].shape.length === 3 ? tf.squeeze(prepared.input, [0]) : prepared.input;
    if (feed !== prepared.input) intermediates.push(feed);
    const result = await infer({ [runner.inputs[0].name]: feed });
    return { result, transform: prepared.transform, timing: { preprocess: preprocessed - started, inference: now() - preprocessed }, started };
  } finally {
    tf.dispose(intermediates);
  }
}

/** The GPU-input path of {@link preprocessAndInfer}, or `undefined` where it does not apply. */
async function inferOnGpu(runner: GpuFeedRunner, spec: ModelSpec, image: ImageInput, sampling: PrepareInputOptions, dtype: 'float32' | 'int32', started: number): Promise<StageOutputs | undefined> {
  const prepared = await prepareGpuInput(image, { ...spec.input, dtype }, runner.gpuDevice, sampling).catch((error: unknown) => {
    throw toVisionError(error, 'INVALID_INPUT', 'could not read or prepare the image for the model');
  });
  if (!prepared) return undefined;
  const preprocessed = now();
  const { input, transform } = prepared;
  try {
    // Some exports (torchvision's detectors) take one unbatched image: drop the batch axis.
    const dims = runner.inputs[0].shape.length === 3 ? input.dims.slice(1) : [...input.dims];
    const outputs = await runner.run({ [runner.inputs[0].name]: { dtype: input.dtype, dims, gpuBuffer: input.buffer } }, { outputs: spec.outputs });
    return { outputs, transform, timing: { preprocess: preprocessed - started, inference: now() - preprocessed }, started };
  } finally {
    input.release();
  }
}

/**
 * Completes a {@link Timing} once post-processing is done.
 *
 * @example
 * ```ts
 * const timing = finishTiming(stage, postStart);
 * ```
 */
export function finishTiming(stage: Pick<StageOutputs, 'timing' | 'started'>, postprocessStarted: number): Timing {
  const end = now();
  return { ...stage.timing, postprocess: end - postprocessStarted, total: end - stage.started };
}
