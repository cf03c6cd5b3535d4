import { VisionError } from '../../core/errors';
import { knownOptions } from '../../core/known-options';
import { isOptionsObject, shownValue } from '../../core/shown-value';

/**
 * Checks an option that is a fraction (a threshold): `INVALID_OPTION` naming it unless it is a
 * number in [0, 1].
 *
 * @example
 * ```ts
 * const threshold = unitInterval(options.threshold ?? 0.25, 'threshold');
 * ```
 */
export function unitInterval(value: unknown, name: string): number {
  if (!(typeof value === 'number' && value >= 0 && value <= 1)) throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be a number in [0, 1]`);
  return value;
}

/**
 * Checks an option that counts something (faces, hands, frames): `INVALID_OPTION` naming it
 * unless it is an integer ≥ 1.
 *
 * @example
 * ```ts
 * const maxHands = positiveInteger(options.maxHands ?? 2, 'maxHands');
 * ```
 */
export function positiveInteger(value: unknown, name: string): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1)) throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be a positive integer`);
  return value;
}

/**
 * Checks that run or creation options are an object (or absent) and, when `names` lists every
 * option it takes (see `optionNames`), that it sets no other (a misspelt `treshold`):
 * `INVALID_OPTION` otherwise, listing the option names.
 *
 * @example
 * ```ts
 * const options = optionsObject<MyRunOptions>(given, 'run options', ['threshold', 'maxFaces']);
 * ```
 */
export function optionsObject<T extends object>(value: T | undefined, what: string, names?: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (!isOptionsObject(value)) {
    throw new VisionError('INVALID_OPTION', `${what} must be an object${names ? ` ({ ${names.join(', ')} })` : ''}; got ${shownValue(value)}`);
  }
  if (names) knownOptions(value, what, names);
  return value;
}

/**
 * {@link optionsObject} for the options of one run, which are merged over the pipeline's and
 * the card's defaults: an option set to `null` is `INVALID_OPTION` too (it would replace those
 * defaults with the built-in one; leave it out or `undefined` for the default).
 *
 * @example
 * ```ts
 * const options = runOptionsObject<MyRunOptions>(given, ['threshold', 'maxFaces']); // { threshold: null } throws
 * ```
 */
export function runOptionsObject<T extends object>(value: T | undefined, names: readonly string[], what = 'run options'): T {
  const options = optionsObject(value, what, names);
  const nulls = Object.keys(options).filter((key) => (options as Record<string, unknown>)[key] === null);
  if (nulls.length > 0) throw new VisionError('INVALID_OPTION', `${what}: ${nulls.join(', ')} ${nulls.length > 1 ? 'are' : 'is'} null; leave an option out (or undefined) for its default`);
  return options;
}

/**
 * The fields of an options object that are set, so that spreading it over defaults leaves
 * the defaults of unset (`undefined`) fields in place.
 *
 * @example
 * ```ts
 * const merged = { ...spec.defaults, ...definedOnly(createOptions), ...definedOnly(runOptions) };
 * ```
 */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

