import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';

/**
 * Intersection over union of two binary masks of the same size (values > `threshold` are
 * foreground). Two empty masks score 1.
 *
 * @example
 * ```ts
 * const iou = maskIoU(predicted.data, truth.data); // 0–1
 * ```
 */
export function maskIoU(a: ArrayLike<number>, b: ArrayLike<number>, threshold = 0.5): number {
  for (const [mask, name] of [[a, 'a'], [b, 'b']] as const) {
    if (mask === null || typeof mask !== 'object' || typeof mask.length !== 'number') throw new VisionError('INVALID_INPUT', `mask ${name} must be an array of pixel values; got ${shownValue(mask)}`);
  }
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new VisionError('INVALID_OPTION', `threshold is ${shownValue(threshold)}; it must be a number (a pixel is in a mask above it)`);
  if (a.length !== b.length) throw new VisionError('INVALID_INPUT', `masks have ${a.length} and ${b.length} pixels; they must be the same size`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] > threshold;
    const y = b[i] > threshold;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/**
 * Mean IoU of paired masks (e.g. each ground-truth instance with its matched prediction).
 *
 * @example
 * ```ts
 * const mIoU = meanMaskIoU([[p1, t1], [p2, t2]]);
 * ```
 */
export function meanMaskIoU(pairs: ReadonlyArray<readonly [ArrayLike<number>, ArrayLike<number>]>, threshold = 0.5): number {
  if (!Array.isArray(pairs)) throw new VisionError('INVALID_INPUT', `meanMaskIoU takes a list of [prediction, truth] mask pairs; got ${shownValue(pairs)}`);
  if (pairs.length === 0) throw new VisionError('INVALID_INPUT', 'no mask pairs to score');
  pairs.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new VisionError('INVALID_INPUT', `pairs[${i}] is ${shownValue(pair)}; each is [prediction, truth], two masks of one size`);
  });
  return pairs.reduce((sum, [a, b]) => sum + maskIoU(a, b, threshold), 0) / pairs.length;
}
