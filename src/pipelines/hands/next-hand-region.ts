/**
 * The video-mode rule that turns a hand's landmarks into the region the landmark model looks at
 * in the next frame (so the detector need not run): the square around the keypoints, enlarged.
 */
import type { CropRegion } from '../../preprocess/crop-region';

/** The square around the keypoints is enlarged by this factor (as `@vladmandic/human`'s hand tracking). */
const TRACK_EXPANSION = 1.6;
/** A hand smaller than this fraction of the frame (either side) is not followed. */
const MIN_HAND_FRACTION = 0.05;

/**
 * The next frame's crop region for a hand with keypoints `keypoints` (K × (x, y, z), source
 * pixels): the smallest square centred on the keypoints' extent that holds them, enlarged 1.6×
 * about its centre, in 0–1 of the frame; `null` when that square is smaller than 5 % of the
 * frame's width or height (the hand is too small to follow; the detector takes over).
 *
 * @example
 * ```ts
 * const region = nextHandRegion(hand.keypoints, 640, 480);
 * ```
 */
export function nextHandRegion(keypoints: ArrayLike<number>, width: number, height: number): CropRegion | null {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let i = 0; i + 1 < keypoints.length; i += 3) {
    x1 = Math.min(x1, keypoints[i]);
    x2 = Math.max(x2, keypoints[i]);
    y1 = Math.min(y1, keypoints[i + 1]);
    y2 = Math.max(y2, keypoints[i + 1]);
  }
  const half = Math.max(x2 - x1, y2 - y1) / 2;
  if (!Number.isFinite(half) || 2 * half < MIN_HAND_FRACTION * width || 2 * half < MIN_HAND_FRACTION * height) return null;
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const r = half * TRACK_EXPANSION;
  return { xMin: (cx - r) / width, yMin: (cy - r) / height, xMax: (cx + r) / width, yMax: (cy + r) / height };
}
