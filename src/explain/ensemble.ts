/**
 * Ensembles of object detectors: several detectors see the same image and their boxes are
 * merged — by weighted boxes fusion (default), greedy NMS or soft-NMS — into one result.
 */
import { isOptionsObject, shownData, shownValue } from '../core/shown-value';
import { VisionError, toVisionError } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import type { Detection } from '../core/types';
import { normalizeBoxes } from '../postprocess/box-format';
import type { DetectionCandidates } from '../postprocess/detection/candidates';
import { MERGE_METHODS, type MergeMethod, mergePredictions } from '../postprocess/nms/merge-predictions';
import { FUSION_CONFIDENCES, type FusionConfidence } from '../postprocess/nms/wbf';
import { knownOptions } from '../core/known-options';
import type { DetectionResult, DetectionRunOptions } from '../pipelines/detection/detection-types';
import { imageToTensor } from '../core/image-tensor';

/**
 * What an ensemble needs of a member: a detection pipeline (`pipeline('object-detection')`)
 * or anything shaped like one.
 *
 * @example
 * ```ts
 * const member: EnsembleMember = await pipeline('object-detection', { model: 'nanodet-coco' });
 * ```
 */
export interface EnsembleMember {
  readonly spec: { readonly id: string; readonly labels: readonly string[] };
  run(input: ImageInput, options?: DetectionRunOptions): Promise<DetectionResult>;
  dispose(): void;
}

/**
 * Options of {@link ensemble}.
 *
 * @example
 * ```ts
 * const options: EnsembleOptions = { weights: [2, 1, 1], merge: 'wbf', iouThreshold: 0.55 };
 * ```
 */
export interface EnsembleOptions {
  /** One positive weight per detector. Default 1 each. */
  weights?: readonly number[];
  /** Default `'wbf'`. With `'soft-nms'`, a box decayed below every score the detectors reported is dropped. */
  merge?: MergeMethod;
  /** IoU for the merge, in [0, 1]. Default 0.55 for WBF, 0.45 for NMS. */
  iouThreshold?: number;
  /** WBF confidence type (default `'avg'`: a box fewer detectors found scores lower). */
  confType?: FusionConfidence;
  /** Minimum merged score, in [0, 1]. Default 0 (each detector's own threshold already applied). */
  threshold?: number;
  /** Most detections to return, at least 1. Default 100. */
  maxDetections?: number;
  /** Boxes of different classes merge too. Default false. */
  agnostic?: boolean;
}

function differenceOf(a: readonly string[], b: readonly string[]): string {
  if (a.length !== b.length) return `${a.length} vs ${b.length} classes`;
  const at = a.findIndex((label, i) => label !== b[i]);
  return `class ${at} is '${a[at]}' vs '${b[at]}'`;
}

function checkOptions(detectors: readonly EnsembleMember[], options: EnsembleOptions): void {
  if (options == null || typeof options !== 'object') throw new VisionError('INVALID_OPTION', 'ensemble: options must be an object');
  knownOptions(options, 'ensemble: options', ['weights', 'merge', 'iouThreshold', 'confType', 'threshold', 'maxDetections', 'agnostic']);
  if (options.agnostic !== undefined && typeof options.agnostic !== 'boolean') throw new VisionError('INVALID_OPTION', `ensemble: agnostic must be true or false; got ${shownData(options.agnostic)}`);
  if (options.confType !== undefined && !FUSION_CONFIDENCES.includes(options.confType)) {
    throw new VisionError('INVALID_OPTION', `ensemble: confType must be one of ${FUSION_CONFIDENCES.join(', ')}; got ${shownData(options.confType)}`);
  }
  if (options.merge !== undefined && !MERGE_METHODS.includes(options.merge)) {
    throw new VisionError('INVALID_OPTION', `ensemble: merge must be one of ${MERGE_METHODS.join(', ')}; got ${String(options.merge)}`);
  }
  const { weights } = options;
  if (weights !== undefined && (!Array.isArray(weights) || weights.length !== detectors.length || weights.some((w) => typeof w !== 'number' || !(w > 0) || !Number.isFinite(w)))) {
    throw new VisionError('INVALID_OPTION', `ensemble: weights must be ${detectors.length} positive finite numbers (one per detector); got ${shownData(weights)}`);
  }
  for (const [name, value] of [['threshold', options.threshold], ['iouThreshold', options.iouThreshold]] as const) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && value <= 1)) throw new VisionError('INVALID_OPTION', `ensemble: ${name} is ${shownValue(value)}; it must be a number in [0, 1]`);
  }
  const max = options.maxDetections;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) throw new VisionError('INVALID_OPTION', `ensemble: maxDetections is ${shownValue(max)}; it must be an integer ≥ 1`);
}

function checkMembers(detectors: readonly EnsembleMember[]): void {
  if (!Array.isArray(detectors) || detectors.length < 2) {
    throw new VisionError('INVALID_OPTION', `ensemble: needs an array of at least 2 detectors; got ${Array.isArray(detectors) ? detectors.length : typeof detectors}`);
  }
  for (const [i, d] of detectors.entries()) {
    if (d == null || typeof d.run !== 'function' || typeof d.dispose !== 'function' || !Array.isArray(d.spec?.labels)) {
      throw new VisionError('INVALID_OPTION', `ensemble: detector ${i} is not a detection pipeline (needs run(), dispose() and spec.labels)`);
    }
  }
  const first = detectors[0].spec;
  detectors.slice(1).forEach((d, k) => {
    if (d.spec.labels.length !== first.labels.length || d.spec.labels.some((label: string, i: number) => label !== first.labels[i])) {
      throw new VisionError(
        'INVALID_OPTION',
        `ensemble: detectors must share one label space; detector 0 (${first.id}) and detector ${k + 1} (${d.spec.id}) differ: ${differenceOf(first.labels, d.spec.labels)}`,
      );
    }
  });
}

function candidatesOf(detections: readonly Detection[]): DetectionCandidates {
  return {
    boxes: Float32Array.from(detections.flatMap((d) => [d.box.x1, d.box.y1, d.box.x2, d.box.y2])),
    scores: Float32Array.from(detections, (d) => d.score),
    classIds: Int32Array.from(detections, (d) => d.classId),
  };
}

/**
 * Detectors run as one (see {@link ensemble}): `run` gives a merged {@link DetectionResult};
 * `dispose` frees every member.
 *
 * @example
 * ```ts
 * const { detections } = await combined.run(photo);
 * combined.dispose();
 * ```
 */
export class DetectorEnsemble {
  readonly task = 'object-detection';
  /** The shared label space. */
  readonly labels: readonly string[];
  private disposed = false;

  constructor(
    private readonly members: readonly EnsembleMember[],
    private readonly options: EnsembleOptions,
  ) {
    this.labels = members[0].spec.labels;
  }

  /**
   * Runs every detector on the image (decoded once) with `options`, and merges their boxes. The
   * run's `threshold`, `maxDetections` and `agnostic` also hold for the merged detections (the
   * higher of the run's and the ensemble's threshold).
   *
   * @example
   * ```ts
   * const { detections } = await combined.run('street.jpg', { threshold: 0.3 });
   * ```
   */
  async run(input: ImageInput, options: DetectionRunOptions = {}): Promise<DetectionResult> {
    if (this.disposed) throw new VisionError('DISPOSED', 'this detector ensemble was disposed');
    // null options were a bare TypeError (reading threshold of null)
    if (!isOptionsObject(options as unknown)) throw new VisionError('INVALID_OPTION', `run options are ${shownValue(options)}; they must be an object (or left out)`);
    const cap: unknown = options.maxDetections;
    if (cap !== undefined && !(Number.isSafeInteger(cap) && (cap as number) >= 0)) throw new VisionError('INVALID_OPTION', `maxDetections is ${shownValue(cap)}; it must be a whole number ≥ 0`);
    const { tensor, owned } = await imageToTensor(input).catch((error: unknown) => {
      throw toVisionError(error, 'INVALID_INPUT', 'could not read the image for the detector ensemble');
    });
    const results: DetectionResult[] = [];
    try {
      // each member reports as many as it would (its own maxDetections): the run's cap is on the merged boxes
      for (const member of this.members) results.push(await member.run(tensor, { ...options, maxDetections: undefined }));
    } finally {
      if (owned) tensor.dispose();
    }
    const started = performance.now();
    const { width, height } = results[0].imageSize;
    const method = this.options.merge ?? 'wbf';
    // the run's threshold, maxDetections and agnostic hold for what it returns, as for one detector with TTA
    // (they reached the members only: merged scores fell below the threshold, more boxes came back than asked)
    const threshold = Math.max(this.options.threshold ?? 0, options.threshold ?? 0);
    // soft-NMS decays overlapping boxes instead of dropping them: a copy decayed below every score the members
    // reported (so below each member's own threshold) is dropped, as the pipeline's soft-NMS drops one below its threshold.
    // The scores compared are weighted as the merge weighs them (× weight ÷ the largest): a lower-weight member's lone boxes fell under the raw lowest
    const weights = this.options.weights ?? results.map(() => 1);
    const heaviest = Math.max(...weights);
    const lowest = Math.min(...results.flatMap((r, m) => r.detections.map((d) => (d.score * weights[m]) / heaviest)));
    const merged = mergePredictions(results.map((r) => candidatesOf(r.detections)), width, height, {
      method,
      weights: this.options.weights,
      iouThreshold: this.options.iouThreshold ?? (method === 'wbf' ? 0.55 : 0.45),
      confType: this.options.confType,
      agnostic: options.agnostic ?? this.options.agnostic,
      maxDetections: options.maxDetections ?? this.options.maxDetections ?? 100,
      scoreThreshold: method === 'soft-nms' && Number.isFinite(lowest) ? Math.max(threshold, lowest) : threshold,
    });
    const normalized = normalizeBoxes(merged.boxes, width, height);
    const detections: Detection[] = [];
    merged.scores.forEach((score, k) => {
      const box = (a: Float32Array) => ({ x1: a[k * 4], y1: a[k * 4 + 1], x2: a[k * 4 + 2], y2: a[k * 4 + 3] });
      const classId = merged.classIds[k];
      // keypoints (BlazeFace's) come from the member's detection the merged box is led by, as the detector's own TTA carries them
      const keypoints = results[merged.sourcePrediction[k]]?.detections[merged.sourceIndex[k]]?.keypoints;
      detections.push({ box: box(merged.boxes), boxNormalized: box(normalized), score, classId, label: this.labels[classId] ?? `class ${classId}`, ...(keypoints ? { keypoints } : {}) });
    });
    const sum = (key: 'preprocess' | 'inference' | 'postprocess' | 'total') => results.reduce((s, r) => s + r.timing[key], 0);
    const mergeTime = performance.now() - started;
    return { detections, imageSize: { width, height }, timing: { preprocess: sum('preprocess'), inference: sum('inference'), postprocess: sum('postprocess') + mergeTime, total: sum('total') + mergeTime } };
  }

  /** Frees every member detector; later runs throw `DISPOSED`. Safe to call twice. @example `combined.dispose();` */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const member of this.members) member.dispose();
  }
}

/**
 * Combines detectors that share one label space (e.g. CenterNet + NanoDet + COCO-SSD, or
 * the same trainable detector trained with two seeds) into one detector: each sees the image,
 * their boxes are merged by weighted boxes fusion (or NMS / soft-NMS) with per-detector
 * weights. The ensemble takes ownership: its `dispose()` disposes the members.
 *
 * @throws VisionError `INVALID_OPTION` for fewer than 2 detectors, different label spaces
 * (naming the detectors and the first difference), bad weights, thresholds or merge method.
 *
 * @example
 * ```ts
 * const combined = ensemble(
 *   [await pipeline('object-detection'), await pipeline('object-detection', { model: 'nanodet-coco' })],
 *   { weights: [2, 1], merge: 'wbf' },
 * );
 * const { detections } = await combined.run(photo);
 * ```
 */
export function ensemble(detectors: readonly EnsembleMember[], options: EnsembleOptions = {}): DetectorEnsemble {
  checkMembers(detectors);
  checkOptions(detectors, options);
  // its own weights: an array the caller changes later changes nothing
  return new DetectorEnsemble([...detectors], { ...options, ...(options.weights ? { weights: [...options.weights] } : {}) });
}
