/**
 * Byte-image ONNX models (a `uint8` input, as tf2onnx exports of TensorFlow detectors take)
 * behind the int32 pixels every runner shares: int32 feeds of a uint8 input become bytes, and
 * a value that is no byte is refused rather than wrapped.
 */
import { VisionError } from '../core/errors';
import type { GpuBufferFeed } from './gpu-feed';
import { isGpuBufferFeed } from './gpu-feed';
import type { Feed, TensorInfo } from './model-runner';
import { toRawTensor } from './tensor-convert';
import { isTfTensor } from './validate-feeds';

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
export async function byteFeeds(inputs: readonly TensorInfo[], feeds: Record<string, Feed | GpuBufferFeed>): Promise<Record<string, Feed | GpuBufferFeed>> {
  if (!inputs.some((info) => info.dtype === 'uint8') || feeds === null || typeof feeds !== 'object') return feeds;
  const out = { ...feeds };
  for (const info of inputs) {
    const feed = feeds[info.name];
    if (info.dtype !== 'uint8' || feed === undefined || feed === null || isGpuBufferFeed(feed) || feed.dtype !== 'int32') continue;
    if (isTfTensor(feed) && feed.isDisposed) continue; // validateFeeds says so
    const raw = isTfTensor(feed) ? await toRawTensor(feed) : feed;
    if (!(raw.data instanceof Int32Array)) continue; // validateFeeds says what is wrong
    const bad = raw.data.findIndex((v) => v < 0 || v > 255);
    if (bad >= 0) throw new VisionError('INVALID_INPUT', `input '${info.name}' takes bytes (uint8) but value ${bad} of its int32 feed is ${raw.data[bad]}; give values 0–255`);
    out[info.name] = { dtype: 'uint8', dims: [...raw.dims], data: Uint8Array.from(raw.data) };
  }
  return out;
}
