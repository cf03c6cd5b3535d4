import { VisionError, toVisionError } from '../../core/errors';
import { optionalBoolean } from '../../core/optional-boolean';
import type { ImageInput } from '../../core/image-input';
import type { Detection, InputTransform, Keypoint, Timing } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { normalizeBoxes, scaleBoxesToSource, scaleKeypointsToSource } from '../../postprocess/box-format';
import { type SuppressedCandidates, suppressCandidates } from '../../postprocess/nms/suppress';
import { mergePredictions } from '../../postprocess/nms/merge-predictions';
import { imageToTensor } from '../../core/image-tensor';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import type { ByteTrackerOptions } from '../../track/tracker-options';
import { BASE_PIPELINE_OPTION_NAMES, type Pipeline } from '../shared/pipeline-options';
import { optionNames } from '../../core/known-options';
import { ModelPipeline } from '../shared/model-pipeline';
import { resolveModel } from '../shared/resolve-model';
import { finishTiming, now, preprocessAndExecute, preprocessAndInfer } from '../shared/run-stages';
import { definedOnly, optionsObject, runOptionsObject, positiveInteger, unitInterval } from '../shared/options';
import { type StreamTracker, adaptedTracker, checkTrackerSettings, streamTracker, trackInStream } from '../shared/adapted-tracker';
import { isOptionsObject, shownList, shownValue } from '../../core/shown-value';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import { VideoClock } from '../shared/video-clock';
import { outputDecodeError } from '../shared/outputs';
import { DETECTION_DECODERS, type DecodedCandidates, type DetectionDecoder } from './detection-decoders';
import { checkDetectionHead } from './detection-head-check';
import { canFilterCandidatesOnGpu, inferWithGpuCandidates, withOriginalRows } from './gpu-candidates';
import { detectionViews, renderDetectionView, unmapDetectionKeypoints, unmapDetectionView } from './detection-tta';
import { type DetectionOptions, type DetectionResult, type DetectionRunOptions, NMS_METHODS } from './detection-types';
import { ownEntry } from '../../core/own-entry';

const RUN_OPTION_NAMES = /* @__PURE__ */ optionNames<DetectionRunOptions>()(['threshold', 'iouThreshold', 'maxDetections', 'classes', 'agnostic', 'multiLabel', 'resizeOnCapture', 'gpuSampling', 'gpuCandidates', 'nms', 'tta']);
const OPTION_NAMES = /* @__PURE__ */ optionNames<DetectionOptions>()([...BASE_PIPELINE_OPTION_NAMES, ...RUN_OPTION_NAMES, 'spec', 'tracker']);

/** The checked thresholds of one run. */
interface RunSettings {
  threshold: number;
  iouThreshold: number;
  maxDetections: number;
  /** `nms: 'wbf'` in video mode: candidates under the run's threshold (decoded for the tracker) are not fused. */
  fuseFrom?: number;
}

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
  /** Video-mode tracker and clock: replaced (not cleared) by `reset()`, so a frame in flight then updates the old ones. */
  private stream: StreamTracker | null = null;
  private videoClock = new VideoClock();

  constructor(
    spec: ModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    private readonly defaults: DetectionRunOptions,
    private readonly trackerOptions: ByteTrackerOptions = {},
  ) {
    super(spec, runner, ownsRunner);
    const decode = ownEntry(DETECTION_DECODERS, spec.family);
    if (!decode) {
      throw new VisionError('INVALID_OPTION', `no detection decoder for family '${spec.family}'; known: ${Object.keys(DETECTION_DECODERS).join(', ')}`);
    }
    this.decode = (outputs, context) => {
      try {
        return decode(outputs, context);
      } catch (error) {
        throw outputDecodeError(error, spec.id);
      }
    };
    checkDetectionHead(spec);
    // bad defaults and tracker settings fail now, not at the first run or video frame
    checkTrackerSettings(trackerOptions);
    this.settings({ ...this.spec.defaults, ...definedOnly(defaults) });
    adaptedTracker(this.threshold({}), trackerOptions);
  }

  /** The detection threshold of a run: the run's, the pipeline's, the card's, else 0.25. */
  private threshold(options: DetectionRunOptions): number {
    return unitInterval(options.threshold ?? this.defaults.threshold ?? this.spec.defaults?.threshold ?? 0.25, 'threshold');
  }

  async run(input: ImageInput, options: DetectionRunOptions = {}): Promise<DetectionResult> {
    return this.detect(input, options);
  }

  /** {@link run}; `fuseFrom`: the reporting threshold when candidates are decoded below it for the tracker (see {@link RunSettings}). */
  private async detect(input: ImageInput, options: DetectionRunOptions, fuseFrom?: number): Promise<DetectionResult> {
    this.assertUsable();
    runOptionsObject(options, RUN_OPTION_NAMES);
    const merged: DetectionRunOptions = { ...this.spec.defaults, ...definedOnly(this.defaults), ...definedOnly(options) };
    const settings = { ...this.settings(merged), fuseFrom };
    if (merged.tta) return this.runAugmented(input, merged, settings);
    const gpuSampling = optionalBoolean(merged.gpuSampling, 'gpuSampling');
    const sampling = { resizeOnCapture: merged.resizeOnCapture ?? false, gpuSampling };
    const runner = this.runner;
    if (optionalBoolean(merged.gpuCandidates, 'gpuCandidates') && canFilterCandidatesOnGpu(runner, this.spec)) {
      const stage = await preprocessAndExecute(runner, this.spec, input, sampling, (feeds) => inferWithGpuCandidates(runner, this.spec, feeds, settings.threshold));
      const postStart = now();
      const { outputs, rows, totalRows, bytesRead } = stage.result;
      const result = this.fromOutputs(outputs, stage.transform, merged, settings, () => finishTiming(stage, postStart), rows);
      return rows ? { ...result, gpuCandidates: { rows: rows.length, totalRows, bytesRead } } : result;
    }
    const stage = await preprocessAndInfer(runner, this.spec, input, sampling);
    const postStart = now();
    return this.fromOutputs(stage.outputs, stage.transform, merged, settings, () => finishTiming(stage, postStart));
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
   *
   * `gpuRows`: the YOLO output holds only these anchor rows, channels-last (`[1, K, width]`, what
   * `inferWithGpuCandidates` or `GpuRowFilter.filter` read back).
   */
  detectionsFromOutputs(outputs: Record<string, RawTensor>, transform: InputTransform, options: DetectionRunOptions = {}, gpuRows?: Int32Array): Detection[] {
    this.assertUsable();
    runOptionsObject(options, RUN_OPTION_NAMES, 'detection options');
    if (!isOptionsObject(outputs)) throw new VisionError('INVALID_INPUT', `detectionsFromOutputs: outputs is ${shownValue(outputs)}; it must be the model's outputs by name (what runner.run gives)`);
    if (!isOptionsObject(transform)) throw new VisionError('INVALID_INPUT', `detectionsFromOutputs: transform is ${shownValue(transform)}; it must be the InputTransform of the model input`);
    const merged: DetectionRunOptions = { ...this.spec.defaults, ...definedOnly(this.defaults), ...definedOnly(options) };
    return this.fromOutputs(outputs, transform, merged, this.settings(merged), () => ({ preprocess: 0, inference: 0, postprocess: 0, total: 0 }), gpuRows).detections;
  }

  /** The checked thresholds and NMS method of one run (bad options fail before the model runs). */
  private settings(merged: DetectionRunOptions): RunSettings {
    if (merged.nms !== undefined && !NMS_METHODS.includes(merged.nms)) {
      throw new VisionError('INVALID_OPTION', `nms must be one of ${NMS_METHODS.join(', ')}; got ${shownValue(merged.nms)}`);
    }
    const { classes } = merged;
    if (classes !== undefined && !(Array.isArray(classes) && classes.every((c) => Number.isInteger(c) && c >= 0))) {
      throw new VisionError('INVALID_OPTION', `classes is ${shownList(classes)}; it must be a list of class ids (integers ≥ 0)`);
    }
    for (const name of ['agnostic', 'multiLabel', 'resizeOnCapture', 'gpuSampling', 'gpuCandidates'] as const) optionalBoolean(merged[name], name);
    return {
      threshold: unitInterval(merged.threshold ?? 0.25, 'threshold'),
      iouThreshold: unitInterval(merged.iouThreshold ?? 0.45, 'iouThreshold'),
      maxDetections: positiveInteger(merged.maxDetections ?? 100, 'maxDetections'),
    };
  }

  /** One model run's outputs → the result: decode, suppress, boxes and keypoints mapped to the image. */
  private fromOutputs(outputs: Record<string, RawTensor>, transform: InputTransform, merged: DetectionRunOptions, settings: RunSettings, timing: () => Timing, gpuRows?: Int32Array): DetectionResult {
    const kept = this.suppress(outputs, transform, merged, settings, gpuRows);
    const boxes = scaleBoxesToSource(kept.boxes, transform);
    const keypoints = (k: number) => keypointsOf(kept, k, transform, this.spec.head?.ssd?.keypointNames);
    return this.result({ ...kept, boxes }, transform, timing(), keypoints);
  }

  /** Decode and suppress one model run (boxes in model-input pixels); `gpuRows`: the YOLO output holds only these anchors (filtered on the GPU). */
  private suppress(outputs: Record<string, RawTensor>, transform: InputTransform, merged: DetectionRunOptions, settings: RunSettings, gpuRows?: Int32Array): SuppressedCandidates {
    const { threshold, iouThreshold, maxDetections } = settings;
    const context = { spec: this.spec, transform, threshold, maxDetections, options: merged };
    const decoded = gpuRows ? withOriginalRows(this.decode(outputs, { ...context, outputLayout: 'channels-last' }), gpuRows) : this.decode(outputs, context);
    return suppressCandidates(keepClasses(decoded, merged.classes), {
      method: merged.nms ?? decoded.suppression ?? 'greedy',
      iouThreshold,
      maxDetections,
      agnostic: merged.agnostic ?? false,
      scoreThreshold: threshold, // soft-NMS: a score decayed below the run's threshold drops the box
      fuseScoreThreshold: settings.fuseFrom,
    });
  }

  /** Test-time augmentation: every view detected on its own, boxes mapped back, merged (see {@link DetectionTta}). */
  private async runAugmented(input: ImageInput, merged: DetectionRunOptions, settings: RunSettings): Promise<DetectionResult> {
    const tta = merged.tta!;
    const views = detectionViews(tta);
    const started = now();
    const { tensor, owned } = await imageToTensor(input).catch((error: unknown) => {
      throw toVisionError(error, 'INVALID_INPUT', 'could not read the image for test-time augmentation');
    });
    const [height, width] = tensor.shape;
    const predictions: SuppressedCandidates[] = [];
    // each view's keypoints per kept box, in the original image (models with keypoints: BlazeFace)
    const viewKeypoints: ((Keypoint[] | undefined)[])[] = [];
    const timing = { preprocess: 0, inference: 0, postprocess: 0 };
    try {
      for (const view of views) {
        const picture = renderDetectionView(tensor, view, this.spec.input.padValue ?? 114);
        try {
          const stage = await preprocessAndInfer(this.runner, this.spec, picture);
          const postStart = now();
          const kept = this.suppress(stage.outputs, stage.transform, merged, settings);
          predictions.push({ ...kept, boxes: unmapDetectionView(scaleBoxesToSource(kept.boxes, stage.transform), view, width, height) });
          viewKeypoints.push(Array.from(kept.indices, (_, k) => {
            const points = keypointsOf(kept, k, stage.transform, this.spec.head?.ssd?.keypointNames);
            return points && unmapDetectionKeypoints(points, view, width, height);
          }));
          timing.preprocess += stage.timing.preprocess;
          timing.inference += stage.timing.inference;
          timing.postprocess += now() - postStart;
        } finally {
          picture.dispose();
        }
      }
    } finally {
      if (owned) tensor.dispose();
    }
    const postStart = now();
    const method = tta.merge ?? 'wbf';
    const fused = mergePredictions(predictions, width, height, {
      method,
      iouThreshold: tta.iouThreshold ?? (method === 'wbf' ? 0.55 : settings.iouThreshold),
      agnostic: merged.agnostic ?? false,
      maxDetections: settings.maxDetections,
    });
    // a box only some views found loses score under WBF: the threshold applies to the merged score
    const keep = Int32Array.from(fused.scores.keys()).filter((k) => fused.scores[k] >= settings.threshold);
    const end = now();
    const result = {
      indices: keep,
      boxes: Float32Array.from([...keep].flatMap((k) => [...fused.boxes.subarray(k * 4, k * 4 + 4)])),
      scores: Float32Array.from(keep, (k) => fused.scores[k]),
      classIds: Int32Array.from(keep, (k) => fused.classIds[k]),
    };
    // a merged detection takes the keypoints of its best box (for WBF, the top box of its cluster)
    const keypoints = (k: number): Keypoint[] | undefined => viewKeypoints[fused.sourcePrediction[keep[k]]][fused.sourceIndex[keep[k]]];
    return this.result(result, { sourceWidth: width, sourceHeight: height }, { ...timing, postprocess: timing.postprocess + end - postStart, total: end - started }, keypoints);
  }

  /** Detections from kept candidates whose boxes are already in pixels of the original image. */
  private result(kept: SuppressedCandidates, size: { sourceWidth: number; sourceHeight: number }, timing: Timing, keypoints: (k: number) => Keypoint[] | undefined = () => undefined): DetectionResult {
    const { sourceWidth: width, sourceHeight: height } = size;
    const normalized = normalizeBoxes(kept.boxes, width, height);
    const detections: Detection[] = Array.from(kept.indices, (_, k) => {
      const classId = kept.classIds[k];
      const box = (a: Float32Array) => ({ x1: a[k * 4], y1: a[k * 4 + 1], x2: a[k * 4 + 2], y2: a[k * 4 + 3] });
      const detection: Detection = { box: box(kept.boxes), boxNormalized: box(normalized), score: kept.scores[k], classId, label: this.spec.labels[classId] ?? `class ${classId}` };
      const points = keypoints(k);
      return points ? { ...detection, keypoints: points } : detection;
    });
    return { detections, imageSize: { width, height }, timing };
  }

  /**
   * Video mode: detects in one frame of a stream and tracks objects across frames
   * (ByteTrack), giving each detection a stable `trackId`. Timestamps (ms) must increase (calls
   * that overlap are analysed one after another, in call order); the tracker uses them to bridge
   * dropped frames. Only detections that belong to a
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
    // this frame's stream: a reset() while it is analysed starts a new one that it leaves alone
    const videoClock = this.videoClock;
    runOptionsObject(options, RUN_OPTION_NAMES);
    const threshold = this.threshold(options);
    const resizeOnCapture = options.resizeOnCapture ?? this.defaults.resizeOnCapture ?? true;
    // this frame's stream (a reset() meanwhile starts another); its tracker retuned to this call's threshold in call order
    const stream = (this.stream ??= streamTracker(null, threshold, this.trackerOptions));
    return videoClock.frame(timestampMs, async () => {
      streamTracker(stream, threshold, this.trackerOptions);
      // decoded down to the tracker's low threshold; weighted boxes fusion still fuses only what the run reports
      const result = await this.detect(input, { ...options, resizeOnCapture, threshold: Math.min(threshold, stream.tracker.options.lowThreshold) }, threshold);
      const { width, height } = result.imageSize;
      return { ...result, detections: trackInStream(stream, result.detections, width, height, timestampMs) };
    });
  }

  /**
   * Forgets the tracks of video mode; the next {@link runForVideo} starts new track IDs (a frame
   * still being analysed leaves nothing for it). @example `detector.reset();`
   */
  reset(): void {
    this.stream = null;
    this.videoClock = new VideoClock();
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
  optionsObject(options, 'object-detection options', OPTION_NAMES);
  const model = await resolveModel('object-detection', 'centernet-coco', options, options.spec);
  return disposeOnFailure([model], () => {
    const { spec, runner, ownsRunner } = model;
    const { threshold, iouThreshold, maxDetections, classes, agnostic, multiLabel, resizeOnCapture, gpuSampling, gpuCandidates, tracker, nms, tta } = options;
    if (tta) detectionViews(tta);
    optionalBoolean(gpuCandidates, 'gpuCandidates');
    return new DetectionPipeline(spec, runner, ownsRunner, { threshold, iouThreshold, maxDetections, classes, agnostic, multiLabel, resizeOnCapture, gpuSampling, gpuCandidates, nms, tta }, tracker);
  });
}
