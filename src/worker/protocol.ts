import type { ImageInput } from '../core/image-input';
import type { ModelSpec } from '../models/model-spec';
import type { LoadProgress } from '../runtime/model-source';
import type { GpuMemory } from '../pipelines/shared/gpu-memory';
import type { TensorInfo } from '../runtime/model-runner';
import type { Reply } from '../runtime/worker-reply';
import type { GpuAdapterFacts } from './gpu-adapter';

/**
 * What a remote pipeline tells the calling side about itself once created.
 *
 * @example
 * ```ts
 * const info: RemotePipelineInfo = await api.create('object-detection', {});
 * ```
 */
export interface RemotePipelineInfo {
  id: number;
  task: string;
  spec: ModelSpec;
  runtime: 'tfjs' | 'onnxruntime';
  backend: string;
  inputs: readonly TensorInfo[];
  outputs: readonly TensorInfo[];
  metadata: Readonly<Record<string, string>>;
  /** Whether this worker's WebGPU device can import external textures (false on SwiftShader); null off WebGPU. */
  externalTexture: boolean | null;
  /** The worker's WebGPU adapter (software or not) when the pipeline runs on WebGPU; null otherwise. */
  gpuAdapter: GpuAdapterFacts | null;
  /** The embedding length of a feature-extraction pipeline; null for other tasks. */
  dim: number | null;
}

/**
 * The worker's tfjs state: active backend and live tensors (tensor counts must stay flat).
 *
 * @example
 * ```ts
 * const { numTensors } = await visionWorker.memory();
 * ```
 */
export interface WorkerMemory {
  backend: string | null;
  numTensors: number;
  numBytes: number;
  pipelines: number;
  /** Masks open in the worker (results' masks are closed once sent: stays flat). */
  masks: number;
  /** GPU buffers and textures held on the WebGPU backend (null on others): stays flat too. */
  gpu: GpuMemory | null;
}

/** Ways to make a worker fail on purpose, to test recovery. @example `await w.simulateFailure('throw');` */
export type SimulatedFailure = 'throw' | 'hang' | 'exit';

/**
 * Limits (and the page's URL) the calling side hands to a worker with each pipeline it creates.
 *
 * @example
 * ```ts
 * const limits: WorkerLimits = { maxPixels: 4096 * 4096 };
 * ```
 */
export interface WorkerLimits {
  /** Largest image (width × height) the worker's pipelines accept; unset: the worker's default. */
  maxPixels?: number;
  /** The page's URL (`location.href`), which relative URLs in the options resolve against, as in the page; unset outside a page. */
  baseUrl?: string;
}

/**
 * The API a visionpipe worker exposes over comlink. Every method answers with a {@link Reply}
 * (never throws), so error codes survive the boundary.
 *
 * @example
 * ```ts
 * const api = Comlink.wrap<WorkerApi>(worker);
 * const reply = await api.memory();
 * ```
 */
export interface WorkerApi {
  /** Answers at once: a fresh worker's sign that it runs a visionpipe host (the calling side waits for it before anything else). */
  ping(): Promise<Reply<void>>;
  /**
   * Builds a pipeline. `limits.maxPixels` is the calling page's pixel limit (`setPlatform`),
   * installed in the worker before the pipeline is built, so a worker refuses what the page would.
   */
  create(task: string, options: Record<string, unknown>, onProgress?: (progress: LoadProgress) => void, limits?: WorkerLimits): Promise<Reply<RemotePipelineInfo>>;
  run(id: number, input: ImageInput, options: Record<string, unknown> | undefined): Promise<Reply<unknown>>;
  runForVideo(id: number, input: ImageInput, timestampMs: number, options: Record<string, unknown> | undefined): Promise<Reply<unknown>>;
  /** Several images at once, for pipelines with a `runBatch` (image feature extraction). */
  runBatch(id: number, inputs: ImageInput[], options: Record<string, unknown> | undefined): Promise<Reply<unknown>>;
  reset(id: number): Promise<Reply<void>>;
  dispose(id: number): Promise<Reply<void>>;
  memory(): Promise<Reply<WorkerMemory>>;
  simulateFailure(kind: SimulatedFailure, ms: number): Promise<Reply<void>>;
  /** Exposes a transfer-learning trainer (`TrainerApi`) on `port` (see `createTrainingWorker`). */
  openTrainer(port: MessagePort): Promise<Reply<void>>;
}
