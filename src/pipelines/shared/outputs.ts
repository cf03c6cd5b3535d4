import { VisionError } from '../../core/errors';
import type { ModelSpec } from '../../models/model-spec';
import type { RawTensor } from '../../runtime/model-runner';

/**
 * The model output called `name`; `MODEL_FORMAT` naming the outputs the model has when it has none of that name.
 *
 * @example
 * ```ts
 * const boxes = outputNamed(outputs, 'boxes', spec.id);
 * ```
 */
export function outputNamed(outputs: Record<string, RawTensor>, name: string, modelId: string): RawTensor {
  const tensor = outputs[name];
  if (!tensor) throw new VisionError('MODEL_FORMAT', `model '${modelId}' has no output '${name}'; it has ${Object.keys(outputs).join(', ') || 'none'}`);
  return tensor;
}

/**
 * The card's first named output, or the model's first output when the card names none.
 *
 * @example
 * ```ts
 * const detections = firstOutput(outputs, spec);
 * ```
 */
export function firstOutput(outputs: Record<string, RawTensor>, spec: ModelSpec): RawTensor {
  const name = spec.outputs?.[0];
  const tensor = name ? outputs[name] : Object.values(outputs)[0];
  if (!tensor) throw new VisionError('MODEL_FORMAT', `model '${spec.id}' produced no output${name ? ` named '${name}'` : ''}`);
  return tensor;
}

/**
 * A tensor's values as numbers: int64 outputs (torchvision labels, counts) arrive as
 * `BigInt64Array` and are converted; every other dtype is returned as it is.
 *
 * @example
 * ```ts
 * const labels = tensorNumbers(outputs.labels); // [1, 18, 1]
 * ```
 */
export function tensorNumbers(tensor: RawTensor): ArrayLike<number> {
  return tensor.data instanceof BigInt64Array ? Array.from(tensor.data, Number) : (tensor.data as ArrayLike<number>);
}

/**
 * The error a pipeline throws when its decoder refuses a model output: the decoders' own
 * `INVALID_INPUT` (a tensor of the wrong element type, batch or size — their message to a
 * caller who hands them tensors) becomes `MODEL_FORMAT` naming the model, since in a pipeline
 * the model made the tensor and the image was fine; a decoder's `MODEL_FORMAT` gets the model's
 * name too. Other errors are returned as they are.
 *
 * @example
 * ```ts
 * try { return decode(outputs, context); } catch (error) { throw outputDecodeError(error, spec.id); }
 * ```
 */
export function outputDecodeError(error: unknown, modelId: string): unknown {
  if (!(error instanceof VisionError) || (error.code !== 'INVALID_INPUT' && error.code !== 'MODEL_FORMAT')) return error;
  // a decoder's own MODEL_FORMAT does not know which model it read
  if (error.code === 'MODEL_FORMAT' && error.message.includes(`'${modelId}'`)) return error;
  return new VisionError('MODEL_FORMAT', `model '${modelId}' gave an output its card's decoder cannot read: ${error.message}`, { cause: error });
}
