/**
 * The check every options object shares: names it does not take are refused, so a misspelt
 * option fails loudly instead of running with the default.
 */
import { VisionError } from './errors';

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
  const unknown = Object.keys(value).filter((key) => !known.includes(key) && (value as Record<string, unknown>)[key] !== undefined);
  if (unknown.length > 0) throw new VisionError('INVALID_OPTION', `${what} has unknown option(s) ${unknown.join(', ')}; allowed: ${known.join(', ')}`);
}
