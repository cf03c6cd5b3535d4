/**
 * Ties work to an `AbortSignal` for as long as it runs: the listener is removed when the work
 * ends, so a signal shared by many loops or sources does not collect one listener each.
 */

/**
 * Calls `onAbort` once when `signal` aborts (at once when it already has); returns the function
 * that removes the listener (call it when the work ends).
 *
 * @example
 * ```ts
 * const unlink = linkAbort(options.signal, () => source.close());
 * // … when the source ends:
 * unlink();
 * ```
 */
export function linkAbort(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    onAbort();
    return () => undefined;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
