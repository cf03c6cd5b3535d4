/**
 * The factory of {@link ProgressivePipeline}: the task's pipeline started in two dedicated
 * workers at once, on the preferred and the quick fallback backends.
 */
import { tfjsBackendOrder } from '../runtime/tfjs-backend';
import { VisionError } from '../core/errors';
import type { PipelineTask, TaskOptions } from '../pipelines/registry';
import { ProgressivePipeline } from './progressive-pipeline';
import type { ProgressiveOptions } from './progressive-types';
import { resolveSwitchPolicy } from './switch-decision';
import type { WorkerPipeline, WorkerPipelineOptions } from './worker-pipeline';
import { createWorkerPipeline } from './create-worker-pipeline';
import { shownData } from '../core/shown-value';

/**
 * Creates a {@link ProgressivePipeline}: the task's pipeline in two dedicated workers at once,
 * one on the preferred backends (all of `backend` but the last, e.g. WebGPU) and one on the
 * quick fallback (the last, e.g. wasm). Resolves as soon as either can serve. `onProgress`
 * reports the fallback's load; `signal` aborts both.
 *
 * @example
 * ```ts
 * const pose = await createProgressivePipeline('pose-estimation', { backend: ['webgpu', 'wasm'] });
 * const { poses, servedBy } = await pose.runForVideo(videoFrame, performance.now());
 * ```
 */
export async function createProgressivePipeline<T extends PipelineTask>(task: T, options: TaskOptions[T] & ProgressiveOptions): Promise<ProgressivePipeline<T>> {
  const { backend, progressive: _progressive, worker, onProgress, switchWhen, switchMargin, switchTrials, allowSoftwareGpu, ...rest } = options as TaskOptions[T] & ProgressiveOptions & { onProgress?: unknown };
  const policy = resolveSwitchPolicy({ switchWhen, switchMargin, switchTrials, allowSoftwareGpu });
  if (!Array.isArray(backend) || backend.length < 2) {
    throw new VisionError('INVALID_OPTION', `a progressive pipeline needs 'backend' as a list of at least two backends (preferred first, quick fallback last), e.g. ['webgpu', 'wasm']; got ${shownData(backend)}`);
  }
  tfjsBackendOrder(backend); // a misspelt name is refused here, as in-thread (it failed in its worker, and the other served)
  if (worker !== undefined && worker !== true) {
    throw new VisionError('INVALID_OPTION', "a progressive pipeline runs in two dedicated workers; pass worker: true (a shared VisionWorker holds one backend only)");
  }
  const preferredList = backend.slice(0, -1);
  const fallbackName = backend[backend.length - 1];
  const make = (list: readonly string[], progress: unknown): Promise<WorkerPipeline<T>> =>
    createWorkerPipeline(task, { ...rest, backend: list, onProgress: progress } as unknown as TaskOptions[T] & WorkerPipelineOptions) as Promise<WorkerPipeline<T>>;
  const progressive = new ProgressivePipeline(task, { preferred: preferredList.join(' → '), fallback: fallbackName }, make(preferredList, undefined), make([fallbackName], onProgress), policy);
  try {
    await progressive.ready();
  } catch (error) {
    progressive.dispose();
    throw error;
  }
  return progressive;
}
