import { VisionError } from './errors';
import { shownValue } from './shown-value';

/**
 * Checks that the named options that take functions (progress callbacks, schedules) are
 * functions or left out; `INVALID_OPTION` naming the first that is not.
 *
 * @example
 * ```ts
 * checkFunctionOptions(options, ['onBatchEnd', 'onEpochEnd']); // { onEpochEnd: 5 } throws: onEpochEnd is 5; it must be a function
 * ```
 */
export function checkFunctionOptions<T extends object>(options: T, names: readonly (keyof T & string)[]): void {
  for (const name of names) {
    const value: unknown = options[name];
    if (value !== undefined && typeof value !== 'function') throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be a function`);
  }
}
