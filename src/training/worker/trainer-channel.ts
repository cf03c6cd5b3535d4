import * as Comlink from 'comlink';
import { VisionError, throwIfAborted } from '../../core/errors';
import { WorkerConnection } from '../../runtime/worker-connection';
import type { Reply } from '../../runtime/worker-reply';
import type { TrainerApi } from './trainer-protocol';

/**
 * The part of a worker's API that opens a trainer: the host exposes a {@link TrainerApi} on
 * the given port (visionpipe's `worker.js` / `node-worker.js` answer it, so a `VisionWorker`
 * that already runs pipelines can train too).
 *
 * @example
 * ```ts
 * await worker.call((api) => api.openTrainer(Comlink.transfer(port, [port])), 0);
 * ```
 */
export interface TrainerOpener {
  openTrainer(port: MessagePort): Promise<Reply<void>>;
}

/**
 * A worker that can host a trainer: a shared `VisionWorker`, or any connection to visionpipe's
 * worker script.
 *
 * @example
 * ```ts
 * const worker: TrainerWorker = new VisionWorker();
 * ```
 */
export type TrainerWorker = WorkerConnection<TrainerOpener>;

/**
 * Where a trainer client opens its trainer: a shared worker (not terminated by `dispose`) or a
 * dedicated one started from `workerUrl`.
 *
 * @example
 * ```ts
 * const where: TrainerPlace = { workerUrl: '/worker.js' };
 * ```
 */
export interface TrainerPlace {
  /** A shared worker (a `VisionWorker`; not terminated by `dispose`); default: a dedicated one. */
  worker?: TrainerWorker;
  /** Dedicated worker: its script (default `./worker.js` next to the bundle, `./node-worker.js` in Node). */
  workerUrl?: string | URL;
}

/** What a trainer client says when it is used after `dispose` or after its worker crashed. */
interface ChannelMessages {
  disposed: string;
  crashed: string;
}

/**
 * The calling side's end of a trainer in a worker: calls go through the worker's connection
 * (timeouts, errors as `VisionError`s) and stop for good once the worker crashed, since the
 * trainer's samples and classifier died with it.
 *
 * @example
 * ```ts
 * const { channel, info } = await openTrainerChannel({}, 'visionpipe-trainer', messages, (remote) => remote.setup({}));
 * const counts = await channel.call((remote) => remote.clearSamples());
 * channel.dispose();
 * ```
 */
export class TrainerChannel {
  private disposed = false;
  /** The trainer's answers not yet back: a dedicated worker's port stays open for them (see {@link dispose}). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    /** The worker the trainer lives in. */
    readonly worker: TrainerWorker,
    private readonly remote: Comlink.Remote<TrainerApi>,
    private readonly port: MessagePort,
    private readonly failuresAtStart: number,
    private readonly ownsWorker: boolean,
    private readonly messages: ChannelMessages,
  ) {}

  /** Calls the trainer; `timeoutMs` 0 = no limit. */
  call<T>(send: (remote: Comlink.Remote<TrainerApi>) => Promise<Reply<T>>, timeoutMs = 0): Promise<T> {
    if (this.disposed) return Promise.reject(new VisionError('DISPOSED', this.messages.disposed));
    if (this.worker.failures !== this.failuresAtStart) return Promise.reject(new VisionError('WORKER_FAILED', this.messages.crashed));
    return this.worker.call(() => {
      const sent = send(this.remote);
      this.inFlight.add(sent);
      const settled = (): void => void this.inFlight.delete(sent);
      sent.then(settled, settled);
      return sent;
    }, timeoutMs);
  }

  /**
   * Frees the trainer in the worker (and ends a dedicated worker). A training run in flight is
   * stopped, not left running until the call timeout (its caller gets `DISPOSED`). Safe to call
   * twice.
   */
  dispose(): void {
    if (this.disposed) return;
    const close = (): void => {
      this.remote[Comlink.releaseProxy]();
      this.port.close();
    };
    if (this.ownsWorker) {
      this.disposed = true;
      // the trainer ends a run in flight and answers it, so the thread, which terminate() lets
      // finish the calls it is running, ends at once instead of training on; the port closes once
      // those answers are back (closed at once, the run's answer was lost: the thread stayed for
      // the 30-s call limit). A hung worker is killed at that limit; its port is unref'd.
      void Promise.allSettled([...this.inFlight, this.remote.dispose()]).then(close);
      this.worker.terminate();
    } else {
      const freed = this.call((remote) => remote.dispose(), 10_000);
      this.disposed = true;
      freed.catch(() => undefined).finally(close);
    }
  }
}

/**
 * Opens a trainer in a worker (the shared one of `place`, else a dedicated one named `name`),
 * then runs `setup` on it; on any failure (or `signal` aborting meanwhile) everything opened
 * is closed again.
 *
 * @example
 * ```ts
 * const { channel, info } = await openTrainerChannel({ workerUrl }, 'visionpipe-gestures', messages, (remote) => remote.setupGestures({}));
 * ```
 */
export async function openTrainerChannel<Info>(
  place: TrainerPlace,
  name: string,
  messages: ChannelMessages,
  setup: (remote: Comlink.Remote<TrainerApi>) => Promise<Reply<Info>>,
  signal?: AbortSignal,
): Promise<{ channel: TrainerChannel; info: Info }> {
  const worker = place.worker ?? new WorkerConnection<TrainerOpener>({ url: place.workerUrl, name });
  const { port1, port2 } = new MessageChannel();
  let remote: Comlink.Remote<TrainerApi> | null = null;
  try {
    const failures = worker.failures;
    await worker.call((api) => api.openTrainer(Comlink.transfer(port2, [port2])), 0);
    remote = Comlink.wrap<TrainerApi>(port1);
    (port1 as MessagePort & { unref?: () => void }).unref?.(); // Node: calls in flight keep the process alive, an idle trainer does not
    const opened = remote;
    const info = await worker.call(() => setup(opened), 0);
    throwIfAborted(signal, 'starting the training worker');
    return { channel: new TrainerChannel(worker, opened, port1, failures, !place.worker, messages), info };
  } catch (error) {
    remote?.[Comlink.releaseProxy]();
    port1.close();
    if (!place.worker) worker.terminate();
    throw error;
  }
}
