import * as tf from '@tensorflow/tfjs';
import { VisionError, toVisionError } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import { ClassificationPipeline } from '../pipelines/classification/classification-pipeline';
import { DetectionPipeline } from '../pipelines/detection/detection-pipeline';
import type { PreparedInput } from '../preprocess/prepare';
import { prepareInput } from '../preprocess/prepare-input';
import type { RawTensor } from '../runtime/model-runner';
import { TfjsRunner } from '../runtime/tfjs-runner';
import { checkGradientKernels } from './gradient-kernels';

/**
 * The pipelines {@link explain} can explain: image classifiers and object detectors.
 *
 * @example
 * ```ts
 * const explained: ExplainablePipeline = await pipeline('image-classification');
 * ```
 */
export type ExplainablePipeline = ClassificationPipeline | DetectionPipeline;

/**
 * Throws `INVALID_OPTION` unless `value` is a local classification or detection pipeline.
 *
 * @example
 * ```ts
 * checkExplainable(detector);
 * ```
 */
export function checkExplainable(value: unknown): asserts value is ExplainablePipeline {
  if (!(value instanceof ClassificationPipeline) && !(value instanceof DetectionPipeline)) {
    throw new VisionError('INVALID_OPTION', 'explain takes a local image-classification or object-detection pipeline (from pipeline(...) in this thread)');
  }
}

/**
 * Prepares an image for the pipeline's model exactly as its own `run` does (same fit,
 * normalisation, layout and dtype). The caller owns `input`.
 *
 * @example
 * ```ts
 * const { input, transform } = await prepareModelInput(classifier, photo);
 * ```
 */
export async function prepareModelInput(pipeline: ExplainablePipeline, image: ImageInput): Promise<PreparedInput> {
  const { spec, runner } = pipeline;
  const dtype = spec.input.dtype ?? (runner.inputs[0].dtype === 'int32' ? 'int32' : 'float32');
  return prepareInput(image, { ...spec.input, dtype }).catch((error: unknown) => {
    throw toVisionError(error, 'INVALID_INPUT', 'could not read or prepare the image for the model');
  });
}

/**
 * Whether the pipeline's model takes a batch of images in one call (a dynamic first axis).
 *
 * @example
 * ```ts
 * const perCall = acceptsBatch(pipeline) ? 16 : 1;
 * ```
 */
export function acceptsBatch(pipeline: ExplainablePipeline): boolean {
  const shape = pipeline.runner.inputs[0].shape;
  return shape.length === 4 && shape[0] === -1;
}

/**
 * Runs the pipeline's model on a batch of prepared inputs ([N, …], the model's layout and
 * dtype) and returns the outputs the pipeline reads. Unbatched models get the single image
 * without its batch axis. The batch is left to the caller.
 *
 * @example
 * ```ts
 * const outputs = await runModel(classifier, batch);
 * ```
 */
export async function runModel(pipeline: ExplainablePipeline, batch: tf.Tensor): Promise<Record<string, RawTensor>> {
  const { runner, spec } = pipeline;
  const feed = runner.inputs[0].shape.length === 3 ? tf.squeeze(batch, [0]) : batch;
  try {
    return await runner.run({ [runner.inputs[0].name]: feed }, { outputs: spec.outputs });
  } finally {
    if (feed !== batch) feed.dispose();
  }
}

/**
 * The tfjs model behind a pipeline, for the gradient methods; `INVALID_OPTION` naming the
 * method for models on onnxruntime, `BACKEND_UNAVAILABLE` when the active backend cannot
 * differentiate the model's convolutions (see {@link checkGradientKernels}).
 *
 * @example
 * ```ts
 * const model = tfjsModelOf(classifier, 'gradients');
 * ```
 */
export function tfjsModelOf(pipeline: ExplainablePipeline, method: string): tf.GraphModel | tf.LayersModel {
  if (!(pipeline.runner instanceof TfjsRunner)) {
    throw new VisionError('INVALID_OPTION', `method '${method}' needs a tfjs model; this pipeline's model runs on ${pipeline.runner.runtime}: use method 'occlusion'`);
  }
  const model = pipeline.runner.tfModel;
  // Grad-CAM differentiates only the layers after its cut: it checks those itself
  if (method !== 'grad-cam') checkGradientKernels(method, model);
  return model;
}
