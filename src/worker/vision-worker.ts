import { type StartedWorker, WorkerConnection, type WorkerConnectionOptions, checkTimeLimit } from '../runtime/worker-connection';
import type { SimulatedFailure, WorkerApi, WorkerLimits, WorkerMemory } from './protocol';

/**
 * Options of a {@link VisionWorker}.
 *
 * @example
 * ```ts
 * new VisionWorker({ url: '/assets/visionpipe-worker.js', timeoutMs: 5000 });
 * ```
 */
export interface VisionWorkerOptions extends WorkerConnectionOptions {
  /** The same for creating a pipeline (model download and compile), in ms. Default 0; 0, `Infinity` and anything above 2^31 − 1 mean no limit. */
  createTimeoutMs?: number;
}

/**
 * A pipeline as the worker must rebuild it after a restart.
 *
 * @example
 * ```ts
 * worker.register({ task: 'object-detection', options: { threshold: 0.4 }, remoteId: 1 });
 * ```
 */
export interface WorkerRegistration {
  task: string;
  options: Record<string, unknown>;
  /** The page's limits at creation, handed to the worker again when it is rebuilt. */
  limits: WorkerLimits;
  remoteId: number;
}

/**
 * One dedicated worker (a Web Worker, or a `worker_threads` Worker in Node) that runs any
 * number of visionpipe pipelines on one tfjs backend (one GPU device). Pass it as `worker` to
 * `createWorkerPipeline` to share it; disposing a pipeline never affects the others.
 *
 * A worker that crashes (uncaught error, exit) or hangs (a call past `timeoutMs`) is
 * terminated: calls in flight reject with `VisionError('WORKER_FAILED')` (the hung call with
 * `TIMEOUT`), and the next call starts a fresh worker and rebuilds its pipelines (trackers
 * start over). `terminate()` rejects calls in flight with `DISPOSED`.
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
  private readonly registrations = new Set<WorkerRegistration>();

  constructor(private readonly options: VisionWorkerOptions = {}) {
    super(options);
    checkTimeLimit('createTimeoutMs', options.createTimeoutMs);
  }

  /** Adds a pipeline to rebuild after restarts (created with `call(api => api.create(...))` first). */
  register(registration: WorkerRegistration): void {
    this.registrations.add(registration);
  }

  /** Forgets a pipeline. */
  unregister(registration: WorkerRegistration): void {
    this.registrations.delete(registration);
  }

  /** How long pipeline creation may take (0 = no limit). */
  get createTimeoutMs(): number {
    return this.options.createTimeoutMs ?? 0;
  }

  /** The worker's tfjs backend and live tensor count. */
  memory(): Promise<WorkerMemory> {
    return this.call((api) => api.memory());
  }

  /**
   * Makes the worker fail on purpose, to test recovery: `'throw'` an uncaught error after
   * being busy `ms` (calls sent meanwhile are in flight when it crashes), `'hang'` busy for
   * `ms`, or `'exit'` (the worker closes itself).
   */
  simulateFailure(kind: SimulatedFailure, ms = kind === 'hang' ? 60_000 : 0): Promise<void> {
    return this.call((api) => api.simulateFailure(kind, ms), 0);
  }

  /** Ends the worker for good: calls in flight reject with `DISPOSED`, later calls too. Safe to call twice. */
  override terminate(): void {
    this.registrations.clear();
    super.terminate();
  }

  /** Rebuilds the registered pipelines in a fresh worker. */
  protected override async restore(started: StartedWorker<WorkerApi>): Promise<void> {
    for (const registration of this.registrations) {
      const info = await this.request(started, (api) => api.create(registration.task, registration.options, undefined, registration.limits), this.createTimeoutMs);
      registration.remoteId = info.id;
    }
  }
}
