import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import type { RawTensor, TensorData, TensorDataType } from './model-runner';

/**
 * Downloads a tfjs tensor into a {@link RawTensor} (does not dispose it).
 *
 * @example
 * ```ts
 * const raw = await toRawTensor(tf.ones([2, 2]));
 * ```
 */
export async function toRawTensor(tensor: tf.Tensor): Promise<RawTensor> {
  const data = (await tensor.data()) as TensorData;
  const dtype: TensorDataType = tensor.dtype === 'bool' ? 'bool' : (tensor.dtype as TensorDataType);
  return { dtype, dims: [...tensor.shape], data };
}

/**
 * Makes a tfjs tensor from a {@link RawTensor} (float32, int32, bool and uint8 data; int64
 * values are narrowed to int32).
 *
 * @example
 * ```ts
 * const t = fromRawTensor({ dtype: 'float32', dims: [2], data: new Float32Array([1, 2]) });
 * ```
 */
export function fromRawTensor(raw: RawTensor): tf.Tensor {
  switch (raw.dtype) {
    case 'float32':
      return tf.tensor(raw.data as Float32Array, raw.dims, 'float32');
    case 'int32':
    case 'uint8':
    case 'int8':
      return tf.tensor(Int32Array.from(raw.data as Int32Array), raw.dims, 'int32');
    case 'int64':
      return tf.tensor(Int32Array.from(raw.data as BigInt64Array, (v) => Number(v)), raw.dims, 'int32');
    case 'bool':
      return tf.tensor(Uint8Array.from(raw.data as Uint8Array), raw.dims, 'bool');
    default:
      throw new VisionError('INVALID_INPUT', `tfjs cannot take ${raw.dtype} tensors; allowed: float32, int32, int64, uint8, int8, bool`);
  }
}
