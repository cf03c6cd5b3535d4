// Checks of the options that the webcam, video sources and frame loops take: bad values are
// INVALID_OPTION errors naming the option, the value and what is allowed, before any device is
// touched or any frame taken.
import { VisionError } from '../core/errors';
import { isOptionsObject, shownValue } from '../core/shown-value';

function invalid(message: string): VisionError {
  return new VisionError('INVALID_OPTION', message);
}

/**
 * The options object a camera or video function was given, checked: `{}` for `undefined`,
 * `INVALID_OPTION` for anything but a plain object.
 *
 * @example
 * ```ts
 * const o = sourceOptions(options, 'Webcam.open options', ['width', 'height']);
 * ```
 */
export function sourceOptions(value: unknown, what: string, names: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isOptionsObject(value)) throw invalid(`${what} must be an object ({ ${names.join(', ')} }); got ${shownValue(value)}`);
  return value;
}

/**
 * Checks an optional option that is an integer ≥ 1 (a count).
 *
 * @example
 * ```ts
 * positiveCount(options.maxBuffered, 'maxBuffered');
 * ```
 */
export function positiveCount(value: unknown, name: string): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 1)) {
    throw invalid(`${name} is ${shownValue(value)}; it must be an integer ≥ 1`);
  }
}
