/**
 * Decoding MediaPipe-style SSD heads (BlazeFace, BlazePose detector, palm detector): box and
 * keypoint offsets relative to anchors, as MediaPipe's `TensorsToDetectionsCalculator`.
 */
import { VisionError } from '../../core/errors';
import { sigmoid } from '../activations';
import { type DetectionCandidates, boxIsFinite } from './candidates';
import { optionNames } from '../../core/known-options';
import { checkOptionNames, checkPositive } from '../validate';
import type { MediapipeSsdDecodeOptions } from '../../core/card-types';
export type { MediapipeSsdDecodeOptions } from '../../core/card-types';

/**
 * Candidates with keypoints: `keypoints` holds N×K×2 `(x, y)` in model-input pixels,
 * `anchorIndices` the anchor each candidate came from.
 *
 * @example
 * ```ts
 * const { boxes, keypoints, numKeypoints } = decodeMediapipeSsd(raw, logits, anchors, options);
 * const noseX = keypoints[(i * numKeypoints + 2) * 2];
 * ```
 */
export interface KeypointCandidates extends DetectionCandidates {
  keypoints: Float32Array;
  numKeypoints: number;
  anchorIndices: Int32Array;
}

/** One flat array from one array or several consecutive chunks (split model outputs). */
function flatten(parts: ArrayLike<number> | readonly ArrayLike<number>[], what: string): ArrayLike<number> {
  if (!Array.isArray(parts)) {
    const one = parts as ArrayLike<number>;
    if (one == null || typeof one.length !== 'number') throw new VisionError('INVALID_INPUT', `decodeMediapipeSsd: ${what} must be an array of numbers or an array of such chunks`);
    return one;
  }
  if (parts.length > 0 && typeof parts[0] === 'number') return parts as unknown as ArrayLike<number>;
  const chunks = parts as readonly ArrayLike<number>[];
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const SSD_DECODE_OPTION_NAMES = /* @__PURE__ */ optionNames<MediapipeSsdDecodeOptions>()([
  'inputWidth',
  'inputHeight',
  'xScale',
  'yScale',
  'wScale',
  'hScale',
  'numKeypoints',
  'boxCoordOffset',
  'keypointCoordOffset',
  'numValuesPerKeypoint',
  'reverseOutputOrder',
  'applyExponentialOnBoxSize',
  'sigmoidScore',
  'scoreClippingThresh',
  'minScoreThresh',
]);

function intOption(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0) throw new VisionError('INVALID_OPTION', `decodeMediapipeSsd: ${what} must be a non-negative integer; got ${String(v)}`);
  return v;
}

/**
 * Decodes an anchor-based MediaPipe SSD head into candidates in model-input pixels, exactly as
 * `TensorsToDetectionsCalculator` (then scaled by the input size):
 * `cx = raw_x / xScale · anchor.w + anchor.cx`, `w = raw_w / wScale · anchor.w` (or `exp`),
 * keypoints like the centre; score = best class of `sigmoid(clamp(raw))`. No NMS. Anchors
 * whose box is not finite (NaN or ±Infinity in its offsets) are dropped, as MediaPipe drops
 * boxes of negative size.
 *
 * `rawBoxes` is `[N, numCoords]` and `rawScores` `[N, numClasses]`, flat; either may be
 * given as consecutive chunks (models that split their output per stride, such as the tfjs
 * BlazeFace: `[512, 16]` then `[384, 16]`). `anchors` is N×4 `(cx, cy, w, h)` normalised,
 * from {@link mediapipeSsdAnchors}.
 *
 * @throws VisionError `INVALID_INPUT` when the array lengths do not fit the anchor count or
 * rows are too short for the keypoints; `INVALID_OPTION` for bad scales or counts.
 *
 * @example
 * ```ts
 * const anchors = mediapipeSsdAnchors(BLAZEFACE_FRONT_ANCHORS);
 * const c = decodeMediapipeSsd([out.Identity_2.data, out.Identity_3.data], [out.Identity.data, out.Identity_1.data], anchors, options);
 * const keep = nms(c.boxes, c.scores, { iouThreshold: 0.3 });
 * ```
 */
export function decodeMediapipeSsd(
  rawBoxes: ArrayLike<number> | readonly ArrayLike<number>[],
  rawScores: ArrayLike<number> | readonly ArrayLike<number>[],
  anchors: ArrayLike<number>,
  options: MediapipeSsdDecodeOptions,
): KeypointCandidates {
  checkOptionNames(options, 'decodeMediapipeSsd', SSD_DECODE_OPTION_NAMES);
  const boxes = flatten(rawBoxes, 'rawBoxes');
  const logits = flatten(rawScores, 'rawScores');
  for (const key of ['inputWidth', 'inputHeight', 'xScale', 'yScale', 'wScale', 'hScale'] as const) checkPositive(options[key], `decodeMediapipeSsd: ${key}`);
  if (anchors == null || anchors.length % 4 !== 0 || anchors.length === 0) {
    throw new VisionError('INVALID_INPUT', `decodeMediapipeSsd: anchors must be a non-empty flat N×4 (cx, cy, w, h) array; got length ${anchors?.length}`);
  }
  const n = anchors.length / 4;
  const numKeypoints = intOption(options.numKeypoints, 0, 'numKeypoints');
  const boxOffset = intOption(options.boxCoordOffset, 0, 'boxCoordOffset');
  const keypointOffset = intOption(options.keypointCoordOffset, boxOffset + 4, 'keypointCoordOffset');
  const perKeypoint = intOption(options.numValuesPerKeypoint, 2, 'numValuesPerKeypoint');
  if (boxes.length % n !== 0 || logits.length % n !== 0 || logits.length === 0) {
    throw new VisionError('INVALID_INPUT', `decodeMediapipeSsd: ${boxes.length} box values and ${logits.length} scores do not divide into ${n} anchors`);
  }
  const numCoords = boxes.length / n;
  const numClasses = logits.length / n;
  const needed = Math.max(boxOffset + 4, numKeypoints > 0 ? keypointOffset + numKeypoints * perKeypoint : 0);
  if (numCoords < needed || (numKeypoints > 0 && perKeypoint < 2)) {
    throw new VisionError('INVALID_INPUT', `decodeMediapipeSsd: rows have ${numCoords} values; the box and ${numKeypoints} keypoints need ${needed} (and ≥ 2 values per keypoint)`);
  }
  const clipT = options.scoreClippingThresh;
  const minScore = options.minScoreThresh ?? -Infinity;
  // NaN or a typo'd 2 dropped every candidate without a word
  for (const [name, value] of [['minScoreThresh', options.minScoreThresh], ['scoreClippingThresh', clipT]] as const) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value))) throw new VisionError('INVALID_OPTION', `decodeMediapipeSsd: ${name} must be a finite number or left out; got ${String(value)}`);
  }
  if (options.sigmoidScore === true && options.minScoreThresh !== undefined && !(options.minScoreThresh >= 0 && options.minScoreThresh <= 1)) {
    throw new VisionError('INVALID_OPTION', `decodeMediapipeSsd: minScoreThresh is ${options.minScoreThresh}; sigmoid scores lie in [0, 1], so it must too`);
  }
  const reverse = options.reverseOutputOrder ?? false;
  const { xScale, yScale, wScale, hScale, inputWidth: iw, inputHeight: ih } = options;

  const outBoxes: number[] = [];
  const outScores: number[] = [];
  const outClasses: number[] = [];
  const outKeypoints: number[] = [];
  const outAnchors: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let bestClass = -1;
    for (let c = 0; c < numClasses; c++) {
      let s = logits[i * numClasses + c];
      if (options.sigmoidScore) {
        if (clipT !== undefined) s = Math.min(Math.max(s, -clipT), clipT);
        s = sigmoid(s);
      }
      if (s > best) {
        best = s;
        bestClass = c;
      }
    }
    if (bestClass < 0 || !(best >= minScore)) continue;
    const acx = anchors[i * 4];
    const acy = anchors[i * 4 + 1];
    const aw = anchors[i * 4 + 2];
    const ah = anchors[i * 4 + 3];
    const row = i * numCoords + boxOffset;
    const rx = boxes[row + (reverse ? 0 : 1)];
    const ry = boxes[row + (reverse ? 1 : 0)];
    const rw = boxes[row + (reverse ? 2 : 3)];
    const rh = boxes[row + (reverse ? 3 : 2)];
    const cx = (rx / xScale) * aw + acx;
    const cy = (ry / yScale) * ah + acy;
    const w = options.applyExponentialOnBoxSize ? Math.exp(rw / wScale) * aw : (rw / wScale) * aw;
    const h = options.applyExponentialOnBoxSize ? Math.exp(rh / hScale) * ah : (rh / hScale) * ah;
    if (!(w >= 0 && h >= 0)) continue; // MediaPipe drops boxes with negative size
    const box = Float32Array.of((cx - w / 2) * iw, (cy - h / 2) * ih, (cx + w / 2) * iw, (cy + h / 2) * ih);
    if (!boxIsFinite(box, 0)) continue; // NaN or Infinity in the anchor's box offsets (or past float32)
    outBoxes.push(...box);
    outScores.push(best);
    outClasses.push(bestClass);
    outAnchors.push(i);
    for (let k = 0; k < numKeypoints; k++) {
      const o = i * numCoords + keypointOffset + k * perKeypoint;
      const kx = boxes[o + (reverse ? 0 : 1)];
      const ky = boxes[o + (reverse ? 1 : 0)];
      outKeypoints.push(((kx / xScale) * aw + acx) * iw, ((ky / yScale) * ah + acy) * ih);
    }
  }
  return {
    boxes: Float32Array.from(outBoxes),
    scores: Float32Array.from(outScores),
    classIds: Int32Array.from(outClasses),
    keypoints: Float32Array.from(outKeypoints),
    numKeypoints,
    anchorIndices: Int32Array.from(outAnchors),
  };
}
