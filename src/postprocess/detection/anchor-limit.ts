/**
 * The bound on generated anchors: anchor settings come from model cards, which may come from
 * anyone, and a few numbers (a 30000-pixel input, stride 1) would ask for billions.
 */
import { VisionError } from '../../core/errors';

/** Most anchors (default boxes) a card's settings may generate: 50 × the 21,824 of a 1024² SSD. */
export const MAX_ANCHORS = 1_000_000;

/**
 * Throws `INVALID_OPTION` naming `who` when settings would generate more than
 * {@link MAX_ANCHORS} anchors (or a count that is no finite number), before any is made.
 *
 * @example
 * ```ts
 * checkAnchorCount(gridW * gridH * perCell, 'mediapipeSsdAnchors');
 * ```
 */
export function checkAnchorCount(count: number, who: string): void {
  if (!(Number.isFinite(count) && count <= MAX_ANCHORS)) {
    throw new VisionError('INVALID_OPTION', `${who}: these settings make ${Number.isFinite(count) ? count : 'endless'} anchors; at most ${MAX_ANCHORS} are allowed (check the input size, strides and feature-map sizes)`);
  }
}
