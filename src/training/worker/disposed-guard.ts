// After a trainer's dispose(), a call that was still running must not report the failure that
// the teardown caused (a model freed under it, a run cancelled): it answers DISPOSED.
import type { Reply } from '../../runtime/worker-reply';

/**
 * `api` with every method's failed answer turned into `DISPOSED` (with `message`) when
 * `isDisposed()` holds by the time it answers: a call that was in flight when `dispose` ran
 * answers as a later call would. Successful answers and calls made before `dispose` pass as they are.
 *
 * @example
 * ```ts
 * return answerDisposedAfterDispose(api, () => disposed, 'this trainer was disposed');
 * ```
 */
export function answerDisposedAfterDispose<A extends object>(api: A, isDisposed: () => boolean, message: string): A {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(api)) {
    if (typeof method !== 'function') {
      wrapped[name] = method;
      continue;
    }
    wrapped[name] = async (...args: unknown[]): Promise<unknown> => {
      const answer = (await (method as (...a: unknown[]) => unknown)(...args)) as Reply<unknown> | undefined;
      return answer?.ok === false && isDisposed() ? { ok: false, error: { code: 'DISPOSED', message } } : answer;
    };
  }
  return wrapped as A;
}
