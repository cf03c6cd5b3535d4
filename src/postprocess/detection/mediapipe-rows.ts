/**
 * Decoding the single-class MediaPipe SSD detectors (BlazeFace, the palm detector): rows of score
 * logit, box and K keypoints as anchor offsets in input pixels, with MediaPipe's anchors and
 * `TensorsToDetectionsCalculator` decoding, then greedy class-agnostic NMS.
 */
import { VisionError } from '../../core/errors';
import { suppressCandidates } from '../nms/suppress';
import { optionNames } from '../../core/known-options';
import { checkCount, checkOptionNames, checkUnitInterval } from '../validate';
import { decodeMediapipeSsd } from './mediapipe-ssd';
import { type MediapipeAnchorOptions, mediapipeSsdAnchors } from './mediapipe-ssd-anchors';

/**
 * One detection in detector-input pixels: box (x1, y1, x2, y2), score 0–1 and K keypoints (x, y).
 *
 * @example
 * ```ts
 * const [firstX, firstY] = detection.keypoints;
 * ```
 */
export interface MediapipeRowDetection {
  box: Float32Array;
  score: number;
  keypoints: Float32Array;
}

/**
 * What {@link decodeMediapipeRows} needs besides the rows.
 *
 * @example
 * ```ts
 * const options: MediapipeRowsOptions = { what: 'palm detector', keypoints: 7, minScore: 0.5, iouThreshold: 0.3, maxDetections: 2 };
 * ```
 */
export interface MediapipeRowsOptions {
  /** The model's name, for the error message. */
  what: string;
  /** Keypoints per row. */
  keypoints: number;
  /** Rows scoring below this (after the sigmoid) are dropped. */
  minScore: number;
  /** Greedy NMS overlap. */
  iouThreshold: number;
  /** Most detections kept, best first. */
  maxDetections: number;
}

const ROWS_OPTION_NAMES = /* @__PURE__ */ optionNames<MediapipeRowsOptions>()(['what', 'keypoints', 'minScore', 'iouThreshold', 'maxDetections']);

/**
 * Checks the options of a decoder built on {@link decodeMediapipeRows} (internal): only the
 * `names` it takes; `minScore` and `iouThreshold`, where set, in [0, 1]; the `countName`
 * option, where set, a non-negative integer (or Infinity).
 *
 * @throws VisionError `INVALID_OPTION` naming `fn` and the option.
 * @example
 * ```ts
 * checkRowDecodeOptions(options, 'decodePalmDetector', ['minScore', 'iouThreshold', 'maxPalms'], 'maxPalms');
 * ```
 */
export function checkRowDecodeOptions(options: object, fn: string, names: readonly string[], countName: string): void {
  checkOptionNames(options, fn, names);
  const values = options as Record<string, number | undefined>;
  for (const key of ['minScore', 'iouThreshold']) if (values[key] !== undefined) checkUnitInterval(values[key], `${fn}: ${key}`);
  if (values[countName] !== undefined) checkCount(values[countName], `${fn}: ${countName}`);
}

const anchorCache = new WeakMap<MediapipeAnchorOptions, Float32Array>();

function anchorsOf(options: MediapipeAnchorOptions): Float32Array {
  let anchors = anchorCache.get(options);
  if (!anchors) {
    anchors = mediapipeSsdAnchors(options);
    anchorCache.set(options, anchors);
  }
  return anchors;
}

/**
 * Decodes `[1, anchors, 1 + 4 + 2K]` detector rows into detections, best first (the anchors of
 * one options object are generated once).
 *
 * @throws VisionError `MODEL_FORMAT` when `rows` is not anchors × (5 + 2K) values; `INVALID_OPTION`
 * for an option name it does not take, or a value missing or out of range.
 *
 * @example
 * ```ts
 * const faces = decodeMediapipeRows(data, BLAZEFACE_FRONT_ANCHORS, { what: 'face detector', keypoints: 6, minScore: 0.5, iouThreshold: 0.3, maxDetections: 10 });
 * ```
 */
export function decodeMediapipeRows(rows: ArrayLike<number>, anchorOptions: MediapipeAnchorOptions, options: MediapipeRowsOptions): MediapipeRowDetection[] {
  checkRowDecodeOptions(options, 'decodeMediapipeRows', ROWS_OPTION_NAMES, 'maxDetections');
  if (typeof options.what !== 'string') throw new VisionError('INVALID_OPTION', `decodeMediapipeRows: what must be the model's name (a string); got ${String(options.what)}`);
  checkCount(options.keypoints, 'decodeMediapipeRows: keypoints');
  checkUnitInterval(options.minScore, 'decodeMediapipeRows: minScore');
  checkUnitInterval(options.iouThreshold, 'decodeMediapipeRows: iouThreshold');
  checkCount(options.maxDetections, 'decodeMediapipeRows: maxDetections');
  const row = 1 + 4 + options.keypoints * 2;
  const anchors = anchorsOf(anchorOptions);
  const n = anchors.length / 4;
  if (rows.length !== n * row) throw new VisionError('MODEL_FORMAT', `${options.what} output has ${rows.length} values; expected [1, ${n}, ${row}]`);
  // only rows whose raw logit can pass the threshold are decoded (sigmoid is monotonic; the
  // margin leaves the exact comparison to the decoder)
  const minLogit = options.minScore > 0 && options.minScore < 1 ? Math.log(options.minScore / (1 - options.minScore)) - 1e-6 : -Infinity;
  let kept = 0;
  for (let i = 0; i < n; i++) if (rows[i * row] >= minLogit) kept++;
  const scores = new Float32Array(kept);
  const coords = new Float32Array(kept * (row - 1));
  const keptAnchors = new Float32Array(kept * 4);
  for (let i = 0, k = 0; i < n; i++) {
    if (!(rows[i * row] >= minLogit)) continue;
    scores[k] = rows[i * row];
    for (let j = 1; j < row; j++) coords[k * (row - 1) + j - 1] = rows[i * row + j];
    for (let j = 0; j < 4; j++) keptAnchors[k * 4 + j] = anchors[i * 4 + j];
    k++;
  }
  const width = anchorOptions.inputSizeWidth;
  const height = anchorOptions.inputSizeHeight;
  const candidates = kept === 0 ? { boxes: scores, scores, classIds: new Int32Array(0) } : decodeMediapipeSsd(coords, scores, keptAnchors, {
    inputWidth: width, inputHeight: height, xScale: width, yScale: height, wScale: width, hScale: height,
    numKeypoints: options.keypoints, reverseOutputOrder: true, sigmoidScore: true, minScoreThresh: options.minScore,
  });
  const survivors = suppressCandidates(candidates, { method: 'greedy', agnostic: true, iouThreshold: options.iouThreshold, maxDetections: options.maxDetections });
  const size = options.keypoints * 2;
  const keypoints = survivors.keypoints ?? new Float32Array(survivors.scores.length * size);
  return Array.from(survivors.scores, (score, i) => ({
    box: survivors.boxes.slice(i * 4, i * 4 + 4),
    score,
    keypoints: keypoints.slice(i * size, (i + 1) * size),
  }));
}
