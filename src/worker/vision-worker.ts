import * as Comlink from 'comlink';
import { VisionError, describeError } from '../core/errors';
import { type NodeMessagePort, nodeEndpoint } from './node-endpoint';
import type { Reply, SimulatedFailure, WorkerApi, WorkerLimits, WorkerMemory } from './protocol';

/**
 * Options of a {@link VisionWorker}.
 *
 * @example
 * ```ts
 * new VisionWorker({ url: '/assets/visionpipe-worker.js', timeoutMs: 5000 });
 * ```
 */
export interface VisionWorkerOptions {
  /** The worker script: default `./worker.js` (browsers) or `./node-worker.js` (Node) next to the bundle. */
  url?: string | URL;
  /** A call (run, reset…) that takes longer is a hung worker: it rejects with `TIMEOUT`, the worker is restarted on the next call. Default 30 000; 0 = never. */
  timeoutMs?: number;
  /** The same for creating a pipeline (model download and compile). Default 0 = never. */
  createTimeoutMs?: number;
  /** A name for the worker (shown in dev tools). */
  name?: string;
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

interface Started {
  api: Comlink.Remote<WorkerApi>;
  kill(): void;
  /** Node: keep the process alive only while calls are in flight. */
  hold(busy: boolean): void;
  generation: number;
}

interface Pending {
  reject(error: VisionError): void;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof Worker === 'undefined';

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
export class VisionWorker {
  /** How many times the worker failed (crash or hang). */
  failures = 0;
  /** How many times a fresh worker was started after a failure. */
  restarts = 0;
  /** The last failure, if any. */
  lastError: VisionError | null = null;
  private state: Started | null = null;
  private starting: Promise<Started> | null = null;
  private generation = 0;
  private terminated = false;
  private readonly pending = new Set<Pending>();
  private readonly registrations = new Set<WorkerRegistration>();

  constructor(private readonly options: VisionWorkerOptions = {}) {
    for (const key of ['timeoutMs', 'createTimeoutMs'] as const) {
      const value = options[key];
      if (value !== undefined && !(value >= 0)) throw new VisionError('INVALID_OPTION', `${key} is ${value}; it must be ≥ 0 (0 = no timeout)`);
    }
  }

  /** Whether a worker is running now (false before the first call and after a failure or terminate). */
  get running(): boolean {
    return this.state !== null;
  }

  /** Whether {@link terminate} was called. */
  get isTerminated(): boolean {
    return this.terminated;
  }

  /** Calls the worker API, starting (or restarting) the worker first. Failures are `VisionError`s. */
  async call<T>(send: (api: Comlink.Remote<WorkerApi>) => Promise<Reply<T>>, timeoutMs = this.options.timeoutMs ?? 30_000): Promise<T> {
    const started = await this.ensure();
    return this.request(started, send, timeoutMs);
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
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.registrations.clear();
    this.stop(new VisionError('DISPOSED', 'the worker was terminated'));
  }

  private ensure(): Promise<Started> {
    if (this.terminated) return Promise.reject(new VisionError('DISPOSED', 'the worker was terminated; create a new VisionWorker'));
    if (this.state) return Promise.resolve(this.state);
    if (!this.starting) {
      this.starting = this.start().finally(() => (this.starting = null));
    }
    return this.starting;
  }

  private async start(): Promise<Started> {
    const generation = ++this.generation;
    if (generation > 1) this.restarts++;
    const started = await this.spawn(generation);
    this.state = started;
    for (const registration of this.registrations) {
      const info = await this.request(started, (api) => api.create(registration.task, registration.options, undefined, registration.limits), this.createTimeoutMs);
      registration.remoteId = info.id;
    }
    return started;
  }

  private async spawn(generation: number): Promise<Started> {
    const onCrash = (message: string) => {
      if (this.state?.generation === generation) this.fail(new VisionError('WORKER_FAILED', `the pipeline worker crashed (${message}); it restarts on the next call`));
    };
    if (isNode) {
      const specifier = 'node:worker_threads';
      const threads = (await import(/* @vite-ignore */ specifier)) as typeof import('node:worker_threads');
      const worker = new threads.Worker(this.options.url ?? new URL('./node-worker.js', import.meta.url), { name: this.options.name });
      let killing = false;
      worker.on('error', (error: unknown) => onCrash(describeError(error)));
      worker.on('exit', (code: number) => killing || onCrash(`exited with code ${code}`));
      worker.unref();
      return {
        hold: (busy) => (busy ? worker.ref() : worker.unref()),
        api: Comlink.wrap<WorkerApi>(nodeEndpoint(worker as unknown as NodeMessagePort)),
        kill: () => {
          killing = true;
          void worker.terminate();
        },
        generation,
      };
    }
    const worker = this.options.url
      ? new Worker(this.options.url, { type: 'module', name: this.options.name })
      : new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: this.options.name });
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      onCrash(event.message || 'error event (the worker script failed to load or threw)');
    });
    worker.addEventListener('messageerror', () => onCrash('a message could not be deserialised'));
    return { api: Comlink.wrap<WorkerApi>(worker), kill: () => worker.terminate(), hold: () => {}, generation };
  }

  private request<T>(started: Started, send: (api: Comlink.Remote<WorkerApi>) => Promise<Reply<T>>, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const entry: Pending = {
        reject: (error) => {
          clearTimeout(timer);
          this.remove(started, entry);
          reject(error);
        },
      };
      this.pending.add(entry);
      started.hold(true);
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          entry.reject(new VisionError('TIMEOUT', `the pipeline worker did not answer within ${timeoutMs} ms; it is restarted on the next call`));
          if (this.state === started) this.fail(new VisionError('WORKER_FAILED', `the pipeline worker hung (no answer within ${timeoutMs} ms); it restarts on the next call`));
        }, timeoutMs);
      }
      send(started.api).then(
        (reply) => {
          if (!this.pending.has(entry)) return;
          clearTimeout(timer);
          this.remove(started, entry);
          if (reply.ok) resolve(reply.value);
          else reject(new VisionError(reply.error.code, reply.error.message));
        },
        (error: unknown) => {
          if (!this.pending.has(entry)) return;
          entry.reject(new VisionError('INVALID_INPUT', `could not send the call to the worker: ${describeError(error)}`, { cause: error }));
        },
      );
    });
  }

  private remove(started: Started, entry: Pending): void {
    this.pending.delete(entry);
    if (this.pending.size === 0) started.hold(false);
  }

  private fail(error: VisionError): void {
    this.failures++;
    this.lastError = error;
    this.stop(error);
  }

  private stop(error: VisionError): void {
    const state = this.state;
    this.state = null;
    state?.kill();
    for (const entry of [...this.pending]) entry.reject(error);
  }
}
