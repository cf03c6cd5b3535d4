/**
 * Feeds of one element type made into another that a model's input takes (float32 → float16,
 * int32 → uint8), so that every runner shares the float32 and int32 feeds pipelines make.
 */
import type { GpuBufferFeed } from './gpu-feed';
import { isGpuBufferFeed } from './gpu-feed';
import type { Feed, RawTensor, TensorDataType, TensorInfo } from './model-runner';
import { toRawTensor } from './tensor-convert';
import { isTfTensor } from './validate-feeds';

/**
 * `feeds` with each `from` feed (tfjs tensor or raw) of a `to` input replaced by
 * `convert(raw, input)`; the others as they are. Feeds that cannot be read (disposed, no typed
 * array) are left for `validateFeeds` to name. The tensors given are not disposed.
 *
 * @example
 * ```ts
 * const ready = await convertFeeds(runner.inputs, feeds, 'float32', 'float16', (raw) => ({ ...raw, dtype: 'float16', data: bits(raw.data) }));
 * ```
 */
export async function convertFeeds(
  inputs: readonly TensorInfo[],
  feeds: Record<string, Feed | GpuBufferFeed>,
  from: TensorDataType,
  to: TensorDataType,
  convert: (raw: RawTensor, input: TensorInfo) => RawTensor,
): Promise<Record<string, Feed | GpuBufferFeed>> {
  if (!inputs.some((info) => info.dtype === to) || feeds === null || typeof feeds !== 'object') return feeds;
  const out = { ...feeds };
  for (const info of inputs) {
    const feed = feeds[info.name];
    if (info.dtype !== to || feed === undefined || feed === null || isGpuBufferFeed(feed) || feed.dtype !== from) continue;
    if (isTfTensor(feed) && feed.isDisposed) continue;
    const raw = isTfTensor(feed) ? await toRawTensor(feed) : feed;
    if (!ArrayBuffer.isView(raw.data)) continue;
    out[info.name] = convert(raw, info);
  }
  return out;
}
