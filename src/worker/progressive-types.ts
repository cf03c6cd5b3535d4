import type { PipelineTask } from '../pipelines/registry';
import type { GpuAdapterFacts } from './gpu-adapter';
import type { SwitchDecision, SwitchPolicy } from './switch-decision';
import type { ResultOf, WorkerPipeline, WorkerPipelineOptions } from './worker-pipeline';

/**
 * Which backend served what, and how the preferred one came up.
 *
 * @example
 * ```ts
 * const { served, switchedAtFrame, preferredWarmupMs } = progressive.stats();
 * ```
 */
export interface ProgressiveStats {
  /** The backend names asked for: the preferred one(s) and the quick fallback. */
  readonly preferred: string;
  readonly fallback: string;
  /** The backend serving the next frame (the runner's actual backend). */
  readonly serving: string;
  /** Frames served per backend (actual runner backends, e.g. `{ wasm: 12, webgpu: 88 }`). */
  readonly served: Readonly<Record<string, number>>;
  /** Frames asked for so far, refused ones included (`served` counts the frames answered). */
  readonly frames: number;
  /** The index of the first frame the preferred backend served (null until then). */
  readonly switchedAtFrame: number | null;
  /** When that frame was asked for, in ms since creation began (null until then). */
  readonly switchedAtMs: number | null;
  /** Creation time of each pipeline in ms (null while loading or after a failure). */
  readonly fallbackLoadMs: number | null;
  readonly preferredLoadMs: number | null;
  /** The preferred backend's first (shader-compiling) run on a copy of a real frame, in ms. */
  readonly preferredWarmupMs: number | null;
  /** Why the preferred backend is not used (no WebGPU, a crash), or null. */
  readonly preferredFailure: string | null;
  /** Why the fallback could not start (a misspelt backend, no wasm file), or null. */
  readonly fallbackFailure: string | null;
  /** The preferred worker's WebGPU adapter (software or not), or null off WebGPU / before it loaded. */
  readonly preferredAdapter: GpuAdapterFacts | null;
  /** Whether it switched to the preferred backend or kept the fallback, why, and the speeds measured (null until decided). */
  readonly switch: SwitchDecision | null;
}

/** What the progressive pipeline needs of each of its two pipelines (a {@link WorkerPipeline}). @example `const s: ServingPipeline<'object-detection'> = await createWorkerPipeline('object-detection');` */
export type ServingPipeline<T extends PipelineTask> = Pick<WorkerPipeline<T>, 'run' | 'runForVideo' | 'reset' | 'dispose' | 'runner' | 'spec'>;

/** A result of the progressive pipeline: the task's result plus the backend that made it. @example `const r: ProgressiveResult<'object-detection'> = await p.run(frame); r.servedBy;` */
export type ProgressiveResult<T extends PipelineTask> = ResultOf<T> & { servedBy: string };

/**
 * Options of {@link createProgressivePipeline}: the task's options, a `backend` list of at least
 * two (the first ones are preferred, the last is the quick fallback), worker options, and when
 * to switch ({@link SwitchPolicy}: measured faster by default, software adapters kept out).
 *
 * @example
 * ```ts
 * const options: ProgressiveOptions = { backend: ['webgpu', 'wasm'], progressive: true, switchMargin: 0.2 };
 * ```
 */
export interface ProgressiveOptions extends WorkerPipelineOptions, Partial<SwitchPolicy> {
  backend?: readonly string[] | string;
  /** Marks the progressive start in `pipeline(task, { worker: true, progressive: true })`. */
  progressive?: true;
}
