import { VisionError } from './core/errors';
import { isOptionsObject, shownValue } from './core/shown-value';
import { type PipelineTask, type TaskOptions, type TaskPipeline, createTaskPipeline } from './pipelines/registry';
import type { VisionWorker } from './worker/vision-worker';
import type { WorkerPipelineOptions } from './worker/worker-pipeline';
import { type WorkerPipelineOf, createWorkerPipeline } from './worker/create-worker-pipeline';
import type { ProgressiveOptions, ProgressivePipeline } from './worker/progressive-pipeline';
import { createProgressivePipeline } from './worker/create-progressive-pipeline';

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
): Promise<WorkerPipelineOf<T>>;
export function pipeline<T extends PipelineTask>(task: T, options?: TaskOptions[T]): Promise<TaskPipeline[T]>;
export function pipeline<T extends PipelineTask>(
  task: T,
  options?: TaskOptions[T] & { worker?: true | VisionWorker; progressive?: true },
): Promise<TaskPipeline[T] | WorkerPipelineOf<T> | ProgressivePipeline<T>> {
  const progressive: unknown = (options as { progressive?: unknown } | undefined)?.progressive;
  // 'yes' was taken as true, and the message then spoke of the backend list
  if (progressive !== undefined && typeof progressive !== 'boolean') return Promise.reject(new VisionError('INVALID_OPTION', `progressive is ${shownValue(progressive)}; it must be true or false`));
  if (options?.worker && progressive === true) return createProgressivePipeline(task, options as TaskOptions[T] & ProgressiveOptions);
  if (!isOptionsObject(options)) return createTaskPipeline(task, options);
  const given = options as Record<string, unknown>;
  const set = (names: readonly string[]): string[] => names.filter((name) => given[name] !== undefined);
  const refuse = (names: readonly string[], needs: string): Promise<never> =>
    Promise.reject(new VisionError('INVALID_OPTION', `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} for a ${needs.includes('progressive') ? 'progressive pipeline' : 'pipeline in a worker'}: add ${needs}`));
  if (options.worker) {
    const progressiveOnly = set(SWITCH_OPTIONS);
    return progressiveOnly.length > 0 ? refuse(progressiveOnly, 'progressive: true') : createWorkerPipeline(task, options as TaskOptions[T] & WorkerPipelineOptions);
  }
  // in this thread: `worker: false` is left out; the worker-only options are refused by name
  const { worker, progressive: _progressive, ...inThread } = given;
  if (worker !== undefined && worker !== false) {
    return Promise.reject(new VisionError('INVALID_OPTION', `worker is ${shownValue(worker)}; allowed: true (a dedicated worker), a VisionWorker, or false / left out (this thread)`));
  }
  const progressiveOnly = [...(given.progressive !== undefined && given.progressive !== false ? ['progressive'] : []), ...set(SWITCH_OPTIONS)];
  if (progressiveOnly.length > 0) return refuse(progressiveOnly, 'worker: true, progressive: true');
  const workerOnly = set(WORKER_ONLY_OPTIONS);
  if (workerOnly.length > 0) return refuse(workerOnly, 'worker: true (or a VisionWorker)');
  return createTaskPipeline(task, inThread as TaskOptions[T]);
}

/** Options of worker pipelines that an in-thread pipeline has no use for. */
const WORKER_ONLY_OPTIONS = ['workerUrl', 'timeoutMs', 'createTimeoutMs'] as const;
/** The switch settings of progressive pipelines (two workers), which need `progressive: true`. */
const SWITCH_OPTIONS = ['switchWhen', 'switchMargin', 'switchTrials', 'allowSoftwareGpu'] as const;
