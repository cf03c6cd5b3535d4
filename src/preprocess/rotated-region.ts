/**
 * Rotated crop regions: a rectangle of the frame turned about its centre (MediaPipe's rotated
 * `NormalizedRect`, in pixels), the affine map that samples it at a model's input size, and the
 * map that takes points found in the crop back to the frame. The policies that choose a region
 * (e.g. a hand's from its landmarks) live with their task.
 */
import { VisionError } from '../core/errors';
import type { CropRegion } from './crop-region';
import { shownData } from '../core/shown-value';

/**
 * A rectangle in source pixels (continuous coordinates: pixel `i` covers `[i, i + 1)`), centred
 * on (`centerX`, `centerY`), `width` × `height` before the rotation, turned by `rotation`
 * radians clockwise on the screen (y points down). With rotation 0 it is the axis-aligned box.
 * The crop's "up" is the direction `(sin θ, −cos θ)` in the frame.
 *
 * @example
 * ```ts
 * const roi: RotatedRegion = { centerX: 320, centerY: 240, width: 200, height: 200, rotation: Math.PI / 2 };
 * ```
 */
export interface RotatedRegion {
  centerX: number;
  centerY: number;
  width: number;
  height: number;
  rotation: number;
}

/**
 * A 2 × 3 affine map `[a, b, c, d, e, f]` from output pixel indices (column j, row i) to source
 * pixel indices: `x = a·j + b·i + c`, `y = d·j + e·i + f` (pixel centres at integers) — the
 * matrix of OpenCV's `warpAffine(…, WARP_INVERSE_MAP)` and of `tf.image.transform`.
 *
 * @example
 * ```ts
 * const halfSize: AffineMatrix = [2, 0, 0.5, 0, 2, 0.5];
 * ```
 */
export type AffineMatrix = readonly [number, number, number, number, number, number];

function assertRegion(region: RotatedRegion): void {
  const { centerX, centerY, width, height, rotation } = region;
  if (![centerX, centerY, width, height, rotation].every(Number.isFinite) || !(width > 0) || !(height > 0)) {
    throw new VisionError('INVALID_INPUT', `a rotated region needs a finite centre and rotation and a positive width and height; got ${shownData(region)}`);
  }
}

/**
 * The point of the frame (source pixels) at (`u`, `v`) of the region, both in 0–1 of its width
 * and height measured in the rotated frame ((0.5, 0.5) is the centre): how keypoints found in a
 * crop go back to the frame.
 *
 * @example
 * ```ts
 * const [x, y] = regionPointToSource(roi, 0.5, 0); // the middle of the crop's top edge
 * ```
 */
export function regionPointToSource(region: RotatedRegion, u: number, v: number): [number, number] {
  const dx = (u - 0.5) * region.width;
  const dy = (v - 0.5) * region.height;
  const cos = Math.cos(region.rotation);
  const sin = Math.sin(region.rotation);
  return [region.centerX + cos * dx - sin * dy, region.centerY + sin * dx + cos * dy];
}

/**
 * The affine map that samples `region` at `outWidth` × `outHeight`. `'centres'` (default):
 * output pixel centre `(j + 0.5) / outWidth` of the crop reads the frame at that point of the
 * region, pixel `i` covering `[i, i + 1)` on both sides. `'corners'`: output pixel `j` reads the
 * point `j / outWidth` of the region whose coordinates are taken as pixel indices — the map
 * MediaPipe's CPU image-to-tensor (OpenCV `warpPerspective` from the region's corners) and
 * tfjs-models' `convertImageToTensor` (`tf.image.transform`) build; it reads about half a source
 * pixel off the first.
 *
 * @throws VisionError `INVALID_INPUT` for a non-finite or empty region or output size.
 *
 * @example
 * ```ts
 * const matrix = rotatedRegionAffine(roi, 224, 224);
 * ```
 */
export function rotatedRegionAffine(region: RotatedRegion, outWidth: number, outHeight: number, alignment: 'centres' | 'corners' = 'centres'): AffineMatrix {
  assertRegion(region);
  if (!(Number.isInteger(outWidth) && outWidth > 0 && Number.isInteger(outHeight) && outHeight > 0)) {
    throw new VisionError('INVALID_INPUT', `output size must be positive integers; got ${outWidth}×${outHeight}`);
  }
  const cos = Math.cos(region.rotation);
  const sin = Math.sin(region.rotation);
  const sx = region.width / outWidth;
  const sy = region.height / outHeight;
  const half = alignment === 'centres' ? 0.5 : 0;
  // crop offset of output pixel (0, 0) from the region centre
  const dx0 = half * sx - region.width / 2;
  const dy0 = half * sy - region.height / 2;
  return [cos * sx, -sin * sy, region.centerX - half + cos * dx0 - sin * dy0, sin * sx, cos * sy, region.centerY - half + sin * dx0 + cos * dy0];
}

/**
 * The axis-aligned box around a rotated region, in 0–1 of the frame (for overlap tests between
 * regions).
 *
 * @example
 * ```ts
 * const box = rotatedRegionBounds(roi, 640, 480);
 * ```
 */
export function rotatedRegionBounds(region: RotatedRegion, frameWidth: number, frameHeight: number): CropRegion {
  const cos = Math.abs(Math.cos(region.rotation));
  const sin = Math.abs(Math.sin(region.rotation));
  const halfW = (region.width * cos + region.height * sin) / 2;
  const halfH = (region.width * sin + region.height * cos) / 2;
  return {
    xMin: (region.centerX - halfW) / frameWidth,
    yMin: (region.centerY - halfH) / frameHeight,
    xMax: (region.centerX + halfW) / frameWidth,
    yMax: (region.centerY + halfH) / frameHeight,
  };
}

/**
 * The rotation (radians in [−π, π)) that turns the direction from one point to another upright
 * in the crop — MediaPipe's rule for rotated regions with a target angle of 90°: a region with
 * this rotation has `to` straight above `from`. Points in source pixels (y down).
 *
 * @example
 * ```ts
 * const rotation = uprightRotation(wristX, wristY, knuckleX, knuckleY);
 * ```
 */
export function uprightRotation(fromX: number, fromY: number, toX: number, toY: number): number {
  const angle = Math.PI / 2 - Math.atan2(-(toY - fromY), toX - fromX);
  return angle - 2 * Math.PI * Math.floor((angle + Math.PI) / (2 * Math.PI));
}
