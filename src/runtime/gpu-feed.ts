/// <reference types="@webgpu/types" />
/**
 * Model inputs that already live in a `GPUBuffer`: runners whose execution provider computes
 * on a `GPUDevice` (onnxruntime-web's webgpu EP) take them as they are, so a picture sampled on
 * that device never comes back to the CPU before inference.
 */
import type { Feed, ModelRunner, RawTensor, RunOptions } from './model-runner';

/**
 * A WebGPU type where WebGPU's typings are loaded (`@webgpu/types`), else `Fallback`, so that
 * the SDK's public types need no WebGPU typings (as onnxruntime-web's `TryGetGlobalType`).
 */
type WebGpuType<Name extends string, Fallback> = typeof globalThis extends { [K in Name]: { prototype: infer T } } ? T : Fallback;

/** `GPUBuffer` (with WebGPU's typings loaded). @example `const buffer: GpuBufferHandle = device.createBuffer(descriptor);` */
export type GpuBufferHandle = WebGpuType<'GPUBuffer', { readonly size: number }>;

/** `GPUDevice` (with WebGPU's typings loaded). @example `const device: GpuDeviceHandle = await adapter.requestDevice();` */
export type GpuDeviceHandle = WebGpuType<'GPUDevice', object>;

/**
 * A model input held in a `GPUBuffer` of the runner's {@link GpuFeedRunner.gpuDevice}: packed
 * values of `dtype` in row-major order of `dims` from byte 0. The buffer needs `STORAGE`,
 * `COPY_SRC` and `COPY_DST` usage; the caller owns it and keeps it alive until `run` resolves.
 *
 * @example
 * ```ts
 * const feed: GpuBufferFeed = { dtype: 'float32', dims: [1, 3, 320, 320], gpuBuffer };
 * await runner.run({ images: feed });
 * ```
 */
export interface GpuBufferFeed {
  dtype: 'float32' | 'int32';
  dims: number[];
  gpuBuffer: GpuBufferHandle;
}

/**
 * A runner that also takes {@link GpuBufferFeed}s made on its `gpuDevice`. Tell one apart
 * with {@link acceptsGpuFeeds}.
 *
 * @example
 * ```ts
 * if (acceptsGpuFeeds(runner)) await runner.run({ images: { dtype: 'float32', dims, gpuBuffer } });
 * ```
 */
export interface GpuFeedRunner extends ModelRunner {
  /** The device GPU-buffer inputs must be made on. */
  readonly gpuDevice: GpuDeviceHandle;
  run(feeds: Record<string, Feed | GpuBufferFeed>, options?: RunOptions): Promise<Record<string, RawTensor>>;
}

/**
 * Whether `runner` takes inputs in GPU buffers (onnxruntime-web on the webgpu execution
 * provider, with its device reachable).
 *
 * @example
 * ```ts
 * const device = acceptsGpuFeeds(runner) ? runner.gpuDevice : undefined;
 * ```
 */
export function acceptsGpuFeeds(runner: ModelRunner): runner is GpuFeedRunner {
  return (runner as Partial<GpuFeedRunner>).gpuDevice !== undefined;
}

/**
 * Whether a feed is a {@link GpuBufferFeed}.
 *
 * @example
 * ```ts
 * if (isGpuBufferFeed(feed)) console.log(feed.gpuBuffer.size);
 * ```
 */
export function isGpuBufferFeed(feed: Feed | GpuBufferFeed): feed is GpuBufferFeed {
  return typeof feed === 'object' && feed !== null && 'gpuBuffer' in feed;
}
