/**
 * COCO-style mean average precision of box detections, following pycocotools' `COCOeval`
 * (bbox, area range `all`, no crowd annotations): per image and class, detections sorted by
 * score (stable) and cut to `maxDetections`; greedy matching to the unmatched ground truth of
 * highest IoU ≥ t; precision envelope sampled at 101 recall points; classes without ground
 * truth left out. Golden-tested against a numpy transcription (scripts/make_map_fixtures.py).
 */
import { knownOptions, optionNames } from '../core/known-options';
import { VisionError } from '../core/errors';
import { isOptionsObject, shownValue } from '../core/shown-value';
import type { Box } from '../core/types';

/**
 * Ground truth and detections of one image. Pipeline `detections` can be passed as they are.
 *
 * @example
 * ```ts
 * const image: MapImage = { groundTruth: [{ box, classId: 0 }], detections: result.detections };
 * ```
 */
export interface MapImage {
  groundTruth: readonly { box: Box; classId: number }[];
  detections: readonly { box: Box; classId: number; score: number }[];
}

/**
 * Options of {@link meanAveragePrecision}.
 *
 * @example
 * ```ts
 * meanAveragePrecision(images, { maxDetections: 100 });
 * ```
 */
export interface MapOptions {
  /** Detections kept per image and class (COCO `maxDets`). Default 100. */
  maxDetections?: number;
}

/**
 * COCO-style results. A value is -1 where no class has ground truth (as pycocotools).
 *
 * @example
 * ```ts
 * const { map, map50, perClass } = meanAveragePrecision(images);
 * ```
 */
export interface MapResult {
  /** mAP@[.5:.95] (mean over IoU 0.50, 0.55, …, 0.95 and classes). */
  map: number;
  /** mAP@0.5. */
  map50: number;
  /** mAP@0.75. */
  map75: number;
  /** Mean over classes of the recall at IoU 0.5 with `maxDetections` (pycocotools AR at t = 0.5). */
  recall50: number;
  /** Per class with ground truth: AP@[.5:.95] and AP@0.5. */
  perClass: { classId: number; ap: number; ap50: number }[];
}

/** numpy.linspace(start, stop, num). */
function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : start + i * step));
}

/** COCO's IoU thresholds 0.50:0.05:0.95 and 101 recall thresholds. @example `COCO_IOU_THRESHOLDS[0] // 0.5` */
export const COCO_IOU_THRESHOLDS: readonly number[] = linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1);
const RECALL_THRESHOLDS = linspace(0, 1, Math.round(1 / 0.01) + 1);
const EPS = 2.220446049250313e-16; // np.spacing(1)

function iou(a: Box, b: Box): number {
  const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}

function stableByScore<T extends { score: number }>(items: readonly T[]): T[] {
  return items.map((d, i) => [d, i] as const).sort((p, q) => q[0].score - p[0].score || p[1] - q[1]).map(([d]) => d);
}

interface Matched {
  score: number;
  /** Per IoU threshold: matched a ground truth. */
  tp: boolean[];
}

/** COCOeval.evaluateImg for one image and class (no ignored ground truth). */
function matchImage(gts: readonly Box[], dets: readonly { box: Box; score: number }[], maxDet: number): Matched[] {
  const sorted = stableByScore(dets).slice(0, maxDet);
  const ious = sorted.map((d) => gts.map((g) => iou(d.box, g)));
  const out: Matched[] = sorted.map((d) => ({ score: d.score, tp: [] }));
  COCO_IOU_THRESHOLDS.forEach((t) => {
    const taken = new Array<boolean>(gts.length).fill(false);
    sorted.forEach((_, d) => {
      let best = Math.min(t, 1 - 1e-10);
      let m = -1;
      for (let g = 0; g < gts.length; g++) {
        if (taken[g]) continue;
        if (ious[d][g] < best) continue;
        best = ious[d][g];
        m = g;
      }
      if (m >= 0) taken[m] = true;
      out[d].tp.push(m >= 0);
    });
  });
  return out;
}

/** COCOeval.accumulate for one class and IoU threshold: 101-point interpolated precision, its mean, and the final recall. */
function averagePrecision(matched: readonly Matched[], numGt: number, tIndex: number): { ap: number; recall: number } {
  let tp = 0;
  let fp = 0;
  const rc: number[] = [];
  const pr: number[] = [];
  for (const d of matched) {
    if (d.tp[tIndex]) tp++;
    else fp++;
    rc.push(tp / numGt);
    pr.push(tp / (tp + fp + EPS));
  }
  for (let i = pr.length - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
  let sum = 0;
  let p = 0;
  for (const r of RECALL_THRESHOLDS) {
    while (p < rc.length && rc[p] < r) p++; // searchsorted(rc, r, side='left')
    if (p < rc.length) sum += pr[p];
  }
  return { ap: sum / RECALL_THRESHOLDS.length, recall: rc.length ? rc[rc.length - 1] : 0 };
}

/** A box for a message: its corners (the box itself is only shown as "an object"). */
const shownBox = (box: Box): string => `{ x1: ${box.x1}, y1: ${box.y1}, x2: ${box.x2}, y2: ${box.y2} }`;

/** A box is four finite corners with x2 ≥ x1 and y2 ≥ y1 (a COCO `[x, y, w, h]` given as corners is often inverted: it would score 0 unseen). */
function checkBox(box: Box, what: string): void {
  if (!box || ![box.x1, box.y1, box.x2, box.y2].every(Number.isFinite)) throw new VisionError('INVALID_INPUT', `${what} has a box with non-finite coordinates${box ? `: ${shownBox(box)}` : ''}`);
  if (box.x2 < box.x1 || box.y2 < box.y1) {
    throw new VisionError('INVALID_INPUT', `${what} has the box ${shownBox(box)}, whose x2 or y2 is smaller than its x1 or y1; boxes are corners x1, y1, x2, y2 (convert COCO's [x, y, width, height] first)`);
  }
}

/** A class id is a finite number (a NaN never equals itself, a string never equals a number: both would score 0 unseen). */
function checkClassId(classId: unknown, what: string): void {
  if (typeof classId !== 'number' || !Number.isFinite(classId)) throw new VisionError('INVALID_INPUT', `${what} has classId ${shownValue(classId)}; class ids must be finite numbers`);
}

/** The images' shape: an array of `{ groundTruth: [], detections: [] }`, each entry an object. */
function checkImages(images: unknown): void {
  if (!Array.isArray(images)) throw new VisionError('INVALID_INPUT', `meanAveragePrecision takes an array of images ({ groundTruth, detections }); got ${shownValue(images)}`);
  for (const [i, im] of (images as unknown[]).entries()) {
    const image = im as Partial<MapImage> | null;
    if (typeof image !== 'object' || image === null || !Array.isArray(image.groundTruth) || !Array.isArray(image.detections)) {
      throw new VisionError('INVALID_INPUT', `image ${i} is ${shownValue(im)}; each image is { groundTruth: [...], detections: [...] } (arrays, empty where there is nothing)`);
    }
    for (const [list, what] of [[image.groundTruth, 'ground truth'], [image.detections, 'detection']] as const) {
      for (const entry of list) if (typeof entry !== 'object' || entry === null) throw new VisionError('INVALID_INPUT', `image ${i} has a ${what} that is ${shownValue(entry)}; each is an object with box and classId`);
    }
  }
}

const MAP_OPTION_NAMES = /* @__PURE__ */ optionNames<MapOptions>()(['maxDetections']);

/**
 * COCO-style mAP@[.5:.95], mAP@0.5 and mAP@0.75 of detections against ground-truth boxes,
 * computed as pycocotools' `COCOeval` (iouType `bbox`, area range `all`, `maxDets` =
 * `maxDetections`, no crowd regions; boxes as x1, y1, x2, y2 in any one unit). One difference:
 * no area cut — pycocotools' `all` range still ignores ground truth whose annotated area is over
 * 1e10 (a 100 000-pixel square); here every box counts, whatever its unit.
 *
 * @throws VisionError `INVALID_INPUT` for images that are not `{ groundTruth, detections }` arrays, non-finite or inverted boxes (x2 < x1 or y2 < y1), scores that are not finite numbers, class ids that are not finite numbers; `INVALID_OPTION` for bad options.
 * @example
 * ```ts
 * const images = scenes.map((s, i) => ({ groundTruth: s.objects, detections: results[i].detections }));
 * const { map, map50 } = meanAveragePrecision(images);
 * ```
 */
export function meanAveragePrecision(images: readonly MapImage[], options: MapOptions = {}): MapResult {
  const given: unknown = options;
  if (!isOptionsObject(given)) throw new VisionError('INVALID_OPTION', `meanAveragePrecision options must be an object ({ maxDetections }); got ${shownValue(given)}`);
  knownOptions(options, 'meanAveragePrecision options', MAP_OPTION_NAMES);
  const maxDet = options.maxDetections ?? 100;
  if (!(Number.isInteger(maxDet) && maxDet > 0)) throw new VisionError('INVALID_OPTION', `maxDetections is ${maxDet}; it must be a positive integer`);
  checkImages(images);
  const classes = new Set<number>();
  images.forEach((im, i) => {
    im.groundTruth.forEach((g) => {
      checkBox(g.box, `image ${i} ground truth`);
      checkClassId(g.classId, `image ${i} ground truth`);
      classes.add(g.classId);
    });
    im.detections.forEach((d) => {
      checkBox(d.box, `image ${i} detection`);
      checkClassId(d.classId, `image ${i} detection`);
      if (typeof d.score !== 'number' || !Number.isFinite(d.score)) throw new VisionError('INVALID_INPUT', `image ${i} has a detection with score ${shownValue(d.score)}; scores must be finite numbers`);
    });
  });
  const perClass: MapResult['perClass'] = [];
  const recalls: number[] = [];
  const at75: number[] = [];
  for (const c of [...classes].sort((a, b) => a - b)) {
    let numGt = 0;
    const matched: Matched[] = [];
    for (const im of images) {
      const gts = im.groundTruth.filter((g) => g.classId === c).map((g) => g.box);
      numGt += gts.length;
      matched.push(...matchImage(gts, im.detections.filter((d) => d.classId === c), maxDet));
    }
    const all = stableByScore(matched);
    const results = COCO_IOU_THRESHOLDS.map((_, t) => averagePrecision(all, numGt, t));
    perClass.push({ classId: c, ap: results.reduce((s, r) => s + r.ap, 0) / results.length, ap50: results[0].ap });
    recalls.push(results[0].recall);
    at75.push(results[5].ap);
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : -1);
  return { map: mean(perClass.map((p) => p.ap)), map50: mean(perClass.map((p) => p.ap50)), map75: mean(at75), recall50: mean(recalls), perClass };
}
