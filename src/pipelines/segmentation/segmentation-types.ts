import type { Mask } from '../../core/mask';
import type { Box } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import type { TimedResult } from '../../core/results';
import type { BasePipelineOptions } from '../shared/pipeline-options';

/**
 * Per-call options of an instance-segmentation pipeline (defaults come from the model card).
 *
 * @example
 * ```ts
 * await segmenter.run(photo, { threshold: 0.6, classes: [1] });
 * ```
 */
export interface InstanceSegmentationRunOptions {
  /** Minimum score, in [0, 1]. */
  threshold?: number;
  /** YOLO-seg: NMS IoU threshold (Mask R-CNN runs its own NMS in the graph). */
  iouThreshold?: number;
  /** Most instances to return. */
  maxDetections?: number;
  /** Only these class ids. */
  classes?: readonly number[];
  /** YOLO-seg: class-agnostic NMS. Default false. */
  agnostic?: boolean;
  /** Mask probability above which a pixel is inside. Default 0.5. */
  maskThreshold?: number;
  /** YOLO-seg mask assembly: `upsample` (Ultralytics default) or `native` (`retina_masks=True`, sharper). */
  maskMode?: 'upsample' | 'native';
  /**
   * YOLO-seg: which Ultralytics `process_mask` to follow. `logits` (default; today's
   * Ultralytics): the mask logits upsampled, cropped to the box at the model input's
   * resolution and cut at the logit of `maskThreshold` (strictly between 0 and 1); `sigmoid`
   * (YOLOv5-seg, Ultralytics before mid-2024): the sigmoid first, cropped on the prototype grid,
   * upsampled, cut at `maskThreshold`.
   */
  maskForm?: 'logits' | 'sigmoid';
  /**
   * WebGPU backend, YOLO-seg on tfjs: keep the prototypes on the GPU, upload the kept
   * instances' coefficients, assemble the masks there (three compute passes) and read back only
   * their packed bits (same masks as the CPU path up to float rounding at the threshold).
   * Default false; ignored (prototypes read back) on other backends and families.
   */
  gpuMasks?: boolean;
}

/**
 * Options of an instance-segmentation pipeline. No default model ships offline: pass a card
 * ({@link maskRcnnModel}, {@link yoloSegModel}) and its file.
 *
 * @example
 * ```ts
 * await createInstanceSegmentationPipeline({ model: yoloSegModel({ url: 'yolov8n-seg.onnx' }) });
 * ```
 */
export interface InstanceSegmentationOptions extends BasePipelineOptions, InstanceSegmentationRunOptions {
  /** The card of a ready runner passed as `model`. */
  spec?: ModelSpec;
}

/**
 * One object: its box (pixels of the original image) and normalised copy, score, class, and
 * its mask at the original image's size (full frame, as MediaPipe, torchvision and
 * Ultralytics give them; the mask stores only its box region). Close the mask when done.
 *
 * @example
 * ```ts
 * for (const { label, score, mask } of result.instances) { console.log(label, score, mask.area()); mask.close(); }
 * ```
 */
export interface SegmentedInstance {
  box: Box;
  boxNormalized: Box;
  score: number;
  classId: number;
  label: string;
  mask: Mask;
}

/**
 * Objects found in one image with their masks, best first.
 *
 * @example
 * ```ts
 * const { instances, imageSize } = await segmenter.run(photo);
 * ```
 */
export interface InstanceSegmentationResult extends TimedResult {
  instances: SegmentedInstance[];
  /** With `gpuMasks` on WebGPU: the bytes read back (detection output and packed masks), and of them the masks'. */
  gpuMasks?: { bytesRead: number; maskBytesRead: number };
}

/**
 * Per-call options of an image-segmentation pipeline: which masks to make (as MediaPipe's
 * `ImageSegmenter`).
 *
 * @example
 * ```ts
 * await segmenter.run(frame, { outputConfidenceMasks: false }); // only the label map
 * ```
 */
export interface ImageSegmentationRunOptions {
  /** A per-pixel label map (`categoryMask`). Default true. */
  outputCategoryMask?: boolean;
  /** One probability map per label (`confidenceMasks`). Default true. */
  outputConfidenceMasks?: boolean;
}

/**
 * Options of an image-segmentation pipeline. Default model: `selfie-segmentation`.
 *
 * @example
 * ```ts
 * await createImageSegmentationPipeline({ model: MEET_SEGMENTATION, backend: 'wasm' });
 * ```
 */
export interface ImageSegmentationOptions extends BasePipelineOptions, ImageSegmentationRunOptions {
  /** The card of a ready runner passed as `model`. */
  spec?: ModelSpec;
}

/**
 * Per-pixel segmentation of one image at its own size: a label map (`category` mask: the
 * most probable label index per pixel) and one probability mask per label. Close the masks
 * when done.
 *
 * @example
 * ```ts
 * const { confidenceMasks, labels } = await segmenter.run(photo);
 * const person = confidenceMasks![labels.indexOf('person')].toFloat32Array();
 * ```
 */
export interface ImageSegmentationResult extends TimedResult {
  labels: readonly string[];
  categoryMask?: Mask;
  confidenceMasks?: Mask[];
}
