import * as tf from '@tensorflow/tfjs';
import { batchImageError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { InputTransform } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { prepareInput } from '../../preprocess/prepare-input';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { now, pixelDtype } from '../shared/run-stages';

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
 * The batch size a model's (first) image input is fixed to: the first axis of a 4-D input
 * whose size is given (e.g. an ONNX input `[8, 3, 224, 224]`); 0 when it is dynamic.
 *
 * @example
 * ```ts
 * const batchSize = fixedBatchSize(runner) || 16;
 * ```
 */
export function fixedBatchSize(runner: ModelRunner): number {
  const shape = runner.inputs[0]?.shape;
  return shape !== undefined && shape.length === 4 && shape[0] > 0 ? shape[0] : 0;
}

/** Each output cut to its first `n` rows (the batch axis), for outputs that have `rows` of them. */
function firstRows(outputs: Record<string, RawTensor>, rows: number, n: number): Record<string, RawTensor> {
  return Object.fromEntries(
    Object.entries(outputs).map(([name, t]) => {
      if (t.dims[0] !== rows || t.data.length % rows !== 0) return [name, t];
      return [name, { ...t, dims: [n, ...t.dims.slice(1)], data: t.data.subarray(0, (t.data.length / rows) * n) }];
    }),
  );
}

/**
 * Preprocesses several images as the single-image stages do, stacks them on the batch axis and
 * runs the model once. Every intermediate tensor is freed, also when a stage throws; an image
 * that cannot be read is a `VisionError` (its own code, else `INVALID_INPUT`) naming its position:
 * `first` plus its index here, so that a caller running a long list in chunks names the image
 * of the whole list. With `padTo` (a model whose batch size is fixed) a shorter batch is padded
 * to that size with copies of its last image, and the extra rows of the outputs are dropped.
 *
 * @example
 * ```ts
 * const { outputs } = await preprocessAndInferBatch(runner, spec, images.slice(32, 48), 32);
 * const last = await preprocessAndInferBatch(runner, spec, images.slice(48), 48, 16); // 3 images → 16, 3 outputs
 * ```
 */
export async function preprocessAndInferBatch(runner: ModelRunner, spec: ModelSpec, images: readonly ImageInput[], first = 0, padTo = 0): Promise<BatchStageOutputs> {
  const started = now();
  const dtype = pixelDtype(spec, runner);
  const prepared: tf.Tensor[] = [];
  const transforms: InputTransform[] = [];
  try {
    for (const [i, image] of images.entries()) {
      const one = await prepareInput(image, { ...spec.input, dtype }).catch((error: unknown) => {
        throw batchImageError(error, first + i);
      });
      prepared.push(one.input);
      transforms.push(one.transform);
    }
    const preprocessed = now();
    const n = prepared.length;
    const padding = n > 0 && padTo > n ? Array.from({ length: padTo - n }, () => prepared[n - 1]) : [];
    const rows = [...prepared, ...padding];
    const batch = rows.length === 1 ? rows[0] : tf.concat(rows, 0);
    if (batch !== prepared[0]) prepared.push(batch);
    const outputs = await runner.run({ [runner.inputs[0].name]: batch }, { outputs: spec.outputs });
    return { outputs: padding.length > 0 ? firstRows(outputs, rows.length, n) : outputs, transforms, preprocess: preprocessed - started, inference: now() - preprocessed };
  } finally {
    tf.dispose(prepared);
  }
}
