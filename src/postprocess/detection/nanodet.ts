import { VisionError } from '../../core/errors';
import { optionNames } from '../../core/known-options';
import { checkOptionNames, checkPositiveInteger, checkUnitInterval } from '../validate';
import { type DetectionCandidates, boxIsFinite } from './candidates';

/**
 * One level of a GFL-style (NanoDet) head: class scores `[cells, numClasses]` (already
 * sigmoid) and box regression `[cells, 4 × (regMax + 1)]` (per side: logits over distance
 * bins), for a `gridWidth × gridHeight` grid at `stride` input pixels per cell.
 *
 * @example
 * ```ts
 * const level: GflLevel = { scores, regression, stride: 8, gridWidth: 52, gridHeight: 52 };
 * ```
 */
export interface GflLevel {
  scores: ArrayLike<number>;
  regression: ArrayLike<number>;
  stride: number;
  gridWidth: number;
  gridHeight: number;
}

/**
 * Options of {@link decodeGfl}.
 *
 * @example
 * ```ts
 * const options: GflDecodeOptions = { numClasses: 80, regMax: 10, threshold: 0.35, centerOffset: 0.5 };
 * ```
 */
export interface GflDecodeOptions {
  numClasses: number;
  /** Largest distance bin (bins per side = regMax + 1). NanoDet: 7 or 10. */
  regMax: number;
  /** Keep cells whose best class score is at least this. */
  threshold: number;
  /** Cell centre offset in cells: 0.5 for NanoDet (cell centres), 0 for NanoDet-Plus (cell corners). */
  centerOffset?: number;
}

const DECODE_OPTION_NAMES = /* @__PURE__ */ optionNames<GflDecodeOptions>()(['numClasses', 'regMax', 'threshold', 'centerOffset']);

/**
 * Decodes a Generalized-Focal-Loss head (NanoDet): for each cell whose best class score passes
 * the threshold, each side's distance is the expectation of the softmax over its bins, times
 * the stride, measured from the cell centre. Returns candidates (best class per cell) in
 * model-input pixels, ready for NMS. A cell whose box is not finite (NaN or ±Infinity in its
 * regression) is dropped.
 *
 * @throws VisionError `INVALID_OPTION` for an option name it does not take or a value out of
 * range; `MODEL_FORMAT` for a level whose sizes do not fit its grid.
 * @example
 * ```ts
 * const candidates = decodeGfl(levels, { numClasses: 80, regMax: 10, threshold: 0.35 });
 * ```
 */
export function decodeGfl(levels: readonly GflLevel[], options: GflDecodeOptions): DetectionCandidates {
  checkOptionNames(options, 'decodeGfl', DECODE_OPTION_NAMES);
  const { numClasses, regMax, threshold } = options;
  checkPositiveInteger(numClasses, 'decodeGfl: numClasses');
  checkPositiveInteger(regMax, 'decodeGfl: regMax');
  checkUnitInterval(threshold, 'decodeGfl: threshold');
  if (options.centerOffset !== undefined && !(options.centerOffset >= 0 && options.centerOffset <= 1)) {
    throw new VisionError('INVALID_OPTION', `decodeGfl: centerOffset must be a number in [0, 1] (cells); got ${String(options.centerOffset)}`);
  }
  const bins = regMax + 1;
  const offset = options.centerOffset ?? 0.5;
  const boxes: number[] = [];
  const scores: number[] = [];
  const classIds: number[] = [];
  const probabilities = new Float64Array(bins);
  if (!Array.isArray(levels)) throw new VisionError('INVALID_INPUT', `decodeGfl: levels must be an array of { stride, gridWidth, gridHeight, scores, regression }; got ${String(levels)}`);
  for (const [i, level] of levels.entries()) {
    for (const key of ['stride', 'gridWidth', 'gridHeight'] as const) {
      // a stride of 0 gave zero-size boxes at full score; a negative grid was read as empty
      if (!Number.isSafeInteger(level?.[key]) || level[key] <= 0) throw new VisionError('INVALID_INPUT', `decodeGfl: levels[${i}].${key} is ${String(level?.[key])}; it must be a positive integer`);
    }
    const cells = level.gridWidth * level.gridHeight;
    if (level.scores.length !== cells * numClasses || level.regression.length !== cells * 4 * bins) {
      throw new VisionError(
        'MODEL_FORMAT',
        `GFL level at stride ${level.stride} has ${level.scores.length} scores and ${level.regression.length} regression values; a ${level.gridWidth}×${level.gridHeight} grid needs ${cells * numClasses} and ${cells * 4 * bins}`,
      );
    }
    for (let cell = 0; cell < cells; cell++) {
      let best = -1;
      let bestScore = threshold;
      for (let c = 0, o = cell * numClasses; c < numClasses; c++) {
        const s = level.scores[o + c];
        // at or above the threshold, and on a tie the first class (as torch's max / argmax)
        if (best < 0 ? s >= bestScore : s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      if (best < 0) continue;
      const cx = ((cell % level.gridWidth) + offset) * level.stride;
      const cy = (Math.floor(cell / level.gridWidth) + offset) * level.stride;
      const distances = [0, 0, 0, 0];
      for (let side = 0; side < 4; side++) {
        const base = (cell * 4 + side) * bins;
        let max = -Infinity;
        for (let b = 0; b < bins; b++) max = Math.max(max, level.regression[base + b]);
        let sum = 0;
        for (let b = 0; b < bins; b++) {
          probabilities[b] = Math.exp(level.regression[base + b] - max);
          sum += probabilities[b];
        }
        let expectation = 0;
        for (let b = 0; b < bins; b++) expectation += (probabilities[b] / sum) * b;
        distances[side] = expectation * level.stride;
      }
      const box = Float32Array.of(cx - distances[0], cy - distances[1], cx + distances[2], cy + distances[3]);
      if (!boxIsFinite(box, 0)) continue; // NaN or Infinity in the cell's regression (or past float32)
      boxes.push(...box);
      scores.push(bestScore);
      classIds.push(best);
    }
  }
  return { boxes: Float32Array.from(boxes), scores: Float32Array.from(scores), classIds: Int32Array.from(classIds) };
}
