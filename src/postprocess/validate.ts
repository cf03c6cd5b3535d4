/**
 * Argument checks shared by the post-processing functions (internal: not re-exported).
 * Every failure is a `VisionError` whose message names the argument and what is allowed.
 */
import { VisionError } from '../core/errors';
import { knownOptions } from '../core/known-options';

/**
 * Throws `INVALID_OPTION` unless `options` is an object whose names are all in `known`
 * (a misspelt `iou` or `threshold` is named, with what is allowed).
 *
 * @example
 * ```ts
 * checkOptionNames(options, 'softNms', ['method', 'sigma', 'iouThreshold', 'scoreThreshold', 'maxDetections']);
 * ```
 */
export function checkOptionNames(options: unknown, what: string, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new VisionError('INVALID_OPTION', `${what}: options must be an object (or omitted)`);
  knownOptions(options, `${what} options`, known);
}

/**
 * Throws `INVALID_INPUT` unless `boxes` is a flat array of 4-number boxes; returns the box count.
 *
 * @example
 * ```ts
 * const n = checkBoxArray(boxes, 'nms: boxes'); // 8 numbers -> 2
 * ```
 */
export function checkBoxArray(boxes: ArrayLike<number>, what: string): number {
  if (boxes == null || typeof boxes.length !== 'number') {
    throw new VisionError('INVALID_INPUT', `${what} must be an array or typed array of numbers (4 per box)`);
  }
  if (boxes.length % 4 !== 0) {
    throw new VisionError(
      'INVALID_INPUT',
      `${what} must hold 4 numbers per box (a flat N×4 array); got length ${boxes.length}, not a multiple of 4`,
    );
  }
  return boxes.length / 4;
}

/**
 * Throws `INVALID_OPTION` unless `value` is a number in [0, 1].
 *
 * @example
 * ```ts
 * checkUnitInterval(0.5, 'iouThreshold');
 * ```
 */
export function checkUnitInterval(value: number, what: string): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new VisionError('INVALID_OPTION', `${what} must be a number in [0, 1]; got ${String(value)}`);
  }
}

/**
 * Throws `INVALID_OPTION` unless `value` is a non-negative integer or `Infinity`.
 *
 * @example
 * ```ts
 * checkCount(100, 'maxDetections');
 * ```
 */
export function checkCount(value: number, what: string): void {
  if (typeof value !== 'number' || !(value >= 0) || (!Number.isInteger(value) && value !== Infinity)) {
    throw new VisionError(
      'INVALID_OPTION',
      `${what} must be a non-negative integer or Infinity; got ${String(value)}`,
    );
  }
}

/**
 * Throws `INVALID_OPTION` unless `value` is a positive finite number.
 *
 * @example
 * ```ts
 * checkPositive(640, 'width');
 * ```
 */
export function checkPositive(value: number, what: string): void {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new VisionError('INVALID_OPTION', `${what} must be a positive finite number; got ${String(value)}`);
  }
}

/**
 * Throws `INVALID_OPTION` unless `value` is an integer ≥ 1 (a class count, a bin count).
 *
 * @example
 * ```ts
 * checkPositiveInteger(80, 'decodeCenterNet: numClasses');
 * ```
 */
export function checkPositiveInteger(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new VisionError('INVALID_OPTION', `${what} must be an integer ≥ 1; got ${String(value)}`);
  }
}
