/**
 * The video-mode rules that turn a hand's landmarks into the region the landmark model looks at
 * in the next frame (so the detector need not run): MediaPipe's rotated square (the default),
 * or `@vladmandic/human`'s axis-aligned square around the keypoints.
 */
import type { CropRegion } from '../../preprocess/crop-region';
import { type RotatedRegion, uprightRotation } from '../../preprocess/rotated-region';

/** The square around the keypoints is enlarged by this factor (as `@vladmandic/human`'s hand tracking). */
const TRACK_EXPANSION = 1.6;
/** A hand smaller than this fraction of the frame (either side) is not followed. */
const MIN_HAND_FRACTION = 0.05;
/** MediaPipe's stable subset of the hand: the wrist, the thumb's lower joints, MCP and PIP of each finger. */
const PALM_LANDMARKS = [0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18] as const;
/** MediaPipe's RectTransformation for landmark-derived hand ROIs: square on the long side, ×2, shifted up 0.1 of the height. */
const ROI_SCALE = 2;
const ROI_SHIFT_Y = -0.1;

const tooSmall = (side: number, width: number, height: number): boolean => !Number.isFinite(side) || side < MIN_HAND_FRACTION * width || side < MIN_HAND_FRACTION * height;

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
  if (tooSmall(2 * half, width, height)) return null;
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const r = half * TRACK_EXPANSION;
  return { xMin: (cx - r) / width, yMin: (cy - r) / height, xMax: (cx + r) / width, yMax: (cy + r) / height };
}

/**
 * The next frame's rotated crop for a hand with 21 keypoints (21 × (x, y, z), source pixels), as
 * MediaPipe's hand-landmarks-to-ROI subgraph computes it in pixels: the rotation turns the
 * direction from the wrist (0) to the mean of the middle-finger MCP (9) and the midpoint of the
 * index and ring MCPs (5, 13) upright; the box around the 12 palm and lower-finger landmarks
 * in that rotated frame is shifted 0.1 of its height towards the fingers, squared on its long
 * side and scaled 2×. `null` when the box's long side is under 5 % of the frame's width or
 * height (the detector takes over).
 *
 * @example
 * ```ts
 * const roi = rotatedHandRegion(hand.keypoints, 640, 480); // { centerX, centerY, width, height, rotation }
 * ```
 */
export function rotatedHandRegion(keypoints: ArrayLike<number>, width: number, height: number): RotatedRegion | null {
  const at = (k: number, axis: 0 | 1): number => keypoints[k * 3 + axis];
  const towardsX = ((at(5, 0) + at(13, 0)) / 2 + at(9, 0)) / 2;
  const towardsY = ((at(5, 1) + at(13, 1)) / 2 + at(9, 1)) / 2;
  const rotation = uprightRotation(at(0, 0), at(0, 1), towardsX, towardsY);
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const k of PALM_LANDMARKS) {
    x1 = Math.min(x1, at(k, 0));
    x2 = Math.max(x2, at(k, 0));
    y1 = Math.min(y1, at(k, 1));
    y2 = Math.max(y2, at(k, 1));
  }
  const ax = (x1 + x2) / 2;
  const ay = (y1 + y2) / 2;
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  // the landmarks' extent in the hand's own (rotated) frame
  let u1 = Infinity;
  let v1 = Infinity;
  let u2 = -Infinity;
  let v2 = -Infinity;
  for (const k of PALM_LANDMARKS) {
    const dx = at(k, 0) - ax;
    const dy = at(k, 1) - ay;
    const u = dx * cos + dy * sin;
    const v = -dx * sin + dy * cos;
    u1 = Math.min(u1, u);
    u2 = Math.max(u2, u);
    v1 = Math.min(v1, v);
    v2 = Math.max(v2, v);
  }
  const side = Math.max(u2 - u1, v2 - v1);
  if (tooSmall(side, width, height)) return null;
  // the box centre, shifted along the hand's own up, back in the frame
  const cu = (u1 + u2) / 2;
  const cv = (v1 + v2) / 2 + (v2 - v1) * ROI_SHIFT_Y;
  return { centerX: ax + cu * cos - cv * sin, centerY: ay + cu * sin + cv * cos, width: side * ROI_SCALE, height: side * ROI_SCALE, rotation };
}
