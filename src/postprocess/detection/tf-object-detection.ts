/**
 * Decoder of TensorFlow Object Detection API exports with the box decoding inside the graph
 * (COCO-SSD): normalised `ymin, xmin, ymax, xmax` boxes and per-class probabilities indexed by
 * COCO category id − 1, as `@tensorflow-models/coco-ssd` reads them.
 */
import { VisionError } from '../../core/errors';
import { optionNames } from '../../core/known-options';
import { checkOptionNames, checkPositive, checkUnitInterval } from '../validate';
import { type DetectionCandidates, boxIsFinite } from './candidates';

/**
 * Options of {@link decodeTfObjectDetection}.
 *
 * @example
 * ```ts
 * const options: TfObjectDetectionOptions = { threshold: 0.5, inputWidth: 300, inputHeight: 300, classMap: COCO_ID_TO_80 };
 * ```
 */
export interface TfObjectDetectionOptions {
  /** A box is a candidate when its best class probability is `> threshold` (strictly, as tf.image.nonMaxSuppression). */
  threshold: number;
  /** Model-input size: the normalised boxes are scaled to it. */
  inputWidth: number;
  inputHeight: number;
  /** Maps a score column to the class id reported (−1: not a class, the row is dropped). Default: the column itself. */
  classMap?: ArrayLike<number>;
}

/**
 * For each of the 90 score columns of TF Object Detection API COCO models (column = COCO
 * category id − 1), the index in the 80-class COCO list, or −1 for the ten ids COCO never
 * used.
 *
 * @example
 * ```ts
 * COCO_LABELS[COCO_ID_TO_80[45]]; // 'wine glass' (COCO id 46 → column 45)
 * ```
 */
export const COCO_ID_TO_80: Int32Array = /* @__PURE__ */ (() => {
  const unused = new Set([12, 26, 29, 30, 45, 66, 68, 69, 71, 83]);
  const map = new Int32Array(90);
  let next = 0;
  for (let id = 1; id <= 90; id++) map[id - 1] = unused.has(id) ? -1 : next++;
  return map;
})();

const TF_OD_OPTION_NAMES = /* @__PURE__ */ optionNames<TfObjectDetectionOptions>()(['threshold', 'inputWidth', 'inputHeight', 'classMap']);

/**
 * Turns `scores` `[1, N, C]` and `boxes` `[1, N, 1, 4]` (normalised `ymin, xmin, ymax, xmax`)
 * into candidates in model-input pixels (xyxy): per row the best column (first maximum, as
 * `@tensorflow-models/coco-ssd`'s `calculateMaxScores`), kept when its score is above the
 * threshold, it maps to a class and its box is finite. Rows stay in order; NMS is the caller's (the peer runs
 * class-agnostic NMS).
 *
 * @throws VisionError `MODEL_FORMAT` when the two outputs do not agree in rows; `INVALID_OPTION` for an
 * option name it does not take, a threshold outside [0, 1] or a size that is not positive.
 *
 * @example
 * ```ts
 * const c = decodeTfObjectDetection(scores, 90, boxes, { threshold: 0.5, inputWidth: 300, inputHeight: 300, classMap: COCO_ID_TO_80 });
 * ```
 */
export function decodeTfObjectDetection(scores: Float32Array, numColumns: number, boxes: Float32Array, options: TfObjectDetectionOptions): DetectionCandidates {
  checkOptionNames(options, 'decodeTfObjectDetection', TF_OD_OPTION_NAMES);
  checkUnitInterval(options.threshold, 'decodeTfObjectDetection: threshold');
  checkPositive(options.inputWidth, 'decodeTfObjectDetection: inputWidth');
  checkPositive(options.inputHeight, 'decodeTfObjectDetection: inputHeight');
  const rows = boxes.length / 4;
  if (!Number.isInteger(rows) || scores.length !== rows * numColumns) {
    throw new VisionError('MODEL_FORMAT', `scores hold ${scores.length} values and boxes ${boxes.length}; expected ${numColumns} scores per box of 4 values`);
  }
  const { threshold, inputWidth: w, inputHeight: h, classMap } = options;
  const outBoxes: number[] = [];
  const outScores: number[] = [];
  const outClasses: number[] = [];
  for (let i = 0; i < rows; i++) {
    let best = Number.MIN_VALUE;
    let column = -1;
    for (let j = 0; j < numColumns; j++) {
      const s = scores[i * numColumns + j];
      if (s > best) {
        best = s;
        column = j;
      }
    }
    if (column < 0 || !(best > threshold)) continue;
    const classId = classMap ? classMap[column] : column;
    if (classId === undefined || classId < 0) continue;
    const b = i * 4;
    if (!boxIsFinite(boxes, b)) continue; // NaN or Infinity in the row's box
    outBoxes.push(boxes[b + 1] * w, boxes[b] * h, boxes[b + 3] * w, boxes[b + 2] * h);
    outScores.push(best);
    outClasses.push(classId);
  }
  return { boxes: Float32Array.from(outBoxes), scores: Float32Array.from(outScores), classIds: Int32Array.from(outClasses) };
}
