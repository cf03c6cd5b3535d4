/**
 * The one suppression step of every detector: family decoders return candidates, and this
 * decides which survive, with one options type for every method.
 */
import { VisionError } from '../../core/errors';
import { type DetectionCandidates, boxIsFinite } from '../detection/candidates';
import { checkBoxArray, checkCount, checkUnitInterval, checkOptionNames } from '../validate';
import { optionNames } from '../../core/known-options';
import { shownValue } from '../../core/shown-value';
import { nms } from './nms';
import { softNms } from './soft-nms';
import { weightedNms } from './weighted-nms';
import { fuseCandidates } from './fuse-candidates';

/**
 * How overlapping candidates are suppressed:
 * - `'greedy'`: hard NMS (torchvision `batched_nms` / `cv2.dnn.NMSBoxes` semantics, see `nms`);
 * - `'soft'`: Gaussian Soft-NMS, scores decay with overlap (see `softNms`);
 * - `'weighted'`: MediaPipe's weighted NMS, clusters are blended into one box (and keypoints) (see `weightedNms`);
 * - `'wbf'`: weighted boxes fusion of one model's boxes (see `weightedBoxesFusion`): clusters become their score-weighted mean box with the cluster's mean score; keypoints are dropped;
 * - `'none'`: NMS-free outputs (end-to-end models, models that suppressed in-graph): the first `maxDetections` candidates are kept as they are.
 *
 * @example
 * ```ts
 * const method: SuppressionMethod = 'weighted';
 * ```
 */
export type SuppressionMethod = 'greedy' | 'soft' | 'weighted' | 'wbf' | 'none';

const METHODS: readonly SuppressionMethod[] = ['greedy', 'soft', 'weighted', 'none', 'wbf'];

/**
 * Options of {@link suppressCandidates}, the same for every method and family.
 *
 * @example
 * ```ts
 * const options: SuppressionOptions = { method: 'greedy', iouThreshold: 0.45, agnostic: false, maxDetections: 100 };
 * ```
 */
export interface SuppressionOptions {
  /** Default `'greedy'`. */
  method?: SuppressionMethod;
  /** Overlap above which a candidate is suppressed (greedy), joins a cluster (weighted, wbf); unused by Gaussian soft-NMS and `'none'`. In [0, 1]; default 0.45. */
  iouThreshold?: number;
  /** Candidates of different classes suppress each other too. Default false: each class is suppressed on its own. */
  agnostic?: boolean;
  /** Keep at most this many. Default Infinity. */
  maxDetections?: number;
  /** Soft-NMS: width of the Gaussian decay (> 0). Default 0.5. */
  sigma?: number;
  /** Soft-NMS: candidates whose decayed score falls below this are dropped. In [0, 1]; default 0.001. */
  scoreThreshold?: number;
  /**
   * `'wbf'`: candidates scoring under this take no part in the fusion (a fused score is its
   * cluster's mean, which weak members drag down); they are kept after the fused boxes where
   * nothing of their class covers them by more than `iouThreshold`. In [0, 1]; default 0 (all fuse).
   */
  fuseScoreThreshold?: number;
}

/**
 * Candidates with optional N×K×2 keypoints (MediaPipe SSD heads), as family decoders return them.
 *
 * @example
 * ```ts
 * const c: KeypointedCandidates = { ...candidates, keypoints, numKeypoints: 6 };
 * ```
 */
export interface KeypointedCandidates extends DetectionCandidates {
  keypoints?: Float32Array;
  numKeypoints?: number;
}

/**
 * What survived {@link suppressCandidates}, best first: `indices` into the candidates, and
 * their boxes, scores, classes (and keypoints) — blended boxes for `'weighted'`, decayed
 * scores for `'soft'`.
 *
 * @example
 * ```ts
 * const { indices, boxes, scores, classIds } = suppressCandidates(candidates, { iouThreshold: 0.5 });
 * ```
 */
export interface SuppressedCandidates extends KeypointedCandidates {
  indices: Int32Array;
}

function checkOptions(options: SuppressionOptions): Required<Pick<SuppressionOptions, 'method' | 'iouThreshold' | 'maxDetections'>> {
  checkOptionNames(options, 'suppressCandidates', optionNames<SuppressionOptions>()(['method', 'iouThreshold', 'agnostic', 'maxDetections', 'sigma', 'scoreThreshold', 'fuseScoreThreshold']));
  if (options.agnostic !== undefined && typeof options.agnostic !== 'boolean') throw new VisionError('INVALID_OPTION', `suppressCandidates: agnostic is ${shownValue(options.agnostic)}; it must be true or false`);
  if (options.sigma !== undefined && !(typeof options.sigma === 'number' && options.sigma > 0 && Number.isFinite(options.sigma))) {
    throw new VisionError('INVALID_OPTION', `suppressCandidates: sigma is ${shownValue(options.sigma)}; it must be a finite number > 0`);
  }
  if (options.scoreThreshold !== undefined) checkUnitInterval(options.scoreThreshold, 'suppressCandidates: scoreThreshold');
  if (options.fuseScoreThreshold !== undefined) checkUnitInterval(options.fuseScoreThreshold, 'suppressCandidates: fuseScoreThreshold');
  const method = options.method ?? 'greedy';
  if (!METHODS.includes(method)) throw new VisionError('INVALID_OPTION', `suppressCandidates: method must be one of ${METHODS.join(', ')}; got ${String(method)}`);
  const iouThreshold = options.iouThreshold ?? 0.45;
  checkUnitInterval(iouThreshold, 'suppressCandidates: iouThreshold');
  const maxDetections = options.maxDetections ?? Infinity;
  checkCount(maxDetections, 'suppressCandidates: maxDetections');
  return { method, iouThreshold, maxDetections };
}

/** Soft or weighted NMS of one group of candidates: kept indices (into the group) with their scores, boxes and keypoints. */
function suppressGroup(c: KeypointedCandidates, method: 'soft' | 'weighted', iouThreshold: number, maxDetections: number, options: SuppressionOptions): SuppressedCandidates {
  if (method === 'weighted') {
    // a keypoint-less head (numKeypoints 0) decodes an empty keypoints array: nothing to blend
    const keypoints = (c.numKeypoints ?? 0) > 0 ? c.keypoints : undefined;
    const kept = weightedNms(c.boxes, c.scores, { iouThreshold, maxDetections, keypoints, numKeypoints: c.numKeypoints });
    const out: SuppressedCandidates = { indices: kept.indices, boxes: kept.boxes, scores: kept.scores, classIds: Int32Array.from(kept.indices, (i) => c.classIds[i]) };
    return keypoints ? { ...out, keypoints: kept.keypoints, numKeypoints: c.numKeypoints } : out;
  }
  const kept = softNms(c.boxes, c.scores, { method: 'gaussian', sigma: options.sigma, scoreThreshold: options.scoreThreshold, maxDetections });
  return { ...pick(c, kept.indices), scores: kept.scores };
}

/** The candidates at `indices`, in that order. */
function pick(c: KeypointedCandidates, indices: Int32Array): SuppressedCandidates {
  const k = c.numKeypoints ?? 0;
  const out: SuppressedCandidates = {
    indices,
    boxes: new Float32Array(indices.length * 4),
    scores: Float32Array.from(indices, (i) => c.scores[i]),
    classIds: Int32Array.from(indices, (i) => c.classIds[i]),
  };
  indices.forEach((i, n) => out.boxes.set(c.boxes.subarray(i * 4, i * 4 + 4), n * 4));
  if (c.keypoints && k > 0) {
    const keypoints = new Float32Array(indices.length * k * 2);
    indices.forEach((i, n) => keypoints.set(c.keypoints!.subarray(i * k * 2, (i + 1) * k * 2), n * k * 2));
    return { ...out, keypoints, numKeypoints: k };
  }
  return out;
}

/** Soft or weighted NMS class by class, merged by descending score (stable: class order, then rank). */
function suppressPerClass(c: KeypointedCandidates, method: 'soft' | 'weighted', iouThreshold: number, maxDetections: number, options: SuppressionOptions): SuppressedCandidates {
  const groups = new Map<number, number[]>();
  c.classIds.forEach((id, i) => {
    const members = groups.get(id);
    if (members) members.push(i);
    else groups.set(id, [i]);
  });
  const kept: { index: number; group: SuppressedCandidates; at: number }[] = [];
  for (const members of groups.values()) {
    const group = suppressGroup(pick(c, Int32Array.from(members)), method, iouThreshold, maxDetections, options);
    group.indices.forEach((local, at) => kept.push({ index: members[local], group, at }));
  }
  kept.sort((a, b) => b.group.scores[b.at] - a.group.scores[a.at]);
  const best = kept.slice(0, maxDetections);
  const k = c.numKeypoints ?? 0;
  const out: SuppressedCandidates = {
    indices: Int32Array.from(best, (e) => e.index),
    boxes: new Float32Array(best.length * 4),
    scores: Float32Array.from(best, (e) => e.group.scores[e.at]),
    classIds: Int32Array.from(best, (e) => c.classIds[e.index]),
  };
  best.forEach((e, n) => out.boxes.set(e.group.boxes.subarray(e.at * 4, e.at * 4 + 4), n * 4));
  if (c.keypoints && k > 0) {
    const keypoints = new Float32Array(best.length * k * 2);
    best.forEach((e, n) => keypoints.set(e.group.keypoints!.subarray(e.at * k * 2, (e.at + 1) * k * 2), n * k * 2));
    return { ...out, keypoints, numKeypoints: k };
  }
  return out;
}

/**
 * Suppresses overlapping detection candidates — the single NMS step after every family
 * decoder (YOLO, SSD, MediaPipe SSD, CenterNet, NanoDet, torchvision). Class-aware unless
 * `agnostic`; returns the survivors best first, at most `maxDetections`. Candidates whose box
 * holds NaN or ±Infinity, or whose score is NaN, are left out whatever the method (`indices`
 * still point into the candidates given).
 *
 * @throws VisionError `INVALID_OPTION` for an unknown method, a threshold outside [0, 1] or a bad count;
 * `INVALID_INPUT` when boxes and scores disagree in length.
 *
 * @example
 * ```ts
 * const candidates = decodeYoloV8(output, { numClasses: 80, threshold: 0.25 });
 * const final = suppressCandidates(candidates, { iouThreshold: 0.7, maxDetections: 300 });
 * final.classIds.forEach((c, k) => console.log(labels[c], final.scores[k]));
 * ```
 */
export function suppressCandidates(candidates: KeypointedCandidates, options: SuppressionOptions = {}): SuppressedCandidates {
  const checked = checkOptions(options);
  const n = checkBoxArray(candidates?.boxes, 'suppressCandidates: boxes');
  if (candidates.scores?.length !== n) {
    throw new VisionError('INVALID_INPUT', `suppressCandidates: boxes must hold 4 numbers per score; got ${candidates.boxes.length} and ${candidates.scores?.length}`);
  }
  // the safety net under every decoder: a NaN or infinite box would survive any method (its overlaps are NaN)
  let usable: Int32Array | undefined;
  for (let i = 0; i < n; i++) {
    if (boxIsFinite(candidates.boxes, i * 4) && !Number.isNaN(candidates.scores[i])) continue;
    usable = Int32Array.from({ length: n }, (_, k) => k).filter((k) => boxIsFinite(candidates.boxes, k * 4) && !Number.isNaN(candidates.scores[k]));
    break;
  }
  if (!usable) return suppressChecked(candidates, checked, options);
  const kept = suppressChecked(pick(candidates, usable), checked, options);
  return { ...kept, indices: kept.indices.map((k) => usable[k]) };
}

/** {@link suppressCandidates} of candidates whose boxes are all finite and scores all numbers. */
function suppressChecked(candidates: KeypointedCandidates, checked: ReturnType<typeof checkOptions>, options: SuppressionOptions): SuppressedCandidates {
  const { method, iouThreshold, maxDetections } = checked;
  const agnostic = options.agnostic === true;
  if (method === 'none') {
    return pick(candidates, Int32Array.from({ length: Math.min(maxDetections, candidates.scores.length) }, (_, i) => i));
  }
  if (method === 'greedy') {
    return pick(candidates, nms(candidates.boxes, candidates.scores, { iouThreshold, maxDetections, classIds: candidates.classIds, agnostic }));
  }
  if (method === 'wbf') return fuseCandidates(candidates, iouThreshold, maxDetections, agnostic, options.fuseScoreThreshold);
  if (agnostic || new Set(candidates.classIds).size <= 1) {
    return suppressGroup(candidates, method, iouThreshold, maxDetections, options);
  }
  return suppressPerClass(candidates, method, iouThreshold, maxDetections, options);
}
