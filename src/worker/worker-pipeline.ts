import * as Comlink from 'comlink';
import { VisionError, batchImageError, throwIfAborted } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import { closeFrame, isHandedOver } from '../core/frame-ownership';
import type { ModelSpec } from '../models/model-spec';
import type { PipelineTask, TaskPipeline } from '../pipelines/registry';
import type { GpuAdapterFacts } from './gpu-adapter';
import type { RemotePipelineInfo, WorkerApi } from './protocol';
import type { Reply } from '../runtime/worker-reply';
import { unpackMasks } from './mask-transport';
import { closeResult } from '../core/close-result';
import { toTransferable } from '../runtime/worker-transfer';
import { checkRunOptions } from './wire-options';
import { VisionWorker, type VisionWorkerOptions, type WorkerRegistration } from './vision-worker';

/** Per-call options of a task's pipeline. @example `const o: RunOptionsOf<'object-detection'> = { threshold: 0.5 };` */
export type RunOptionsOf<T extends PipelineTask> = NonNullable<Parameters<TaskPipeline[T]['run']>[1]>;

/** What a task's pipeline returns. @example `const r: ResultOf<'object-detection'> = await remote.run(img);` */
export type ResultOf<T extends PipelineTask> = Awaited<ReturnType<TaskPipeline[T]['run']>>;

/**
 * Options that choose and configure the worker of {@link createWorkerPipeline}.
 *
 * `workerUrl`, `timeoutMs` and `createTimeoutMs` configure a dedicated worker only: a shared
 * {@link VisionWorker} keeps the settings it was constructed with, so passing any of them with
 * one is `INVALID_OPTION` — set them on the worker instead
 * (`new VisionWorker({ url, timeoutMs, createTimeoutMs })`).
 *
 * @example
 * ```ts
 * await createWorkerPipeline('object-detection', { worker: true, timeoutMs: 5000 }); // a dedicated worker
 * const worker = new VisionWorker({ timeoutMs: 5000 }); // a shared one: its limits are its own
 * await createWorkerPipeline('image-classification', { worker });
 * ```
 */
export interface WorkerPipelineOptions {
  /** A shared {@link VisionWorker} (not terminated by `dispose`), or `true` (default) for a dedicated one. */
  worker?: VisionWorker | true;
  /** Dedicated worker only: its script URL (see {@link VisionWorkerOptions.url}; for a shared worker set `url` on the `VisionWorker`). */
  workerUrl?: string | URL;
  /** Dedicated worker only: call timeout in ms, for warm runs (see {@link VisionWorkerOptions.timeoutMs}; for a shared worker set it on the `VisionWorker`). */
  timeoutMs?: number;
  /** Dedicated worker only: limit in ms of its start, of creation and of the first run (see {@link VisionWorkerOptions.createTimeoutMs}; default 120 000; for a shared worker set it on the `VisionWorker`). */
  createTimeoutMs?: number;
}

/**
 * The runner facts of a remote pipeline (the runner itself lives in the worker).
 *
 * @example
 * ```ts
 * console.log(remote.runner.backend); // 'webgpu', 'webgl' or 'wasm'
 * ```
 */
export interface RemoteRunnerInfo {
  readonly runtime: 'tfjs' | 'onnxruntime';
  readonly backend: string;
  readonly inputs: RemotePipelineInfo['inputs'];
  readonly outputs: RemotePipelineInfo['outputs'];
  readonly metadata: RemotePipelineInfo['metadata'];
  /** Whether the worker's WebGPU device imports external textures (null off WebGPU). */
  readonly externalTexture: boolean | null;
  /** The worker's WebGPU adapter on WebGPU (`software` true for SwiftShader, llvmpipe…), else null. */
  readonly gpuAdapter: GpuAdapterFacts | null;
}

/**
 * A pipeline running in a worker, with the same interface as the in-thread one: `run`,
 * `runForVideo`, `reset`, `dispose`, `spec`, `runner.backend`. Frames are transferred, not
 * copied (see `toTransferable`); results are the same plain data, and masks in them come back
 * as owned `Mask` objects (transferred from the worker, which closes its own; close them
 * as in-thread). Calls fail with
 * `VisionError`s carrying the worker-side code, `WORKER_FAILED` / `TIMEOUT` when the worker
 * crashed or hung (the next call restarts it).
 *
 * @example
 * ```ts
 * const detector = await createWorkerPipeline('object-detection', { backend: ['webgpu', 'wasm'] });
 * console.log(detector.runner.backend);
 * const { detections } = await detector.runForVideo(videoFrame, videoFrame.timestamp / 1000);
 * ```
 */
export class WorkerPipeline<T extends PipelineTask> {
  private disposed = false;
  /** Settles once the latest call (frame or reset) was posted to the worker: the next one posts after it, so calls reach the worker in call order. */
  private lastPost: Promise<void> = Promise.resolve();

  constructor(
    readonly task: T,
    /** The model card in use. */
    readonly spec: ModelSpec,
    /** Backend and tensor facts of the model in the worker. */
    readonly runner: RemoteRunnerInfo,
    /** The worker this pipeline runs in. */
    readonly worker: VisionWorker,
    private readonly registration: WorkerRegistration,
    private readonly ownsWorker: boolean,
  ) {}

  /**
   * Runs the pipeline on one image in the worker. A `signal` in the options stays on this side
   * (it cannot cross to the worker): when it fires, the call rejects `ABORTED` at once and the
   * worker's answer, when it comes, is dropped (its masks closed).
   */
  run(input: ImageInput, options?: RunOptionsOf<T>): Promise<ResultOf<T>> {
    return this.abortable(options, (wire) => this.send([input], wire, (api, [value], mark, id) => api.run(id, mark(value), wire)) as Promise<ResultOf<T>>);
  }

  /** Video mode (tracking) in the worker; tasks without one run `run`. Tracks start over after a worker restart. `signal` as for {@link run}. */
  runForVideo(input: ImageInput, timestampMs: number, options?: RunOptionsOf<T>): Promise<ResultOf<T>> {
    return this.abortable(options, (wire) => this.send([input], wire, (api, [value], mark, id) => api.runForVideo(id, mark(value), timestampMs, wire)) as Promise<ResultOf<T>>);
  }

  /** Runs `work` on the options without their `signal`, rejecting `ABORTED` when the signal fires first. */
  private abortable(options: RunOptionsOf<T> | undefined, work: (wire: Record<string, unknown> | undefined) => Promise<ResultOf<T>>): Promise<ResultOf<T>> {
    const given = options as Record<string, unknown> | undefined;
    if (typeof given !== 'object' || given === null || !('signal' in given)) return work(given);
    const { signal: raw, ...wire } = given;
    // as in-process: only captioning's runs take a signal (others refuse the name)
    if (raw !== undefined && this.task !== 'image-to-text') {
      return Promise.reject(new VisionError('INVALID_OPTION', `run options has unknown option(s) signal; ${this.task} runs take none (captioning's do)`));
    }
    const what = `${this.task} run in the worker`;
    try {
      // checked before anything is sent: a signal that is no AbortSignal is refused, null is none
      throwIfAborted(raw as AbortSignal | undefined, what);
    } catch (error) {
      return Promise.reject(error);
    }
    if (raw === undefined || raw === null) return work(wire);
    const signal = raw as AbortSignal;
    return new Promise<ResultOf<T>>((resolve, reject) => {
      const running = work(wire);
      const onAbort = (): void => {
        reject(new VisionError('ABORTED', `${what} was aborted`, { cause: signal.reason }));
        running.then(closeResult, () => undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      running.then(
        (result) => {
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /**
   * Forgets video-mode state (tracks). It reaches the worker after the frames called before it
   * (which stay the old video's, as in-thread), before those called after it.
   */
  async reset(): Promise<void> {
    this.assertUsable();
    const { previous, posted } = this.nextPost();
    try {
      await previous;
      await this.worker.callPipeline(this.registration, (api, id) => {
        posted();
        return api.reset(id);
      });
    } finally {
      posted();
    }
  }

  /** The post before this call's, and the signal that this call was posted (or gave up). */
  private nextPost(): { previous: Promise<void>; posted: () => void } {
    const previous = this.lastPost;
    let posted!: () => void;
    this.lastPost = new Promise<void>((resolve) => (posted = resolve));
    return { previous, posted };
  }

  /** Frees the model in the worker (and the worker itself when it is this pipeline's own). Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ownsWorker) this.worker.terminate();
    else this.worker.close(this.registration);
  }

  private assertUsable(): void {
    if (this.disposed) throw new VisionError('DISPOSED', `this ${this.task} worker pipeline was disposed`);
  }

  /**
   * Posts `inputs` (made transferable at once, posted after the calls made before) with
   * `call`, which marks what it sends for transfer with `mark`; the copies made here are
   * closed afterwards (a transferred one is detached, closing it does nothing; one a failed
   * post left behind is freed). `batch` marks a batch of images: an image that cannot be sent is
   * named by its place ("image 2 of the batch", as in-thread), and `weight` scales the call's
   * time limit.
   */
  protected async send(
    inputs: readonly ImageInput[],
    options: object | undefined,
    call: (api: Comlink.Remote<WorkerApi>, values: ImageInput[], mark: <V>(value: V) => V, id: number) => Promise<Reply<unknown>>,
    batch?: { weight: number },
  ): Promise<unknown> {
    try {
      this.assertUsable();
      checkRunOptions(options);
    } catch (error) {
      // a frame handed over is the worker side's to close, and this call will not reach it
      for (const input of inputs) if (isHandedOver(input)) closeFrame(input);
      throw error;
    }
    const { previous, posted } = this.nextPost();
    const preparing = Promise.allSettled(inputs.map((input) => toTransferable(input)));
    // one entry per input (undefined where it could not be made transferable)
    let prepared: (Awaited<ReturnType<typeof toTransferable>> | undefined)[] = [];
    try {
      await previous;
      const settled = await preparing;
      prepared = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
      const failed = settled.findIndex((s) => s.status === 'rejected');
      if (failed >= 0) {
        const { reason } = settled[failed] as PromiseRejectedResult;
        throw batch ? batchImageError(reason, failed) : reason;
      }
      const made = prepared as Awaited<ReturnType<typeof toTransferable>>[];
      const values = made.map((p) => p.value);
      const transfer = made.flatMap((p) => p.transfer);
      const mark = <V>(value: V): V => (transfer.length > 0 ? Comlink.transfer(value, transfer) : value);
      const result = await this.worker.callPipeline(
        this.registration,
        (api, id) => {
          posted();
          return call(api, values, mark, id);
        },
        true,
        batch?.weight ?? 1,
      );
      return unpackMasks(result);
    } finally {
      posted();
      prepared.forEach((p, i) => p && p.value !== inputs[i] && closeFrame(p.value));
    }
  }
}
