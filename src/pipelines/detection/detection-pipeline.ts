import { VisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { Detection, InputTransform, Keypoint } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { normalizeBoxes, scaleBoxesToSource, scaleKeypointsToSource } from '../../postprocess/box-format';
import { type SuppressedCandidates, suppressCandidates } from '../../postprocess/nms/suppress';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { ByteTracker } from '../../track/byte-tracker';
import type { ByteTrackerOptions } from '../../track/tracker-options';
import type { Pipeline } from '../shared/pipeline-options';
import { ModelPipeline } from '../shared/model-pipeline';
import { resolveModel } from '../shared/resolve-model';
import { finishTiming, now, preprocessAndInfer } from '../shared/run-stages';
import { definedOnly, optionalBoolean, unitInterval } from '../shared/options';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import { DETECTION_DECODERS, type DecodedCandidates, type DetectionDecoder } from './detection-decoders';
import type { DetectionOptions, DetectionResult, DetectionRunOptions } from './detection-types';

function keepClasses(candidates: DecodedCandidates, classes: readonly number[] | undefined): DecodedCandidates {
  if (!classes) return candidates;
  const wanted = new Set(classes);
  const keep = [...candidates.classIds.keys()].filter((i) => wanted.has(candidates.classIds[i]));
  const k = candidates.numKeypoints ?? 0;
  return {
    ...candidates,
    boxes: Float32Array.from(keep.flatMap((i) => [...candidates.boxes.subarray(i * 4, i * 4 + 4)])),
    scores: Float32Array.from(keep, (i) => candidates.scores[i]),
    classIds: Int32Array.from(keep, (i) => candidates.classIds[i]),
    keypoints: candidates.keypoints && Float32Array.from(keep.flatMap((i) => [...candidates.keypoints!.subarray(i * k * 2, (i + 1) * k * 2)])),
  };
}

function keypointsOf(candidates: SuppressedCandidates, index: number, transform: InputTransform, names: readonly string[] | undefined): Keypoint[] | undefined {
  const k = candidates.numKeypoints ?? 0;
  if (!candidates.keypoints || k === 0) return undefined;
  const points = scaleKeypointsToSource(candidates.keypoints.subarray(index * k * 2, (index + 1) * k * 2), transform);
  return Array.from({ length: k }, (_, j) => ({ x: points[j * 2], y: points[j * 2 + 1], ...(names?.[j] ? { name: names[j] } : {}) }));
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
  private tracker: ByteTracker | null = null;

  constructor(
    spec: ModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    private readonly defaults: DetectionRunOptions,
    private readonly trackerOptions: ByteTrackerOptions = {},
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
    const merged: DetectionRunOptions = { ...definedOnly(this.defaults), ...definedOnly(options) };
    // bad options fail before the model runs
    for (const name of ['threshold', 'iouThreshold'] as const) if (merged[name] !== undefined) unitInterval(merged[name], name);
    const gpuSampling = optionalBoolean(merged.gpuSampling, 'gpuSampling');
    const stage = await preprocessAndInfer(this.runner, this.spec, input, { resizeOnCapture: merged.resizeOnCapture ?? false, gpuSampling });
    const postStart = now();
    const detections = this.detectionsFromOutputs(stage.outputs, stage.transform, options);
    const { sourceWidth: width, sourceHeight: height } = stage.transform;
    return { detections, imageSize: { width, height }, timing: finishTiming(stage, postStart) };
  }

  /**
   * The post-processing half of {@link run}: one image's raw model outputs (batch of 1) and the
   * transform of its input → decoded, suppressed detections in image pixels. For tools that
   * run the model themselves on altered inputs (e.g. `explain`'s occlusion).
   *
   * @example
   * ```ts
   * const outputs = await detector.runner.run({ [detector.runner.inputs[0].name]: input }, { outputs: detector.spec.outputs });
   * const detections = detector.detectionsFromOutputs(outputs, transform, { threshold: 0.05 });
   * ```
   */
  detectionsFromOutputs(outputs: Record<string, RawTensor>, transform: InputTransform, options: DetectionRunOptions = {}): Detection[] {
    this.assertUsable();
    const merged: DetectionRunOptions = { ...this.spec.defaults, ...definedOnly(this.defaults), ...definedOnly(options) };
    const threshold = unitInterval(merged.threshold ?? 0.25, 'threshold');
    const iouThreshold = unitInterval(merged.iouThreshold ?? 0.45, 'iouThreshold');
    const maxDetections = merged.maxDetections ?? 100;
    const decoded = this.decode(outputs, { spec: this.spec, transform, threshold, maxDetections, options: merged });
    const kept = suppressCandidates(keepClasses(decoded, merged.classes), {
      method: decoded.suppression ?? 'greedy',
      iouThreshold,
      maxDetections,
      agnostic: merged.agnostic ?? false,
    });
    const { sourceWidth: width, sourceHeight: height } = transform;
    const boxes = scaleBoxesToSource(kept.boxes, transform);
    const normalized = normalizeBoxes(boxes, width, height);
    return Array.from(kept.indices, (_, k) => {
      const classId = kept.classIds[k];
      const box = (a: Float32Array) => ({ x1: a[k * 4], y1: a[k * 4 + 1], x2: a[k * 4 + 2], y2: a[k * 4 + 3] });
      const detection: Detection = { box: box(boxes), boxNormalized: box(normalized), score: kept.scores[k], classId, label: this.spec.labels[classId] ?? `class ${classId}` };
      const keypoints = keypointsOf(kept, k, transform, this.spec.head?.ssd?.keypointNames);
      return keypoints ? { ...detection, keypoints } : detection;
    });
  }
  /**
   * Video mode: detects in one frame of a stream and tracks objects across frames
   * (ByteTrack), giving each detection a stable `trackId`. Timestamps (ms) must increase;
   * the tracker uses them to bridge dropped frames. Only detections that belong to a
   * confirmed track are returned. {@link reset} starts over (e.g. on a new video).
   *
   * @example
   * ```ts
   * const { detections } = await detector.runForVideo(videoFrame, videoFrame.timestamp / 1000);
   * for (const d of detections) console.log(d.trackId, d.label);
   * ```
   */
  async runForVideo(input: ImageInput, timestampMs: number, options: DetectionRunOptions = {}): Promise<DetectionResult> {
    this.assertUsable();
    const threshold = unitInterval(options.threshold ?? this.defaults.threshold ?? this.spec.defaults?.threshold ?? 0.25, 'threshold');
    if (!this.tracker) {
      this.tracker = new ByteTracker({ highThreshold: Math.max(threshold, 1e-6), lowThreshold: Math.min(0.1, threshold / 2), newTrackThreshold: threshold, ...this.trackerOptions });
    }
    const lowThreshold = this.tracker.options.lowThreshold;
    const resizeOnCapture = options.resizeOnCapture ?? this.defaults.resizeOnCapture ?? true;
    const result = await this.run(input, { ...options, resizeOnCapture, threshold: Math.min(threshold, lowThreshold) });
    const tracked = this.tracker.update(result.detections, timestampMs);
    return { ...result, detections: tracked };
  }

  /** Forgets the tracks of video mode; the next {@link runForVideo} starts new track IDs. @example `detector.reset();` */
  reset(): void {
    this.tracker?.reset();
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
  const model = await resolveModel('object-detection', 'centernet-coco', options, options.spec);
  return disposeOnFailure([model], () => {
    const { spec, runner, ownsRunner } = model;
    const { threshold, iouThreshold, maxDetections, classes, agnostic, resizeOnCapture, gpuSampling, tracker } = options;
    return new DetectionPipeline(spec, runner, ownsRunner, { threshold, iouThreshold, maxDetections, classes, agnostic, resizeOnCapture, gpuSampling }, tracker);
  });
}
