// Checks of the options that the webcam, video sources and frame loops take: bad values are
// INVALID_OPTION errors naming the option, the value and what is allowed, before any device is
// touched or any frame taken.
import { VisionError } from '../core/errors';
import { isOptionsObject, shownValue } from '../core/shown-value';
import { knownOptions } from '../core/known-options';

function invalid(message: string): VisionError {
  return new VisionError('INVALID_OPTION', message);
}

/**
 * The options object a camera or video function was given, checked: `{}` for `undefined`,
 * `INVALID_OPTION` for anything but a plain object or for a name it does not take (a misspelt
 * `polcy` ran the default policy).
 *
 * @example
 * ```ts
 * const o = sourceOptions(options, 'Webcam.open options', ['width', 'height']);
 * ```
 */
export function sourceOptions(value: unknown, what: string, names: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isOptionsObject(value)) throw invalid(`${what} must be an object ({ ${names.join(', ')} }); got ${shownValue(value)}`);
  knownOptions(value, what, names);
  return value;
}

/**
 * Checks an optional option that takes one of a few strings.
 *
 * @example
 * ```ts
 * oneOf(options.facingMode, 'facingMode', ['user', 'environment']);
 * ```
 */
export function oneOf(value: unknown, name: string, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw invalid(`${name} is ${shownValue(value)}; it must be ${allowed.map((a) => `'${a}'`).join(' or ')}`);
  }
}

/**
 * Checks an optional option that is a finite number > 0 (a size, a rate).
 *
 * @example
 * ```ts
 * positiveNumber(options.width, 'width');
 * ```
 */
export function positiveNumber(value: unknown, name: string): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw invalid(`${name} is ${shownValue(value)}; it must be a finite number > 0`);
  }
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

/**
 * Checks an optional boolean option.
 *
 * @example
 * ```ts
 * booleanOption(options.loop, 'loop');
 * ```
 */
export function booleanOption(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw invalid(`${name} is ${shownValue(value)}; it must be true or false`);
}

/**
 * Checks an optional `signal` option: an `AbortSignal`.
 *
 * @example
 * ```ts
 * abortSignal(options.signal);
 * ```
 */
export function abortSignal(value: unknown): void {
  if (value !== undefined && !(typeof AbortSignal === 'function' && value instanceof AbortSignal)) {
    throw invalid(`signal is ${shownValue(value)}; it must be an AbortSignal`);
  }
}

/**
 * Checks the options of a live video source (`webcam.frames()`, `fromMediaStream`,
 * `fromVideoElement`): `frameType`, `maxBuffered`, `signal`, `via`; with `file`, also
 * `fromVideoFile`'s `loop` and `playbackRate`.
 *
 * @example
 * ```ts
 * const options = videoSourceOptions(given, 'webcam.frames() options');
 * ```
 */
export function videoSourceOptions(value: unknown, what: string, file = false): Record<string, unknown> {
  const names = ['frameType', 'maxBuffered', 'signal', 'via', ...(file ? ['loop', 'playbackRate'] : [])];
  const o = sourceOptions(value, what, names);
  oneOf(o.frameType, 'frameType', ['videoframe', 'bitmap']);
  oneOf(o.via, 'via', ['processor', 'video']);
  positiveCount(o.maxBuffered, 'maxBuffered');
  abortSignal(o.signal);
  if (file) {
    booleanOption(o.loop, 'loop');
    positiveNumber(o.playbackRate, 'playbackRate');
  }
  return o;
}
