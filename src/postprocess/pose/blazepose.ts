/**
 * BlazePose (MediaPipe Pose) decoding: the person detector's boxes and alignment keypoints, the
 * landmark model's `ld_3d` output → 33 landmarks, refined from its heatmap. (The region of
 * interest between them is `blazePoseRoi`, with the pose pipeline.)
 */
import { VisionError } from '../../core/errors';
import { BLAZEPOSE_DETECTOR_ANCHORS, mediapipeSsdAnchors } from '../detection/mediapipe-ssd-anchors';
import { decodeMediapipeSsd } from '../detection/mediapipe-ssd';
import { suppressCandidates } from '../nms/suppress';
import { optionNames } from '../../core/known-options';
import { checkCount, checkOptionNames, checkUnitInterval } from '../validate';
import { type RawPose, requireLength } from './raw-pose';

/** Landmarks the BlazePose models report (of the 39 in `ld_3d`; the last 6 are auxiliary). @example `pose.keypoints.length === BLAZEPOSE_NUM_LANDMARKS * 3` */
export const BLAZEPOSE_NUM_LANDMARKS = 33;

/**
 * The two auxiliary landmarks after the 33 (`ld_3d` rows 33 and 34): the hip centre and a point
 * on the body's circle, from which MediaPipe places the next frame's region of interest.
 *
 * @example `const [hipX, hipY, , circleX, circleY] = decodeBlazePoseAuxiliary(out.Identity_2.data);`
 */
export function decodeBlazePoseAuxiliary(ld3d: ArrayLike<number>): Float32Array {
  requireLength(ld3d, (BLAZEPOSE_NUM_LANDMARKS + 2) * 5, 'BlazePose ld_3d output [1, 195]');
  const aux = new Float32Array(6);
  for (let k = 0; k < 2; k++) {
    const row = (BLAZEPOSE_NUM_LANDMARKS + k) * 5;
    aux.set([ld3d[row], ld3d[row + 1], sigmoid(ld3d[row + 3])], k * 3);
  }
  return aux;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * One person found by the BlazePose detector, in detector-input pixels: its face box (xyxy),
 * score, and 4 alignment keypoints (x, y): hip centre, a point on the body's bounding circle,
 * shoulder centre, a point on the upper body's circle.
 *
 * @example
 * ```ts
 * const [hipX, hipY] = person.keypoints;
 * ```
 */
export interface BlazePosePerson {
  box: Float32Array;
  score: number;
  keypoints: Float32Array;
}

let anchorCache: Float32Array | null = null;

/**
 * Options of {@link decodeBlazePoseDetector}.
 *
 * @example
 * ```ts
 * const options: BlazePoseDetectorOptions = { minScore: 0.5, maxPeople: 2, suppression: 'weighted' };
 * ```
 */
export interface BlazePoseDetectorOptions {
  /** People scoring below this (0–1) are dropped. Default 0.5. */
  minScore?: number;
  /** Overlap above which boxes are one person. Default 0.3. */
  iouThreshold?: number;
  /** Most people kept, best first. Default 1. */
  maxPeople?: number;
  /** `weighted` (MediaPipe's blend of overlapping boxes, default) or `greedy` NMS. */
  suppression?: 'weighted' | 'greedy';
}

const DETECTOR_OPTION_NAMES = /* @__PURE__ */ optionNames<BlazePoseDetectorOptions>()(['minScore', 'iouThreshold', 'maxPeople', 'suppression']);

/**
 * Decodes the BlazePose detector output `[1, 2254, 13]` (per anchor: score logit, then box and
 * 4 keypoints as offsets) with MediaPipe's anchors, decoding and NMS — weighted, as MediaPipe's
 * graph (default), or `suppression: 'greedy'`, as tfjs-models' BlazePose. Results are in pixels
 * of the 224×224 detector input, best first.
 *
 * @throws VisionError `MODEL_FORMAT` when the output is not 2254 × 13 values; `INVALID_OPTION` for an
 * option name it does not take or a value out of range.
 *
 * @example
 * ```ts
 * const people = decodeBlazePoseDetector(out.Identity.data as Float32Array, { minScore: 0.5 });
 * ```
 */
export function decodeBlazePoseDetector(
  rows: ArrayLike<number>,
  options: BlazePoseDetectorOptions = {},
): BlazePosePerson[] {
  const fn = 'decodeBlazePoseDetector';
  checkOptionNames(options, fn, DETECTOR_OPTION_NAMES);
  if (options.minScore !== undefined) checkUnitInterval(options.minScore, `${fn}: minScore`);
  if (options.iouThreshold !== undefined) checkUnitInterval(options.iouThreshold, `${fn}: iouThreshold`);
  if (options.maxPeople !== undefined) checkCount(options.maxPeople, `${fn}: maxPeople`);
  if (options.suppression !== undefined && options.suppression !== 'weighted' && options.suppression !== 'greedy') {
    throw new VisionError('INVALID_OPTION', `${fn}: suppression must be 'weighted' or 'greedy'; got ${String(options.suppression)}`);
  }
  anchorCache ??= mediapipeSsdAnchors(BLAZEPOSE_DETECTOR_ANCHORS);
  const n = anchorCache.length / 4;
  if (rows.length !== n * 13) throw new VisionError('MODEL_FORMAT', `BlazePose detector output has ${rows.length} values; expected [1, ${n}, 13]`);
  const scores = new Float32Array(n);
  const coords = new Float32Array(n * 12);
  for (let i = 0; i < n; i++) {
    scores[i] = rows[i * 13];
    for (let j = 0; j < 12; j++) coords[i * 12 + j] = rows[i * 13 + 1 + j];
  }
  const size = BLAZEPOSE_DETECTOR_ANCHORS.inputSizeWidth;
  const candidates = decodeMediapipeSsd(coords, scores, anchorCache, {
    inputWidth: size, inputHeight: size, xScale: size, yScale: size, wScale: size, hScale: size,
    numKeypoints: 4, reverseOutputOrder: true, sigmoidScore: true, scoreClippingThresh: 100, minScoreThresh: options.minScore ?? 0.5,
  });
  const kept = suppressCandidates(candidates, { method: options.suppression ?? 'weighted', agnostic: true, iouThreshold: options.iouThreshold ?? 0.3, maxDetections: options.maxPeople ?? 1 });
  const keypoints = kept.keypoints ?? new Float32Array(kept.scores.length * 8);
  return Array.from(kept.scores, (score, i) => ({ box: kept.boxes.slice(i * 4, i * 4 + 4), score, keypoints: keypoints.slice(i * 8, i * 8 + 8) }));
}

/**
 * Refines landmarks from the landmark model's heatmap, as MediaPipe's pose graph does: for each
 * landmark (x, y in 0–1 of the crop, in place), the heatmap cells of a `kernelSize` × `kernelSize`
 * window about the cell it falls in give a weighted mean position, used when the window's
 * largest value reaches `minConfidence` (BlazePose: 7, 0.5). Landmarks outside the heatmap are
 * left as they are — except, as in MediaPipe and tfjs-models, those up to 3 cells below it, which
 * refine over the part of their window inside. `heatmap` is `[height, width, channels]` with one
 * channel per landmark.
 *
 * @throws VisionError `MODEL_FORMAT` when the heatmap has fewer values than its dims say or fewer channels than landmarks.
 *
 * @example
 * ```ts
 * refineFromHeatmap(unitKeypoints, 33, out.Identity.data, [64, 64, 39]);
 * ```
 */
export function refineFromHeatmap(
  keypoints: Float32Array | Float64Array,
  count: number,
  heatmap: ArrayLike<number>,
  dims: readonly [number, number, number],
  options: { kernelSize?: number; minConfidence?: number } = {},
): void {
  const [height, width, channels] = dims;
  requireLength(heatmap, height * width * channels, `BlazePose heatmap [1, ${height}, ${width}, ${channels}]`);
  if (channels < count) throw new VisionError('MODEL_FORMAT', `BlazePose heatmap has ${channels} channels; expected one per landmark (${count})`);
  const offset = Math.trunc(((options.kernelSize ?? 7) - 1) / 2);
  const minConfidence = options.minConfidence ?? 0.5;
  for (let k = 0; k < count; k++) {
    const col = Math.trunc(keypoints[k * 3] * width);
    const row = Math.trunc(keypoints[k * 3 + 1] * height);
    // MediaPipe's bounds test, as it is (and as tfjs-models ports it): the column is tested against
    // the height where the row should be, so a landmark up to 3 cells below the heatmap still
    // refines over the part of its window that lies inside
    if (!(col >= 0 && col < width && row >= 0 && col < height)) continue;
    let sum = 0;
    let max = 0;
    let weightedCol = 0;
    let weightedRow = 0;
    for (let r = Math.max(0, row - offset); r < Math.min(height, row + offset + 1); r++) {
      for (let c = Math.max(0, col - offset); c < Math.min(width, col + offset + 1); c++) {
        const confidence = heatmap[(r * width + c) * channels + k];
        sum += confidence;
        max = Math.max(max, confidence);
        weightedCol += c * confidence;
        weightedRow += r * confidence;
      }
    }
    if (max >= minConfidence && sum > 0) {
      keypoints[k * 3] = weightedCol / width / sum;
      keypoints[k * 3 + 1] = weightedRow / height / sum;
    }
  }
}

/**
 * Decodes the landmark model's `ld_3d` output (39 × (x, y, z, visibility, presence); x, y in
 * pixels of the 256×256 crop) into the 33 landmarks with score = sigmoid(visibility), in crop
 * pixels; `poseFlag` (the model's person-presence probability) becomes the pose score.
 *
 * @throws VisionError `MODEL_FORMAT` when `ld_3d` has fewer than 165 values.
 *
 * @example
 * ```ts
 * const pose = decodeBlazePoseLandmarks(out.Identity_2.data as Float32Array, out.Identity_3.data[0]);
 * ```
 */
export function decodeBlazePoseLandmarks(ld3d: ArrayLike<number>, poseFlag: number): RawPose & { z: Float32Array } {
  requireLength(ld3d, BLAZEPOSE_NUM_LANDMARKS * 5, 'BlazePose ld_3d output [1, 195]');
  const keypoints = new Float32Array(BLAZEPOSE_NUM_LANDMARKS * 3);
  const z = new Float32Array(BLAZEPOSE_NUM_LANDMARKS);
  for (let k = 0; k < BLAZEPOSE_NUM_LANDMARKS; k++) {
    keypoints[k * 3] = ld3d[k * 5];
    keypoints[k * 3 + 1] = ld3d[k * 5 + 1];
    keypoints[k * 3 + 2] = sigmoid(ld3d[k * 5 + 3]);
    z[k] = ld3d[k * 5 + 2];
  }
  return { keypoints, score: poseFlag, z };
}
