/** The check every on/off option shares (pipelines, drawing, training). */
import { VisionError } from './errors';
import { shownValue } from './shown-value';

/**
 * An optional on/off option: `true`, `false` or left out (returned as given); anything else —
 * a string `'false'` would read as true — is `INVALID_OPTION` naming it.
 *
 * @example
 * ```ts
 * const gpu = optionalBoolean(options.gpuSampling, 'gpuSampling') ?? true;
 * ```
 */
export function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be true or false`);
}
