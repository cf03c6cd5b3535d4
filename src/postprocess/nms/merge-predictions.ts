/**
 * Merging the detections of several predictions of one image — test-time views or the
 * members of an ensemble — into one set: weighted boxes fusion, or NMS over them all.
 */
import { VisionError } from '../../core/errors';
import type { DetectionCandidates } from '../detection/candidates';
import { checkCount, checkUnitInterval, checkOptionNames } from '../validate';
import { optionNames } from '../../core/known-options';
import { suppressCandidates } from './suppress';
import { FUSION_CONFIDENCES, type FusionConfidence, weightedBoxesFusion } from './wbf';
import { shownData } from '../../core/shown-value';

/**
 * How predictions are merged: `'wbf'` (weighted boxes fusion, the default), `'nms'` (greedy
 * NMS over all boxes) or `'soft-nms'` (Gaussian soft-NMS over all boxes).
 *
 * @example
 * ```ts
 * const merge: MergeMethod = 'soft-nms';
 * ```
 */
export type MergeMethod = 'wbf' | 'nms' | 'soft-nms';

/** The merge methods, for option checks and messages. @example `MERGE_METHODS.includes('wbf')` */
export const MERGE_METHODS: readonly MergeMethod[] = ['wbf', 'nms', 'soft-nms'];

/**
 * Options of {@link mergePredictions}.
 *
 * @example
 * ```ts
 * const options: MergeOptions = { method: 'wbf', weights: [2, 1], iouThreshold: 0.55 };
 * ```
 */
export interface MergeOptions {
  /** Default `'wbf'`. */
  method?: MergeMethod;
  /** One positive weight per prediction (default 1 each). WBF weighs boxes by it; NMS scales scores by weight / max weight. */
  weights?: readonly number[];
  /** WBF: IoU to join a fused box (default 0.55); NMS: IoU to suppress (default 0.45). In [0, 1]. */
  iouThreshold?: number;
  /** WBF confidence (default `'avg'`: a box that only some predictions found loses score). */
  confType?: FusionConfidence;
  /** Boxes of different classes merge too. Default false. */
  agnostic?: boolean;
  /** Keep at most this many. Default Infinity. */
  maxDetections?: number;
  /** Drop merged boxes scoring under this, in [0, 1] (soft-NMS: its score floor, so no decayed copy stays below it). Default 0. */
  scoreThreshold?: number;
}

/**
 * Merged detections, best first, and for each how many boxes it merged (1 for NMS) and where
 * its best box came from: which prediction, and which box of it (for WBF the highest-scoring
 * box of the cluster) — to carry what the boxes do not hold, such as keypoints.
 *
 * @example
 * ```ts
 * const { boxes, scores, classIds, counts, sourcePrediction, sourceIndex } = mergePredictions([a, b], 640, 480);
 * ```
 */
export interface MergedPredictions extends DetectionCandidates {
  counts: Int32Array;
  sourcePrediction: Int32Array;
  sourceIndex: Int32Array;
}

function checkWeights(weights: readonly number[] | undefined, count: number): number[] {
  if (weights === undefined) return Array.from({ length: count }, () => 1);
  if (!Array.isArray(weights) || weights.length !== count || weights.some((w) => typeof w !== 'number' || !(w > 0) || !Number.isFinite(w))) {
    throw new VisionError('INVALID_OPTION', `weights must be ${count} positive finite numbers (one per prediction); got ${shownData(weights)}`);
  }
  const top = Math.max(...weights); // only ratios matter; relative to the largest, nothing overflows
  return weights.map((w) => w / top);
}

/** Throws `INVALID_INPUT` unless `predictions` is an array of candidates whose boxes, scores and class ids agree. */
function checkPredictions(predictions: readonly DetectionCandidates[]): void {
  if (!Array.isArray(predictions)) throw new VisionError('INVALID_INPUT', `mergePredictions: predictions must be an array of { boxes, scores, classIds }; got ${typeof predictions}`);
  for (const [i, p] of predictions.entries()) {
    const n = p?.scores?.length;
    if (typeof n !== 'number' || p.boxes?.length !== n * 4 || p.classIds?.length !== n) {
      throw new VisionError('INVALID_INPUT', `mergePredictions: predictions[${i}] must be { boxes (4 per box), scores, classIds } of one length; got ${p === null ? 'null' : `${String(p?.boxes?.length)} box values, ${String(n)} scores, ${String(p?.classIds?.length)} class ids`}`);
    }
  }
}

/** How many of `scores` (best first) are at least `threshold` (all without one). */
function countPassing(scores: Float32Array | Float64Array, threshold: number | undefined): number {
  if (threshold === undefined) return scores.length;
  const first = scores.findIndex((s) => s < threshold);
  return first < 0 ? scores.length : first;
}

function checkSize(width: number, height: number): void {
  if (!(width > 0) || !(height > 0) || !Number.isFinite(width) || !Number.isFinite(height)) {
    throw new VisionError('INVALID_INPUT', `mergePredictions: image width and height must be positive numbers; got ${width}×${height}`);
  }
}

/** Whether box `i` of `boxes` has an area (zero-area boxes are left out of every merge, as `ensemble_boxes` does). */
const hasArea = (boxes: ArrayLike<number>, i: number): boolean => boxes[i * 4 + 2] > boxes[i * 4] && boxes[i * 4 + 3] > boxes[i * 4 + 1];

/** The predictions' boxes with an area, one set, scores weighted; `owner[k]`: the (prediction, box) of box k. */
function concatenate(predictions: readonly DetectionCandidates[], weights: readonly number[]): DetectionCandidates & { owner: [number, number][] } {
  const top = Math.max(...weights);
  const owner = predictions.flatMap((p, t) => Array.from(p.scores, (_, i): [number, number] => [t, i]).filter(([, i]) => hasArea(p.boxes, i)));
  const out = { boxes: new Float32Array(owner.length * 4), scores: new Float32Array(owner.length), classIds: new Int32Array(owner.length), owner };
  owner.forEach(([t, i], k) => {
    const p = predictions[t];
    out.boxes.set(p.boxes.subarray(i * 4, i * 4 + 4), k * 4);
    out.scores[k] = (p.scores[i] * weights[t]) / top;
    out.classIds[k] = p.classIds[i];
  });
  return out;
}

/**
 * Merges several predictions of one `width`×`height` image (boxes in its pixels) into one set,
 * best first: weighted boxes fusion on boxes normalised to the image (default), or greedy /
 * soft NMS over the union of all boxes. Under NMS and soft NMS, boxes without area (`x2 ≤ x1` or
 * `y2 ≤ y1`: a box a test-time view found in its padding, clipped to the image's edge) are left
 * out; weighted boxes fusion treats them as `ensemble_boxes` does (reversed corners swapped).
 *
 * @throws VisionError `INVALID_OPTION` for an unknown method, bad weights or thresholds;
 * `INVALID_INPUT` for a bad image size or mismatched arrays.
 *
 * @example
 * ```ts
 * const merged = mergePredictions([original, flipped], 640, 480, { method: 'wbf' });
 * merged.classIds.forEach((c, k) => console.log(labels[c], merged.scores[k]));
 * ```
 */
export function mergePredictions(predictions: readonly DetectionCandidates[], width: number, height: number, options: MergeOptions = {}): MergedPredictions {
  checkOptionNames(options, 'mergePredictions', optionNames<MergeOptions>()(['method', 'weights', 'iouThreshold', 'confType', 'agnostic', 'maxDetections', 'scoreThreshold']));
  const method = options.method ?? 'wbf';
  if (!MERGE_METHODS.includes(method)) throw new VisionError('INVALID_OPTION', `merge must be one of ${MERGE_METHODS.join(', ')}; got ${String(method)}`);
  if (options.agnostic !== undefined && typeof options.agnostic !== 'boolean') throw new VisionError('INVALID_OPTION', `mergePredictions: agnostic must be true or false; got ${String(options.agnostic)}`);
  if (options.confType !== undefined && !FUSION_CONFIDENCES.includes(options.confType)) {
    throw new VisionError('INVALID_OPTION', `mergePredictions: confType must be one of ${FUSION_CONFIDENCES.join(', ')}; got ${String(options.confType)}`);
  }
  const { scoreThreshold } = options;
  if (scoreThreshold !== undefined) checkUnitInterval(scoreThreshold, 'mergePredictions: scoreThreshold');
  checkPredictions(predictions);
  checkSize(width, height);
  const weights = checkWeights(options.weights, predictions.length);
  const maxDetections = options.maxDetections ?? Infinity;
  checkCount(maxDetections, 'mergePredictions: maxDetections');
  const agnostic = options.agnostic === true;
  if (method !== 'wbf') {
    const { owner, ...union } = concatenate(predictions, weights);
    const kept = suppressCandidates(union, {
      method: method === 'nms' ? 'greedy' : 'soft',
      iouThreshold: options.iouThreshold ?? 0.45,
      maxDetections,
      agnostic,
      scoreThreshold,
    });
    // kept.indices point into the concatenation: back to (prediction, box); best first, so those passing are a prefix
    const n = countPassing(kept.scores, scoreThreshold);
    return {
      boxes: kept.boxes.slice(0, n * 4),
      scores: kept.scores.slice(0, n),
      classIds: kept.classIds.slice(0, n),
      counts: new Int32Array(n).fill(1),
      sourcePrediction: Int32Array.from(kept.indices.subarray(0, n), (i) => owner[i][0]),
      sourceIndex: Int32Array.from(kept.indices.subarray(0, n), (i) => owner[i][1]),
    };
  }
  const iouThreshold = options.iouThreshold ?? 0.55;
  checkUnitInterval(iouThreshold, 'mergePredictions: iouThreshold');
  const scale = [width, height, width, height];
  const models = predictions.map((p) => ({
    boxes: p.boxes.map((v, i) => v / scale[i % 4]),
    scores: p.scores,
    labels: agnostic ? new Int32Array(p.scores.length) : p.classIds,
  }));
  const fused = weightedBoxesFusion(models, { weights, iouThreshold, confType: options.confType });
  const count = Math.min(maxDetections, countPassing(fused.scores, scoreThreshold));
  return {
    boxes: Float32Array.from(fused.boxes.subarray(0, count * 4), (v, i) => v * scale[i % 4]),
    scores: Float32Array.from(fused.scores.subarray(0, count)),
    classIds: Int32Array.from({ length: count }, (_, k) => predictions[fused.topModels[k]].classIds[fused.topIndices[k]]),
    counts: fused.counts.slice(0, count),
    sourcePrediction: Int32Array.from(fused.topModels.subarray(0, count)),
    sourceIndex: Int32Array.from(fused.topIndices.subarray(0, count)),
  };
}
