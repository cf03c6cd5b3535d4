/**
 * Cleaning up on Ctrl-C: work that leaves something half-made on disk (an unfinished video)
 * registers a synchronous cleanup while it runs; SIGINT, SIGTERM or SIGHUP (the terminal
 * closed, an ssh session dropped) runs every registered cleanup, then ends the process as the
 * signal would have (exit 130 / 143 / 129).
 */

/** Cleanups registered now, run in order on a signal. */
const cleanups = new Set<() => void>();

const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

function onSignal(signal: keyof typeof SIGNALS): void {
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {
      // one failed cleanup must not keep the others from running
    }
  }
  cleanups.clear();
  process.exit(SIGNALS[signal]);
}

const handlers = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM'), SIGHUP: () => onSignal('SIGHUP') };
let installed = false;

function setHandlers(on: boolean): void {
  if (installed === on) return;
  installed = on;
  for (const signal of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) {
    if (on) process.on(signal, handlers[signal]);
    else process.off(signal, handlers[signal]);
  }
}

/**
 * Registers `cleanup` (synchronous: kill a child process, delete a temporary file) to run if the
 * process gets SIGINT, SIGTERM or SIGHUP before the returned function is called. The signal handlers
 * are installed only while a cleanup is registered, so the process keeps Node's default
 * behaviour the rest of the time.
 *
 * @example
 * ```ts
 * const done = onInterrupt(() => rmSync(partFile, { force: true }));
 * try { await encode(partFile); } finally { done(); }
 * ```
 */
export function onInterrupt(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  setHandlers(true);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) setHandlers(false);
  };
}
