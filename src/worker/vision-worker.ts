import { type StartedWorker, WorkerConnection, type WorkerConnectionOptions, checkTimeLimit } from '../runtime/worker-connection';
import type * as Comlink from 'comlink';
import { VisionError } from '../core/errors';
import { checkOptionsObject, optionNames } from '../core/known-options';
import type { LoadProgress } from '../runtime/model-source';
import type { Reply } from '../runtime/worker-reply';
import type { RemotePipelineInfo, SimulatedFailure, WorkerApi, WorkerLimits, WorkerMemory } from './protocol';

/**
 * Options of a {@link VisionWorker}.
 *
 * @example
 * ```ts
 * new VisionWorker({ url: '/assets/visionpipe-worker.js', timeoutMs: 5000 });
 * ```
 */
export interface VisionWorkerOptions extends WorkerConnectionOptions {
  /**
   * The same for creating a pipeline (model download and compile), in ms, and for each
   * pipeline's first runs in a (re)started worker, which compile its kernels or shaders: until
   * one has answered within `timeoutMs` (calls sent while a build or such a run is in flight
   * may wait behind it, so they get this limit too), and for a
   * fresh worker's first answer (a script that never answers is not a visionpipe worker:
   * `WORKER_FAILED`). Default 120 000 (two minutes, for large models on slow networks); 0,
   * `Infinity` and anything above 2^31 − 1 mean no limit.
   */
  createTimeoutMs?: number;
}

/**
 * A pipeline a {@link VisionWorker} keeps: what it builds again in every fresh worker.
 *
 * @example
 * ```ts
 * const info = await worker.open({ task: 'object-detection', options: { threshold: 0.4 }, limits: {} });
 * ```
 */
export interface WorkerRegistration {
  task: string;
  options: Record<string, unknown>;
  /** The page's limits at creation, handed to the worker again when it is rebuilt. */
  limits: WorkerLimits;
}

/** A kept pipeline as built in one worker: its id there (ids of other workers mean nothing), and whether it has run within `timeoutMs` there. */
interface Build {
  generation: number;
  id: Promise<number>;
  warm: boolean;
}

/** Every name {@link VisionWorkerOptions} has. */
const VISION_WORKER_OPTION_NAMES = /* @__PURE__ */ optionNames<VisionWorkerOptions>()(['url', 'name', 'timeoutMs', 'createTimeoutMs']);

/**
 * One dedicated worker (a Web Worker, or a `worker_threads` Worker in Node) that runs any
 * number of visionpipe pipelines on one tfjs backend (one GPU device). Pass it as `worker` to
 * `createWorkerPipeline` to share it; disposing a pipeline never affects the others.
 *
 * A worker that crashes (uncaught error, exit) or hangs (a call past `timeoutMs`) is
 * terminated: calls in flight reject with `VisionError('WORKER_FAILED')` (the hung call with
 * `TIMEOUT`), and the next call starts a fresh worker and rebuilds its pipelines (trackers
 * start over). A pipeline's first runs in a worker, which compile kernels or shaders, are
 * timed with `createTimeoutMs` until one answers within `timeoutMs` (see {@link VisionWorkerOptions}).
 * `terminate()` rejects calls in flight with `DISPOSED`.
 *
 * @example
 * ```ts
 * const worker = new VisionWorker();
 * const detector = await createWorkerPipeline('object-detection', { worker });
 * const classifier = await createWorkerPipeline('image-classification', { worker });
 * detector.dispose(); // classifier keeps working
 * worker.terminate();
 * ```
 */
export class VisionWorker extends WorkerConnection<WorkerApi> {
  /** The kept pipelines, each with its build in the latest worker (null: not built there yet, or its failure was reported). */
  private readonly builds = new Map<WorkerRegistration, Build | null>();
  /** Builds and cold runs in flight: calls sent meanwhile may wait behind them in the worker. */
  private coldWork = 0;

  constructor(private readonly options: VisionWorkerOptions = {}) {
    // checked before the connection is made: null, a url that is no URL or a misspelt limit failed only at the first call
    checkOptionsObject(options, 'VisionWorker', VISION_WORKER_OPTION_NAMES);
    super(options);
    checkTimeLimit('createTimeoutMs', options.createTimeoutMs);
  }

  /** How long pipeline creation (and a pipeline's first run) may take, in ms (0 = no limit). */
  get createTimeoutMs(): number {
    return this.options.createTimeoutMs ?? 120_000;
  }

  /**
   * Creates a pipeline in the worker and keeps it: every fresh worker after a restart builds
   * it again. Resolves with what the worker says of it; {@link close} forgets it.
   */
  async open(registration: WorkerRegistration, onProgress?: (progress: LoadProgress) => void): Promise<RemotePipelineInfo> {
    const started = await this.ensure();
    this.builds.set(registration, null);
    try {
      return await this.build(started, registration, onProgress);
    } catch (error) {
      this.close(registration);
      throw error;
    }
  }

  /**
   * Calls a kept pipeline by its id in the running worker, building it there first if this
   * worker has not (its rebuild after a restart failed). A failed rebuild rejects the
   * pipeline's next call with its error; the call after that builds it again. A `run` (run or
   * runForVideo) is cold until one has answered within `timeoutMs` in this worker: it is timed
   * with `createTimeoutMs`, as is every call sent while it is in flight. `weight` scales the
   * call's limit for work of many runs (a batch of images).
   */
  async callPipeline<T>(registration: WorkerRegistration, send: (api: Comlink.Remote<WorkerApi>, id: number) => Promise<Reply<T>>, run = false, weight = 1): Promise<T> {
    const started = await this.ensure();
    const { build, id } = await this.builtIn(started, registration);
    const cold = run && !build.warm;
    if (cold) this.coldWork++;
    try {
      const sent = performance.now();
      const value = await this.request(started, (api) => send(api, id), this.callTimeoutMs * weight);
      const warmLimit = super.callTimeoutMs;
      if (cold && (warmLimit <= 0 || performance.now() - sent <= warmLimit)) build.warm = true;
      return value;
    } finally {
      if (cold) this.coldWork--;
    }
  }

  /** Forgets a kept pipeline and frees it in the worker that built it, if that one still runs. */
  close(registration: WorkerRegistration): void {
    const build = this.builds.get(registration);
    this.builds.delete(registration);
    build?.id.then(
      (id) => {
        const running = this.current;
        if (running?.generation === build.generation) this.request(running, (api) => api.dispose(id), this.callTimeoutMs).catch(() => undefined);
      },
      () => undefined,
    );
  }

  /** `timeoutMs`, or `createTimeoutMs` while a build or a cold run is in flight. */
  protected override get callTimeoutMs(): number {
    return this.coldWork > 0 ? this.createTimeoutMs : super.callTimeoutMs;
  }

  /** The worker's tfjs backend and live tensor count. */
  memory(): Promise<WorkerMemory> {
    return this.call((api) => api.memory());
  }

  /**
   * Makes the worker fail on purpose, to test recovery: `'throw'` an uncaught error after
   * being busy `ms` (calls sent meanwhile are in flight when it crashes), `'hang'` busy for
   * `ms`, or `'exit'` (the worker closes itself). The call is timed as any other: a `'hang'`
   * longer than `timeoutMs` is `TIMEOUT`, and the calls waiting behind it `WORKER_FAILED`.
   */
  simulateFailure(kind: SimulatedFailure, ms = kind === 'hang' ? 60_000 : 0): Promise<void> {
    return this.call((api) => api.simulateFailure(kind, ms));
  }

  /** Ends the worker for good: calls in flight reject with `DISPOSED`, later calls too. Safe to call twice. */
  override terminate(): void {
    this.builds.clear();
    super.terminate();
  }

  /**
   * Rebuilds the kept pipelines in a fresh worker. One that fails keeps its failure for its
   * next call; only the worker's own failure (a crash, a creation past `createTimeoutMs`) fails
   * the restart.
   */
  protected override async restore(started: StartedWorker<WorkerApi>): Promise<void> {
    await this.handshake(started);
    for (const registration of [...this.builds.keys()]) {
      if (!this.builds.has(registration)) continue; // closed meanwhile
      await this.build(started, registration).catch((error: unknown) => {
        if (this.current !== started) throw error;
      });
    }
  }

  /** Waits for a fresh worker's first answer: a script that loads but never answers (or answers something else) is the wrong script. */
  private async handshake(started: StartedWorker<WorkerApi>): Promise<void> {
    try {
      await this.request(started, (api) => api.ping(), this.createTimeoutMs);
    } catch (error) {
      if (!(error instanceof VisionError) || error.code === 'WORKER_FAILED' || error.code === 'DISPOSED') throw error; // it crashed, or was terminated
      const script = this.options.url === undefined ? "visionpipe's worker script" : `the worker script ${String(this.options.url)}`;
      const what = error.code === 'TIMEOUT' ? `did not answer within ${this.createTimeoutMs} ms of starting` : `answered its first call with an error (${error.message})`;
      throw new VisionError('WORKER_FAILED', `${script} ${what}; it must be visionpipe's worker.js (Node: node-worker.js) or a script that exposes createWorkerHost() over comlink`, { cause: error });
    }
  }

  /** The pipeline's build in this worker and its id there, building it first where it is not. */
  private async builtIn(started: StartedWorker<WorkerApi>, registration: WorkerRegistration): Promise<{ build: Build; id: number }> {
    let build = this.builds.get(registration);
    if (build === undefined) throw new VisionError('DISPOSED', `this ${registration.task} worker pipeline was disposed`);
    if (build === null || build.generation !== started.generation) {
      this.build(started, registration).catch(() => undefined); // its failure comes through build.id
      build = this.builds.get(registration) as Build;
    }
    try {
      return { build, id: await build.id };
    } catch (error) {
      if (this.builds.get(registration) === build) this.builds.set(registration, null); // reported: the next call builds again
      throw error;
    }
  }

  /** Creates a kept pipeline in this worker and records its build (a failed one too, for the pipeline's next call). */
  private build(started: StartedWorker<WorkerApi>, registration: WorkerRegistration, onProgress?: (progress: LoadProgress) => void): Promise<RemotePipelineInfo> {
    this.coldWork++;
    const made = this.request(started, (api) => api.create(registration.task, registration.options, onProgress, registration.limits), this.createTimeoutMs).finally(() => this.coldWork--);
    const build: Build = { generation: started.generation, id: made.then((info) => info.id), warm: false };
    build.id.catch(() => undefined); // its failure is reported by the pipeline's next call
    this.builds.set(registration, build);
    return made;
  }
}
