/**
 * Greedy non-maximum suppression over flat xyxy boxes: class-agnostic, or class-aware
 * ("batched", boxes only suppress boxes of their own class). Golden-tested against
 * `torchvision.ops.nms`, `torchvision.ops.batched_nms` and `cv2.dnn.NMSBoxes`.
 */
import { VisionError } from '../../core/errors';
import { optionalBoolean } from '../../core/optional-boolean';
import { checkBoxArray, checkCount, checkUnitInterval, checkOptionNames } from '../validate';
import { optionNames } from '../../core/known-options';

/**
 * Options of {@link nms}.
 *
 * @example
 * ```ts
 * nms(boxes, scores, { iouThreshold: 0.45, scoreThreshold: 0.25, maxDetections: 100, classIds });
 * ```
 */
export interface NmsOptions {
  /**
   * A box is suppressed when its IoU with an already kept box is strictly greater than
   * this (torchvision and OpenCV semantics: IoU equal to the threshold is kept). In [0, 1];
   * default 0.5. 0 suppresses any overlap (touching boxes are kept); 1 suppresses nothing.
   */
  iouThreshold?: number;
  /**
   * When set, only boxes with `score > scoreThreshold` (strictly, as `cv2.dnn.NMSBoxes`)
   * take part. In [0, 1]. Default: unset, every non-NaN score takes part (as
   * `torchvision.ops.nms`, which has no score filter), zero and negative scores included.
   */
  scoreThreshold?: number;
  /** Stop after this many boxes are kept (the result is then a prefix of the full one). Default Infinity. */
  maxDetections?: number;
  /** Class of each box. When given (and `agnostic` is not true), NMS is per class. */
  classIds?: ArrayLike<number>;
  /** Ignore `classIds`: every box may suppress every other. Default false. */
  agnostic?: boolean;
  /**
   * Pre-filter: only the `topK` highest-scoring candidates (after the score threshold)
   * enter NMS, as `top_k` of `cv2.dnn.NMSBoxes` and `max_nms` of Ultralytics. This is not a
   * cap on the result; see `maxDetections`. Default Infinity.
   */
  topK?: number;
}

function checkOptions(options: NmsOptions): void {
  checkOptionNames(options, 'nms', optionNames<NmsOptions>()(['iouThreshold', 'scoreThreshold', 'maxDetections', 'classIds', 'agnostic', 'topK']));
  if (options.iouThreshold !== undefined) checkUnitInterval(options.iouThreshold, 'nms: iouThreshold');
  if (options.scoreThreshold !== undefined) checkUnitInterval(options.scoreThreshold, 'nms: scoreThreshold');
  if (options.maxDetections !== undefined) checkCount(options.maxDetections, 'nms: maxDetections');
  if (options.topK !== undefined) checkCount(options.topK, 'nms: topK');
}

/**
 * Candidate indices, by descending score; equal scores in ascending index (what the stable
 * sorts of torchvision's CPU kernel and OpenCV's `NMSBoxes` produce). NaN scores and
 * scores not above `scoreThreshold` are left out; at most `topK` are returned.
 */
function rankCandidates(
  scores: ArrayLike<number>,
  scoreThreshold: number | undefined,
  topK: number,
): Int32Array {
  const n = scores.length;
  const cand = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (s !== s) continue;
    if (scoreThreshold !== undefined && !(s > scoreThreshold)) continue;
    cand[m++] = i;
  }
  const order = cand.subarray(0, m);
  // the key packs the index below INDEX_SPAN: every index of `scores` must fit, not only the candidates' count
  if (scores instanceof Float32Array && n <= INDEX_SPAN) {
    sortFloat32ByKey(scores, order);
  } else {
    // `||` falls through on 0 and on NaN (Infinity - Infinity): the index decides.
    order.sort((a, b) => scores[b] - scores[a] || a - b);
  }
  return m > topK ? order.subarray(0, topK) : order;
}

const INDEX_SPAN = 2 ** 21;

/**
 * Sorts candidate indices by descending float32 score, ties by ascending index, with the
 * native numeric sort of one exact double key per candidate (2–3× faster than a comparator):
 * the score's bits mapped to an order-preserving unsigned integer (flipped for descending),
 * times 2^21, plus the index.
 */
function sortFloat32ByKey(scores: Float32Array, order: Int32Array): void {
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, scores.length);
  const keys = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const b = bits[i] === 0x80000000 ? 0 : bits[i]; // -0 ties with +0, as in the comparator
    const ascending = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    keys[k] = (0xffffffff - ascending) * INDEX_SPAN + i;
  }
  keys.sort();
  for (let k = 0; k < order.length; k++) order[k] = keys[k] % INDEX_SPAN;
}

/**
 * Greedy non-maximum suppression. Returns the indices (into `scores`) of the kept boxes in
 * descending score order, equal scores by ascending index.
 *
 * Semantics, matched exactly by the golden tests:
 * - IoU without `+1`, computed in double precision as torchvision does; a box is
 *   suppressed when `IoU > iouThreshold` with a kept box. Two empty boxes have IoU 0 and do
 *   not suppress each other (torchvision: `0/0 = NaN`, also never `>`; OpenCV instead calls
 *   them identical and suppresses).
 * - with `classIds`: batched NMS (`torchvision.ops.batched_nms`): boxes only suppress boxes
 *   of the same class; the result is still one list ordered by score across classes.
 * - `NaN` scores are dropped. Boxes must be valid xyxy (`x1 <= x2`, `y1 <= y2`); they are
 *   not checked, a box with a `NaN` coordinate suppresses nothing.
 *
 * Cost: one sort, then for each candidate one IoU per kept box, on typed arrays.
 *
 * @param boxes - flat N×4 `x1, y1, x2, y2`.
 * @param scores - N scores.
 * @throws VisionError `INVALID_INPUT` when `boxes.length !== 4 * scores.length` or
 * `classIds.length !== scores.length`; `INVALID_OPTION` for a threshold outside [0, 1] or a
 * negative / fractional `maxDetections` or `topK`.
 *
 * @example
 * ```ts
 * const boxes = new Float32Array([0, 0, 10, 10, 1, 1, 11, 11, 50, 50, 60, 60]);
 * const keep = nms(boxes, [0.9, 0.8, 0.7], { iouThreshold: 0.5 }); // Int32Array [0, 2]
 * const perClass = nms(boxes, scores, { classIds, scoreThreshold: 0.25, maxDetections: 300 });
 * ```
 */
export function nms(boxes: ArrayLike<number>, scores: ArrayLike<number>, options: NmsOptions = {}): Int32Array {
  checkOptions(options);
  const nBoxes = checkBoxArray(boxes, 'nms: boxes');
  if (scores == null || typeof scores.length !== 'number' || nBoxes !== scores.length) {
    throw new VisionError(
      'INVALID_INPUT',
      `nms: boxes must hold exactly 4 numbers per score (boxes.length === 4 * scores.length); got ${boxes.length} and ${scores?.length}`,
    );
  }
  const classIds = optionalBoolean(options.agnostic, 'nms: agnostic') ? undefined : options.classIds;
  if (classIds !== undefined && (classIds == null || classIds.length !== scores.length)) {
    throw new VisionError(
      'INVALID_INPUT',
      `nms: classIds must hold one class per score; got ${classIds?.length} for ${scores.length} scores`,
    );
  }
  const threshold = options.iouThreshold ?? 0.5;
  const maxDet = options.maxDetections ?? Infinity;
  const order = rankCandidates(scores, options.scoreThreshold, options.topK ?? Infinity);
  const m = order.length;

  // Gather candidates in rank order: contiguous memory for the inner loop.
  const c = new Float64Array(m * 4);
  const area = new Float64Array(m);
  const cls = classIds ? new Float64Array(m) : undefined;
  for (let k = 0; k < m; k++) {
    const o = order[k] * 4;
    const x1 = (c[k * 4] = boxes[o]);
    const y1 = (c[k * 4 + 1] = boxes[o + 1]);
    const x2 = (c[k * 4 + 2] = boxes[o + 2]);
    const y2 = (c[k * 4 + 3] = boxes[o + 3]);
    area[k] = (x2 - x1) * (y2 - y1);
    if (cls && classIds) cls[k] = classIds[order[k]];
  }

  const kept = new Int32Array(Math.min(m, maxDet));
  let nk = 0;
  for (let k = 0; k < m && nk < maxDet; k++) {
    const x1 = c[k * 4];
    const y1 = c[k * 4 + 1];
    const x2 = c[k * 4 + 2];
    const y2 = c[k * 4 + 3];
    const ak = area[k];
    let keep = true;
    for (let q = 0; q < nk; q++) {
      const p = kept[q];
      if (cls && cls[p] !== cls[k]) continue;
      const w = Math.max(0, Math.min(x2, c[p * 4 + 2]) - Math.max(x1, c[p * 4]));
      const h = Math.max(0, Math.min(y2, c[p * 4 + 3]) - Math.max(y1, c[p * 4 + 1]));
      const inter = w * h;
      // Same expression as torchvision's kernel; 0/0 = NaN is never > threshold.
      if (inter / (area[p] + ak - inter) > threshold) {
        keep = false;
        break;
      }
    }
    if (keep) kept[nk++] = k;
  }
  const out = new Int32Array(nk);
  for (let q = 0; q < nk; q++) out[q] = order[kept[q]];
  return out;
}

/**
 * Class-aware NMS under torchvision's name: `nms(boxes, scores, { ...options, classIds })`.
 *
 * @example
 * ```ts
 * const keep = batchedNms(boxes, scores, classIds, { iouThreshold: 0.45 });
 * ```
 */
export function batchedNms(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  classIds: ArrayLike<number>,
  options: Omit<NmsOptions, 'classIds' | 'agnostic'> = {},
): Int32Array {
  return nms(boxes, scores, { ...options, classIds, agnostic: false });
}
