import { VisionError } from '../../core/errors';
import { optionNames } from '../../core/known-options';
import { checkOptionNames, checkPositiveInteger, checkUnitInterval } from '../validate';
import type { DetectionCandidates } from './candidates';

/**
 * Options of {@link decodeCenterNet}.
 *
 * @example
 * ```ts
 * const options: CenterNetDecodeOptions = { threshold: 0.3, numClasses: 80 };
 * ```
 */
export interface CenterNetDecodeOptions {
  /** Keep rows scoring at least this (in [0, 1]). */
  threshold: number;
  /** Classes the model has: rows with a class outside `[0, numClasses)` are dropped. */
  numClasses: number;
}

const DECODE_OPTION_NAMES = /* @__PURE__ */ optionNames<CenterNetDecodeOptions>()(['threshold', 'numClasses']);

/** Whether a row's box, as the float32 it is stored in, is finite with x2 > x1 and y2 > y1. */
function isProperBox(rows: ArrayLike<number>, o: number): boolean {
  const [x1, y1, x2, y2] = [0, 1, 2, 3].map((j) => Math.fround(rows[o + j]));
  return Number.isFinite(x1) && Number.isFinite(y1) && Number.isFinite(x2) && Number.isFinite(y2) && x2 > x1 && y2 > y1;
}

/**
 * Decodes CenterNet's in-graph top-k output `[1, N, 6]` (`x1, y1, x2, y2, score, class` in
 * input pixels) keeping candidates with `score >= threshold`, a finite class in
 * `[0, numClasses)` and a proper box: finite as float32, with `x2 > x1` and `y2 > y1` (absurd
 * inputs, such as an image of -1e30, make the model emit inverted boxes with score 1).
 *
 * @throws VisionError `INVALID_OPTION` for an option name it does not take, a threshold outside
 * [0, 1] or a class count that is not an integer ≥ 1; `INVALID_INPUT` for a row count that is not N×6.
 * @example
 * ```ts
 * const candidates = decodeCenterNet(outputs['tower_0/detections'].data, { threshold: 0.3, numClasses: 80 });
 * ```
 */
export function decodeCenterNet(rows: ArrayLike<number>, options: CenterNetDecodeOptions): DetectionCandidates {
  checkOptionNames(options, 'decodeCenterNet', DECODE_OPTION_NAMES);
  checkUnitInterval(options.threshold, 'decodeCenterNet: threshold');
  checkPositiveInteger(options.numClasses, 'decodeCenterNet: numClasses');
  if (rows.length % 6 !== 0) {
    throw new VisionError('INVALID_INPUT', `CenterNet output has ${rows.length} values; expected N×6 (x1, y1, x2, y2, score, class)`);
  }
  const n = rows.length / 6;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const score = rows[i * 6 + 4];
    const cls = rows[i * 6 + 5];
    if (score >= options.threshold && Number.isInteger(cls) && cls >= 0 && cls < options.numClasses && isProperBox(rows, i * 6)) keep.push(i);
  }
  const boxes = new Float32Array(keep.length * 4);
  const scores = new Float32Array(keep.length);
  const classIds = new Int32Array(keep.length);
  keep.forEach((row, k) => {
    for (let j = 0; j < 4; j++) boxes[k * 4 + j] = rows[row * 6 + j];
    scores[k] = rows[row * 6 + 4];
    classIds[k] = rows[row * 6 + 5];
  });
  return { boxes, scores, classIds };
}
