// The envelope of every worker call: a value or an error as data, so that VisionError codes
// survive the thread boundary (pipeline workers and training workers alike).
import { VisionError, type VisionErrorCode, describeError } from '../core/errors';

/**
 * A failure as it crosses the worker boundary (errors are sent as data, then rebuilt as
 * `VisionError` with the same code on the calling side).
 *
 * @example
 * ```ts
 * const wire: WireError = { code: 'INVALID_INPUT', message: 'closed frame' };
 * ```
 */
export interface WireError {
  code: VisionErrorCode;
  message: string;
}

/** A reply: the value, or the error. @example `const r: Reply<number> = { ok: true, value: 1 };` */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: WireError };

/**
 * Runs `work` and answers with its value, or with its error as data (`VisionError` codes kept,
 * anything else `INFERENCE_FAILED`): worker methods never throw across the boundary.
 *
 * @example
 * ```ts
 * const answer = await reply(() => pipeline.run(frame));
 * ```
 */
export async function reply<T>(work: () => T | Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const code = error instanceof VisionError ? error.code : 'INFERENCE_FAILED';
    return { ok: false, error: { code, message: describeError(error) } };
  }
}
