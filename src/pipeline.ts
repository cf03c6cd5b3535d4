import { type PipelineTask, type TaskOptions, type TaskPipeline, createTaskPipeline } from './pipelines/registry';
import type { VisionWorker } from './worker/vision-worker';
import { type WorkerPipeline, type WorkerPipelineOptions, createWorkerPipeline } from './worker/worker-pipeline';

/**
 * Creates the pipeline for a task: loads its model (the task's default, a catalogue id, a
 * model card or a ready runner) on the best available backend. With `worker: true` (or a
 * shared `VisionWorker`) the pipeline runs in a Web Worker (Node: a worker thread) behind the
 * same interface. Unknown tasks are `INVALID_OPTION`.
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
  options: TaskOptions[T] & WorkerPipelineOptions & { worker: true | VisionWorker },
): Promise<WorkerPipeline<T>>;
export function pipeline<T extends PipelineTask>(task: T, options?: TaskOptions[T]): Promise<TaskPipeline[T]>;
export function pipeline<T extends PipelineTask>(task: T, options?: TaskOptions[T] & { worker?: true | VisionWorker }): Promise<TaskPipeline[T] | WorkerPipeline<T>> {
  if (options?.worker) return createWorkerPipeline(task, options as TaskOptions[T] & WorkerPipelineOptions);
  return createTaskPipeline(task, options);
}
