/**
 * BlazePose's region of interest: where the landmark model looks for the person the detector
 * found (MediaPipe's alignment-points rule).
 */
import { type RotatedRegion, uprightRotation } from '../../preprocess/rotated-region';
import { requireLength } from '../../postprocess/pose/raw-pose';
import { boxIou } from '../../track/association';

/**
 * Where a person's face is in the image (pixels): its centre and size (the longer side of its
 * box). BlazePose's detector finds people by their faces, and a face is the part of a person
 * another person's never covers much, so two regions hold one person when their faces meet.
 *
 * @example `const face = faceOfKeypoints((i) => [pose.keypoints[i].x, pose.keypoints[i].y]);`
 */
export interface FaceSpot {
  x: number;
  y: number;
  size: number;
}

/** BlazePose's face keypoints: nose, eyes, ears, mouth corners (indices 0–10). */
const FACE_KEYPOINTS = 11;

/**
 * The face of a BlazePose pose: the box of its 11 face keypoints (`point(i)` gives keypoint `i`).
 *
 * @example
 * ```ts
 * const face = faceOfKeypoints((i) => [pose.keypoints[i].x, pose.keypoints[i].y]);
 * ```
 */
export function faceOfKeypoints(point: (i: number) => readonly [number, number]): FaceSpot {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < FACE_KEYPOINTS; i++) {
    const [x, y] = point(i);
    [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x), Math.max(y2, y)];
  }
  return { x: (x1 + x2) / 2, y: (y1 + y2) / 2, size: Math.max(x2 - x1, y2 - y1) };
}

/**
 * Whether two faces are one person's: their centres closer than half the larger face.
 *
 * @example
 * ```ts
 * if (sameFace(detectedFace, faceOfKeypoints(point))) continue; // already followed
 * ```
 */
export function sameFace(a: FaceSpot, b: FaceSpot): boolean {
  return Math.hypot(a.x - b.x, a.y - b.y) < 0.5 * Math.max(a.size, b.size);
}

/**
 * Overlap of two regions of interest as MediaPipe's rect association measures it: the IoU of
 * their squares before the turn.
 *
 * @example
 * ```ts
 * const lost = takeBestOverlap(unclaimed, (t) => regionOverlap(t.region, found.region));
 * ```
 */
export function regionOverlap(a: RotatedRegion, b: RotatedRegion): number {
  const square = (r: RotatedRegion) => ({ x1: r.centerX - r.width / 2, y1: r.centerY - r.height / 2, x2: r.centerX + r.width / 2, y2: r.centerY + r.height / 2 });
  return boxIou(square(a), square(b));
}

/**
 * MediaPipe's region of interest for the landmark model from the detector's alignment
 * keypoints (hip centre, then a point on the body's circle; any pixel frame): a square centred
 * on the hip centre with side `2 × |hip centre − circle point| × scale` (scale 1.25), turned so
 * that the circle point stands straight above the hip centre (MediaPipe's alignment-points rect
 * with a target angle of 90°): a leaning or lying person is cropped upright.
 *
 * @example
 * ```ts
 * const { centerX, centerY, width, rotation } = blazePoseRoi(person.keypoints);
 * ```
 */
export function blazePoseRoi(keypoints: ArrayLike<number>, scale = 1.25): RotatedRegion {
  requireLength(keypoints, 4, 'BlazePose alignment keypoints');
  const [cx, cy, ex, ey] = [keypoints[0], keypoints[1], keypoints[2], keypoints[3]];
  const side = 2 * Math.hypot(ex - cx, ey - cy) * scale;
  return { centerX: cx, centerY: cy, width: side, height: side, rotation: uprightRotation(cx, cy, ex, ey) };
}
