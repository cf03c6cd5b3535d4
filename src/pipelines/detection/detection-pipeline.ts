import { VisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { Detection } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { normalizeBoxes, scaleBoxesToSource } from '../../postprocess/box-format';
import type { DetectionCandidates } from '../../postprocess/detection-candidates';
import { nms } from '../../postprocess/nms';
import type { ModelRunner } from '../../runtime/model-runner';
import type { Pipeline } from '../pipeline-options';
import { ModelPipeline } from '../model-pipeline';
import { resolveModel } from '../resolve-model';
import { finishTiming, now, preprocessAndInfer } from '../run-stages';
import { DETECTION_DECODERS, type DetectionDecoder } from './detection-decoders';
import type { DetectionOptions, DetectionResult, DetectionRunOptions } from './detection-types';

function unit(value: number, name: string): number {
  if (!(value >= 0 && value <= 1)) throw new VisionError('INVALID_OPTION', `${name} is ${value}; it must be in [0, 1]`);
  return value;
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function keepClasses(candidates: DetectionCandidates, classes: readonly number[] | undefined): DetectionCandidates {
  if (!classes) return candidates;
  const wanted = new Set(classes);
  const keep = [...candidates.classIds.keys()].filter((i) => wanted.has(candidates.classIds[i]));
  return {
    boxes: Float32Array.from(keep.flatMap((i) => [...candidates.boxes.subarray(i * 4, i * 4 + 4)])),
    scores: Float32Array.from(keep, (i) => candidates.scores[i]),
    classIds: Int32Array.from(keep, (i) => candidates.classIds[i]),
  };
}

/**
 * Object detection: image → fitted input → model → family decoder → NMS → boxes mapped back
 * to the original image. Create it with `pipeline('object-detection', options)`.
 *
 * @example
 * ```ts
 * const detector = await pipeline('object-detection');
 * const { detections } = await detector.run(photo);
 * ```
 */
export class DetectionPipeline extends ModelPipeline implements Pipeline<DetectionRunOptions, DetectionResult> {
  readonly task = 'object-detection';
  private readonly decode: DetectionDecoder;

  constructor(
    spec: ModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    private readonly defaults: DetectionRunOptions,
  ) {
    super(spec, runner, ownsRunner);
    const decode = DETECTION_DECODERS[spec.family];
    if (!decode) {
      throw new VisionError('INVALID_OPTION', `no detection decoder for family '${spec.family}'; known: ${Object.keys(DETECTION_DECODERS).join(', ')}`);
    }
    this.decode = decode;
  }

  async run(input: ImageInput, options: DetectionRunOptions = {}): Promise<DetectionResult> {
    this.assertUsable();
    const merged: DetectionRunOptions = { ...this.spec.defaults, ...defined(this.defaults), ...defined(options) };
    const threshold = unit(merged.threshold ?? 0.25, 'threshold');
    const iouThreshold = unit(merged.iouThreshold ?? 0.45, 'iouThreshold');
    const maxDetections = merged.maxDetections ?? 100;
    const stage = await preprocessAndInfer(this.runner, this.spec, input);
    const postStart = now();
    const candidates = keepClasses(this.decode(stage.outputs, { spec: this.spec, transform: stage.transform, threshold }), merged.classes);
    const keep = nms(candidates.boxes, candidates.scores, {
      iouThreshold,
      maxDetections,
      classIds: candidates.classIds,
      agnostic: merged.agnostic ?? false,
    });
    const { sourceWidth: width, sourceHeight: height } = stage.transform;
    const kept = Float32Array.from([...keep].flatMap((i) => [...candidates.boxes.subarray(i * 4, i * 4 + 4)]));
    const boxes = scaleBoxesToSource(kept, stage.transform);
    const normalized = normalizeBoxes(boxes, width, height);
    const detections: Detection[] = [...keep].map((index, k) => {
      const classId = candidates.classIds[index];
      const box = (a: Float32Array) => ({ x1: a[k * 4], y1: a[k * 4 + 1], x2: a[k * 4 + 2], y2: a[k * 4 + 3] });
      return { box: box(boxes), boxNormalized: box(normalized), score: candidates.scores[index], classId, label: this.spec.labels[classId] ?? `class ${classId}` };
    });
    return { detections, imageSize: { width, height }, timing: finishTiming(stage, postStart) };
  }
}

/**
 * Creates an object-detection pipeline (default model `centernet-coco`).
 *
 * @example
 * ```ts
 * const detector = await createDetectionPipeline({ threshold: 0.4 });
 * ```
 */
export async function createDetectionPipeline(options: DetectionOptions = {}): Promise<DetectionPipeline> {
  const { spec, runner, ownsRunner } = await resolveModel('object-detection', 'centernet-coco', options, options.spec);
  try {
    const { threshold, iouThreshold, maxDetections, classes, agnostic } = options;
    return new DetectionPipeline(spec, runner, ownsRunner, { threshold, iouThreshold, maxDetections, classes, agnostic });
  } catch (error) {
    if (ownsRunner) runner.dispose();
    throw error;
  }
}
