import { VisionError } from './errors';

/**
 * The default largest image visionpipe accepts, in pixels: 2^26 = 67,108,864 (8192×8192).
 * It is above every camera and phone photo in common use (a 50 MP sensor is 8160×6120) and
 * keeps one decoded RGB frame under ~200 MB, so a small file that claims a huge size (a
 * "decompression bomb") is refused from its header before any memory is spent on pixels.
 *
 * @example
 * ```ts
 * DEFAULT_MAX_PIXELS === 8192 * 8192; // true
 * ```
 */
export const DEFAULT_MAX_PIXELS = 2 ** 26;

/**
 * Checks a `maxPixels` option: a positive integer (or `Infinity` to switch the limit off);
 * anything else is `INVALID_OPTION`. `undefined` gives {@link DEFAULT_MAX_PIXELS}.
 *
 * @example
 * ```ts
 * const limit = resolveMaxPixels(options.maxPixels); // 67108864 when not given
 * ```
 */
export function resolveMaxPixels(maxPixels: number | undefined): number {
  if (maxPixels === undefined) return DEFAULT_MAX_PIXELS;
  if (maxPixels === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxPixels) && maxPixels > 0)) return maxPixels;
  throw new VisionError('INVALID_OPTION', `maxPixels is ${String(maxPixels)}; allowed: a positive integer number of pixels (default ${DEFAULT_MAX_PIXELS} = 8192×8192), or Infinity for no limit`);
}

/**
 * Checks an image's size at the input boundary: width and height must be positive integers
 * (a fractional, zero, negative, NaN or infinite size is `INVALID_INPUT`), and
 * width × height at most `maxPixels` (more is `INVALID_INPUT` naming the size and the limit).
 * Call it with a size read from a header, before decoding.
 *
 * @example
 * ```ts
 * checkImageSize(16000, 16000, 'PNG file', DEFAULT_MAX_PIXELS); // throws INVALID_INPUT
 * ```
 */
export function checkImageSize(width: number, height: number, what: string, maxPixels: number): void {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new VisionError('INVALID_INPUT', `${what} has size ${String(width)}×${String(height)}; an image must be at least 1×1 pixel, with whole-number width and height`);
  }
  if (width * height > maxPixels) {
    throw new VisionError(
      'INVALID_INPUT',
      `${what} is ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels} pixels; ` +
        'scale it down first, or raise the limit with the maxPixels option (CLI: --max-pixels)',
    );
  }
}

/**
 * Throws `INVALID_INPUT` when a float pixel buffer holds a value outside 0–255, NaN or ±Infinity
 * (normalised pixels — 0–1 or −1…1 — would turn every model output into garbage). One pass over
 * the values; byte buffers need no check.
 *
 * @example
 * ```ts
 * checkPixelRange(new Float32Array([0, 255, -0.5]), 'raw image'); // throws
 * ```
 */
export function checkPixelRange(values: Float32Array | Float64Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // false for NaN as well as for values out of range
    if (!(v >= 0 && v <= 255)) {
      throw new VisionError('INVALID_INPUT', `${what} has pixel value ${String(v)} at index ${i}; pixel values must be numbers 0–255 (clip resampled values, and give raw pixels, not normalised ones)`);
    }
  }
}
