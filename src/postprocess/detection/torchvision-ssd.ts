/**
 * torchvision's SSD post-processing: `BoxCoder.decode_single` and
 * `SSD.postprocess_detections`, reproduced step by step (float32 rounding where torch rounds)
 * so that raw-head ONNX exports of torchvision SSD models give torchvision's detections.
 */
import { VisionError } from '../../core/errors';
import { sigmoid, softmax, topK } from '../activations';
import { type DetectionCandidates, boxIsFinite } from './candidates';
import { suppressCandidates } from '../nms/suppress';
import { checkBoxArray, checkCount, checkOptionNames, checkPositive, checkUnitInterval } from '../validate';
import { optionNames } from '../../core/known-options';
import type { BoxCoderOptions } from '../../core/card-types';
export type { BoxCoderOptions } from '../../core/card-types';

const BOX_CODER_OPTION_NAMES = /* @__PURE__ */ optionNames<BoxCoderOptions>()(['weights', 'bboxXformClip']);
const SSD_OPTION_NAMES = /* @__PURE__ */ optionNames<TorchvisionSsdOptions>()([
  ...BOX_CODER_OPTION_NAMES,
  'imageWidth',
  'imageHeight',
  'scoreThresh',
  'nmsThresh',
  'detectionsPerImg',
  'topkCandidates',
  'activation',
  'background',
]);

const f32 = Math.fround;

/**
 * Decodes torchvision box regressions `(dx, dy, dw, dh)` against xyxy reference boxes
 * (anchors) into xyxy boxes, as `BoxCoder.decode_single`:
 * `cx = dx/wx · w_a + cx_a`, `w = exp(min(dw/ww, clip)) · w_a`. Both arrays are flat N×4;
 * the result is a new `Float32Array`, not clipped.
 *
 * @throws VisionError `INVALID_INPUT` when the arrays differ in length or are not N×4.
 *
 * @example
 * ```ts
 * const boxes = decodeTorchvisionBoxes(bboxRegression, torchvisionDefaultBoxes(SSDLITE320_DEFAULT_BOXES));
 * ```
 */
export function decodeTorchvisionBoxes(relCodes: ArrayLike<number>, anchors: ArrayLike<number>, options: BoxCoderOptions = {}): Float32Array {
  checkOptionNames(options, 'decodeTorchvisionBoxes', BOX_CODER_OPTION_NAMES);
  const n = checkBoxArray(relCodes, 'decodeTorchvisionBoxes: relCodes');
  if (checkBoxArray(anchors, 'decodeTorchvisionBoxes: anchors') !== n) {
    throw new VisionError('INVALID_INPUT', `decodeTorchvisionBoxes: ${n} box regressions but ${anchors.length / 4} anchors; they must match`);
  }
  const [wx, wy, ww, wh] = options.weights ?? [10, 10, 5, 5];
  [wx, wy, ww, wh].forEach((w) => checkPositive(w, 'decodeTorchvisionBoxes: weights[i]'));
  const clip = f32(options.bboxXformClip ?? Math.log(1000 / 16));
  const out = new Float32Array(n * 4);
  for (let o = 0; o < n * 4; o += 4) {
    const widths = f32(anchors[o + 2] - anchors[o]);
    const heights = f32(anchors[o + 3] - anchors[o + 1]);
    const ctrX = f32(anchors[o] + f32(0.5 * widths));
    const ctrY = f32(anchors[o + 1] + f32(0.5 * heights));
    const dx = f32(relCodes[o] / wx);
    const dy = f32(relCodes[o + 1] / wy);
    const dw = Math.min(f32(relCodes[o + 2] / ww), clip);
    const dh = Math.min(f32(relCodes[o + 3] / wh), clip);
    const cx = f32(f32(dx * widths) + ctrX);
    const cy = f32(f32(dy * heights) + ctrY);
    const halfW = f32(0.5 * f32(f32(Math.exp(dw)) * widths));
    const halfH = f32(0.5 * f32(f32(Math.exp(dh)) * heights));
    out[o] = cx - halfW;
    out[o + 1] = cy - halfH;
    out[o + 2] = cx + halfW;
    out[o + 3] = cy + halfH;
  }
  return out;
}

/**
 * Options of {@link postprocessTorchvisionSsd}. Defaults are those of torchvision's `SSD`
 * class; `ssdlite320_mobilenet_v3_large` uses `scoreThresh 0.001, nmsThresh 0.55,
 * detectionsPerImg 300, topkCandidates 300`.
 *
 * @example
 * ```ts
 * const options: TorchvisionSsdOptions = { imageWidth: 320, imageHeight: 320, scoreThresh: 0.3, nmsThresh: 0.55 };
 * ```
 */
export interface TorchvisionSsdOptions extends BoxCoderOptions {
  /** Size of the model input (boxes are clipped to it). */
  imageWidth: number;
  imageHeight: number;
  /** Keep per-class scores strictly greater than this. Default 0.01. */
  scoreThresh?: number;
  /** IoU threshold of the class-aware NMS. Default 0.45. */
  nmsThresh?: number;
  /** Keep at most this many detections after NMS. Default 200. */
  detectionsPerImg?: number;
  /** Keep at most this many candidates per class before NMS. Default 400. */
  topkCandidates?: number;
  /** `softmax` over classes (SSD, default) or an independent `sigmoid` per class (RetinaNet-style heads). */
  activation?: 'softmax' | 'sigmoid';
  /** Class 0 is background and never reported. Default true. */
  background?: boolean;
}

/**
 * Raw outputs of a torchvision SSD head, flat: `bboxRegression` `[A, 4]` and `clsLogits`
 * `[A, numClasses]`.
 *
 * @example
 * ```ts
 * const head: TorchvisionSsdHeadOutputs = { bboxRegression: out.bbox_regression.data, clsLogits: out.cls_logits.data };
 * ```
 */
export interface TorchvisionSsdHeadOutputs {
  bboxRegression: ArrayLike<number>;
  clsLogits: ArrayLike<number>;
}

function checkOptions(o: TorchvisionSsdOptions): void {
  checkOptionNames(o, 'postprocessTorchvisionSsd', SSD_OPTION_NAMES);
  checkPositive(o.imageWidth, 'postprocessTorchvisionSsd: imageWidth');
  checkPositive(o.imageHeight, 'postprocessTorchvisionSsd: imageHeight');
  if (o.scoreThresh !== undefined && !Number.isFinite(o.scoreThresh)) {
    throw new VisionError('INVALID_OPTION', `postprocessTorchvisionSsd: scoreThresh must be a finite number; got ${String(o.scoreThresh)}`);
  }
  checkUnitInterval(o.nmsThresh ?? 0.45, 'postprocessTorchvisionSsd: nmsThresh');
  checkCount(o.detectionsPerImg ?? 200, 'postprocessTorchvisionSsd: detectionsPerImg');
  checkCount(o.topkCandidates ?? 400, 'postprocessTorchvisionSsd: topkCandidates');
  if (o.activation !== undefined && o.activation !== 'softmax' && o.activation !== 'sigmoid') {
    throw new VisionError('INVALID_OPTION', `postprocessTorchvisionSsd: activation must be softmax or sigmoid; got ${String(o.activation)}`);
  }
}

/**
 * The candidates of torchvision's `SSD.postprocess_detections` for one image, before its
 * NMS: decode the regressions against the anchors (xyxy pixels, from
 * {@link torchvisionDefaultBoxes}), clip to the image, score with a softmax over classes;
 * then per class (1..C-1): scores `> scoreThresh`, the `topkCandidates` best. Class by
 * class, best first within a class; `suppressCandidates` (class-aware) finishes the job.
 * Anchors whose decoded box is not finite (NaN or ±Infinity, before the clip) are dropped.
 *
 * @throws VisionError `INVALID_INPUT` when the head outputs do not match the anchor count;
 * `INVALID_OPTION` for bad thresholds or counts.
 *
 * @example
 * ```ts
 * const candidates = decodeTorchvisionSsd(head, torchvisionDefaultBoxes(SSDLITE320_DEFAULT_BOXES), { imageWidth: 320, imageHeight: 320, scoreThresh: 0.3 });
 * const final = suppressCandidates(candidates, { iouThreshold: 0.55, maxDetections: 300 });
 * ```
 */
export function decodeTorchvisionSsd(head: TorchvisionSsdHeadOutputs, anchors: ArrayLike<number>, options: TorchvisionSsdOptions): DetectionCandidates {
  checkOptions(options);
  const boxes = decodeTorchvisionBoxes(head.bboxRegression, anchors, { weights: options.weights, bboxXformClip: options.bboxXformClip });
  const n = boxes.length / 4;
  const logits = head.clsLogits;
  if (logits == null || n === 0 || logits.length % n !== 0) {
    throw new VisionError('INVALID_INPUT', `decodeTorchvisionSsd: ${logits?.length} class logits do not divide into ${n} anchors`);
  }
  const numClasses = logits.length / n;
  const scores = options.activation === 'sigmoid' ? sigmoid(logits) : softmax(logits, numClasses);
  const { imageWidth: w, imageHeight: h } = options;
  // an anchor whose decoded box is not finite (NaN or Infinity in its regression) is no candidate:
  // the clip below would keep NaN and turn Infinity into an image edge
  const finite = new Uint8Array(n);
  for (let o = 0; o < boxes.length; o += 4) {
    finite[o / 4] = boxIsFinite(boxes, o) ? 1 : 0;
    boxes[o] = Math.min(Math.max(boxes[o], 0), w);
    boxes[o + 1] = Math.min(Math.max(boxes[o + 1], 0), h);
    boxes[o + 2] = Math.min(Math.max(boxes[o + 2], 0), w);
    boxes[o + 3] = Math.min(Math.max(boxes[o + 3], 0), h);
  }
  // torch compares a float32 tensor with the threshold cast to float32.
  const threshold = f32(options.scoreThresh ?? 0.01);
  const topk = options.topkCandidates ?? 400;
  const candAnchor: number[] = [];
  const candScore: number[] = [];
  const candClass: number[] = [];
  const classScores: number[] = [];
  const classAnchors: number[] = [];
  for (let label = options.background === false ? 0 : 1; label < numClasses; label++) {
    classScores.length = 0;
    classAnchors.length = 0;
    for (let a = 0; a < n; a++) {
      const s = scores[a * numClasses + label];
      if (s > threshold && finite[a]) {
        classScores.push(s);
        classAnchors.push(a);
      }
    }
    const best = topK(classScores, topk);
    for (let k = 0; k < best.indices.length; k++) {
      candAnchor.push(classAnchors[best.indices[k]]);
      candScore.push(best.values[k]);
      candClass.push(label);
    }
  }
  const candBoxes = new Float32Array(candAnchor.length * 4);
  candAnchor.forEach((a, k) => candBoxes.set(boxes.subarray(a * 4, a * 4 + 4), k * 4));
  return { boxes: candBoxes, scores: Float32Array.from(candScore), classIds: Int32Array.from(candClass) };
}

/**
 * torchvision's `SSD.postprocess_detections` for one image: {@link decodeTorchvisionSsd},
 * then class-aware NMS (`nmsThresh`) and the first `detectionsPerImg` (`suppressCandidates`).
 * Returns the detections in descending score order with `classIds` = torchvision labels.
 *
 * @throws VisionError `INVALID_INPUT` when the head outputs do not match the anchor count;
 * `INVALID_OPTION` for bad thresholds or counts.
 *
 * @example
 * ```ts
 * const anchors = torchvisionDefaultBoxes(SSDLITE320_DEFAULT_BOXES);
 * const out = await runner.run({ images: input });
 * const dets = postprocessTorchvisionSsd(
 *   { bboxRegression: out.bbox_regression.data, clsLogits: out.cls_logits.data },
 *   anchors,
 *   { imageWidth: 320, imageHeight: 320, scoreThresh: 0.3, nmsThresh: 0.55, topkCandidates: 300, detectionsPerImg: 300 },
 * );
 * ```
 */
export function postprocessTorchvisionSsd(head: TorchvisionSsdHeadOutputs, anchors: ArrayLike<number>, options: TorchvisionSsdOptions): DetectionCandidates {
  const kept = suppressCandidates(decodeTorchvisionSsd(head, anchors, options), { iouThreshold: options.nmsThresh ?? 0.45, maxDetections: options.detectionsPerImg ?? 200 });
  return { boxes: kept.boxes, scores: kept.scores, classIds: kept.classIds };
}
