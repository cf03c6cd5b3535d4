import { VisionError } from './core/errors';
import { isOptionsObject } from './core/shown-value';
import { type PipelineTask, type TaskOptions, type TaskPipeline, createTaskPipeline } from './pipelines/registry';
import type { VisionWorker } from './worker/vision-worker';
import { type WorkerPipeline, type WorkerPipelineOptions, createWorkerPipeline } from './worker/worker-pipeline';
import { type ProgressiveOptions, type ProgressivePipeline, createProgressivePipeline } from './worker/progressive-pipeline';

/**
 * Creates the pipeline for a task: loads its model (the task's default, a catalogue id, a
 * model card or a ready runner) on the best available backend. With `worker: true` (or a
 * shared `VisionWorker`) the pipeline runs in a Web Worker (Node: a worker thread) behind the
 * same interface. With `worker: true, progressive: true` and a `backend` list it starts two
 * workers at once and serves from the quick fallback until the preferred backend is warm
 * (see `createProgressivePipeline`). Unknown tasks are `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * import { pipeline } from 'visionpipe';
 * const detector = await pipeline('object-detection', { threshold: 0.4 });
 * const { detections } = await detector.run(document.querySelector('img')!);
 * detector.dispose();
 * ```
 */
export function pipeline<T extends PipelineTask>(
  task: T,
  options: TaskOptions[T] & ProgressiveOptions & { worker: true; progressive: true },
): Promise<ProgressivePipeline<T>>;
export function pipeline<T extends PipelineTask>(
  task: T,
  options: TaskOptions[T] & WorkerPipelineOptions & { worker: true | VisionWorker },
): Promise<WorkerPipeline<T>>;
export function pipeline<T extends PipelineTask>(task: T, options?: TaskOptions[T]): Promise<TaskPipeline[T]>;
export function pipeline<T extends PipelineTask>(
  task: T,
  options?: TaskOptions[T] & { worker?: true | VisionWorker; progressive?: true },
): Promise<TaskPipeline[T] | WorkerPipeline<T> | ProgressivePipeline<T>> {
  if (options?.worker && options.progressive) return createProgressivePipeline(task, options as TaskOptions[T] & ProgressiveOptions);
  if (options?.worker) return createWorkerPipeline(task, options as TaskOptions[T] & WorkerPipelineOptions);
  if (!isOptionsObject(options)) return createTaskPipeline(task, options);
  // in this thread: `worker: false` is left out; the worker-only options are refused by name
  const { worker: _inThread, ...inThread } = options as Record<string, unknown>;
  const workerOnly = WORKER_ONLY_OPTIONS.filter((name) => inThread[name] !== undefined);
  if (workerOnly.length > 0) {
    return Promise.reject(new VisionError('INVALID_OPTION', `${workerOnly.join(', ')} ${workerOnly.length === 1 ? 'is' : 'are'} for a pipeline in a worker: add worker: true (or a VisionWorker)`));
  }
  return createTaskPipeline(task, inThread as TaskOptions[T]);
}

/** Options of worker and progressive pipelines that an in-thread pipeline has no use for. */
const WORKER_ONLY_OPTIONS = ['progressive', 'workerUrl', 'timeoutMs', 'createTimeoutMs', 'switchWhen', 'switchMargin', 'switchTrials', 'allowSoftwareGpu'] as const;
