/**
 * Byte-image ONNX models (a `uint8` input, as tf2onnx exports of TensorFlow detectors take)
 * behind the int32 pixels every runner shares: int32 feeds of a uint8 input become bytes, and
 * a value that is no byte is refused rather than wrapped.
 */
import { VisionError } from '../core/errors';
import type { GpuBufferFeed } from './gpu-feed';
import type { Feed, TensorInfo } from './model-runner';
import { convertFeeds } from './feed-conversion';

/**
 * `feeds` with each int32 feed (tfjs tensor or raw) of a uint8 input replaced by its bytes; the
 * others as they are. The tensors given are not disposed.
 *
 * @throws VisionError `INVALID_INPUT` for a value outside 0–255 (it cannot be a byte).
 * @example
 * ```ts
 * const ready = await byteFeeds(runner.inputs, { image_tensor: pixels }); // int32 0–255 → uint8
 * ```
 */
export function byteFeeds(inputs: readonly TensorInfo[], feeds: Record<string, Feed | GpuBufferFeed>): Promise<Record<string, Feed | GpuBufferFeed>> {
  return convertFeeds(inputs, feeds, 'int32', 'uint8', (raw, info) => {
    if (!(raw.data instanceof Int32Array)) return raw; // validateFeeds names the mismatch
    const values = raw.data;
    const bad = values.findIndex((v) => v < 0 || v > 255);
    if (bad >= 0) throw new VisionError('INVALID_INPUT', `input '${info.name}' takes bytes (uint8) but value ${bad} of its int32 feed is ${values[bad]}; give values 0–255`);
    return { dtype: 'uint8', dims: [...raw.dims], data: Uint8Array.from(values) };
  });
}
