/**
 * Freeing what a result holds when nobody will read it (a warm-up run's, a run that ended after
 * its loop stopped): the masks and RGBA pictures in it.
 */
import { Mask } from './mask';
import { RgbaImage } from './rgba-image';

/**
 * Whether `value` is a plain object or array (what results are made of); typed arrays, buffers
 * and other class instances are not.
 *
 * @example
 * ```ts
 * isPlainContainer({ masks: [] }); // true; isPlainContainer(new Float32Array(1)) is false
 * ```
 */
export function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Closes every {@link Mask} and {@link RgbaImage} in a result, at any depth of plain objects and
 * arrays: for results nobody will read.
 *
 * @example
 * ```ts
 * closeResult(await preferred.run(copy));
 * ```
 */
export function closeResult(result: unknown): void {
  if (result instanceof Mask || result instanceof RgbaImage) {
    result.close();
    return;
  }
  if (!isPlainContainer(result)) return;
  for (const value of Array.isArray(result) ? result : Object.values(result)) closeResult(value);
}
