import { throwIfAborted } from './errors';

/** How long a long loop may keep the thread before it lets timers, events and abort handlers run. */
const SLICE_MS = 50;

/**
 * Resolves in a new macrotask, so timers and events queued meanwhile run first: `setImmediate`
 * (Node), else a `MessageChannel` message (browsers; not clamped like nested `setTimeout`),
 * else `setTimeout(0)`.
 */
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') {
      setImmediate(resolve);
    } else if (typeof MessageChannel === 'function') {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => {
        port1.close();
        resolve();
      };
      port2.postMessage(null);
    } else {
      setTimeout(resolve, 0);
    }
  });
}

/**
 * A checkpoint for a long loop whose steps only await microtasks (a wasm or cpu model call, a
 * synchronous computation): each call yields to the event loop (one macrotask) when the loop
 * has kept the thread for ~50 ms since the last yield, then throws `ABORTED` if `signal` has
 * fired. So an AbortSignal fired by a timer or an event stops the loop within ~50 ms plus one
 * step, and the overhead stays below a few per cent.
 *
 * @throws VisionError `ABORTED` when the signal has fired.
 * @example
 * ```ts
 * const checkpoint = eventLoopCheckpoint(options.signal, 'explain (occlusion)');
 * for (const patch of patches) {
 *   await checkpoint();
 *   await runOne(patch);
 * }
 * ```
 */
export function eventLoopCheckpoint(signal: AbortSignal | undefined, what: string): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since >= SLICE_MS) {
      await macrotask();
      since = performance.now();
    }
    throwIfAborted(signal, what);
  };
}
