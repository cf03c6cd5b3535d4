import { VisionError, describeError } from '../core/errors';
import type { Reply } from './protocol';

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
