// Creating pipelines in workers: the options checked and sent, the worker opened, and the
// calling side's pipeline object made (feature extraction's with its own members).
import * as Comlink from 'comlink';
import { VisionError, throwIfAborted } from '../core/errors';
import { linkAbort } from '../camera/abort-link';
import { getPlatform } from '../core/platform';
import { baseUrl } from '../core/base-url';
import { shownValue } from '../core/shown-value';
import type { PipelineTask, TaskOptions } from '../pipelines/registry';
import { checkLoadingOptions } from '../runtime/loading-options';
import type { LoadProgress } from '../runtime/model-source';
import type { WorkerLimits } from './protocol';
import { VisionWorker, type WorkerRegistration } from './vision-worker';
import { wireOptions } from './wire-options';
import { WorkerFeatureExtractionPipeline } from './worker-feature-extraction';
import { WorkerPipeline, type WorkerPipelineOptions } from './worker-pipeline';

/**
 * The calling side's pipeline of a task in a worker: {@link WorkerFeatureExtractionPipeline}
 * for image feature extraction, else {@link WorkerPipeline}.
 *
 * @example
 * ```ts
 * const embedder: WorkerPipelineOf<'image-feature-extraction'> = await createWorkerPipeline('image-feature-extraction');
 * ```
 */
export type WorkerPipelineOf<T extends PipelineTask> = T extends 'image-feature-extraction' ? WorkerFeatureExtractionPipeline : WorkerPipeline<T>;

/** Options of the calling side, never sent to the worker. */
const LOCAL_KEYS: ReadonlySet<string> = new Set(['worker', 'progressive', 'workerUrl', 'timeoutMs', 'createTimeoutMs', 'signal', 'onProgress']);

/** The dedicated-worker options and what each is called on a {@link VisionWorker}. */
const DEDICATED_KEYS = [['workerUrl', 'url'], ['timeoutMs', 'timeoutMs'], ['createTimeoutMs', 'createTimeoutMs']] as const;

/** Refuses dedicated-worker options given with a shared worker, which would ignore them. */
function checkSharedWorkerOptions(options: WorkerPipelineOptions): void {
  const given = DEDICATED_KEYS.filter(([key]) => options[key] !== undefined);
  if (given.length === 0) return;
  const names = given.map(([key]) => key).join(', ');
  const onWorker = given.map(([key, name]) => (key === name ? name : `${name}: ${key}`)).join(', ');
  throw new VisionError(
    'INVALID_OPTION',
    `${names} ${given.length === 1 ? 'was' : 'were'} given with a shared VisionWorker, which keeps its own settings and would ignore ${given.length === 1 ? 'it' : 'them'}; ` +
      `set ${given.length === 1 ? 'it' : 'them'} on the worker instead (new VisionWorker({ ${onWorker} })), or pass worker: true for a dedicated worker that takes ${given.length === 1 ? 'it' : 'them'}`,
  );
}

/**
 * Opens the registration in the worker, or rejects `ABORTED` as soon as `signal` fires (the
 * worker goes on building until it is done: a shared worker's pipeline is then closed, a
 * dedicated worker is terminated by the caller).
 */
function openUnlessAborted(worker: VisionWorker, registration: WorkerRegistration, onProgress: Parameters<VisionWorker['open']>[1], signal: AbortSignal | undefined): ReturnType<VisionWorker['open']> {
  const opened = worker.open(registration, onProgress);
  if (!signal) return opened;
  return new Promise((resolve, reject) => {
    const unlink = linkAbort(signal, () => {
      reject(new VisionError('ABORTED', 'creating the worker pipeline was aborted', { cause: signal.reason }));
      opened.then(() => worker.close(registration), () => undefined);
    });
    opened.then(
      (info) => {
        unlink();
        resolve(info);
      },
      (error: unknown) => {
        unlink();
        reject(error);
      },
    );
  });
}

/**
 * Creates a task pipeline inside a worker — a dedicated one by default, or a shared
 * {@link VisionWorker} — and returns a {@link WorkerPipeline} with the in-thread interface
 * (for image feature extraction a {@link WorkerFeatureExtractionPipeline}: `runBatch`, `dim`).
 * The worker picks its backend from `backend` (default WebGPU → WebGL → wasm → cpu) and
 * `runner.backend` reports it. Options must be data (catalogue ids, model cards, URLs,
 * bytes); `onProgress` and `signal` work as in-thread. `workerUrl`, `timeoutMs` and
 * `createTimeoutMs` are for a dedicated worker: with a shared `VisionWorker` they are
 * `INVALID_OPTION` (set them on the `VisionWorker`, see {@link WorkerPipelineOptions}).
 *
 * @example
 * ```ts
 * const detector = await createWorkerPipeline('object-detection', { threshold: 0.4, modelBaseUrl: '/models/' });
 * const { detections } = await detector.run(bitmap);
 * detector.dispose();
 * ```
 */
export async function createWorkerPipeline<T extends PipelineTask>(task: T, options: TaskOptions[T] & WorkerPipelineOptions = {} as TaskOptions[T]): Promise<WorkerPipelineOf<T>> {
  const all = options as TaskOptions[T] & WorkerPipelineOptions & { signal?: AbortSignal; onProgress?: (p: LoadProgress) => void };
  if (all.worker !== undefined && all.worker !== true && !(all.worker instanceof VisionWorker)) {
    throw new VisionError('INVALID_OPTION', `worker is ${shownValue(all.worker)}; allowed: true (a dedicated worker) or a VisionWorker (shared by the pipelines given it)`);
  }
  if (all.worker instanceof VisionWorker) checkSharedWorkerOptions(all);
  const progressive: unknown = (all as { progressive?: unknown }).progressive;
  if (progressive !== undefined && progressive !== false) {
    // it was dropped without a word: one worker pipeline came back
    throw new VisionError('INVALID_OPTION', `progressive is ${shownValue(progressive)}; createWorkerPipeline makes one worker pipeline: use createProgressivePipeline, or pipeline(task, { worker: true, progressive: true })`);
  }
  throwIfAborted(all.signal, 'creating the worker pipeline');
  // it stays on this side: checked here as in-thread (5 crashed the worker; null was taken)
  checkLoadingOptions({ onProgress: all.onProgress });
  const wire = wireOptions(all as Record<string, unknown>, LOCAL_KEYS);
  const shared = all.worker instanceof VisionWorker ? all.worker : null;
  const worker = shared ?? new VisionWorker({ url: all.workerUrl, timeoutMs: all.timeoutMs, createTimeoutMs: all.createTimeoutMs });
  try {
    // a callback that throws fails the creation with its error, as in-thread (thrown back into the worker, it crashed it)
    let callbackError: { error: unknown } | undefined;
    const given = all.onProgress;
    const onProgress = given === undefined ? undefined : Comlink.proxy((progress: LoadProgress) => {
      if (callbackError) return;
      try {
        given(progress);
      } catch (error) {
        callbackError = { error };
      }
    });
    // relative URLs in the options (modelBaseUrl: 'models/', wasmPaths) mean the page's folder, not the worker script's
    const page = typeof document === 'undefined' ? undefined : baseUrl(); // what in-thread loads resolve against
    const limits: WorkerLimits = { maxPixels: getPlatform().maxPixels, ...(page ? { baseUrl: page } : {}) };
    const registration: WorkerRegistration = { task, options: wire, limits };
    const info = await openUnlessAborted(worker, registration, onProgress, all.signal);
    const { runtime, backend, inputs, outputs, metadata, externalTexture, gpuAdapter } = info;
    const runner = { runtime, backend, inputs, outputs, metadata, externalTexture, gpuAdapter };
    const made = task === 'image-feature-extraction' && info.dim !== null
      ? new WorkerFeatureExtractionPipeline(info.spec, runner, worker, registration, !shared, info.dim)
      : new WorkerPipeline(task, info.spec, runner, worker, registration, !shared);
    if (callbackError) {
      made.dispose();
      throw callbackError.error;
    }
    return made as WorkerPipelineOf<T>;
  } catch (error) {
    if (!shared) worker.terminate();
    throw error;
  }
}
