/**
 * A pipeline's One-Euro `smoothing` option: the fields given over the pipeline's own defaults,
 * so `{ beta: 100 }` keeps the documented `minCutoff` and `dCutoff` (the filter's generic
 * defaults took their place).
 */
import { VisionError } from '../../core/errors';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import { type OneEuroOptions, checkOneEuroOptions } from '../../track/one-euro';
import { definedOnly } from './options';

/**
 * The smoothing settings to use: the pipeline's `defaults` (a copy) when left out, `false` for
 * none, else the fields given over `defaults`.
 *
 * @throws VisionError `INVALID_OPTION` for a value that is neither settings nor false, an
 * unknown name or a value out of range (named by `name`).
 * @example
 * ```ts
 * smoothingSettings({ beta: 100 }, { minCutoff: 2.5, beta: 300, dCutoff: 2.5 }, 'smoothing'); // { minCutoff: 2.5, beta: 100, dCutoff: 2.5 }
 * ```
 */
export function smoothingSettings(value: OneEuroOptions | false | undefined, defaults: Readonly<OneEuroOptions>, name: string): OneEuroOptions | false {
  if (value === false) return false;
  if (value === undefined) return { ...defaults };
  if (!isOptionsObject(value)) {
    throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be One-Euro settings ({ minCutoff, beta, dCutoff }) or false`);
  }
  checkOneEuroOptions(value, name);
  return { ...defaults, ...definedOnly(value) };
}
