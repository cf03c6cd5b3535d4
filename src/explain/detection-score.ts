import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import type { InputTransform } from '../core/types';
import { scaleBoxesToSource } from '../postprocess/box-format';
import { readYoloTensor, resolveYoloMatrix } from '../postprocess/detection/yolo-common';
import { iou } from '../postprocess/nms/iou';
import type { DetectionPipeline } from '../pipelines/detection/detection-pipeline';
import { firstOutput } from '../pipelines/shared/outputs';
import type { RawTensor } from '../runtime/model-runner';
import type { DetectionTarget } from './explain-types';
import type { OutputScore } from './model-forward';
import { ownEntry } from '../core/own-entry';

/**
 * Detector families whose raw output holds one differentiable score per candidate row: channels
 * before the class scores, and whether boxes are fractions of the input (YOLOv5 TF.js exports).
 */
const GRADIENT_FAMILIES: Readonly<Record<string, { head: number; layout: 'channels-first' | 'channels-last'; normalized?: true }>> = {
  yolov8: { head: 4, layout: 'channels-first' },
  yolov5: { head: 5, layout: 'channels-last' },
  'yolov5-normalized': { head: 5, layout: 'channels-last', normalized: true },
};

/**
 * Throws `INVALID_OPTION` unless the detector's family has per-candidate scores the gradient
 * methods can differentiate (YOLOv5-style anchor-based and YOLOv8/v11-style anchor-free raw
 * outputs, the trainable detector's export and YOLOv5 TF.js exports among them).
 *
 * @example
 * ```ts
 * checkGradientDetector(detector, 'grad-cam');
 * ```
 */
export function checkGradientDetector(detector: DetectionPipeline, method: string): void {
  if (!ownEntry(GRADIENT_FAMILIES, detector.spec.family)) throw unsupportedDetector(detector, method);
}

function unsupportedDetector(detector: DetectionPipeline, method: string): VisionError {
  return new VisionError(
    'INVALID_OPTION',
    `method '${method}' on a detector needs raw per-candidate scores (families ${Object.keys(GRADIENT_FAMILIES).join(', ')}); model '${detector.spec.id}' is family '${detector.spec.family}': use method 'occlusion'`,
  );
}

/** Added to the scores of the candidate rows a target does not overlap: none of them can be the maximum. */
const EXCLUDED = -1e30;

/**
 * A detection's score as an {@link OutputScore} of a YOLO detector's raw output: the largest
 * score of the target's class (v8: the class score; v5: objectness × class score) among the
 * candidate rows whose decoded box overlaps the target's box with IoU ≥ `iouThreshold`. The
 * rows are chosen once, without gradient, from `outputs` (the model run on the unaltered
 * image, its input made with `transform`); the maximum is taken with tf ops, so gradients
 * flow to the best overlapping candidate.
 *
 * @throws VisionError `INVALID_OPTION` for an unsupported family (see {@link checkGradientDetector})
 * or when no candidate overlaps the target; `MODEL_FORMAT` for an output of the wrong shape.
 * @example
 * ```ts
 * const read = detectionScore(detector, baseOutputs, prepared.transform, detections[0], 0.5);
 * const gradient = tf.grad(scoreOfImage(detector, model, read))(pixels);
 * ```
 */
export function detectionScore(detector: DetectionPipeline, outputs: Record<string, RawTensor>, transform: InputTransform, target: DetectionTarget, iouThreshold: number): OutputScore {
  const { spec } = detector;
  const family = ownEntry(GRADIENT_FAMILIES, spec.family);
  if (!family) throw unsupportedDetector(detector, 'gradients');
  const { data, a, b } = readYoloTensor(firstOutput(outputs, spec), 'explain');
  const m = resolveYoloMatrix(data, a, b, family.head, { numClasses: spec.labels.length, numExtras: spec.head?.numExtras, layout: spec.head?.layout }, family.layout, 'explain');
  const boxes = new Float32Array(m.rows * 4);
  const [scaleX, scaleY] = family.normalized ? [transform.inputWidth, transform.inputHeight] : [1, 1];
  for (let i = 0; i < m.rows; i++) {
    const [cx, cy, w, h] = [0, 1, 2, 3].map((j) => Number(m.data[i * m.rowStride + j * m.colStride]) * (j % 2 === 0 ? scaleX : scaleY));
    boxes.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], i * 4);
  }
  const inImage = scaleBoxesToSource(boxes, transform);
  const wanted = Float32Array.of(target.box.x1, target.box.y1, target.box.x2, target.box.y2);
  const rows = [...Array(m.rows).keys()].filter((i) => iou(wanted, 0, inImage, i) >= iouThreshold);
  if (rows.length === 0) {
    throw new VisionError('INVALID_OPTION', `no candidate of the detector overlaps the target box with IoU ≥ ${iouThreshold} in this image`);
  }
  // the rows left out are pushed far below any score; slices and a mask (not a gather, whose
  // gradient needs a kernel the wasm backend lacks) pick the class column and objectness
  const excluded = new Float32Array(m.rows).fill(EXCLUDED);
  for (const i of rows) excluded[i] = 0;
  return (output) => {
    const flat = tf.reshape(output, [-1]);
    const column = (j: number): tf.Tensor1D =>
      m.rowStride === 1
        ? (tf.slice(flat, [j * m.colStride], [m.rows]) as tf.Tensor1D)
        : (tf.reshape(tf.slice(tf.reshape(flat, [m.rows, m.rowStride]), [0, j], [m.rows, 1]), [m.rows]) as tf.Tensor1D);
    const scores = column(family.head + target.classId);
    const products = family.head === 5 ? tf.mul(scores, column(4)) : scores;
    return tf.max(tf.add(products, excluded)) as tf.Scalar;
  };
}
