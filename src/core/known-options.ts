/**
 * The check every options object shares: names it does not take are refused, so a misspelt
 * option fails loudly instead of running with the default.
 */
import { VisionError } from './errors';
import { isOptionsObject, shownValue } from './shown-value';

/**
 * The names `value` sets (to anything but `undefined`) that `known` lacks.
 *
 * @example
 * ```ts
 * unknownNames({ treshold: 0.5, topK: undefined }, ['threshold', 'topK']); // ['treshold']
 * ```
 */
export function unknownNames(value: object, known: readonly string[]): string[] {
  return Object.keys(value).filter((key) => !known.includes(key) && (value as Record<string, unknown>)[key] !== undefined);
}

/**
 * Refuses the option names `value` sets that are not `known` (a misspelt `strides` for
 * `stride`, another library's `nNeighbors`): `INVALID_OPTION` naming them and what is allowed.
 * Names set to `undefined` pass (options spread from others).
 *
 * @example
 * ```ts
 * knownOptions(options, 'explain options', ['method', 'patchSize', 'stride']);
 * ```
 */
export function knownOptions(value: object, what: string, known: readonly string[]): void {
  const unknown = unknownNames(value, known);
  if (unknown.length > 0) throw new VisionError('INVALID_OPTION', `${what} has unknown option(s) ${unknown.join(', ')}; allowed: ${known.join(', ')}`);
}

/**
 * Checks an options argument: an object (or left out) setting none but the `names` it takes
 * (a misspelt `tessellationColor`); `INVALID_OPTION` naming `owner` otherwise (`null` included).
 *
 * @example
 * ```ts
 * checkOptionsObject(options, 'drawGreenScreen', ['color']);
 * ```
 */
export function checkOptionsObject(options: unknown, owner: string, names: readonly string[]): void {
  if (options === undefined) return;
  if (!isOptionsObject(options)) {
    throw new VisionError('INVALID_OPTION', `${owner} options are ${shownValue(options)}; they must be an object (or left out)`);
  }
  knownOptions(options, `${owner} options`, names);
}

/** The names of `T` that `names` leaves out (`never` when it has them all). */
type MissingNames<T, Names extends readonly string[]> = Exclude<Extract<keyof T, string>, Names[number]>;

/**
 * Declares the complete list of an options type's names, checked by the compiler: a name the
 * type lacks, or one of its names left out, is a type error — so a {@link knownOptions} list
 * cannot fall behind its interface.
 *
 * @example
 * ```ts
 * interface RunOptions { threshold?: number; maxFaces?: number }
 * const RUN_OPTION_NAMES = optionNames<RunOptions>()(['threshold', 'maxFaces']);
 * ```
 */
export function optionNames<T extends object>(): <const Names extends readonly Extract<keyof T, string>[]>(
  names: Names & ([MissingNames<T, Names>] extends [never] ? unknown : { missingOptionNames: MissingNames<T, Names> }),
) => Names {
  return (names) => names;
}
