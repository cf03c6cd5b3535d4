import { VisionError } from '../../core/errors';

/**
 * Checks an option that is a fraction (a threshold): `INVALID_OPTION` naming it unless it is in [0, 1].
 *
 * @example
 * ```ts
 * const threshold = unitInterval(options.threshold ?? 0.25, 'threshold');
 * ```
 */
export function unitInterval(value: number, name: string): number {
  if (!(value >= 0 && value <= 1)) throw new VisionError('INVALID_OPTION', `${name} is ${value}; it must be in [0, 1]`);
  return value;
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

/**
 * An optional boolean option: `undefined` or a boolean, else `INVALID_OPTION` naming it.
 *
 * @example
 * ```ts
 * const gpu = optionalBoolean(options.gpuSampling, 'gpuSampling') ?? true;
 * ```
 */
export function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new VisionError('INVALID_OPTION', `${name} is ${JSON.stringify(value)}; it must be true or false`);
}
