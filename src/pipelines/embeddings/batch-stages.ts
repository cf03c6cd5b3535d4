import * as tf from '@tensorflow/tfjs';
import { VisionError, toVisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { InputTransform } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { prepareInput } from '../../preprocess/prepare-input';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { now } from '../shared/run-stages';

/**
 * Outputs of one batched model run with the transforms of its images and the time spent.
 *
 * @example
 * ```ts
 * const { outputs, transforms } = await preprocessAndInferBatch(runner, spec, [a, b]);
 * ```
 */
export interface BatchStageOutputs {
  outputs: Record<string, RawTensor>;
  transforms: InputTransform[];
  preprocess: number;
  inference: number;
}

/**
 * Preprocesses several images as the single-image stages do, stacks them on the batch axis and
 * runs the model once. Every intermediate tensor is freed, also when a stage throws; an image
 * that cannot be read is a `VisionError` (its own code, else `INVALID_INPUT`) naming its position:
 * `first` plus its index here, so that a caller running a long list in chunks names the image
 * of the whole list.
 *
 * @example
 * ```ts
 * const { outputs } = await preprocessAndInferBatch(runner, spec, images.slice(32, 48), 32);
 * ```
 */
export async function preprocessAndInferBatch(runner: ModelRunner, spec: ModelSpec, images: readonly ImageInput[], first = 0): Promise<BatchStageOutputs> {
  const started = now();
  const dtype = spec.input.dtype ?? (runner.inputs[0].dtype === 'int32' ? 'int32' : 'float32');
  const prepared: tf.Tensor[] = [];
  const transforms: InputTransform[] = [];
  try {
    for (const [i, image] of images.entries()) {
      const one = await prepareInput(image, { ...spec.input, dtype }).catch((error: unknown) => {
        const where = `image ${first + i} of the batch`;
        if (error instanceof VisionError) throw new VisionError(error.code, `${where}: ${error.message}`, { cause: error });
        throw toVisionError(error, 'INVALID_INPUT', `could not read or prepare ${where} for the model`);
      });
      prepared.push(one.input);
      transforms.push(one.transform);
    }
    const preprocessed = now();
    const batch = prepared.length === 1 ? prepared[0] : tf.concat(prepared, 0);
    if (batch !== prepared[0]) prepared.push(batch);
    const outputs = await runner.run({ [runner.inputs[0].name]: batch }, { outputs: spec.outputs });
    return { outputs, transforms, preprocess: preprocessed - started, inference: now() - preprocessed };
  } finally {
    tf.dispose(prepared);
  }
}
