/**
 * Soft-NMS (Bodla et al., "Soft-NMS — Improving Object Detection With One Line of Code",
 * ICCV 2017): instead of removing boxes that overlap a kept one, decay their scores.
 */
import { VisionError } from '../../core/errors';
import { checkBoxArray, checkCount, checkUnitInterval, checkOptionNames } from '../validate';
import { optionNames } from '../../core/known-options';

/**
 * Options of {@link softNms}.
 *
 * @example
 * ```ts
 * softNms(boxes, scores, { method: 'linear', iouThreshold: 0.3 });
 * ```
 */
export interface SoftNmsOptions {
  /**
   * How an overlapping box's score decays with its IoU `o` with the kept box:
   * `'linear'`: `s *= 1 - o` when `o > iouThreshold`; `'gaussian'`: `s *= exp(-o² / sigma)`
   * (every overlap). Default `'gaussian'` (the paper's recommendation, OpenCV's default).
   */
  method?: 'linear' | 'gaussian';
  /** Width of the Gaussian decay; > 0. Default 0.5. */
  sigma?: number;
  /** IoU above which the linear method decays; in [0, 1]. Default 0.3. */
  iouThreshold?: number;
  /** Boxes whose (decayed) score falls below this are dropped; in [0, 1]. Default 0.001. */
  scoreThreshold?: number;
  /** Stop after this many boxes are kept. Default Infinity. */
  maxDetections?: number;
}

/**
 * Result of {@link softNms}.
 *
 * @example
 * ```ts
 * const { indices, scores: decayed } = softNms(boxes, scores);
 * ```
 */
export interface SoftNmsResult {
  /** Kept box indices, in the order they were picked (non-increasing decayed score). */
  indices: Int32Array;
  /** The decayed score of each kept box, aligned with `indices`. */
  scores: Float32Array;
}

/**
 * Soft-NMS over flat xyxy boxes. Repeatedly picks the box with the highest current score
 * (ties: lowest index), keeps it, multiplies the score of every remaining box by a weight
 * of its IoU with the picked one, and drops boxes whose score is below `scoreThreshold`
 * (a box whose score equals the threshold stays, as in OpenCV's `softNMSBoxes`; boxes
 * that start below it never take part). IoU as in {@link nms} (no `+1`; empty boxes 0).
 * `NaN` scores are dropped. O(N²).
 *
 * @throws VisionError `INVALID_INPUT` when `boxes.length !== 4 * scores.length`;
 * `INVALID_OPTION` for an unknown method, `sigma <= 0`, thresholds outside [0, 1].
 *
 * @example
 * ```ts
 * const { indices, scores } = softNms(boxes, rawScores, { method: 'gaussian', sigma: 0.5 });
 * ```
 */
export function softNms(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: SoftNmsOptions = {},
): SoftNmsResult {
  checkOptionNames(options, 'softNms', optionNames<SoftNmsOptions>()(['method', 'sigma', 'iouThreshold', 'scoreThreshold', 'maxDetections']));
  const method = options.method ?? 'gaussian';
  if (method !== 'linear' && method !== 'gaussian') {
    throw new VisionError('INVALID_OPTION', `softNms: method must be 'linear' or 'gaussian'; got ${String(method)}`);
  }
  const sigma = options.sigma ?? 0.5;
  if (typeof sigma !== 'number' || !(sigma > 0) || !Number.isFinite(sigma)) {
    throw new VisionError('INVALID_OPTION', `softNms: sigma must be a positive finite number; got ${String(sigma)}`);
  }
  const iouThreshold = options.iouThreshold ?? 0.3;
  checkUnitInterval(iouThreshold, 'softNms: iouThreshold');
  const scoreThreshold = options.scoreThreshold ?? 0.001;
  checkUnitInterval(scoreThreshold, 'softNms: scoreThreshold');
  const maxDet = options.maxDetections ?? Infinity;
  checkCount(maxDet, 'softNms: maxDetections');
  const n = checkBoxArray(boxes, 'softNms: boxes');
  if (scores == null || n !== scores.length) {
    throw new VisionError(
      'INVALID_INPUT',
      `softNms: boxes must hold exactly 4 numbers per score (boxes.length === 4 * scores.length); got ${boxes.length} and ${scores?.length}`,
    );
  }

  // Live candidates, kept in ascending index order so the first maximum is the lowest index.
  const live = new Int32Array(n);
  const cur = new Float64Array(n);
  const area = new Float64Array(n);
  let nLive = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    cur[i] = s;
    area[i] = (boxes[i * 4 + 2] - boxes[i * 4]) * (boxes[i * 4 + 3] - boxes[i * 4 + 1]);
    if (s >= scoreThreshold) live[nLive++] = i;
  }
  const keptIdx: number[] = [];
  const keptScore: number[] = [];
  while (nLive > 0 && keptIdx.length < maxDet) {
    let best = 0;
    for (let q = 1; q < nLive; q++) if (cur[live[q]] > cur[live[best]]) best = q;
    const b = live[best];
    keptIdx.push(b);
    keptScore.push(cur[b]);
    const bx1 = boxes[b * 4];
    const by1 = boxes[b * 4 + 1];
    const bx2 = boxes[b * 4 + 2];
    const by2 = boxes[b * 4 + 3];
    let w = 0;
    for (let q = 0; q < nLive; q++) {
      const j = live[q];
      if (j === b) continue;
      const o = j * 4;
      const iw = Math.max(0, Math.min(bx2, boxes[o + 2]) - Math.max(bx1, boxes[o]));
      const ih = Math.max(0, Math.min(by2, boxes[o + 3]) - Math.max(by1, boxes[o + 1]));
      const inter = iw * ih;
      const union = area[b] + area[j] - inter;
      const ov = union > 0 ? inter / union : 0;
      if (method === 'linear') {
        if (ov > iouThreshold) cur[j] *= 1 - ov;
      } else {
        cur[j] *= Math.exp(-(ov * ov) / sigma);
      }
      if (cur[j] >= scoreThreshold) live[w++] = j;
    }
    nLive = w;
  }
  return { indices: Int32Array.from(keptIdx), scores: Float32Array.from(keptScore) };
}
