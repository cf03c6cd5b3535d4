/**
 * Weighted boxes fusion (Solovyev, Wang, Gabruseva: "Weighted boxes fusion: combining
 * predictions of object detection models", Image and Vision Computing 2021): the boxes of
 * several models (or test-time views) that overlap are averaged, weighted by their scores,
 * instead of all but one being thrown away as NMS does.
 */
import { VisionError } from '../../core/errors';
import { optionalBoolean } from '../../core/optional-boolean';
import { checkBoxArray, checkUnitInterval, checkOptionNames } from '../validate';
import { optionNames } from '../../core/known-options';
import { iou } from './iou';
import { shownData } from '../../core/shown-value';

/**
 * How a fused box's confidence is computed, as the authors' reference implementation
 * (`ensemble_boxes.weighted_boxes_fusion`) defines it. With `s` the weighted scores
 * (score × model weight) of the cluster's `n` boxes, `W` the sum of all model weights:
 * - `'avg'`: mean(s) × min(models, n) / W (× n / W with `allowsOverflow`);
 * - `'max'`: max(s) / max weight;
 * - `'box_and_model_avg'`: mean(s) × n / (sum of the cluster's box weights) × (weights of the distinct models in the cluster) / W;
 * - `'absent_model_aware_avg'`: mean(s) × n / (sum of the cluster's box weights + weights of the models absent from it).
 *
 * @example
 * ```ts
 * const confType: FusionConfidence = 'max';
 * ```
 */
export type FusionConfidence = 'avg' | 'max' | 'box_and_model_avg' | 'absent_model_aware_avg';

/** Every {@link FusionConfidence}. @example `FUSION_CONFIDENCES.includes('avg'); // true` */
export const FUSION_CONFIDENCES: readonly FusionConfidence[] = ['avg', 'max', 'box_and_model_avg', 'absent_model_aware_avg'];

/**
 * One model's predictions: flat N×4 xyxy boxes, N scores and N integer labels.
 *
 * @example
 * ```ts
 * const model: FusionInput = { boxes: [0.1, 0.1, 0.5, 0.5], scores: [0.9], labels: [0] };
 * ```
 */
export interface FusionInput {
  boxes: ArrayLike<number>;
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
}

/**
 * Options of {@link weightedBoxesFusion}; defaults are the reference implementation's.
 *
 * @example
 * ```ts
 * const options: FusionOptions = { weights: [2, 1], iouThreshold: 0.55, skipBoxThreshold: 0.05, confType: 'avg' };
 * ```
 */
export interface FusionOptions {
  /** One positive finite weight per model (only their ratios matter). Default 1 each. */
  weights?: readonly number[];
  /** A box joins the fused box of its label it overlaps most when that IoU is strictly above this. In [0, 1]; default 0.55. */
  iouThreshold?: number;
  /** Boxes scoring below this are left out. In [0, 1]; default 0. */
  skipBoxThreshold?: number;
  /** Default `'avg'`. */
  confType?: FusionConfidence;
  /** `'avg'` only: let a fused score exceed the mean (n / W instead of min(models, n) / W). Default false. */
  allowsOverflow?: boolean;
  /**
   * Clip boxes to [0, 1] and swap reversed corners, as the reference does (it expects
   * normalised boxes). Default true; pass false for boxes in pixels (IoU does not depend on scale).
   */
  normalized?: boolean;
}

/**
 * Fused boxes, best first: flat xyxy `boxes`, `scores`, `labels`; for each fused box the
 * number of boxes it averages (`counts`) and its best member (`topModels[k]`, box `topIndices[k]` of that model).
 *
 * @example
 * ```ts
 * const { boxes, scores, labels } = weightedBoxesFusion([modelA, modelB]);
 * ```
 */
export interface FusionResult {
  boxes: Float64Array;
  scores: Float64Array;
  labels: Int32Array;
  counts: Int32Array;
  topModels: Int32Array;
  topIndices: Int32Array;
}

/** A box as fusion sees it: weighted score, its model's weight, index of model and box, corners. */
interface Member {
  score: number;
  weight: number;
  model: number;
  index: number;
  box: [number, number, number, number];
}

/** A fused box under construction: its members and the current weighted mean. */
interface Cluster {
  label: number;
  members: Member[];
  box: [number, number, number, number];
}

function checkModels(models: readonly FusionInput[]): void {
  if (!Array.isArray(models)) throw new VisionError('INVALID_INPUT', 'weightedBoxesFusion: models must be an array of { boxes, scores, labels }');
  for (const [t, m] of models.entries()) {
    const n = checkBoxArray(m?.boxes, `weightedBoxesFusion: models[${t}].boxes`);
    if (m.scores?.length !== n || m.labels?.length !== n) {
      throw new VisionError('INVALID_INPUT', `weightedBoxesFusion: models[${t}] must have one score and one label per box; got ${n} boxes, ${m.scores?.length} scores, ${m.labels?.length} labels`);
    }
  }
}

function checkWeights(weights: readonly number[] | undefined, count: number): number[] {
  if (weights === undefined) return Array.from({ length: count }, () => 1);
  if (!Array.isArray(weights) || weights.length !== count || weights.some((w) => typeof w !== 'number' || !(w > 0) || !Number.isFinite(w))) {
    throw new VisionError('INVALID_OPTION', `weightedBoxesFusion: weights must be ${count} positive finite numbers (one per model); got ${shownData(weights)}`);
  }
  // Only ratios matter: relative to the largest, sums of huge weights cannot overflow nor tiny ones underflow.
  const top = Math.max(...weights);
  return weights.map((w) => w / top);
}

/** Boxes kept by the score threshold, grouped by label, each group by descending weighted score. */
function groupByLabel(models: readonly FusionInput[], weights: readonly number[], skip: number, normalized: boolean): Map<number, Member[]> {
  const groups = new Map<number, Member[]>();
  const unit = (v: number) => (normalized ? Math.min(1, Math.max(0, v)) : v);
  models.forEach((m, model) => {
    for (let j = 0; j < m.scores.length; j++) {
      const score = m.scores[j];
      if (!(score >= skip)) continue;
      const o = j * 4;
      let [x1, y1, x2, y2] = [m.boxes[o], m.boxes[o + 1], m.boxes[o + 2], m.boxes[o + 3]];
      if (normalized) {
        [x1, x2] = x2 < x1 ? [x2, x1] : [x1, x2];
        [y1, y2] = y2 < y1 ? [y2, y1] : [y1, y2];
      }
      const box: Member['box'] = [unit(x1), unit(y1), unit(x2), unit(y2)];
      // a NaN or infinite corner would make the fused box NaN; a NaN label was class 0
      if (!box.every(Number.isFinite) || !Number.isFinite(m.labels[j])) continue;
      if ((box[2] - box[0]) * (box[3] - box[1]) === 0) continue;
      const label = Math.trunc(m.labels[j]);
      const member: Member = { score: score * weights[model], weight: weights[model], model, index: j, box };
      const group = groups.get(label);
      if (group) group.push(member);
      else groups.set(label, [member]);
    }
  });
  for (const group of groups.values()) group.sort((a, b) => b.score - a.score);
  return groups;
}

/** Score-weighted mean of the members' corners. */
function meanBox(members: readonly Member[]): Cluster['box'] {
  const sum = [0, 0, 0, 0];
  let total = 0;
  for (const m of members) {
    for (let c = 0; c < 4; c++) sum[c] += m.score * m.box[c];
    total += m.score;
  }
  return total > 0 ? [sum[0] / total, sum[1] / total, sum[2] / total, sum[3] / total] : [...members[0].box];
}

/** The cluster whose fused box overlaps `box` most, strictly above `threshold` (first on ties), or -1. */
function bestMatch(clusters: readonly Cluster[], box: Member['box'], threshold: number): number {
  let best = -1;
  let bestIou = threshold;
  for (let i = 0; i < clusters.length; i++) {
    const overlap = iou(clusters[i].box, 0, box, 0);
    if (overlap > bestIou) {
      best = i;
      bestIou = overlap;
    }
  }
  return best;
}

function fusedScore(members: readonly Member[], weights: readonly number[], confType: FusionConfidence, allowsOverflow: boolean): number {
  const n = members.length;
  const mean = members.reduce((s, m) => s + m.score, 0) / n;
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const clusterWeight = members.reduce((s, m) => s + m.weight, 0);
  const present = new Set(members.map((m) => m.model));
  switch (confType) {
    case 'max':
      return Math.max(...members.map((m) => m.score)) / Math.max(...weights);
    case 'box_and_model_avg': {
      const presentWeight = [...present].reduce((s, t) => s + weights[t], 0);
      return ((mean * n) / clusterWeight) * (presentWeight / totalWeight);
    }
    case 'absent_model_aware_avg': {
      const absentWeight = weights.reduce((s, w, t) => (present.has(t) ? s : s + w), 0);
      return (mean * n) / (clusterWeight + absentWeight);
    }
    case 'avg':
      return (mean * (allowsOverflow ? n : Math.min(weights.length, n))) / totalWeight;
  }
}

/**
 * Weighted boxes fusion of the predictions of several models (or test-time views), label by
 * label: boxes are taken in descending weighted score (score × model weight); each joins the
 * fused box it overlaps most when that IoU is above `iouThreshold`, else starts a new one; a
 * fused box is the score-weighted mean of its members, and its confidence is rescaled by how
 * many models agree (see {@link FusionConfidence}). Same results as the authors' reference
 * implementation (golden-tested against a numpy transcription of it); output best first.
 * Boxes with a NaN or infinite corner or label are left out, as are zero-area ones.
 *
 * @throws VisionError `INVALID_INPUT` for boxes, scores and labels of different lengths;
 * `INVALID_OPTION` for bad weights, thresholds or confidence type.
 *
 * @example
 * ```ts
 * const fused = weightedBoxesFusion(
 *   [{ boxes: [0.1, 0.1, 0.5, 0.5], scores: [0.9], labels: [0] }, { boxes: [0.12, 0.1, 0.52, 0.5], scores: [0.7], labels: [0] }],
 *   { iouThreshold: 0.55 },
 * );
 * fused.boxes; // [0.1088, 0.1, 0.5088, 0.5]: one box, pulled towards the more confident model
 * ```
 */
export function weightedBoxesFusion(models: readonly FusionInput[], options: FusionOptions = {}): FusionResult {
  checkOptionNames(options, 'weightedBoxesFusion', optionNames<FusionOptions>()(['weights', 'iouThreshold', 'skipBoxThreshold', 'confType', 'allowsOverflow', 'normalized']));
  checkModels(models);
  const weights = checkWeights(options.weights, models.length);
  const iouThreshold = options.iouThreshold ?? 0.55;
  checkUnitInterval(iouThreshold, 'weightedBoxesFusion: iouThreshold');
  const skip = options.skipBoxThreshold ?? 0;
  checkUnitInterval(skip, 'weightedBoxesFusion: skipBoxThreshold');
  const confType = options.confType ?? 'avg';
  if (!FUSION_CONFIDENCES.includes(confType)) {
    throw new VisionError('INVALID_OPTION', `weightedBoxesFusion: confType must be one of ${FUSION_CONFIDENCES.join(', ')}; got ${String(confType)}`);
  }
  const fused: { label: number; score: number; box: Cluster['box']; count: number; top: Member }[] = [];
  const normalized = optionalBoolean(options.normalized, 'weightedBoxesFusion: normalized') ?? true;
  const allowsOverflow = optionalBoolean(options.allowsOverflow, 'weightedBoxesFusion: allowsOverflow') ?? false;
  for (const [label, members] of groupByLabel(models, weights, skip, normalized)) {
    const clusters: Cluster[] = [];
    for (const member of members) {
      const at = bestMatch(clusters, member.box, iouThreshold);
      if (at < 0) {
        clusters.push({ label, members: [member], box: [...member.box] });
      } else {
        clusters[at].members.push(member);
        clusters[at].box = meanBox(clusters[at].members);
      }
    }
    for (const c of clusters) fused.push({ label, score: fusedScore(c.members, weights, confType, allowsOverflow), box: c.box, count: c.members.length, top: c.members[0] });
  }
  fused.sort((a, b) => b.score - a.score);
  return {
    boxes: Float64Array.from(fused.flatMap((f) => f.box)),
    scores: Float64Array.from(fused, (f) => f.score),
    labels: Int32Array.from(fused, (f) => f.label),
    counts: Int32Array.from(fused, (f) => f.count),
    topModels: Int32Array.from(fused, (f) => f.top.model),
    topIndices: Int32Array.from(fused, (f) => f.top.index),
  };
}

