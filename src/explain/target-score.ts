import { VisionError } from '../core/errors';
import type { InputTransform } from '../core/types';
import { iou } from '../postprocess/nms/iou';
import type { RawTensor, TensorData } from '../runtime/model-runner';
import type { DetectionPipeline } from '../pipelines/detection/detection-pipeline';
import { classesPerImage } from '../pipelines/classification/classification-pipeline';
import type { ExplainablePipeline } from './explained-model';
import type { DetectionTarget } from './explain-types';

/**
 * The score an explanation follows, read from the model's outputs for each image of a batch.
 *
 * @example
 * ```ts
 * const scores = target.scores(outputs, 8, transform); // one per occluded copy
 * ```
 */
export interface ScoreTarget {
  classId: number;
  label: string;
  scores(outputs: Record<string, RawTensor>, batch: number, transform: InputTransform): Float32Array;
}

function firstOutput(outputs: Record<string, RawTensor>): RawTensor {
  const output = Object.values(outputs)[0];
  if (!output) throw new VisionError('MODEL_FORMAT', 'the model returned no outputs');
  return output;
}

/**
 * A classifier's score for one class: the model's own output (a logit for `logits` models, a
 * probability for `probabilities` models). `classId` undefined picks the top class of
 * `outputs` (the unaltered image's).
 *
 * @throws VisionError `INVALID_OPTION` when `classId` is not one of the model's classes.
 * @example
 * ```ts
 * const target = classificationTarget(classifier, baseOutputs, undefined);
 * ```
 */
export function classificationTarget(pipeline: ExplainablePipeline, outputs: Record<string, RawTensor>, classId: number | undefined): ScoreTarget {
  const output = firstOutput(outputs);
  // every value after the batch axis, as the pipeline reads it: a convolutional head's [1, C, 1, 1] is C classes (its last axis, 1, was taken)
  const classes = classesPerImage(output.dims);
  let chosen = classId;
  if (chosen === undefined) {
    chosen = 0;
    for (let c = 1; c < classes; c++) if (Number(output.data[c]) > Number(output.data[chosen])) chosen = c;
  }
  if (!Number.isInteger(chosen) || chosen < 0 || chosen >= classes) {
    throw new VisionError('INVALID_OPTION', `classId is ${String(classId)}; this classifier has classes 0–${classes - 1}`);
  }
  const picked = chosen;
  return {
    classId: picked,
    label: pipeline.spec.labels[picked] ?? `class ${picked}`,
    scores(batchOutputs, batch) {
      const out = firstOutput(batchOutputs);
      const per = classesPerImage(out.dims);
      return Float32Array.from({ length: batch }, (_, b) => Number(out.data[b * per + picked]));
    },
  };
}

/** One image's outputs out of a batch's: every output whose first axis is the batch is sliced. */
function itemOf(outputs: Record<string, RawTensor>, index: number, batch: number): Record<string, RawTensor> {
  if (batch === 1) return outputs;
  return Object.fromEntries(
    Object.entries(outputs).map(([name, t]) => {
      if (t.dims[0] !== batch) return [name, t];
      const per = t.data.length / batch;
      const data = t.data.subarray(index * per, (index + 1) * per) as TensorData;
      return [name, { dtype: t.dtype, dims: [1, ...t.dims.slice(1)], data }];
    }),
  );
}

/** Detections kept while explaining: low enough that a weakened target still counts. */
const EXPLAIN_DETECTION_THRESHOLD = 0.01;

/**
 * A detector's score for one detection: per image, the score of the detection of the target's
 * class that overlaps its box best with IoU ≥ `iouThreshold`, else 0.
 *
 * @example
 * ```ts
 * const target = detectionTarget(detector, detections[0], 0.5);
 * ```
 */
export function detectionTarget(detector: DetectionPipeline, target: DetectionTarget, iouThreshold: number): ScoreTarget {
  const classes = detector.spec.labels.length;
  if (target.classId >= classes) throw new VisionError('INVALID_OPTION', `target.classId is ${target.classId}; this detector has classes 0–${classes - 1}`);
  const wanted = Float32Array.of(target.box.x1, target.box.y1, target.box.x2, target.box.y2);
  return {
    classId: target.classId,
    label: detector.spec.labels[target.classId] ?? `class ${target.classId}`,
    scores(outputs, batch, transform) {
      return Float32Array.from({ length: batch }, (_, b) => {
        const found = detector.detectionsFromOutputs(itemOf(outputs, b, batch), transform, { threshold: EXPLAIN_DETECTION_THRESHOLD, classes: [target.classId] });
        let best = 0;
        for (const d of found) {
          const overlap = iou(wanted, 0, Float32Array.of(d.box.x1, d.box.y1, d.box.x2, d.box.y2), 0);
          if (overlap >= iouThreshold && d.score > best) best = d.score;
        }
        return best;
      });
    },
  };
}
