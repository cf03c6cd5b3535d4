import { VisionError } from '../../core/errors';
import type { InputTransform } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { type DetectionCandidates, decodeCenterNet } from '../../postprocess/detection-candidates';
import { type GflLevel, decodeGfl } from '../../postprocess/nanodet';
import { type MediapipeAnchorOptions, mediapipeSsdAnchors } from '../../postprocess/ssd-anchors';
import { decodeMediapipeSsd } from '../../postprocess/ssd-decode';
import { type DefaultBoxOptions, torchvisionDefaultBoxes } from '../../postprocess/ssd-default-boxes';
import { postprocessTorchvisionSsd } from '../../postprocess/ssd-torchvision';
import { weightedNms } from '../../postprocess/weighted-nms';
import type { RawTensor } from '../../runtime/model-runner';
import { type YoloFormat, postprocessYolo } from '../../postprocess/yolo';
import type { DetectionRunOptions } from './detection-types';
import { ZOO_DECODERS } from './zoo-decoders';

/**
 * What a detection decoder gets besides the raw outputs: the card, the input transform and the run's resolved options.
 *
 * @example
 * ```ts
 * const candidates = DETECTION_DECODERS.yolov8(outputs, { spec, transform, threshold: 0.25, iouThreshold: 0.7, maxDetections: 300, options: {} });
 * ```
 */
export interface DecodeContext {
  spec: ModelSpec;
  transform: InputTransform;
  threshold: number;
  iouThreshold: number;
  maxDetections: number;
  options: DetectionRunOptions;
}

/**
 * Decoded candidates; `nmsFree` marks candidates that are already final (NMS-free models, or
 * decoders that ran their family's own NMS) so the pipeline does not suppress again.
 *
 * @example
 * ```ts
 * if (decoded.nmsFree) return decoded; // already final
 * ```
 */
export type DecodedCandidates = DetectionCandidates & {
  nmsFree?: boolean;
  /** N×K×2 `(x, y)` keypoints in model-input pixels, when the head predicts them. */
  keypoints?: Float32Array;
  numKeypoints?: number;
};

/** Turns a detector family's raw outputs into candidates in model-input pixels. @example `DETECTION_DECODERS.centernet(outputs, ctx)` */
export type DetectionDecoder = (outputs: Record<string, RawTensor>, context: DecodeContext) => DecodedCandidates;

function firstOutput(outputs: Record<string, RawTensor>, spec: ModelSpec): RawTensor {
  const name = spec.outputs?.[0];
  const tensor = name ? outputs[name] : Object.values(outputs)[0];
  if (!tensor) throw new VisionError('MODEL_FORMAT', `model '${spec.id}' produced no output${name ? ` named '${name}'` : ''}`);
  return tensor;
}

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

function yolo(format: YoloFormat): DetectionDecoder {
  return (outputs, { spec, threshold, iouThreshold, maxDetections, options }) =>
    postprocessYolo(firstOutput(outputs, spec), {
      format,
      threshold,
      iouThreshold,
      maxDetections,
      numClasses: format === 'end2end' ? undefined : spec.labels.length,
      multiLabel: options.multiLabel,
      agnostic: options.agnostic,
      classes: options.classes,
      numExtras: spec.head?.numExtras,
    });
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

/** torchvision SSD raw heads: default boxes + BoxCoder decode + per-class top-k and NMS, as `SSD.postprocess_detections`. */
const torchvisionSsd: DetectionDecoder = (outputs, { spec, threshold, iouThreshold, maxDetections }) => {
  const head = spec.head?.torchvisionSsd;
  if (!head) throw new VisionError('INVALID_OPTION', `model '${spec.id}' (family torchvision-ssd) needs head.torchvisionSsd: default boxes and output names`);
  const [regressionName, logitsName] = head.outputs;
  const regression = outputs[regressionName];
  const logits = outputs[logitsName];
  if (!regression || !logits) {
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}' needs outputs ${regressionName} and ${logitsName}; it has ${Object.keys(outputs).join(', ')}`);
  }
  let anchors = defaultBoxCache.get(head.defaultBoxes);
  if (!anchors) {
    anchors = torchvisionDefaultBoxes(head.defaultBoxes);
    defaultBoxCache.set(head.defaultBoxes, anchors);
  }
  const candidates = postprocessTorchvisionSsd({ bboxRegression: regression.data as Float32Array, clsLogits: logits.data as Float32Array }, anchors, {
    ...head.boxCoder,
    imageWidth: spec.input.width,
    imageHeight: spec.input.height,
    scoreThresh: threshold,
    nmsThresh: iouThreshold,
    detectionsPerImg: maxDetections,
    topkCandidates: head.topkCandidates,
    activation: head.activation,
  });
  return { ...candidates, nmsFree: true };
};

const mediapipeSsd: DetectionDecoder = (outputs, { spec, threshold, iouThreshold, maxDetections }) => {
  const head = spec.head?.ssd;
  if (!head) throw new VisionError('INVALID_OPTION', `model '${spec.id}' (family mediapipe-ssd) needs head.ssd: anchors, box and score outputs, decode options`);
  const pick = (names: readonly string[]) =>
    names.map((name) => {
      const tensor = outputs[name];
      if (!tensor) throw new VisionError('MODEL_FORMAT', `model '${spec.id}' has no output '${name}'; it has ${Object.keys(outputs).join(', ')}`);
      return tensor.data as Float32Array;
    });
  const decoded = decodeMediapipeSsd(pick(head.boxOutputs), pick(head.scoreOutputs), anchorsFor(head.anchors), {
    ...head.decode,
    inputWidth: spec.input.width,
    inputHeight: spec.input.height,
    minScoreThresh: threshold,
  });
  if (!head.weightedNms) return decoded;
  const kept = weightedNms(decoded.boxes, decoded.scores, { iouThreshold, maxDetections, keypoints: decoded.keypoints, numKeypoints: decoded.numKeypoints });
  return { ...kept, classIds: Int32Array.from(kept.indices, (i) => decoded.classIds[i]), numKeypoints: decoded.numKeypoints, nmsFree: true };
};

function integerData(tensor: RawTensor): ArrayLike<number> {
  return tensor.data instanceof BigInt64Array ? Array.from(tensor.data, Number) : (tensor.data as ArrayLike<number>);
}

/**
 * torchvision detection models exported whole (Faster/Mask/Keypoint R-CNN, RetinaNet, SSD):
 * `boxes` [N, 4] xyxy in input pixels, `scores` [N], `labels` [N], already thresholded and
 * NMS'ed by the model. Outputs are found by the names in `spec.outputs` (in that order) or
 * by the names `boxes`, `scores`, `labels`.
 */
const torchvisionDetections: DetectionDecoder = (outputs, { spec, threshold }) => {
  const [boxesName, scoresName, labelsName] = spec.outputs ?? ['boxes', 'scores', 'labels'];
  const boxes = outputs[boxesName];
  const scores = outputs[scoresName];
  const labels = outputs[labelsName];
  if (!boxes || !scores || !labels) {
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}' needs outputs ${boxesName}, ${scoresName}, ${labelsName}; it has ${Object.keys(outputs).join(', ')}`);
  }
  const n = scores.data.length;
  if (boxes.data.length !== n * 4 || labels.data.length !== n) {
    throw new VisionError('MODEL_FORMAT', `torchvision outputs disagree: ${boxes.data.length / 4} boxes, ${n} scores, ${labels.data.length} labels`);
  }
  const ids = integerData(labels);
  const keep = [...Array(n).keys()].filter((i) => (scores.data[i] as number) >= threshold);
  return {
    boxes: Float32Array.from(keep.flatMap((i) => Array.from((boxes.data as Float32Array).subarray(i * 4, i * 4 + 4)))),
    scores: Float32Array.from(keep, (i) => scores.data[i] as number),
    classIds: Int32Array.from(keep, (i) => ids[i]),
    nmsFree: true,
  };
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
    return decodeCenterNet(output.data as Float32Array, { threshold, numClasses: spec.labels.length });
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
