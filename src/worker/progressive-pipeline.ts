import { VisionError } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import { closeFrame } from '../core/frame-ownership';
import type { ModelSpec } from '../models/model-spec';
import type { PipelineTask, TaskOptions } from '../pipelines/registry';
import { closeResultMasks } from './mask-transport';
import { TrackIdBridge } from './track-id-bridge';
import { warmupCopy } from './warmup-copy';
import { type RemoteRunnerInfo, type ResultOf, type RunOptionsOf, type WorkerPipeline, type WorkerPipelineOptions, createWorkerPipeline } from './worker-pipeline';

/** What the progressive pipeline needs of each of its two pipelines (a {@link WorkerPipeline}). @example `const s: ServingPipeline<'object-detection'> = await createWorkerPipeline('object-detection');` */
export type ServingPipeline<T extends PipelineTask> = Pick<WorkerPipeline<T>, 'run' | 'runForVideo' | 'reset' | 'dispose' | 'runner' | 'spec'>;

/** A result of the progressive pipeline: the task's result plus the backend that made it. @example `const r: ProgressiveResult<'object-detection'> = await p.run(frame); r.servedBy;` */
export type ProgressiveResult<T extends PipelineTask> = ResultOf<T> & { servedBy: string };

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
  /** Frames asked for so far. */
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
}

type PreferredState = 'loading' | 'created' | 'warming' | 'ready' | 'serving' | 'failed';

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A pipeline that starts on two backends at once and serves every frame from the best one
 * ready: the quick fallback (e.g. wasm) serves while the preferred one (e.g. WebGPU) loads and
 * warms up on a copy of a frame the caller sent; the next frame then goes to the preferred
 * one, and the fallback is disposed. Results keep their format (plus `servedBy`); in video
 * mode track IDs continue across the switch (new tracks matched to the old by box overlap). If
 * the preferred backend fails it stays on the fallback and {@link stats} says why.
 * Create it with {@link createProgressivePipeline} or `pipeline(task, { worker: true, progressive: true, backend: [...] })`.
 *
 * @example
 * ```ts
 * const detector = await createProgressivePipeline('object-detection', { backend: ['webgpu', 'wasm'] });
 * const result = await detector.runForVideo(frame, frame.timestamp / 1000);
 * console.log(result.servedBy, detector.stats().served);
 * detector.dispose();
 * ```
 */
export class ProgressivePipeline<T extends PipelineTask> {
  private fallback: ServingPipeline<T> | null = null;
  private preferred: ServingPipeline<T> | null = null;
  private state: PreferredState = 'loading';
  private fallbackFailure: string | null = null;
  private preferredFailure: string | null = null;
  private readonly startedAt = performance.now();
  private readonly served: Record<string, number> = {};
  private frames = 0;
  private switchedAtFrame: number | null = null;
  private switchedAtMs: number | null = null;
  private fallbackLoadMs: number | null = null;
  private preferredLoadMs: number | null = null;
  private preferredWarmupMs: number | null = null;
  private fallbackInFlight = 0;
  private bridge: TrackIdBridge | null = new TrackIdBridge();
  private disposed = false;
  private readonly firstReady: Promise<void>;
  private readonly preferredSettled: Promise<boolean>;
  private settlePreferred: (ready: boolean) => void = () => undefined;
  private readonly fallbackArrival: Promise<void>;
  private fallbackSettled: () => void = () => undefined;

  constructor(
    readonly task: T,
    private readonly names: { preferred: string; fallback: string },
    preferred: Promise<ServingPipeline<T>>,
    fallback: Promise<ServingPipeline<T>>,
  ) {
    this.preferredSettled = new Promise((resolve) => (this.settlePreferred = resolve));
    this.fallbackArrival = new Promise((resolve) => (this.fallbackSettled = resolve));
    this.firstReady = new Promise((resolve, reject) => {
      const bothFailed = (): void => {
        if (this.fallbackFailure === null || this.preferredFailure === null) return;
        reject(new VisionError('BACKEND_UNAVAILABLE', `no backend could start this ${task} pipeline: ${names.preferred}: ${this.preferredFailure}; ${names.fallback}: ${this.fallbackFailure}`));
      };
      preferred.then(
        (pipeline) => {
          if (this.disposed) return pipeline.dispose();
          this.preferred = pipeline;
          this.preferredLoadMs = performance.now() - this.startedAt;
          this.state = 'created';
          resolve(); // it serves once warm (on the first frame), or now if the fallback is not ready by then
        },
        (error: unknown) => {
          this.failPreferred(error);
          bothFailed();
        },
      );
      fallback.then(
        (pipeline) => {
          if (this.disposed || this.state === 'serving') return pipeline.dispose();
          this.fallback = pipeline;
          this.fallbackLoadMs = performance.now() - this.startedAt;
          this.fallbackSettled();
          resolve();
        },
        (error: unknown) => {
          this.fallbackFailure = reason(error);
          this.fallbackSettled();
          bothFailed();
        },
      );
    });
  }

  /** Resolves once one of the two pipelines can serve; rejects when neither can start. @example `await progressive.ready();` */
  ready(): Promise<void> {
    return this.firstReady;
  }

  /** Resolves true once the preferred backend is warm (it serves the next frame), false if it failed. @example `if (!(await p.preferredReady())) console.warn(p.stats().preferredFailure);` */
  preferredReady(): Promise<boolean> {
    return this.preferredSettled;
  }

  /** The model card in use. */
  get spec(): ModelSpec {
    return this.active().spec;
  }

  /** The runner facts of the pipeline serving now. */
  get runner(): RemoteRunnerInfo {
    return this.active().runner;
  }

  /** Runs on one image with the backend serving now. */
  run(input: ImageInput, options?: RunOptionsOf<T>): Promise<ProgressiveResult<T>> {
    return this.serve(input, (pipeline) => pipeline.run(input, options), false);
  }

  /** Video mode: tracks continue across the switch of backend. */
  runForVideo(input: ImageInput, timestampMs: number, options?: RunOptionsOf<T>): Promise<ProgressiveResult<T>> {
    return this.serve(input, (pipeline) => pipeline.runForVideo(input, timestampMs, options), true);
  }

  /** Forgets video-mode state (tracks) on both pipelines. */
  async reset(): Promise<void> {
    this.assertUsable();
    const live = [this.fallback, this.preferred].filter((p): p is ServingPipeline<T> => p !== null);
    await Promise.all(live.map((p) => p.reset()));
    this.bridge = this.state === 'serving' ? null : new TrackIdBridge();
  }

  /** Which backend served what; see {@link ProgressiveStats}. */
  stats(): ProgressiveStats {
    return {
      preferred: this.names.preferred,
      fallback: this.names.fallback,
      serving: this.state === 'serving' ? (this.preferred?.runner.backend ?? this.names.preferred) : (this.fallback?.runner.backend ?? this.names.fallback),
      served: { ...this.served },
      frames: this.frames,
      switchedAtFrame: this.switchedAtFrame,
      switchedAtMs: this.switchedAtMs,
      fallbackLoadMs: this.fallbackLoadMs,
      preferredLoadMs: this.preferredLoadMs,
      preferredWarmupMs: this.preferredWarmupMs,
      preferredFailure: this.preferredFailure,
    };
  }

  /** Frees both pipelines and terminates their workers (one still loading is freed when it arrives). Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.fallback?.dispose();
    this.preferred?.dispose();
    this.fallback = null;
    this.preferred = null;
    this.settlePreferred(false);
  }

  private assertUsable(): void {
    if (this.disposed) throw new VisionError('DISPOSED', `this progressive ${this.task} pipeline was disposed`);
  }

  private active(): ServingPipeline<T> {
    this.assertUsable();
    const pipeline = this.state === 'serving' ? this.preferred : (this.fallback ?? this.preferred);
    if (pipeline === null) throw new VisionError('BACKEND_UNAVAILABLE', `no backend serves this progressive ${this.task} pipeline yet; await ready() first`);
    return pipeline;
  }

  private failPreferred(error: unknown): void {
    this.preferredFailure = reason(error);
    this.state = 'failed';
    this.preferred?.dispose();
    this.preferred = null;
    this.settlePreferred(false);
  }

  private async serve(input: ImageInput, call: (pipeline: ServingPipeline<T>) => Promise<ResultOf<T>>, video: boolean): Promise<ProgressiveResult<T>> {
    await this.firstReady;
    this.assertUsable();
    const frame = this.frames++;
    const { role, pipeline } = await this.pick(input, frame);
    if (role === 'preferred') {
      const result = await call(pipeline);
      if (video) this.bridge?.mapNew(result);
      return this.count(result, pipeline);
    }
    try {
      const result = await call(pipeline);
      if (video) this.bridge?.observeOld(result);
      return this.count(result, pipeline);
    } finally {
      this.fallbackInFlight--;
      this.retireFallbackWhenIdle();
    }
  }

  /** Which pipeline serves this frame: the preferred once warm, else the fallback once loaded (waiting for the first of the two). */
  private async pick(input: ImageInput, frame: number): Promise<{ role: 'preferred' | 'fallback'; pipeline: ServingPipeline<T> }> {
    for (;;) {
      this.assertUsable();
      if (this.state === 'ready') this.switchToPreferred(frame);
      if (this.state === 'serving' && this.preferred !== null) return { role: 'preferred', pipeline: this.preferred };
      if (this.state === 'created') await this.startWarmup(input);
      if (this.fallback !== null && this.state !== 'serving') {
        this.fallbackInFlight++; // counted before any await, so a switch meanwhile keeps it alive
        return { role: 'fallback', pipeline: this.fallback };
      }
      if (this.fallbackFailure !== null && this.state === 'failed') {
        throw new VisionError('BACKEND_UNAVAILABLE', `no backend can serve this ${this.task} pipeline: ${this.names.preferred}: ${this.preferredFailure}; ${this.names.fallback}: ${this.fallbackFailure}`);
      }
      await (this.state === 'failed' ? this.fallbackArrival : Promise.race([this.fallbackArrival, this.preferredSettled]));
    }
  }

  private count(result: ResultOf<T>, pipeline: ServingPipeline<T>): ProgressiveResult<T> {
    const backend = pipeline.runner.backend;
    this.served[backend] = (this.served[backend] ?? 0) + 1;
    return Object.assign(result, { servedBy: backend });
  }

  private switchToPreferred(frame: number): void {
    this.state = 'serving';
    this.switchedAtFrame = frame;
    this.switchedAtMs = performance.now() - this.startedAt;
    this.retireFallbackWhenIdle();
  }

  private retireFallbackWhenIdle(): void {
    if (this.state !== 'serving' || this.fallbackInFlight > 0 || this.fallback === null) return;
    this.fallback.dispose();
    this.fallback = null;
  }

  /** Warms the preferred pipeline on a copy of this frame, in the background. */
  private async startWarmup(input: ImageInput): Promise<void> {
    const preferred = this.preferred;
    if (preferred === null) return;
    this.state = 'warming';
    let copy: ImageInput;
    try {
      copy = await warmupCopy(input);
    } catch (error) {
      this.state = 'created';
      throw error;
    }
    const began = performance.now();
    preferred.run(copy).then(
      (result) => {
        closeResultMasks(result);
        if (this.disposed || this.state !== 'warming') return;
        this.preferredWarmupMs = performance.now() - began;
        this.state = 'ready';
        this.settlePreferred(true);
      },
      (error: unknown) => {
        closeFrame(copy);
        if (this.disposed) return;
        if (error instanceof VisionError && error.code === 'INVALID_INPUT') this.state = 'created';
        else this.failPreferred(error);
      },
    );
  }
}

/**
 * Options of {@link createProgressivePipeline}: the task's options, a `backend` list of at least
 * two (the first ones are preferred, the last is the quick fallback), worker options.
 *
 * @example
 * ```ts
 * const options: ProgressiveOptions = { backend: ['webgpu', 'wasm'], progressive: true };
 * ```
 */
export interface ProgressiveOptions extends WorkerPipelineOptions {
  backend?: readonly string[] | string;
  /** Marks the progressive start in `pipeline(task, { worker: true, progressive: true })`. */
  progressive?: true;
}

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
  const { backend, progressive: _progressive, worker, onProgress, ...rest } = options as TaskOptions[T] & ProgressiveOptions & { onProgress?: unknown };
  if (!Array.isArray(backend) || backend.length < 2) {
    throw new VisionError('INVALID_OPTION', `a progressive pipeline needs 'backend' as a list of at least two backends (preferred first, quick fallback last), e.g. ['webgpu', 'wasm']; got ${JSON.stringify(backend)}`);
  }
  if (worker !== undefined && worker !== true) {
    throw new VisionError('INVALID_OPTION', "a progressive pipeline runs in two dedicated workers; pass worker: true (a shared VisionWorker holds one backend only)");
  }
  const preferredList = backend.slice(0, -1);
  const fallbackName = backend[backend.length - 1];
  const make = (list: readonly string[], progress: unknown): Promise<WorkerPipeline<T>> =>
    createWorkerPipeline(task, { ...rest, backend: list, onProgress: progress } as unknown as TaskOptions[T] & WorkerPipelineOptions);
  const progressive = new ProgressivePipeline(task, { preferred: preferredList.join(' → '), fallback: fallbackName }, make(preferredList, undefined), make([fallbackName], onProgress));
  try {
    await progressive.ready();
  } catch (error) {
    progressive.dispose();
    throw error;
  }
  return progressive;
}
