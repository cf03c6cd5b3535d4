/**
 * Measures on COCO run-length encodings ({@link MaskRle}, what `Mask.toRle()` returns) without
 * decoding them: area and IoU, e.g. to compare masks that came back from a worker.
 */
import { VisionError } from '../../core/errors';
import type { MaskRle } from '../../core/mask';
import { checkRle } from '../../core/mask-checks';

/**
 * Pixels set in a run-length encoded mask (the sum of its odd runs).
 *
 * @example
 * ```ts
 * rleArea({ size: [2, 2], counts: [1, 2, 1] }); // 2
 * ```
 */
export function rleArea(rle: MaskRle): number {
  checkRle(rle, 'rleArea');
  let area = 0;
  for (let k = 1; k < rle.counts.length; k += 2) area += rle.counts[k];
  return area;
}

/**
 * Intersection over union of two run-length encoded masks of the same size (pycocotools
 * `maskUtils.iou` with `iscrowd = 0`); 0 when both are empty.
 *
 * @throws VisionError `INVALID_INPUT` for different sizes or runs that do not add up.
 * @example
 * ```ts
 * const iou = rleIou(a.toRle(), b.toRle());
 * ```
 */
export function rleIou(a: MaskRle, b: MaskRle): number {
  checkRle(a, 'rleIou');
  checkRle(b, 'rleIou');
  if (a.size[0] !== b.size[0] || a.size[1] !== b.size[1]) {
    throw new VisionError('INVALID_INPUT', `rleIou: masks of size ${a.size[1]}×${a.size[0]} and ${b.size[1]}×${b.size[0]}`);
  }
  // Walk both run lists at once; count pixels set in both.
  let ia = 0;
  let ib = 0;
  let leftA = a.counts[0] ?? 0;
  let leftB = b.counts[0] ?? 0;
  let intersection = 0;
  while (ia < a.counts.length && ib < b.counts.length) {
    const step = Math.min(leftA, leftB);
    if (ia % 2 === 1 && ib % 2 === 1) intersection += step;
    leftA -= step;
    leftB -= step;
    if (leftA === 0) leftA = a.counts[++ia] ?? 0;
    if (leftB === 0) leftB = b.counts[++ib] ?? 0;
  }
  const union = rleArea(a) + rleArea(b) - intersection;
  return union === 0 ? 0 : intersection / union;
}
