/**
 * MediaPipe's weighted ("blending") non-maximum suppression, the final step of its SSD
 * detectors (BlazeFace, BlazePose): each kept box is the score-weighted mean of the boxes it
 * suppresses, which steadies boxes and keypoints from frame to frame.
 */
import { VisionError } from '../../core/errors';
import { iou } from './iou';
import { boxIsFinite } from '../detection/candidates';
import { optionNames } from '../../core/known-options';
import { checkBoxArray, checkCount, checkOptionNames, checkUnitInterval } from '../validate';

/**
 * Options of {@link weightedNms}.
 *
 * @example
 * ```ts
 * const options: WeightedNmsOptions = { iouThreshold: 0.3, keypoints: c.keypoints, numKeypoints: 6 };
 * ```
 */
export interface WeightedNmsOptions {
  /** Boxes with IoU strictly above this join the cluster of the best box. Default 0.3 (MediaPipe's face detectors). */
  iouThreshold?: number;
  /** Stop clustering at the first box whose score is below this. Default: none. */
  scoreThreshold?: number;
  /** Keep at most this many clusters. Default Infinity. */
  maxDetections?: number;
  /** N×K×2 `(x, y)` keypoints of the boxes, blended with the same weights. */
  keypoints?: ArrayLike<number>;
  /** K, when `keypoints` is given. */
  numKeypoints?: number;
}

/**
 * The result of {@link weightedNms}: one entry per cluster, best first. `indices` are the
 * clusters' top boxes (their `scores` are the reported scores); `boxes` and `keypoints` are
 * the blended ones.
 *
 * @example
 * ```ts
 * const { indices, boxes, scores, keypoints } = weightedNms(c.boxes, c.scores, { keypoints: c.keypoints, numKeypoints: 6 });
 * ```
 */
export interface WeightedNmsResult {
  indices: Int32Array;
  boxes: Float32Array;
  scores: Float32Array;
  keypoints: Float32Array;
}


const WEIGHTED_NMS_OPTION_NAMES = /* @__PURE__ */ optionNames<WeightedNmsOptions>()(['iouThreshold', 'scoreThreshold', 'maxDetections', 'keypoints', 'numKeypoints']);

/**
 * Weighted NMS as MediaPipe's `NonMaxSuppressionCalculator` with `algorithm: WEIGHTED` and
 * IoU overlap: repeatedly take the best remaining box; every remaining box (itself included)
 * with IoU `> iouThreshold` to it forms its cluster and is removed; the output box (and
 * keypoints) is the score-weighted mean of the cluster, with the top box's score.
 * Class-agnostic. Boxes are flat N×4 xyxy; boxes with a NaN or infinite corner, and NaN
 * scores, are left out.
 *
 * @throws VisionError `INVALID_INPUT` for mismatched lengths; `INVALID_OPTION` for a
 * threshold outside [0, 1] or a bad count.
 *
 * @example
 * ```ts
 * const faces = weightedNms(c.boxes, c.scores, { iouThreshold: 0.3, keypoints: c.keypoints, numKeypoints: c.numKeypoints });
 * ```
 */
export function weightedNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, options: WeightedNmsOptions = {}): WeightedNmsResult {
  checkOptionNames(options, 'weightedNms', WEIGHTED_NMS_OPTION_NAMES);
  if (options.scoreThreshold !== undefined) checkUnitInterval(options.scoreThreshold, 'weightedNms: scoreThreshold');
  const n = checkBoxArray(boxes, 'weightedNms: boxes');
  if (scores == null || scores.length !== n) {
    throw new VisionError('INVALID_INPUT', `weightedNms: boxes must hold 4 numbers per score; got ${boxes.length} and ${scores?.length}`);
  }
  const threshold = options.iouThreshold ?? 0.3;
  checkUnitInterval(threshold, 'weightedNms: iouThreshold');
  const maxDet = options.maxDetections ?? Infinity;
  checkCount(maxDet, 'weightedNms: maxDetections');
  const k = options.keypoints ? (options.numKeypoints ?? 0) : 0;
  if (options.keypoints && (!Number.isInteger(k) || k <= 0 || options.keypoints.length !== n * k * 2)) {
    throw new VisionError('INVALID_INPUT', `weightedNms: keypoints must hold numKeypoints × 2 values per box (${n} boxes, numKeypoints ${String(options.numKeypoints)}); got ${options.keypoints.length}`);
  }
  const kp = options.keypoints;
  // a NaN score, or a NaN or infinite corner (its overlaps are NaN: it would be a cluster of its own, a NaN box), is left out
  let remaining = Array.from({ length: n }, (_, i) => i).filter((i) => scores[i] === scores[i] && boxIsFinite(boxes, i * 4));
  remaining.sort((a, b) => scores[b] - scores[a] || a - b);
  const indices: number[] = [];
  const outBoxes: number[] = [];
  const outKeypoints: number[] = [];
  while (remaining.length > 0 && indices.length < maxDet) {
    const top = remaining[0];
    if (options.scoreThreshold !== undefined && scores[top] < options.scoreThreshold) break;
    const rest: number[] = [];
    const sum = new Float64Array(4 + 2 * k);
    let total = 0;
    for (const i of remaining) {
      if (i !== top && !(iou(boxes, i, boxes, top) > threshold)) {
        rest.push(i);
        continue;
      }
      const s = scores[i];
      total += s;
      for (let c = 0; c < 4; c++) sum[c] += boxes[i * 4 + c] * s;
      for (let c = 0; c < 2 * k && kp; c++) sum[4 + c] += kp[i * 2 * k + c] * s;
    }
    indices.push(top);
    for (let c = 0; c < 4 + 2 * k; c++) {
      const own = c < 4 ? boxes[top * 4 + c] : (kp as ArrayLike<number>)[top * 2 * k + c - 4];
      // A zero total (all cluster scores 0) keeps the top box as is.
      const v = total > 0 ? sum[c] / total : own;
      if (c < 4) outBoxes.push(v);
      else outKeypoints.push(v);
    }
    remaining = rest;
  }
  return {
    indices: Int32Array.from(indices),
    boxes: Float32Array.from(outBoxes),
    scores: Float32Array.from(indices.map((i) => scores[i])),
    keypoints: Float32Array.from(outKeypoints),
  };
}
