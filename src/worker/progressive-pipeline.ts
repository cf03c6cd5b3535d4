import { VisionError } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import { closeFrame } from '../core/frame-ownership';
import type { ModelSpec } from '../models/model-spec';
import type { PipelineTask } from '../pipelines/registry';
import type { GpuAdapterFacts } from './gpu-adapter';
import { closeResult } from '../core/close-result';
import type { ProgressiveResult, ProgressiveStats, ServingPipeline } from './progressive-types';
import { RECENT_FALLBACK_FRAMES, type SwitchDecision, type SwitchPolicy, decideBySpeed, median, resolveSwitchPolicy, softwareAdapterVeto } from './switch-decision';
import { TrackIdBridge } from './track-id-bridge';
import { warmupCopy } from './warmup-copy';
import type { RemoteRunnerInfo, ResultOf, RunOptionsOf } from './worker-pipeline';

export type { ProgressiveOptions, ProgressiveResult, ProgressiveStats, ServingPipeline } from './progressive-types';

/** loading → created → warming → measuring → ready (chosen) → serving, or kept (not chosen: freed), or failed. */
type PreferredState = 'loading' | 'created' | 'warming' | 'measuring' | 'ready' | 'serving' | 'kept' | 'failed';

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A pipeline that starts on two backends at once and serves every frame from the best one
 * ready: the quick fallback (e.g. wasm) serves while the preferred one (e.g. WebGPU) loads, warms
 * up on a copy of a frame the caller sent and is timed on copies of a few more; it takes over
 * only if faster by the policy's margin ({@link SwitchPolicy}: software adapters kept out,
 * `switchWhen: 'ready'` switches once warm). The one not chosen is disposed. Results keep their
 * format (plus `servedBy`); in video mode track IDs continue across the switch (matched by box
 * overlap). A failing preferred backend leaves the fallback serving; {@link stats} says why.
 * Create it with `createProgressivePipeline` or `pipeline(task, { worker: true, progressive: true, backend: [...] })`.
 *
 * @example
 * ```ts
 * const detector = await createProgressivePipeline('object-detection', { backend: ['webgpu', 'wasm'] });
 * const result = await detector.runForVideo(frame, frame.timestamp / 1000);
 * console.log(result.servedBy, detector.stats().switch);
 * detector.dispose();
 * ```
 */
export class ProgressivePipeline<T extends PipelineTask> {
  private fallback: ServingPipeline<T> | null = null;
  private preferred: ServingPipeline<T> | null = null;
  private state: PreferredState = 'loading';
  private fallbackFailure: string | null = null;
  private preferredFailure: string | null = null;
  private preferredAdapter: GpuAdapterFacts | null = null;
  private readonly startedAt = performance.now();
  private readonly served: Record<string, number> = {};
  private frames = 0;
  private switchedAtFrame: number | null = null;
  private switchedAtMs: number | null = null;
  private fallbackLoadMs: number | null = null;
  private preferredLoadMs: number | null = null;
  private preferredWarmupMs: number | null = null;
  private fallbackInFlight = 0;
  /** Settles when the last video frame that asked was handed to its pipeline: the next one waits for it. */
  private videoTurn: Promise<void> = Promise.resolve();
  private readonly fallbackFrameMs: number[] = [];
  private readonly trialMs: number[] = [];
  private trialInFlight = false;
  private decision: SwitchDecision | null = null;
  private readonly policy: SwitchPolicy;
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
    policy: Partial<SwitchPolicy> = {},
  ) {
    this.policy = resolveSwitchPolicy(policy);
    this.preferredSettled = new Promise((resolve) => (this.settlePreferred = resolve));
    this.fallbackArrival = new Promise((resolve) => (this.fallbackSettled = resolve));
    this.firstReady = new Promise((resolve, reject) => {
      // both failing alike is that failure (ABORTED, INVALID_OPTION for a misspelt option, a model
      // file that is not there), not a backend that could not start
      const failures: unknown[] = [];
      const noteFailure = (error: unknown): void => void failures.push(error);
      const bothFailed = (): void => {
        if (this.fallbackFailure === null || this.preferredFailure === null) return;
        const [first, second] = failures;
        if (first instanceof VisionError && second instanceof VisionError && first.code === second.code && first.code !== 'BACKEND_UNAVAILABLE') {
          return reject(first.message === second.message ? second : new VisionError(second.code, `${names.preferred}: ${this.preferredFailure}; ${names.fallback}: ${this.fallbackFailure}`));
        }
        reject(new VisionError('BACKEND_UNAVAILABLE', `no backend could start this ${task} pipeline: ${names.preferred}: ${this.preferredFailure}; ${names.fallback}: ${this.fallbackFailure}`));
      };
      preferred.then(
        (pipeline) => {
          if (this.disposed) return pipeline.dispose();
          this.preferred = pipeline;
          this.preferredAdapter = pipeline.runner.gpuAdapter ?? null;
          this.preferredLoadMs = performance.now() - this.startedAt;
          this.state = 'created';
          this.keepOutSoftwareAdapter();
          resolve(); // it serves once warm (on the first frame), or now if the fallback is not ready by then
        },
        (error: unknown) => {
          noteFailure(error);
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
          this.keepOutSoftwareAdapter();
          resolve();
        },
        (error: unknown) => {
          noteFailure(error);
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

  /**
   * Resolves true once the preferred backend is warm and chosen (it serves the next frame),
   * false if it failed or was kept out (measured slower, or a software adapter: `stats().switch` says why).
   *
   * @example `if (!(await p.preferredReady())) console.warn(p.stats().preferredFailure ?? p.stats().switch?.reason);`
   */
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

  /** The backend `pick` will serve the next frame with: the preferred once switched (or about to), else the fallback, else the preferred when the fallback failed. */
  private nextServing(): string {
    const preferredNext = this.state === 'serving' || this.state === 'ready' || (this.fallback === null && this.fallbackFailure !== null);
    return preferredNext ? (this.preferred?.runner.backend ?? this.names.preferred) : (this.fallback?.runner.backend ?? this.names.fallback);
  }

  /** Which backend served what; see {@link ProgressiveStats}. */
  stats(): ProgressiveStats {
    return {
      preferred: this.names.preferred,
      fallback: this.names.fallback,
      serving: this.nextServing(),
      served: { ...this.served },
      frames: this.frames,
      switchedAtFrame: this.switchedAtFrame,
      switchedAtMs: this.switchedAtMs,
      fallbackLoadMs: this.fallbackLoadMs,
      preferredLoadMs: this.preferredLoadMs,
      preferredWarmupMs: this.preferredWarmupMs,
      fallbackFailure: this.fallbackFailure,
      preferredFailure: this.preferredFailure,
      preferredAdapter: this.preferredAdapter,
      switch: this.decision,
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
    this.fallbackSettled();
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

  /**
   * Serves one call. Video frames take turns until each is handed to its pipeline, so that
   * they reach it in call order (a frame that starts a warm-up waits for its copy; the ones
   * after it woke in no set order, and the pipeline refused a timestamp that went back).
   */
  private async serve(input: ImageInput, call: (pipeline: ServingPipeline<T>) => Promise<ResultOf<T>>, video: boolean): Promise<ProgressiveResult<T>> {
    const turn = video ? this.takeVideoTurn() : undefined;
    try {
      await turn?.ready;
      await this.firstReady;
      this.assertUsable();
      const frame = this.frames++;
      const { role, pipeline } = await this.pick(input, frame);
      if (role === 'preferred') {
        const sent = call(pipeline);
        turn?.release();
        const result = await sent;
        if (video) this.bridge?.mapNew(result);
        return this.count(result, pipeline);
      }
      try {
        const began = performance.now();
        const sent = call(pipeline);
        turn?.release();
        const result = await sent;
        this.fallbackFrameMs.push(performance.now() - began);
        if (this.fallbackFrameMs.length > RECENT_FALLBACK_FRAMES) this.fallbackFrameMs.shift();
        if (video) this.bridge?.observeOld(result);
        return this.count(result, pipeline);
      } finally {
        this.fallbackInFlight--;
        this.decideWhenMeasured();
        this.retireFallbackWhenIdle();
      }
    } finally {
      turn?.release();
    }
  }

  /** The next video frame's turn: ready when the frame before it was handed to its pipeline (or failed first). */
  private takeVideoTurn(): { ready: Promise<void>; release: () => void } {
    const ready = this.videoTurn;
    let release!: () => void;
    this.videoTurn = new Promise<void>((resolve) => (release = resolve));
    return { ready, release };
  }

  /** Which pipeline serves this frame: the preferred once chosen, else the fallback once loaded (waiting for the first of the two). */
  private async pick(input: ImageInput, frame: number): Promise<{ role: 'preferred' | 'fallback'; pipeline: ServingPipeline<T> }> {
    for (;;) {
      this.assertUsable();
      if (this.state === 'ready') this.switchToPreferred(frame);
      if (this.state === 'serving' && this.preferred !== null) return { role: 'preferred', pipeline: this.preferred };
      if (this.state === 'created' && this.softwareVeto() === null) await this.startWarmup(input);
      else if (this.state === 'measuring' && !this.trialInFlight && this.trialMs.length < this.policy.switchTrials) await this.startTrial(input);
      if (this.fallback !== null && this.state !== 'serving') {
        this.fallbackInFlight++; // counted before any await, so a switch meanwhile keeps it alive
        return { role: 'fallback', pipeline: this.fallback };
      }
      if (this.fallbackFailure !== null && (this.state === 'failed' || this.state === 'kept')) {
        throw new VisionError('BACKEND_UNAVAILABLE', `no backend can serve this ${this.task} pipeline: ${this.names.preferred}: ${this.preferredFailure ?? this.decision?.reason}; ${this.names.fallback}: ${this.fallbackFailure}`);
      }
      // (never a promise already settled: the loop would spin without letting the workers answer)
      if (this.state === 'failed' || this.state === 'kept') await this.fallbackArrival;
      else await (this.fallbackFailure !== null ? this.preferredSettled : Promise.race([this.fallbackArrival, this.preferredSettled]));
    }
  }

  private count(result: ResultOf<T>, pipeline: ServingPipeline<T>): ProgressiveResult<T> {
    const backend = pipeline.runner.backend;
    this.served[backend] = (this.served[backend] ?? 0) + 1;
    return Object.assign(result, { servedBy: backend });
  }

  /** Why the preferred backend's software adapter stays out (null if it may compete, or the fallback failed: then it is all there is). */
  private softwareVeto(): string | null {
    return this.fallbackFailure === null ? softwareAdapterVeto(this.policy, this.preferredAdapter) : null;
  }

  /** Keeps a software adapter out before its warm-up burns CPU the fallback needs, once the fallback serves. */
  private keepOutSoftwareAdapter(): void {
    const veto = this.softwareVeto();
    if (veto !== null && this.fallback !== null && (this.state === 'created' || this.state === 'warming')) this.decide('kept', veto);
  }

  /** Records the decision; a switch serves the preferred from the next frame, a keep frees it. */
  private decide(decision: SwitchDecision['decision'], why: string, preferredMs: number | null = null): void {
    const to = this.preferred?.runner.backend ?? this.names.preferred;
    const from = this.fallback?.runner.backend ?? this.names.fallback;
    this.decision = { from, to, decision, reason: why, preferredMs, fallbackMs: median(this.fallbackFrameMs), atFrame: this.frames };
    if (decision === 'kept') {
      this.state = 'kept';
      this.preferred?.dispose();
      this.preferred = null;
      this.settlePreferred(false);
    } else {
      this.state = 'ready';
      this.settlePreferred(true);
    }
  }

  /** Under `'faster'`: decides once the trials are in and the fallback has timed frames. */
  private decideWhenMeasured(): void {
    if (this.disposed || this.state !== 'measuring' || this.trialMs.length < this.policy.switchTrials || this.fallbackFrameMs.length === 0) return;
    const verdict = decideBySpeed(this.policy, this.trialMs, this.fallbackFrameMs);
    this.decide(verdict.decision, verdict.reason, verdict.preferredMs);
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

  /**
   * Runs the preferred pipeline on a copy of this frame in the background; `done` gets its time in
   * ms (if the state is still `expected`). `undo` runs when no copy could be made (the caller's
   * frame is bad: that call fails) or the run refused it as input (then the next frame retries).
   */
  private async runOnCopy(input: ImageInput, expected: PreferredState, done: (ms: number) => void, undo: () => void): Promise<void> {
    const preferred = this.preferred;
    if (preferred === null) return;
    const copy = await warmupCopy(input).catch((error: unknown) => {
      undo();
      throw error;
    });
    const began = performance.now();
    preferred.run(copy).then(
      (result) => {
        closeResult(result);
        if (!this.disposed && this.state === expected) done(performance.now() - began);
      },
      (error: unknown) => {
        closeFrame(copy);
        if (this.disposed || this.state !== expected) return;
        if (error instanceof VisionError && error.code === 'INVALID_INPUT') undo();
        else this.failPreferred(error);
      },
    );
  }

  /** Warms the preferred pipeline (its first, shader-compiling run) on a copy of this frame. */
  private startWarmup(input: ImageInput): Promise<void> {
    this.state = 'warming';
    const warm = (ms: number): void => {
      this.preferredWarmupMs = ms;
      if (this.policy.switchWhen === 'ready') this.decide('switched', "switchWhen: 'ready' switches as soon as the preferred backend is warm");
      else if (this.fallback === null) this.decide('switched', this.fallbackFailure === null ? 'the fallback had not loaded when the preferred backend was warm' : `the fallback could not start: ${this.fallbackFailure}`);
      else this.state = 'measuring';
    };
    return this.runOnCopy(input, 'warming', warm, () => (this.state = 'created'));
  }

  /** Times one run of the warm preferred pipeline on a copy of this frame. */
  private startTrial(input: ImageInput): Promise<void> {
    this.trialInFlight = true;
    const timed = (ms: number): void => {
      this.trialInFlight = false;
      this.trialMs.push(ms);
      this.decideWhenMeasured();
    };
    return this.runOnCopy(input, 'measuring', timed, () => (this.trialInFlight = false));
  }
}
