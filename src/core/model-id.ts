/**
 * A model's id: the name messages and saved cards give it.
 */
import { VisionError } from './errors';
import { shownValue } from './shown-value';

/**
 * Throws `INVALID_OPTION` unless `id` is a non-empty string (an id of 5 was saved as `"id": 5`,
 * one of `{}` named the model `'[object Object]'` in every message). `name` is how the message
 * calls it.
 *
 * @example
 * ```ts
 * checkModelId(options.id, 'id'); // id is 5; it must be a non-empty string (the model's name in messages and saved cards)
 * ```
 */
export function checkModelId(id: unknown, name: string): asserts id is string {
  if (typeof id !== 'string' || id === '') {
    throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(id)}; it must be a non-empty string (the model's name in messages and saved cards)`);
  }
}
