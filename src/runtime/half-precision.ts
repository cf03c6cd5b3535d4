/**
 * Half-precision ONNX models (Ultralytics' `half=True` exports) behind the float32 interface
 * every runner shares: float32 feeds of float16 inputs are rounded to float16 (as `im.half()`
 * does before such a model), and float16 outputs are read back as float32 — what tfjs does for
 * every model, so decoders and pipelines see one element type.
 */
import { float16Values, float32ToHalfBits } from '../core/float16';
import type { GpuBufferFeed } from './gpu-feed';
import type { Feed, RawTensor, TensorInfo } from './model-runner';
import { convertFeeds } from './feed-conversion';

/**
 * `feeds` with each float32 feed (tfjs tensor or raw) of a float16 input replaced by its
 * float16 bits; the others, float16 feeds included, as they are. The tensors given are not
 * disposed.
 *
 * @example
 * ```ts
 * const ready = await halfFeeds(runner.inputs, { images: tf.zeros([1, 3, 640, 640]) }); // images: float16 bits
 * ```
 */
export function halfFeeds(inputs: readonly TensorInfo[], feeds: Record<string, Feed | GpuBufferFeed>): Promise<Record<string, Feed | GpuBufferFeed>> {
  // (data that is no Float32Array is left for validateFeeds to name)
  return convertFeeds(inputs, feeds, 'float32', 'float16', (raw) => (raw.data instanceof Float32Array ? { dtype: 'float16', dims: [...raw.dims], data: float32ToHalfBits(raw.data) } : raw));
}

/**
 * A float16 output (raw bits or a `Float16Array`) as a float32 {@link RawTensor}; any other
 * output as it is.
 *
 * @example
 * ```ts
 * const scores = float32Output({ dtype: 'float16', dims: [1], data: new Uint16Array([0x3c00]) }); // data: Float32Array [1]
 * ```
 */
export function float32Output(raw: RawTensor): RawTensor {
  if (raw.dtype !== 'float16') return raw;
  const values = float16Values(raw.data);
  return values ? { dtype: 'float32', dims: raw.dims, data: values } : raw;
}
