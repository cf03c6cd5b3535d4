/**
 * Matching a new detection to one of the tracks a video mode lost this frame.
 */

/**
 * Removes from `candidates` and returns the one `overlap` scores highest, if any scores above 0
 * (undefined, and `candidates` untouched, when none does). Each lost track is claimed once.
 *
 * @example
 * ```ts
 * const unclaimed = [...lostTracks];
 * const track = takeBestOverlap(unclaimed, (t) => boxIou(t.box, detection.box)); // undefined: a new object
 * ```
 */
export function takeBestOverlap<T>(candidates: T[], overlap: (candidate: T) => number): T | undefined {
  let best = -1;
  let bestOverlap = 0;
  candidates.forEach((candidate, k) => {
    const o = overlap(candidate);
    if (o > bestOverlap) [best, bestOverlap] = [k, o];
  });
  return best < 0 ? undefined : candidates.splice(best, 1)[0];
}
