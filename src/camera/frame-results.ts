import type { FrameSource } from './frame';
import type { LoopStats } from './loop-stats';
import type { FrameProcessor, FrameResult, RunLoopOptions } from './loop-options';
import { runLoop } from './scheduler';

/**
 * An async iterator of a loop's results; `stats()` gives its live {@link LoopStats}.
 *
 * @example
 * ```ts
 * const results = frameResults(source, detector);
 * console.log(results.stats().processedFps);
 * ```
 */
export interface FrameResults<R> extends AsyncIterableIterator<FrameResult<R>> {
  stats(): LoopStats;
}

type Step<R> = IteratorResult<FrameResult<R>>;

/**
 * {@link runLoop} as an async iterator of `{ frame, result, timestamp }`, in frame order. Each
 * item's frame stays valid until the next step of the iteration; leaving the loop (`break`)
 * stops it and closes the source. The same policies apply: with `'latest'`, frames that
 * arrive while your loop body is busy are dropped.
 *
 * @example
 * ```ts
 * for await (const { frame, result, timestamp } of frameResults(webcam.frames(), detector)) {
 *   draw(frame, result.detections);
 *   if (timestamp > 10_000) break;
 * }
 * ```
 */
export function frameResults<R>(source: FrameSource, processor: FrameProcessor<R>, options: Omit<RunLoopOptions<R>, 'onResult'> = {}): FrameResults<R> {
  let waiting: { resolve: (step: Step<R>) => void; reject: (error: unknown) => void } | null = null;
  let ready: { item: FrameResult<R>; ack: () => void } | null = null;
  let ackPrevious: (() => void) | null = null;
  let finished: { error: unknown } | null = null;

  const loop = runLoop(source, processor, {
    ...options,
    onResult: (item) =>
      new Promise<void>((ack) => {
        if (waiting) {
          const consumer = waiting;
          waiting = null;
          ackPrevious = ack;
          consumer.resolve({ value: item, done: false });
        } else {
          ready = { item, ack };
        }
      }),
  });

  loop.done.then(
    () => (finished = { error: null }),
    (error: unknown) => (finished = { error }),
  ).then(() => {
    if (!waiting) return;
    const consumer = waiting;
    waiting = null;
    if (finished?.error) consumer.reject(finished.error);
    else consumer.resolve({ value: undefined, done: true });
  });

  const iterator: FrameResults<R> = {
    stats: () => loop.stats(),
    next(): Promise<Step<R>> {
      ackPrevious?.();
      ackPrevious = null;
      if (ready) {
        const { item, ack } = ready;
        ready = null;
        ackPrevious = ack;
        return Promise.resolve({ value: item, done: false });
      }
      if (finished) {
        const { error } = finished;
        finished = { error: null };
        return error ? Promise.reject(error) : Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    async return(): Promise<Step<R>> {
      loop.stop();
      ackPrevious?.();
      ackPrevious = null;
      ready?.ack();
      ready = null;
      await loop.done.catch(() => undefined);
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
