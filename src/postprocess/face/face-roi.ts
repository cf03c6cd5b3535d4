/**
 * Face crops for the landmark model: the detector's box (or the extent of the previous frame's mesh) enlarged
 * around its centre and made square — MediaPipe FaceMesh's ROI as @vladmandic/human computes it
 * (enlarge ×1.4, square on the longer side, corners rounded to whole pixels).
 */

/**
 * A square face crop in image pixels (x1, y1)–(x2, y2); it may reach beyond the image.
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
 * pixels: x and y through the crop, z scaled like x (MediaPipe's convention: z is depth in the
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
  for (let i = 0; i + 2 < points.length; i += 3) {
    out[i] = sx * (points[i] - half) + cx;
    out[i + 1] = sy * (points[i + 1] - half) + cy;
    out[i + 2] = sx * points[i + 2];
  }
  return out;
}
