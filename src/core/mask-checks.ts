/**
 * Checks of what a {@link Mask} is built from or read with — run-length encodings, mask kinds,
 * thresholds and palettes — each a `VisionError` saying what is wrong and what is allowed.
 */
import { VisionError } from './errors';
import { effectiveMaxPixels } from './image-input';
import { shownValue } from './shown-value';

const KINDS = ['binary', 'probability', 'category'] as const;

/**
 * Checks that a `width`×`height` mask is within the pixel limit in force (the images' limit:
 * every mask a pipeline makes is at most its frame's size).
 *
 * @throws VisionError `INVALID_INPUT` naming `what`, the size and the limit.
 * @example
 * ```ts
 * checkMaskPixels(1e6, 1e6, 'Mask.create'); // throws: over the limit of 67108864 pixels
 * ```
 */
export function checkMaskPixels(width: number, height: number, what: string): void {
  const limit = effectiveMaxPixels();
  if (width * height > limit) throw new VisionError('INVALID_INPUT', `${what}: a ${width}×${height} mask is over the limit of ${limit} pixels (setPlatform({ maxPixels }) sets it)`);
}

/**
 * Checks a COCO run-length encoding: `size` `[height, width]` of whole numbers within the
 * pixel limit, `counts` a list of whole numbers ≥ 0 that cover `height × width` pixels.
 * Returns the pixel count.
 *
 * @throws VisionError `INVALID_INPUT` naming `what` and the part that is wrong.
 * @example
 * ```ts
 * const pixels = checkRle(message.rle, 'Mask.fromRle');
 * ```
 */
export function checkRle(rle: unknown, what: string): number {
  const { size, counts } = (typeof rle === 'object' && rle !== null ? rle : {}) as { size?: unknown; counts?: unknown };
  if (!Array.isArray(size) || size.length !== 2 || !size.every((side) => Number.isSafeInteger(side) && side >= 0)) {
    throw new VisionError('INVALID_INPUT', `${what}: size is ${shownValue(size)}; a run-length encoding has size [height, width] of whole numbers ≥ 0 and counts`);
  }
  const [height, width] = size;
  checkMaskPixels(width, height, what);
  if (!Array.isArray(counts)) throw new VisionError('INVALID_INPUT', `${what}: counts are ${shownValue(counts)}; they must be a list of run lengths`);
  let total = 0;
  counts.forEach((run, k) => {
    if (!Number.isSafeInteger(run) || run < 0) throw new VisionError('INVALID_INPUT', `${what}: run ${k} is ${shownValue(run)}; runs are whole numbers ≥ 0`);
    total += run;
  });
  if (total !== height * width) throw new VisionError('INVALID_INPUT', `${what}: runs cover ${total} pixels of a ${width}×${height} mask`);
  return total;
}

/**
 * Checks a mask kind: `binary`, `probability` or `category`.
 *
 * @throws VisionError `INVALID_INPUT` naming `what`.
 * @example
 * ```ts
 * checkMaskKind(packed.kind, 'Mask.unpack');
 * ```
 */
export function checkMaskKind(kind: unknown, what: string): asserts kind is (typeof KINDS)[number] {
  if (!KINDS.includes(kind as (typeof KINDS)[number])) throw new VisionError('INVALID_INPUT', `${what}: kind is ${shownValue(kind)}; allowed: ${KINDS.join(', ')}`);
}

/**
 * Checks a probability threshold: a number in [0, 1].
 *
 * @throws VisionError `INVALID_OPTION` naming the threshold.
 * @example
 * ```ts
 * checkMaskThreshold(threshold, 'toRle threshold');
 * ```
 */
export function checkMaskThreshold(threshold: unknown, what: string): void {
  if (!(typeof threshold === 'number' && threshold >= 0 && threshold <= 1)) throw new VisionError('INVALID_OPTION', `${what} is ${shownValue(threshold)}; it must be a number in [0, 1]`);
}

/** Four numbers 0–255 (an alpha of 999 scaled probabilities past full). */
const isRgba = (c: unknown): boolean => Array.isArray(c) && c.length === 4 && c.every((v) => typeof v === 'number' && v >= 0 && v <= 255);

/**
 * Checks `toImageData` colours: `color` one `[r, g, b, a]` (0–255 each), `palette` a non-empty
 * list of them.
 *
 * @throws VisionError `INVALID_OPTION` naming the option.
 * @example
 * ```ts
 * checkMaskColours(options.color, options.palette);
 * ```
 */
export function checkMaskColours(color: unknown, palette: unknown): void {
  if (color !== undefined && !isRgba(color)) throw new VisionError('INVALID_OPTION', `color is ${shownValue(color)}; it must be [r, g, b, a] with numbers 0–255`);
  if (palette !== undefined && !(Array.isArray(palette) && palette.length > 0 && palette.every(isRgba))) {
    throw new VisionError('INVALID_OPTION', `palette is ${shownValue(palette)}; it must be a non-empty list of [r, g, b, a] colours, one per class index`);
  }
}
