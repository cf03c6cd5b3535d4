/**
 * Option and input checks shared by the drawing helpers: each throws a `VisionError` whose
 * message shows the bad value and says what is allowed.
 */
import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';

export { checkOptionsObject } from '../core/known-options';

/**
 * The value, after checking it is a string (a CSS colour); throws `INVALID_OPTION` naming
 * `name` otherwise. Whether the canvas understands the string is the canvas's business.
 *
 * @example
 * ```ts
 * ctx.strokeStyle = checkColor(options.pointColor, 'pointColor');
 * ```
 */
export function checkColor(value: unknown, name: string): string {
  if (typeof value !== 'string') {
    throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be a CSS colour string such as '#ff3838' or 'rgba(255, 56, 56, 0.5)'`);
  }
  return value;
}

/**
 * Checks a colour option that may also be a function choosing a colour per item (its
 * results are checked where it is called); `undefined` passes.
 *
 * @example
 * ```ts
 * checkColorOption(options.color, 'color');
 * ```
 */
export function checkColorOption(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') checkColor(value, name);
}

/**
 * Throws `INVALID_OPTION` unless `value` is `undefined` or a finite number > 0 (canvas pixels).
 *
 * @example
 * ```ts
 * checkPositive(options.lineWidth, 'lineWidth');
 * ```
 */
export function checkPositive(value: unknown, name: string): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be a finite number > 0 (canvas pixels)`);
  }
}

/**
 * Throws `INVALID_OPTION` unless `value` is `undefined` or a number from 0 to 1.
 *
 * @example
 * ```ts
 * checkUnit(options.fillOpacity, 'fillOpacity');
 * ```
 */
export function checkUnit(value: unknown, name: string): void {
  if (value !== undefined && !(typeof value === 'number' && value >= 0 && value <= 1)) {
    throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be between 0 and 1`);
  }
}

/**
 * Throws `INVALID_INPUT` unless `item` (`name`, e.g. `'hands[2]'`) is an object and, when `key`
 * is given, holds an array there (a pose's `keypoints`, a face's `points`); `shape` describes
 * an item for the message.
 *
 * @example
 * ```ts
 * hands.forEach((hand, i) => checkItem(hand, `hands[${i}]`, '{ keypoints, handedness? }', 'keypoints'));
 * ```
 */
export function checkItem(item: unknown, name: string, shape: string, key?: string): void {
  if (typeof item !== 'object' || item === null) {
    throw new VisionError('INVALID_INPUT', `${name} is ${shownValue(item)}; it must be ${shape}`);
  }
  if (key === undefined) return;
  const list: unknown = (item as Record<string, unknown>)[key];
  if (!Array.isArray(list)) {
    throw new VisionError('INVALID_INPUT', `${name}.${key} is ${shownValue(list)}; it must be an array (${name} must be ${shape})`);
  }
}


/**
 * Checks the canvas context a drawing helper was given: `INVALID_INPUT` for anything that is not
 * a 2D context of a canvas (`null` comes from `getContext('2d')` on a canvas that already has a
 * WebGL or WebGPU context).
 *
 * @example
 * ```ts
 * checkContext(ctx, 'drawHands');
 * ```
 */
export function checkContext(ctx: unknown, helper: string): void {
  const canvas = typeof ctx === 'object' && ctx !== null ? (ctx as { canvas?: { width?: unknown; height?: unknown } }).canvas : undefined;
  if (typeof canvas !== 'object' || canvas === null || typeof canvas.width !== 'number' || typeof canvas.height !== 'number') {
    throw new VisionError('INVALID_INPUT', `${helper} needs a canvas's 2D context (canvas.getContext('2d')); got ${shownValue(ctx)}${ctx === null ? " — getContext('2d') gives null on a canvas that already has a WebGL or WebGPU context" : ''}`);
  }
}
