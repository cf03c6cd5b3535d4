import { VisionError } from '../../core/errors';
import type { InputTransform } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { decodeCenterNet } from '../../postprocess/detection/centernet';
import { boxIsFinite } from '../../postprocess/detection/candidates';
import { type GflLevel, decodeGfl } from '../../postprocess/detection/nanodet';
import { type MediapipeAnchorOptions, mediapipeSsdAnchors } from '../../postprocess/detection/mediapipe-ssd-anchors';
import { decodeMediapipeSsd } from '../../postprocess/detection/mediapipe-ssd';
import { type DefaultBoxOptions, torchvisionDefaultBoxes } from '../../postprocess/detection/torchvision-ssd-boxes';
import { decodeTorchvisionSsd } from '../../postprocess/detection/torchvision-ssd';
import type { RawTensor } from '../../runtime/model-runner';
import { decodeYoloEnd2End } from '../../postprocess/detection/yolo-end2end';
import { decodeYoloV5 } from '../../postprocess/detection/yolo-v5';
import { decodeYoloV8 } from '../../postprocess/detection/yolo-v8';
import type { YoloFormat } from '../../postprocess/detection/yolo-postprocess';
import type { YoloLayout } from '../../postprocess/detection/yolo-common';
import type { KeypointedCandidates, SuppressionMethod } from '../../postprocess/nms/suppress';
import { firstOutput, outputNamed, tensorNumbers } from '../shared/outputs';
import { checkTorchvisionFloats } from '../shared/torchvision-outputs';
import { checkSigmoidScores, refuseEndToEndOutput } from '../shared/yolo-output-check';
import type { DetectionRunOptions } from './detection-types';
import { ZOO_DECODERS } from './zoo-decoders';

/**
 * What a detection decoder gets besides the raw outputs: the card, the input transform and the run's resolved options.
 *
 * @example
 * ```ts
 * const candidates = DETECTION_DECODERS.yolov8(outputs, { spec, transform, threshold: 0.25, maxDetections: 300, options: {} });
 * ```
 */
export interface DecodeContext {
  spec: ModelSpec;
  transform: InputTransform;
  threshold: number;
  /** Caps what NMS-free outputs decode (end-to-end YOLO); suppression applies it to the rest. */
  maxDetections: number;
  options: DetectionRunOptions;
  /** The layout of a YOLO output when it is not the export's own: `'channels-last'` for rows filtered on the GPU. */
  outputLayout?: YoloLayout;
}

/**
 * Decoded candidates (never suppressed: decoders return candidates only), with keypoints in
 * model-input pixels when the head predicts them, and the suppression their family needs:
 * `'greedy'` (default), `'weighted'` (MediaPipe heads whose card asks for it) or `'none'`
 * (NMS-free models, and models that suppressed in-graph).
 *
 * @example
 * ```ts
 * const kept = suppressCandidates(decoded, { method: decoded.suppression, iouThreshold: 0.45 });
 * ```
 */
export type DecodedCandidates = KeypointedCandidates & { suppression?: SuppressionMethod };

/** Turns a detector family's raw outputs into candidates in model-input pixels. @example `DETECTION_DECODERS.centernet(outputs, ctx)` */
export type DetectionDecoder = (outputs: Record<string, RawTensor>, context: DecodeContext) => DecodedCandidates;

function gflLevels(outputs: Record<string, RawTensor>, spec: ModelSpec): { levels: GflLevel[]; regMax: number } {
  const strides = spec.head?.strides ?? [8, 16, 32];
  const regMax = spec.head?.regMax ?? 7;
  const numClasses = spec.labels.length;
  const tensors = Object.values(outputs);
  const levels = strides.map((stride) => {
    const gridWidth = Math.ceil(spec.input.width / stride);
    const gridHeight = Math.ceil(spec.input.height / stride);
    const cells = gridWidth * gridHeight;
    const find = (depth: number) => tensors.find((t) => t.dims.length === 3 && t.dims[1] === cells && t.dims[2] === depth);
    const scores = find(numClasses);
    const regression = find(4 * (regMax + 1));
    if (!scores || !regression) {
      const shapes = tensors.map((t) => `[${t.dims.join(',')}]`).join(', ');
      throw new VisionError('MODEL_FORMAT', `no [1, ${cells}, ${numClasses}] score and [1, ${cells}, ${4 * (regMax + 1)}] box outputs for stride ${stride}; the model gave ${shapes}`);
    }
    return { scores: scores.data as Float32Array, regression: regression.data as Float32Array, stride, gridWidth, gridHeight };
  });
  return { levels, regMax };
}

/**
 * A detection whose class is past the card's labels means the card does not fit the model
 * (output rows that carry their class id say nothing else of the class count): `MODEL_FORMAT`.
 */
function refuseClassesBeyondLabels(spec: ModelSpec, classIds: ArrayLike<number>, scores: ArrayLike<number>): void {
  for (let i = 0; i < classIds.length; i++) {
    if (classIds[i] >= spec.labels.length) {
      throw new VisionError(
        'MODEL_FORMAT',
        `model '${spec.id}' gave class ${classIds[i]} (score ${scores[i].toFixed(3)}) but its card has ${spec.labels.length} labels: give the card the labels of the classes this model was trained on`,
      );
    }
  }
}

function yolo(format: YoloFormat): DetectionDecoder {
  return (outputs, { spec, threshold, maxDetections, options, outputLayout }) => {
    const output = firstOutput(outputs, spec);
    const numExtras = spec.head?.numExtras;
    if (format === 'end2end') {
      const rows = decodeYoloEnd2End(output, { threshold, numExtras, classes: options.classes, maxDetections });
      refuseClassesBeyondLabels(spec, rows.classIds, rows.scores);
      return { ...rows, suppression: 'none' };
    }
    const decode = format === 'v5' ? decodeYoloV5 : decodeYoloV8;
    // rows filtered on the GPU come back channels-last whatever the export's layout
    if (outputLayout === undefined) refuseEndToEndOutput(output, spec, numExtras ?? 0);
    const layout = outputLayout ?? spec.head?.layout;
    const candidates = decode(output, { threshold, numClasses: spec.labels.length, multiLabel: options.multiLabel, classes: options.classes, numExtras, layout });
    checkSigmoidScores(candidates.scores, spec);
    return candidates;
  };
}

const anchorCache = new WeakMap<MediapipeAnchorOptions, Float32Array>();

function anchorsFor(options: MediapipeAnchorOptions): Float32Array {
  let anchors = anchorCache.get(options);
  if (!anchors) {
    anchors = mediapipeSsdAnchors(options);
    anchorCache.set(options, anchors);
  }
  return anchors;
}

const defaultBoxCache = new WeakMap<DefaultBoxOptions, Float32Array>();

/** torchvision SSD raw heads: default boxes + BoxCoder decode + per-class top-k, the candidates of `SSD.postprocess_detections`. */
const torchvisionSsd: DetectionDecoder = (outputs, { spec, threshold }) => {
  const head = spec.head?.torchvisionSsd;
  if (!head) throw new VisionError('INVALID_OPTION', `model '${spec.id}' (family torchvision-ssd) needs head.torchvisionSsd: default boxes and output names`);
  const [regressionName, logitsName] = head.outputs;
  const regression = outputNamed(outputs, regressionName, spec.id);
  const logits = outputNamed(outputs, logitsName, spec.id);
  let anchors = defaultBoxCache.get(head.defaultBoxes);
  if (!anchors) {
    anchors = torchvisionDefaultBoxes(head.defaultBoxes);
    defaultBoxCache.set(head.defaultBoxes, anchors);
  }
  return decodeTorchvisionSsd({ bboxRegression: regression.data as Float32Array, clsLogits: logits.data as Float32Array }, anchors, {
    ...head.boxCoder,
    imageWidth: spec.input.width,
    imageHeight: spec.input.height,
    scoreThresh: threshold,
    topkCandidates: head.topkCandidates,
    activation: head.activation,
  });
};

const mediapipeSsd: DetectionDecoder = (outputs, { spec, threshold }) => {
  const head = spec.head?.ssd;
  if (!head) throw new VisionError('INVALID_OPTION', `model '${spec.id}' (family mediapipe-ssd) needs head.ssd: anchors, box and score outputs, decode options`);
  const pick = (names: unknown, field: string) => {
    if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === 'string')) {
      throw new VisionError('INVALID_OPTION', `model '${spec.id}': head.ssd.${field} must be a non-empty list of output names`);
    }
    return names.map((name: string) => outputNamed(outputs, name, spec.id).data as Float32Array);
  };
  const decoded = decodeMediapipeSsd(pick(head.boxOutputs, 'boxOutputs'), pick(head.scoreOutputs, 'scoreOutputs'), anchorsFor(head.anchors), {
    ...head.decode,
    inputWidth: spec.input.width,
    inputHeight: spec.input.height,
    minScoreThresh: threshold,
  });
  return { ...decoded, suppression: head.weightedNms ? 'weighted' : 'greedy' };
};

/**
 * torchvision detection models exported whole (Faster/Mask/Keypoint R-CNN, RetinaNet, SSD):
 * `boxes` [N, 4] xyxy in input pixels, `scores` [N], `labels` [N], already thresholded and
 * NMS'ed by the model; rows whose box is not finite are dropped. Outputs are found by the
 * names in `spec.outputs` (in that order) or by the names `boxes`, `scores`, `labels`.
 */
const torchvisionDetections: DetectionDecoder = (outputs, { spec, threshold }) => {
  const [boxesName, scoresName, labelsName] = spec.outputs ?? ['boxes', 'scores', 'labels'];
  const boxes = outputNamed(outputs, boxesName, spec.id);
  const scores = outputNamed(outputs, scoresName, spec.id);
  const labels = outputNamed(outputs, labelsName, spec.id);
  checkTorchvisionFloats(spec.id, { boxes: [boxesName, boxes], scores: [scoresName, scores] });
  const n = scores.data.length;
  if (boxes.data.length !== n * 4 || labels.data.length !== n) {
    throw new VisionError('MODEL_FORMAT', `torchvision outputs disagree: ${boxes.data.length / 4} boxes, ${n} scores, ${labels.data.length} labels`);
  }
  const ids = tensorNumbers(labels);
  // a NaN or infinite box (a model fed absurd input) is no detection, whatever its score
  const keep = [...Array(n).keys()].filter((i) => (scores.data[i] as number) >= threshold && boxIsFinite(boxes.data as Float32Array, i * 4));
  const kept = {
    boxes: Float32Array.from(keep.flatMap((i) => Array.from((boxes.data as Float32Array).subarray(i * 4, i * 4 + 4)))),
    scores: Float32Array.from(keep, (i) => scores.data[i] as number),
    classIds: Int32Array.from(keep, (i) => ids[i]),
  };
  refuseClassesBeyondLabels(spec, kept.classIds, kept.scores);
  return { ...kept, suppression: 'none' };
};

/**
 * Decoders by model family. The detection pipeline looks the spec's `family` up here.
 *
 * @example
 * ```ts
 * const decode = DETECTION_DECODERS['centernet'];
 * ```
 */
export const DETECTION_DECODERS: Readonly<Record<string, DetectionDecoder>> = /* @__PURE__ */ Object.freeze({
  centernet: (outputs, { spec, threshold }) => {
    const output = firstOutput(outputs, spec);
    if (output.dims[output.dims.length - 1] !== 6) {
      throw new VisionError('MODEL_FORMAT', `CenterNet output has shape [${output.dims.join(',')}]; expected [1, N, 6]`);
    }
    // rows carry their class: one past the labels is refused, not dropped
    const rows = output.data as Float32Array;
    const candidates = decodeCenterNet(rows, { threshold, numClasses: Number.MAX_SAFE_INTEGER });
    refuseClassesBeyondLabels(spec, candidates.classIds, candidates.scores);
    return candidates;
  },
  yolov8: yolo('v8'),
  yolov5: yolo('v5'),
  'yolo-end2end': yolo('end2end'),
  'mediapipe-ssd': mediapipeSsd,
  torchvision: torchvisionDetections,
  'torchvision-ssd': torchvisionSsd,
  nanodet: (outputs, { spec, threshold }) => {
    const { levels, regMax } = gflLevels(outputs, spec);
    return decodeGfl(levels, { numClasses: spec.labels.length, regMax, threshold, centerOffset: spec.head?.centerOffset });
  },
  ...ZOO_DECODERS,
});
