/**
 * Box areas and intersection-over-union of xyxy boxes in flat N×4 arrays, with
 * torchvision's arithmetic (`area = (x2 - x1) * (y2 - y1)`, no `+1`), so that results agree
 * bit for bit with `torchvision.ops.box_iou` in float64.
 */
import { checkBoxArray } from '../validate';

/**
 * Area of the `index`-th xyxy box of a flat array: `(x2 - x1) * (y2 - y1)`, no `+1`.
 * A box with `x2 < x1` gets a negative area, as in torchvision; pass valid boxes.
 *
 * @example
 * ```ts
 * boxArea([0, 0, 10, 5]);               // 50
 * boxArea([0, 0, 1, 1, 0, 0, 4, 4], 1); // 16
 * ```
 */
export function boxArea(boxes: ArrayLike<number>, index = 0): number {
  const o = index * 4;
  return (boxes[o + 2] - boxes[o]) * (boxes[o + 3] - boxes[o + 1]);
}

/**
 * Areas of all xyxy boxes of a flat N×4 array (`torchvision.ops.box_area`).
 *
 * @throws VisionError `INVALID_INPUT` when the length is not a multiple of 4.
 *
 * @example
 * ```ts
 * boxAreas([0, 0, 10, 5, 0, 0, 4, 4]); // Float64Array [50, 16]
 * ```
 */
export function boxAreas(boxes: ArrayLike<number>): Float64Array {
  const n = checkBoxArray(boxes, 'boxAreas: boxes');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = boxArea(boxes, i);
  return out;
}

/**
 * Intersection over union of two xyxy boxes, given as flat arrays and box indices (box `ai`
 * of `a`, box `bi` of `b`; `a` and `b` may be the same array). Boxes that only touch have
 * IoU 0; two empty boxes (union 0) have IoU 0 where torchvision gives `NaN`.
 * No argument checks: this is the inner loop of NMS.
 *
 * @example
 * ```ts
 * iou([0, 0, 10, 10], 0, [5, 0, 15, 10], 0); // 1/3
 * iou(boxes, 2, boxes, 7);                   // boxes 2 and 7 of one array
 * ```
 */
export function iou(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number): number {
  const oa = ai * 4;
  const ob = bi * 4;
  const ax1 = a[oa];
  const ay1 = a[oa + 1];
  const ax2 = a[oa + 2];
  const ay2 = a[oa + 3];
  const bx1 = b[ob];
  const by1 = b[ob + 1];
  const bx2 = b[ob + 2];
  const by2 = b[ob + 3];
  const w = Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1));
  const h = Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1));
  const inter = w * h;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Pairwise IoU of every box of `boxesA` (N) with every box of `boxesB` (M), as a row-major
 * N×M `Float32Array` (`out[i * M + j]`), like `torchvision.ops.box_iou`, except that pairs
 * with union 0 give 0 instead of `NaN`.
 *
 * @throws VisionError `INVALID_INPUT` when a length is not a multiple of 4.
 *
 * @example
 * ```ts
 * const m = iouMatrix(predicted, groundTruth);
 * const iou23 = m[2 * (groundTruth.length / 4) + 3];
 * ```
 */
export function iouMatrix(boxesA: ArrayLike<number>, boxesB: ArrayLike<number>): Float32Array {
  const n = checkBoxArray(boxesA, 'iouMatrix: boxesA');
  const m = checkBoxArray(boxesB, 'iouMatrix: boxesB');
  const out = new Float32Array(n * m);
  const areaB = new Float64Array(m);
  for (let j = 0; j < m; j++) areaB[j] = boxArea(boxesB, j);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const x1 = boxesA[o];
    const y1 = boxesA[o + 1];
    const x2 = boxesA[o + 2];
    const y2 = boxesA[o + 3];
    const areaA = (x2 - x1) * (y2 - y1);
    const row = i * m;
    for (let j = 0; j < m; j++) {
      const p = j * 4;
      const w = Math.max(0, Math.min(x2, boxesB[p + 2]) - Math.max(x1, boxesB[p]));
      const h = Math.max(0, Math.min(y2, boxesB[p + 3]) - Math.max(y1, boxesB[p + 1]));
      const inter = w * h;
      const union = areaA + areaB[j] - inter;
      out[row + j] = union > 0 ? inter / union : 0;
    }
  }
  return out;
}
