/**
 * The small input checks the training toolkit shares, so that every entry point rejects bad
 * options and data the same way (a `VisionError` naming the value and what is allowed) and
 * before it builds any tensor.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError, type VisionErrorCode } from '../core/errors';
import { isOptionsObject, shownValue } from '../core/shown-value';

const RULES = {
  finite: { test: (v: number) => Number.isFinite(v), allowed: 'a finite number' },
  integer: { test: (v: number) => Number.isInteger(v), allowed: 'an integer' },
  positive: { test: (v: number) => Number.isFinite(v) && v > 0, allowed: 'a finite number > 0' },
  'non-negative': { test: (v: number) => Number.isFinite(v) && v >= 0, allowed: 'a finite number ≥ 0' },
  fraction: { test: (v: number) => v > 0 && v <= 1, allowed: 'a number in (0, 1]' },
  rate: { test: (v: number) => v >= 0 && v < 1, allowed: 'a number from 0 up to (not including) 1' },
  probability: { test: (v: number) => v >= 0 && v <= 1, allowed: 'a number from 0 to 1' },
  'positive integer': { test: (v: number) => Number.isInteger(v) && v > 0, allowed: 'a positive integer' },
  'non-negative integer': { test: (v: number) => Number.isInteger(v) && v >= 0, allowed: 'a non-negative integer' },
  pixel: { test: (v: number) => v >= 0 && v <= 255, allowed: 'a pixel value from 0 to 255' },
} as const;

/**
 * What {@link checkNumber} requires of a number.
 *
 * @example
 * ```ts
 * const rule: NumberRule = 'positive integer';
 * ```
 */
export type NumberRule = keyof typeof RULES;

/**
 * Throws `code` (default `INVALID_OPTION`) unless `value` is a number that meets `rule`.
 *
 * @example
 * ```ts
 * checkNumber(options.epochs, 'epochs', 'positive integer'); // epochs is "2"; it must be a positive integer
 * ```
 */
export function checkNumber(value: unknown, name: string, rule: NumberRule, code: VisionErrorCode = 'INVALID_OPTION'): asserts value is number {
  if (typeof value !== 'number' || !RULES[rule].test(value)) {
    throw new VisionError(code, `${name} is ${shownValue(value)}; it must be ${RULES[rule].allowed}`);
  }
}

/**
 * {@link checkNumber} for an optional setting: `undefined` passes.
 *
 * @example
 * ```ts
 * checkOptionalNumber(options.weightDecay, 'weightDecay', 'non-negative');
 * ```
 */
export function checkOptionalNumber(value: unknown, name: string, rule: NumberRule, code: VisionErrorCode = 'INVALID_OPTION'): asserts value is number | undefined {
  if (value !== undefined) checkNumber(value, name, rule, code);
}

/**
 * Checks an optional `seed` of a helper that takes a generator too: an integer (a seeded
 * stream; `'x'` or NaN became seed 0, so unrelated seeds gave the same stream) or a function.
 *
 * @example
 * ```ts
 * checkSeed(options.seed); // seed is 1.5; it must be an integer (or a function returning numbers in [0, 1))
 * ```
 */
export function checkSeed(seed: unknown): void {
  if (seed === undefined || typeof seed === 'function') return;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new VisionError('INVALID_OPTION', `seed is ${shownValue(seed)}; it must be an integer (or a function returning numbers in [0, 1))`);
}

/**
 * Throws `code` (default `INVALID_OPTION`) unless `value` is a non-null, non-array object.
 *
 * @example
 * ```ts
 * checkObject(options, 'fit options'); // fit options is null; it must be an object
 * ```
 */
export function checkObject(value: unknown, name: string, code: VisionErrorCode = 'INVALID_OPTION'): asserts value is object {
  if (!isOptionsObject(value)) {
    throw new VisionError(code, `${name} is ${shownValue(value)}; it must be an object`);
  }
}

/**
 * Throws `INVALID_INPUT` unless `value` is a live (not disposed) tensor, of `rank` when given.
 *
 * @example
 * ```ts
 * checkTensor(data.x, 'x', 2); // x is an array; it must be a rank-2 tensor
 * ```
 */
export function checkTensor(value: unknown, name: string, rank?: number): asserts value is tf.Tensor {
  const kind = rank === undefined ? 'a tensor' : `a rank-${rank} tensor`;
  if (!(value instanceof tf.Tensor)) throw new VisionError('INVALID_INPUT', `${name} is ${shownValue(value)}; it must be ${kind}`);
  if (value.isDisposed) throw new VisionError('INVALID_INPUT', `${name} is a disposed tensor; it must be ${kind}`);
  if (rank !== undefined && value.rank !== rank) throw new VisionError('INVALID_INPUT', `${name} has shape [${value.shape.join(', ')}]; it must be ${kind}`);
}

/**
 * Throws `INVALID_INPUT` unless `labels` is an array (or typed array) of `count` class indices,
 * integers in `[0, numClasses)` (any non-negative integer when `numClasses` is not given).
 *
 * @example
 * ```ts
 * checkClassLabels(data.labels, 'labels', x.shape[0], 3); // labels[4] is 5; it must be a class index from 0 to 2
 * ```
 */
export function checkClassLabels(labels: unknown, name: string, count: number, numClasses?: number): asserts labels is ArrayLike<number> {
  if (!Array.isArray(labels) && !ArrayBuffer.isView(labels)) throw new VisionError('INVALID_INPUT', `${name} is ${shownValue(labels)}; it must be an array of class indices`);
  const list = labels as unknown as ArrayLike<unknown>;
  if (list.length !== count) throw new VisionError('INVALID_INPUT', `${name} has ${list.length} entries for ${count} examples; it needs one per example`);
  const top = numClasses === undefined ? Infinity : numClasses;
  for (let i = 0; i < list.length; i++) {
    const l = list[i];
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= top) {
      const allowed = numClasses === undefined ? 'a non-negative integer' : `an integer from 0 to ${numClasses - 1}`;
      throw new VisionError('INVALID_INPUT', `${name}[${i}] is ${shownValue(l)}; it must be a class index (${allowed})`);
    }
  }
}

/**
 * Throws `INVALID_INPUT` when a tensor holds NaN or ±Infinity (reads one boolean back).
 *
 * @example
 * ```ts
 * await checkFinite(data.x, 'x'); // x holds NaN or Infinity; every value must be finite
 * ```
 */
export async function checkFinite(x: tf.Tensor, name: string): Promise<void> {
  const ok = tf.tidy(() => tf.all(tf.isFinite(x)));
  try {
    if (!(await ok.data())[0]) throw new VisionError('INVALID_INPUT', `${name} holds NaN or Infinity; every value must be finite`);
  } finally {
    ok.dispose();
  }
}
