/**
 * Face crops for the landmark model: the detector's box (or the extent of the previous frame's mesh) enlarged
 * around its centre and made square — MediaPipe FaceMesh's ROI as @vladmandic/human computes it
 * (enlarge ×1.4, square on the longer side, corners rounded to whole pixels).
 */

/**
 * A square face crop in image pixels (x1, y1)–(x2, y2); it may reach beyond the image. With a
 * `rotation` the square is turned by it about its centre.
 *
 * @example
 * ```ts
 * const crop: FaceCrop = { x1: 100, y1: 80, x2: 300, y2: 280 };
 * ```
 */
export interface FaceCrop {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Radians, clockwise in image coordinates (y down): the face's eye line, so that it stands upright in the crop. 0 or absent: upright. */
  rotation?: number;
}

/**
 * The angle of the line from the person's right eye to their left eye (image coordinates, y
 * down): 0 for an upright face, π for one upside down — the rotation of a crop in which the face
 * stands upright (MediaPipe's face ROI rule).
 *
 * @example
 * ```ts
 * eyeLineRotation(100, 50, 160, 50); // 0
 * ```
 */
export function eyeLineRotation(rightX: number, rightY: number, leftX: number, leftY: number): number {
  return Math.atan2(leftY - rightY, leftX - rightX);
}

/**
 * The square crop around points (x, y pairs) turned by `rotation`: the extent of the points in
 * the turned frame, enlarged by `scale` about its centre, square on the longer side.
 *
 * @example
 * ```ts
 * const next = turnedCrop(mesh.points, eyeLineRotation(…), 1.55);
 * ```
 */
export function turnedCrop(points: readonly { x: number; y: number }[], rotation: number, scale: number): FaceCrop {
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  let [u1, v1, u2, v2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { x, y } of points) {
    const u = cos * x + sin * y;
    const v = -sin * x + cos * y;
    if (u < u1) u1 = u;
    if (u > u2) u2 = u;
    if (v < v1) v1 = v;
    if (v > v2) v2 = v;
  }
  const [uc, vc] = [(u1 + u2) / 2, (v1 + v2) / 2];
  const [cx, cy] = [cos * uc - sin * vc, sin * uc + cos * vc];
  const half = (Math.max(u2 - u1, v2 - v1) * scale) / 2;
  return { x1: cx - half, y1: cy - half, x2: cx + half, y2: cy + half, rotation };
}

/**
 * The crop around a box (x1, y1, x2, y2): its centre, the box enlarged by `scale`, the square on
 * the longer side, corners rounded to pixels.
 *
 * @example
 * ```ts
 * faceCrop([100, 100, 200, 180], 1.4); // { x1: 80, y1: 70, x2: 220, y2: 210 }
 * ```
 */
export function faceCrop(box: ArrayLike<number>, scale: number): FaceCrop {
  const cx = box[0] + (box[2] - box[0]) / 2;
  const cy = box[1] + (box[3] - box[1]) / 2;
  const half = (Math.max(Math.abs(box[2] - box[0]), Math.abs(box[3] - box[1])) * scale) / 2;
  return { x1: Math.round(cx - half), y1: Math.round(cy - half), x2: Math.round(cx + half), y2: Math.round(cy + half) };
}

/**
 * Maps model-input points of a square crop (N × 3 flat: x, y, z in `inputSize` pixels) to image
 * pixels: x and y through the crop (turned back by its rotation), z scaled like x (MediaPipe's convention: z is depth in the
 * same units as x, negative towards the camera).
 *
 * @example
 * ```ts
 * const inImage = cropToImage(raw, crop, 192);
 * ```
 */
export function cropToImage(points: ArrayLike<number>, crop: FaceCrop, inputSize: number): Float32Array {
  const sx = (crop.x2 - crop.x1) / inputSize;
  const sy = (crop.y2 - crop.y1) / inputSize;
  const cx = crop.x1 + (crop.x2 - crop.x1) / 2;
  const cy = crop.y1 + (crop.y2 - crop.y1) / 2;
  const half = inputSize / 2;
  const out = new Float32Array(points.length);
  const rotation = crop.rotation ?? 0;
  const [cos, sin] = [Math.cos(rotation), Math.sin(rotation)];
  for (let i = 0; i + 2 < points.length; i += 3) {
    if (rotation === 0) {
      out[i] = sx * (points[i] - half) + cx;
      out[i + 1] = sy * (points[i + 1] - half) + cy;
    } else {
      // the offset from the crop's centre, turned back into the image
      const dx = sx * (points[i] - half);
      const dy = sy * (points[i + 1] - half);
      out[i] = cx + cos * dx - sin * dy;
      out[i + 1] = cy + sin * dx + cos * dy;
    }
    out[i + 2] = sx * points[i + 2];
  }
  return out;
}
