/**
 * BlazePose's region of interest: where the landmark model looks for the person the detector
 * found (MediaPipe's alignment-points rule).
 */
import { type RotatedRegion, uprightRotation } from '../../preprocess/rotated-region';
import { requireLength } from '../../postprocess/pose/raw-pose';

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
