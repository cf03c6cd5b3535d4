import type { Detection } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import type { ByteTrackerOptions } from '../../track/tracker-options';
import type { TimedResult } from '../../core/results';
import type { BasePipelineOptions } from '../shared/pipeline-options';
import type { DetectionTta } from './detection-tta';

/**
 * How a detector suppresses overlapping boxes: `'greedy'` NMS, Gaussian `'soft'`-NMS, or
 * `'wbf'` (weighted boxes fusion: overlapping boxes averaged by score). Unset: the model
 * family's own (greedy for most; MediaPipe's weighted NMS; none for NMS-free models).
 *
 * @example
 * ```ts
 * await detector.run(photo, { nms: 'soft' });
 * ```
 */
export type DetectionNms = 'greedy' | 'soft' | 'wbf';

/** The values of {@link DetectionNms}. @example `NMS_METHODS.includes('wbf')` */
export const NMS_METHODS: readonly DetectionNms[] = ['greedy', 'soft', 'wbf'];

/**
 * Per-call options of an object-detection pipeline (defaults come from the model card).
 *
 * @example
 * ```ts
 * await detector.run(image, { threshold: 0.5, classes: [0] }); // people only
 * ```
 */
export interface DetectionRunOptions {
  /** Minimum score, in [0, 1]. */
  threshold?: number;
  /** NMS IoU threshold, in [0, 1]. */
  iouThreshold?: number;
  /** Most detections to return. */
  maxDetections?: number;
  /** Only these class ids. */
  classes?: readonly number[];
  /** Class-agnostic NMS (a box suppresses overlapping boxes of any class). Default false. */
  agnostic?: boolean;
  /** YOLO: every class above the threshold becomes its own detection (Ultralytics `multi_label`). Default false. */
  multiLabel?: boolean;
  /**
   * Read browser pictures only at model size — I420/NV12 `VideoFrame`s from their YUV planes,
   * others drawn scaled by a canvas — instead of reading the whole frame (values within a few
   * grey levels of the exact path). Default: true in `runForVideo`, false in `run`.
   */
  resizeOnCapture?: boolean;
  /**
   * WebGPU backend: make the model input from browser pictures on the GPU (texture + one compute
   * pass, no pixel read back). Default true; `false` uses the tensor path (`fromPixels` + kernels).
   * ONNX models on onnxruntime-web's webgpu EP get it on onnxruntime's device, fed with no upload.
   */
  gpuSampling?: boolean;
  /**
   * WebGPU backend, YOLO families (yolov8, yolov5, yolov5-normalized) on tfjs: keep the output
   * on the GPU, keep the anchors whose best class score passes `threshold` there (one compute
   * pass), and read back only those rows (same candidates and detections as the full readback).
   * Default false; ignored (full readback) on other backends and families.
   */
  gpuCandidates?: boolean;
  /** How overlapping boxes are suppressed (default: the model family's, greedy for most). */
  nms?: DetectionNms;
  /** Test-time augmentation: also run the flipped / shrunk image and merge the boxes (by WBF unless `tta.merge` says otherwise). */
  tta?: DetectionTta;
}

/**
 * Options of an object-detection pipeline. Default model: `centernet-coco`.
 *
 * @example
 * ```ts
 * await pipeline('object-detection', { model: 'centernet-coco', threshold: 0.4 });
 * ```
 */
export interface DetectionOptions extends BasePipelineOptions, DetectionRunOptions {
  /** The card of a ready runner passed as `model`. */
  spec?: ModelSpec;
  /**
   * Video mode ({@link DetectionPipeline.runForVideo}) tracker settings. Defaults adapt
   * ByteTrack to the detector: `highThreshold` and `newTrackThreshold` = the detection
   * threshold, `lowThreshold` = min(0.1, threshold / 2, highThreshold / 2).
   */
  tracker?: ByteTrackerOptions;
}

/**
 * Objects found in one image, best first; boxes in pixels of the original image.
 *
 * @example
 * ```ts
 * const { detections } = await detector.run(photo);
 * detections.filter((d) => d.label === 'person').length;
 * ```
 */
export interface DetectionResult extends TimedResult {
  /** In video mode each detection also has a stable `trackId`. */
  detections: (Detection & { trackId?: number })[];
  /** With `gpuCandidates` on WebGPU: the anchor rows read back out of the output's, and the bytes read. */
  gpuCandidates?: { rows: number; totalRows: number; bytesRead: number };
}
