import type { Tensor } from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import { type GpuBufferFeed, isGpuBufferFeed } from './gpu-feed';
import type { Feed, RawTensor, TensorDataType, TensorInfo } from './model-runner';
import { ownEntry } from '../core/own-entry';
import { shownData } from '../core/shown-value';

/** Whether a feed is a tfjs tensor (rather than a {@link RawTensor}). @example `if (isTfTensor(feed)) feed.shape` */
export function isTfTensor(feed: Feed | GpuBufferFeed): feed is Tensor {
  return 'dataId' in feed && Array.isArray((feed as Tensor).shape);
}

function feedShape(feed: Feed | GpuBufferFeed): number[] {
  return isTfTensor(feed) ? feed.shape : feed.dims;
}

function feedType(feed: Feed | GpuBufferFeed): TensorDataType {
  return feed.dtype as TensorDataType;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.map((d) => (d < 0 ? '?' : String(d))).join(',')}]`;
}

/** The typed array each element type is stored in (float16 as raw Uint16 bits). */
const STORAGE: Record<TensorDataType, string[]> = {
  float32: ['Float32Array'],
  int32: ['Int32Array'],
  int64: ['BigInt64Array'],
  uint8: ['Uint8Array', 'Uint8ClampedArray'],
  int8: ['Int8Array'],
  bool: ['Uint8Array'],
  float16: ['Uint16Array', 'Float16Array'],
  string: [],
};

function isStoredAs(data: ArrayBufferView, names: readonly string[]): boolean {
  return names.some((n) => {
    const ctor = (globalThis as Record<string, unknown>)[n];
    return typeof ctor === 'function' && data instanceof (ctor as new () => unknown);
  });
}

function checkDims(name: string, dims: unknown): void {
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new VisionError('INVALID_INPUT', `input '${name}' has invalid dims ${shownData(dims)}; dims must be non-negative integers`);
  }
}

/** A GPU-buffer feed: valid dims, a 4-byte element type, and a buffer that holds them all. */
function checkGpu(name: string, feed: GpuBufferFeed): void {
  checkDims(name, feed.dims);
  if (feed.dtype !== 'float32' && feed.dtype !== 'int32') {
    throw new VisionError('INVALID_INPUT', `input '${name}' is a GPU buffer of ${String(feed.dtype)}; GPU-buffer feeds are float32 or int32`);
  }
  const bytes = 4 * feed.dims.reduce((a, b) => a * b, 1);
  if (typeof feed.gpuBuffer?.size !== 'number' || feed.gpuBuffer.size < bytes) {
    throw new VisionError('INVALID_INPUT', `input '${name}' is a GPU buffer of ${String(feed.gpuBuffer?.size)} bytes; dims ${formatShape(feed.dims)} need ${bytes}`);
  }
}

function checkRaw(name: string, feed: RawTensor): void {
  checkDims(name, feed.dims);
  const storage = ownEntry(STORAGE, feed.dtype);
  if (ArrayBuffer.isView(feed.data) && storage && storage.length > 0 && !isStoredAs(feed.data, storage)) {
    throw new VisionError('INVALID_INPUT', `input '${name}' is ${feed.dtype} but its data is a ${feed.data.constructor.name}; ${feed.dtype} data must be a ${storage.join(' or ')}`);
  }
  const size = feed.dims.reduce((a, b) => a * b, 1);
  if (!ArrayBuffer.isView(feed.data) || feed.data.length !== size) {
    throw new VisionError('INVALID_INPUT', `input '${name}' has ${ArrayBuffer.isView(feed.data) ? feed.data.length : 'no'} values; dims ${formatShape(feed.dims)} need ${size}`);
  }
}

/**
 * Checks feeds against a model's declared inputs: every input present, no unknown names,
 * ranks and fixed dimensions equal, element types equal, GPU-buffer feeds only where
 * `acceptsGpuBuffers` (and large enough). Throws `VisionError('INVALID_INPUT')` describing the
 * first mismatch and what the model expects.
 *
 * @example
 * ```ts
 * validateFeeds(runner.inputs, { x: { dtype: 'float32', dims: [1, 3, 64, 64], data } });
 * ```
 */
export function validateFeeds(inputs: readonly TensorInfo[], feeds: Record<string, Feed | GpuBufferFeed>, acceptsGpuBuffers = false): void {
  if (feeds === null || typeof feeds !== 'object') {
    throw new VisionError('INVALID_INPUT', `feeds must be an object of input name → tensor; the model's inputs are ${inputs.map((i) => i.name).join(', ')}`);
  }
  const expected = new Map(inputs.map((info) => [info.name, info]));
  for (const name of Object.keys(feeds)) {
    if (!expected.has(name)) {
      throw new VisionError('INVALID_INPUT', `unknown input '${name}'; the model's inputs are ${[...expected.keys()].join(', ')}`);
    }
  }
  for (const info of inputs) {
    const feed = feeds[info.name];
    if (feed === undefined || feed === null) {
      throw new VisionError('INVALID_INPUT', `missing input '${info.name}' (${info.dtype} ${formatShape(info.shape)})`);
    }
    if (isTfTensor(feed)) {
      if (feed.isDisposed) throw new VisionError('INVALID_INPUT', `input '${info.name}' is a disposed tensor`);
    } else if (isGpuBufferFeed(feed)) {
      if (!acceptsGpuBuffers) {
        throw new VisionError('INVALID_INPUT', `input '${info.name}' is a GPU buffer; this runner takes GPU-buffer feeds only on onnxruntime-web's webgpu execution provider`);
      }
      checkGpu(info.name, feed);
    } else {
      checkRaw(info.name, feed);
    }
    const shape = feedShape(feed);
    const fits = shape.length === info.shape.length && info.shape.every((d, i) => d < 0 || d === shape[i]);
    if (info.shape.length > 0 && !fits) {
      throw new VisionError('INVALID_INPUT', `input '${info.name}' has shape ${formatShape(shape)}; the model expects ${formatShape(info.shape)} (? = any size)`);
    }
    const dtype = feedType(feed);
    if (dtype !== info.dtype) {
      throw new VisionError('INVALID_INPUT', `input '${info.name}' has dtype ${dtype}; the model expects ${info.dtype}`);
    }
  }
}
