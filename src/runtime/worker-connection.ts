import * as Comlink from 'comlink';
import { VisionError, describeError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { type NodeMessagePort, nodeEndpoint } from './node-endpoint';
import type { Reply } from './worker-reply';

/**
 * Options of a {@link WorkerConnection}.
 *
 * @example
 * ```ts
 * new WorkerConnection({ url: '/assets/visionpipe-worker.js', timeoutMs: 5000 });
 * ```
 */
export interface WorkerConnectionOptions {
  /** The worker script: default `./worker.js` (browsers) or `./node-worker.js` (Node) next to the bundle. */
  url?: string | URL;
  /**
   * A call (run, reset…) that takes longer, in ms, is a hung worker: it rejects with `TIMEOUT`,
   * the worker is restarted on the next call. The time counts from the call's turn, once the
   * calls sent before it have been answered (calls sent together wait behind each other in the
   * worker without counting as hung). Default 30 000; 0, `Infinity` and anything above
   * 2^31 − 1 (the longest a timer can wait, about 24.8 days) mean no limit.
   */
  timeoutMs?: number;
  /** A name for the worker (shown in dev tools). */
  name?: string;
}

/**
 * A running worker as its connection holds it: the comlink proxy of its API and how to end it.
 *
 * @example
 * ```ts
 * const reply = await started.api.memory();
 * ```
 */
export interface StartedWorker<Api> {
  api: Comlink.Remote<Api>;
  kill(): void;
  /** Node: keep the process alive only while calls are in flight. */
  hold(busy: boolean): void;
  generation: number;
}

interface Pending {
  reject(error: VisionError): void;
  /** Starts the call's time limit (once): when every call sent before it has been answered. */
  startTimer(): void;
}

/** The longest a timer can wait (2^31 − 1 ms, about 24.8 days): a longer limit is no limit. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * What a browser worker posts just before it closes itself: a Worker that calls `close()`
 * fires no event on its owner, so without it the calls sent next would wait out their timeout.
 *
 * @example
 * ```ts
 * postMessage(WORKER_CLOSING_MESSAGE); close(); // in the worker
 * ```
 */
export const WORKER_CLOSING_MESSAGE = 'visionpipe:worker-closing';

/**
 * Checks a worker time limit given as an option: a number of ms ≥ 0, where 0, `Infinity` and
 * anything above 2^31 − 1 (about 24.8 days, the longest a timer can wait) mean no limit.
 * Anything else (a string, `true`, `NaN`, a negative number) is `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * checkTimeLimit('timeoutMs', options.timeoutMs); // undefined passes: the default applies
 * ```
 */
export function checkTimeLimit(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be a number of milliseconds ≥ 0 (0 or Infinity: no limit)`);
  }
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof Worker === 'undefined';

/**
 * One dedicated worker (a Web Worker, or a `worker_threads` Worker in Node) that exposes `Api`
 * over comlink, every method answering with a {@link Reply}. Calls are unwrapped: the value,
 * or the worker's error rebuilt as a `VisionError` with its code.
 *
 * A worker that crashes (uncaught error, exit) or hangs (a call past `timeoutMs`) is
 * terminated: calls in flight reject with `VisionError('WORKER_FAILED')` (the hung call with
 * `TIMEOUT`), and the next call starts a fresh worker (a subclass restores its state there
 * with {@link WorkerConnection.restore}). `terminate()` rejects calls in flight with `DISPOSED`.
 *
 * @example
 * ```ts
 * const connection = new WorkerConnection<{ ping(): Promise<Reply<string>> }>({ url: '/my-worker.js' });
 * const pong = await connection.call((api) => api.ping());
 * connection.terminate();
 * ```
 */
export class WorkerConnection<Api> {
  /** How many times the worker failed (crash or hang). */
  failures = 0;
  /** How many times a fresh worker was started after a failure. */
  restarts = 0;
  /** The last failure, if any. */
  lastError: VisionError | null = null;
  private state: StartedWorker<Api> | null = null;
  private starting: Promise<StartedWorker<Api>> | null = null;
  private generation = 0;
  private terminated = false;
  private readonly pending = new Set<Pending>();
  /** The calls the running worker has not answered yet (also those whose callers gave up): `terminate()` lets them end first. */
  private readonly unanswered = new Set<Promise<unknown>>();

  constructor(private readonly connection: WorkerConnectionOptions = {}) {
    checkTimeLimit('timeoutMs', connection.timeoutMs);
    const { url, name } = connection;
    if (url !== undefined && typeof url !== 'string' && !(url instanceof URL)) throw new VisionError('INVALID_OPTION', `url is ${shownValue(url)}; it must be the worker script's URL (a string or a URL)`);
    if (name !== undefined && typeof name !== 'string') throw new VisionError('INVALID_OPTION', `name is ${shownValue(name)}; it must be a string (the worker's name in dev tools)`);
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
  async call<T>(send: (api: Comlink.Remote<Api>) => Promise<Reply<T>>, timeoutMs = this.callTimeoutMs): Promise<T> {
    const started = await this.ensure();
    return this.request(started, send, timeoutMs);
  }

  /**
   * Ends the worker for good: calls in flight reject with `DISPOSED`, later calls too. Safe to
   * call twice. The thread itself ends once it has answered the calls it was running (at most
   * the call timeout later): ending a Node worker thread while onnxruntime-node runs a model in
   * it aborts the whole process.
   */
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    const state = this.state;
    const running = [...this.unanswered];
    this.state = null;
    for (const entry of [...this.pending]) entry.reject(new VisionError('DISPOSED', 'the worker was terminated'));
    if (!state) return;
    if (running.length === 0) {
      state.kill();
      return;
    }
    state.hold(true);
    const limit = Math.min(this.callTimeoutMs > 0 ? this.callTimeoutMs : LONGEST_TIMER_MS, LONGEST_TIMER_MS);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, limit)));
    void Promise.race([Promise.allSettled(running), timeUp]).then(() => {
      clearTimeout(timer);
      state.kill();
    });
  }

  /**
   * Runs once a fresh worker is up, before any call reaches it: a subclass rebuilds its remote
   * state here (with {@link request}). If it throws, the worker is ended and the next call
   * starts another.
   */
  protected async restore(_started: StartedWorker<Api>): Promise<void> {}

  /** The limit of a call made without one: `timeoutMs` (default 30 000). */
  protected get callTimeoutMs(): number {
    return this.connection.timeoutMs ?? 30_000;
  }

  /** The running worker (null before the first call and after a failure or terminate). */
  protected get current(): StartedWorker<Api> | null {
    return this.state;
  }

  /**
   * Sends one call to this started worker, with the timeout and failure handling of
   * {@link call}. A worker that has stopped meanwhile is not sent anything: the call rejects.
   */
  protected request<T>(started: StartedWorker<Api>, send: (api: Comlink.Remote<Api>) => Promise<Reply<T>>, timeoutMs: number): Promise<T> {
    if (this.state !== started) {
      return Promise.reject(this.terminated ? new VisionError('DISPOSED', 'the worker was terminated') : new VisionError('WORKER_FAILED', 'the pipeline worker stopped before the call reached it; it restarts on the next call'));
    }
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let timed = false;
      const limited = timeoutMs > 0 && timeoutMs <= LONGEST_TIMER_MS;
      const entry: Pending = {
        reject: (error) => {
          clearTimeout(timer);
          this.remove(started, entry);
          reject(error);
        },
        // a call waiting behind others is not hung: its limit runs from its turn (20 runs of 146 ms sent together
        // with a limit of 1 s restarted a worker that answered every run)
        startTimer: () => {
          if (timed || !limited) return;
          timed = true;
          timer = setTimeout(() => {
            entry.reject(new VisionError('TIMEOUT', `the pipeline worker did not answer within ${timeoutMs} ms; it is restarted on the next call`));
            if (this.state === started) this.fail(new VisionError('WORKER_FAILED', `the pipeline worker hung (no answer within ${timeoutMs} ms); it restarts on the next call`));
          }, timeoutMs);
        },
      };
      this.pending.add(entry);
      started.hold(true);
      this.startTimersAtTurn();
      const sent = send(started.api);
      this.unanswered.add(sent);
      const answered = (): void => void this.unanswered.delete(sent);
      sent.then(answered, answered);
      sent.then(
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

  /** The running worker, started (or restarted, and restored) first where there is none. */
  protected ensure(): Promise<StartedWorker<Api>> {
    if (this.terminated) return Promise.reject(new VisionError('DISPOSED', 'the worker was terminated; create a new VisionWorker'));
    // while a fresh worker restores its state (`state` is set then, so that a crash is seen),
    // calls wait for the restore
    if (this.starting) return this.starting;
    if (this.state) return Promise.resolve(this.state);
    this.starting = this.start().finally(() => (this.starting = null));
    return this.starting;
  }

  private async start(): Promise<StartedWorker<Api>> {
    const generation = ++this.generation;
    if (generation > 1) this.restarts++;
    const started = await this.spawn(generation);
    if (this.terminated) {
      started.kill(); // terminate() came while it was being spawned
      throw new VisionError('DISPOSED', 'the worker was terminated');
    }
    this.state = started;
    try {
      await this.restore(started);
    } catch (error) {
      if (this.state === started) this.stop(error instanceof VisionError ? error : new VisionError('WORKER_FAILED', `the worker could not restore its state: ${describeError(error)}`));
      throw error;
    }
    return started;
  }

  private async spawn(generation: number): Promise<StartedWorker<Api>> {
    const onCrash = (message: string) => {
      if (this.state?.generation === generation) this.fail(new VisionError('WORKER_FAILED', `the pipeline worker crashed (${message}); it restarts on the next call`));
    };
    const { url, name } = this.connection;
    if (isNode) {
      const specifier = 'node:worker_threads';
      const threads = (await import(/* @vite-ignore */ specifier)) as typeof import('node:worker_threads');
      const worker = new threads.Worker(url ?? new URL('./node-worker.js', import.meta.url), { name });
      let killing = false;
      worker.on('error', (error: unknown) => onCrash(describeError(error)));
      worker.on('exit', (code: number) => killing || onCrash(`exited with code ${code}`));
      worker.unref();
      return {
        hold: (busy) => (busy ? worker.ref() : worker.unref()),
        api: Comlink.wrap<Api>(nodeEndpoint(worker as unknown as NodeMessagePort)),
        kill: () => {
          killing = true;
          void worker.terminate();
        },
        generation,
      };
    }
    const script = url ?? new URL('./worker.js', import.meta.url);
    const worker = new Worker(script, { type: 'module', name });
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      // a script that is not there (not deployed beside the bundle, a 404 page) gives an event with no message: name the URL
      onCrash(event.message || `the worker script ${String(script)} failed to load or threw — is it deployed there? (workerUrl names another)`);
    });
    worker.addEventListener('messageerror', () => onCrash('a message could not be deserialised'));
    worker.addEventListener('message', (event: MessageEvent) => event.data === WORKER_CLOSING_MESSAGE && onCrash('closed itself'));
    return { api: Comlink.wrap<Api>(worker), kill: () => worker.terminate(), hold: () => {}, generation };
  }

  private remove(started: StartedWorker<Api>, entry: Pending): void {
    this.pending.delete(entry);
    if (this.pending.size === 0) started.hold(false);
    else this.startTimersAtTurn();
  }

  /**
   * Starts the limit of the call at its turn: the oldest unanswered, the one the worker is on now.
   * One without a limit holds back the limits of the calls behind it (it may take as long as it
   * likes, and they wait for it).
   */
  private startTimersAtTurn(): void {
    this.pending.values().next().value?.startTimer();
  }

  private fail(error: VisionError): void {
    this.failures++;
    this.lastError = error;
    this.stop(error);
  }

  private stop(error: VisionError): void {
    const state = this.state;
    this.state = null;
    this.unanswered.clear(); // a crashed or hung worker is ended at once
    state?.kill();
    for (const entry of [...this.pending]) entry.reject(error);
  }
}
