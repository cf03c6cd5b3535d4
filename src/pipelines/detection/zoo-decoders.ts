/**
 * Detection decoders of the pretrained zoo exports whose format differs from the plain
 * families: YOLOv5 TF.js exports with normalised boxes (`yolov5-normalized`) and TensorFlow
 * Object Detection API graphs with in-graph box decoding (`tf-object-detection`, COCO-SSD).
 * Both return candidates; the pipeline runs NMS.
 */
import { VisionError } from '../../core/errors';
import type { ModelSpec } from '../../models/model-spec';
import type { DetectionCandidates } from '../../postprocess/detection/candidates';
import { COCO_ID_TO_80, decodeTfObjectDetection } from '../../postprocess/detection/tf-object-detection';
import { decodeYoloV5 } from '../../postprocess/detection/yolo-v5';
import type { RawTensor } from '../../runtime/model-runner';
import type { DetectionRunOptions } from './detection-types';

/**
 * A zoo decoder: raw outputs and the part of the decode context it reads → candidates in
 * model-input pixels (a `DetectionDecoder` of `detection-decoders.ts`).
 *
 * @example
 * ```ts
 * const candidates = ZOO_DECODERS['tf-object-detection'](outputs, { spec: COCO_SSD, threshold: 0.5, options: {} });
 * ```
 */
export type ZooDecoder = (outputs: Record<string, RawTensor>, context: { spec: ModelSpec; threshold: number; options: DetectionRunOptions }) => DetectionCandidates;

function namedOrOnly(outputs: Record<string, RawTensor>, spec: ModelSpec): RawTensor {
  const name = spec.outputs?.[0];
  const tensor = name ? outputs[name] : Object.values(outputs)[0];
  if (!tensor) throw new VisionError('MODEL_FORMAT', `model '${spec.id}' produced no output${name ? ` named '${name}'` : ''}; it has ${Object.keys(outputs).join(', ')}`);
  return tensor;
}

/**
 * YOLOv5 TF.js export (`[1, N, 5+C]`, box centre and size as fractions of the input): decoded
 * as YOLOv5's `non_max_suppression` does before its NMS, boxes then scaled to input pixels.
 */
const yoloV5Normalized: ZooDecoder = (outputs, { spec, threshold, options }) => {
  const candidates = decodeYoloV5(namedOrOnly(outputs, spec), {
    threshold,
    numClasses: spec.labels.length,
    multiLabel: options.multiLabel,
    classes: options.classes,
    numExtras: 0,
    layout: 'channels-last',
  });
  const { width, height } = spec.input;
  const boxes = candidates.boxes;
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] *= width;
    boxes[i + 1] *= height;
    boxes[i + 2] *= width;
    boxes[i + 3] *= height;
  }
  return { boxes, scores: candidates.scores, classIds: candidates.classIds };
};

/**
 * TF Object Detection API graphs (COCO-SSD): `[1, N, 90]` class probabilities and
 * `[1, N, 1, 4]` normalised boxes, found by shape; 90 COCO-id columns map to the 80 COCO
 * labels when the card has 80 labels.
 */
const tfObjectDetection: ZooDecoder = (outputs, { spec, threshold }) => {
  const tensors = Object.values(outputs);
  const boxes = tensors.find((t) => t.dims.length === 4 && t.dims[3] === 4);
  const scores = tensors.find((t) => t.dims.length === 3 && t !== boxes);
  if (!boxes || !scores) {
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}' needs [1, N, C] scores and [1, N, 1, 4] boxes; it gave ${tensors.map((t) => `[${t.dims.join(',')}]`).join(', ')}`);
  }
  const columns = scores.dims[2];
  const classMap = columns === 90 && spec.labels.length === 80 ? COCO_ID_TO_80 : undefined;
  return decodeTfObjectDetection(scores.data as Float32Array, columns, boxes.data as Float32Array, {
    threshold,
    inputWidth: spec.input.width,
    inputHeight: spec.input.height,
    classMap,
  });
};

/**
 * The zoo decoders by family; merged into `DETECTION_DECODERS`.
 *
 * @example
 * ```ts
 * const decode = ZOO_DECODERS['tf-object-detection'];
 * ```
 */
export const ZOO_DECODERS: Readonly<Record<string, ZooDecoder>> = /* @__PURE__ */ Object.freeze({
  'yolov5-normalized': yoloV5Normalized,
  'tf-object-detection': tfObjectDetection,
});
