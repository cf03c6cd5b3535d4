import type { Mask } from '../../core/mask';
import type { Box, Keypoint } from '../../core/types';
import type { PoseModelSpec } from '../../models/pose-cards';
import type { CropRegion } from '../../preprocess/crop-region';
import type { OneEuroOptions } from '../../track/one-euro';
import type { ByteTrackerOptions } from '../../track/tracker-options';
import type { TimedResult } from '../../core/results';
import type { BasePipelineOptions } from '../shared/pipeline-options';

/**
 * A body keypoint of a pose: pixels of the original image, score 0–1 and name. A keypoint the
 * model returned as NaN/∞ is reported at (0, 0) with score 0, so indices always match the
 * skeleton.
 *
 * @example
 * ```ts
 * const nose: PoseKeypoint = { x: 320, y: 140, score: 0.9, name: 'nose' };
 * ```
 */
export interface PoseKeypoint extends Keypoint {
  score: number;
  name: string;
}

/**
 * A body keypoint in world coordinates (MediaPipe's pose `worldLandmarks`): metres, origin at the
 * centre of the hips, x to the right and y down along the image's axes, z towards the scene
 * (negative is towards the camera), with the keypoint's score (its visibility) and name.
 *
 * @example
 * ```ts
 * const [leftHip, rightHip] = ['left_hip', 'right_hip'].map((n) => pose.worldKeypoints!.find((k) => k.name === n)!);
 * const hipWidthMetres = Math.hypot(leftHip.x - rightHip.x, leftHip.y - rightHip.y, leftHip.z - rightHip.z);
 * ```
 */
export interface PoseWorldKeypoint {
  x: number;
  y: number;
  z: number;
  score: number;
  name: string;
}

/**
 * One person: keypoints in the order of the model's keypoint set (COCO-17 or BlazePose-33),
 * a box (the model's, or the extent of the keypoints scoring ≥ 0.2), the pose score, for
 * BlazePose the same keypoints in metres (`worldKeypoints`), and in video mode a stable `trackId`.
 *
 * @example
 * ```ts
 * const wrist = pose.keypoints.find((k) => k.name === 'left_wrist');
 * ```
 */
export interface Pose {
  keypoints: PoseKeypoint[];
  /** BlazePose: the keypoints in metres about the hips (see {@link PoseWorldKeypoint}); absent for models without world output. */
  worldKeypoints?: PoseWorldKeypoint[];
  /**
   * BlazePose with the `segmentation` option: the person's mask, a `probability` {@link Mask}
   * at the image's size (MediaPipe's pose segmentation mask). Owned: `close()` it when done.
   */
  segmentation?: Mask;
  box: Box;
  score: number;
  trackId?: number;
}

/**
 * Poses found in one image, best first.
 *
 * @example
 * ```ts
 * const { poses, imageSize } = await estimator.run(photo);
 * ```
 */
export interface PoseResult extends TimedResult {
  poses: Pose[];
}

/**
 * Per-call options of a pose-estimation pipeline (defaults come from the model card).
 *
 * @example
 * ```ts
 * await estimator.run(image, { threshold: 0.3, maxPoses: 3 });
 * ```
 */
export interface PoseRunOptions {
  /** Minimum pose score, in [0, 1]. */
  threshold?: number;
  /** Most people to return (single-person models return at most 1). */
  maxPoses?: number;
  /** PoseNet: `multi` (greedy multi-person decoding, default) or `single` (argmax per keypoint). */
  decoding?: 'single' | 'multi';
  /** PoseNet multi: a part must score at least this to seed a person. Default 0.5. */
  partThreshold?: number;
  /** PoseNet multi: same keypoints closer than this (model-input pixels) belong to one person. Default 20. */
  nmsRadius?: number;
  /**
   * MoveNet single-pose `run`: look only at this region (0–1 of the image; may reach beyond
   * it). Default: the whole image padded to a square. (pose-detection's first frame uses the
   * centred square `{ xMin: 0.125, yMin: 0, xMax: 0.875, yMax: 1 }` of a 640×480 frame.)
   * Given at creation, it is `run`'s default. Other models, and `runForVideo` (which crops
   * around the previous frame's pose), refuse it (`INVALID_OPTION`).
   */
  region?: CropRegion;
}

/**
 * Options of a pose-estimation pipeline. Default model: MoveNet Lightning.
 *
 * @example
 * ```ts
 * await pipeline('pose-estimation', { model: 'movenet-multipose', threshold: 0.3, smoothing: { minCutoff: 1 } });
 * ```
 */
export interface PoseEstimationOptions extends BasePipelineOptions, PoseRunOptions {
  /** The card of a ready runner passed as `model` (a runner needs its card). */
  spec?: PoseModelSpec;
  /**
   * Video mode: One-Euro settings for keypoints, or `false` for none. Speeds are in 0–1 image
   * units per second, default `{ minCutoff: 2.5, beta: 300, dCutoff: 2.5 }` (MoveNet's
   * reference); for BlazePose they are in person sizes per second and smoothing follows
   * MediaPipe's pose graph (visibilities low-passed, the next frame's region placed from
   * alignment points smoothed harder), default `{ minCutoff: 0.05, beta: 80, dCutoff: 1 }`.
   * Fields left out keep the default's.
   */
  smoothing?: OneEuroOptions | false;
  /**
   * BlazePose: give each pose its person mask (`pose.segmentation`, MediaPipe's
   * `outputSegmentationMasks`). Default false; a model without a segmentation output refuses it.
   */
  segmentation?: boolean;
  /**
   * Video mode, with `segmentation`: the previous frame's weight in [0, 1] where a person mask is
   * unsure (MediaPipe's segmentation smoothing), or `false` for none. Default 0.7.
   */
  segmentationSmoothing?: number | false;
  /**
   * Video mode: One-Euro settings for `worldKeypoints` (metres; x, y and z), or `false` for none.
   * Default `{ minCutoff: 0.1, beta: 40, dCutoff: 1 }` (MediaPipe's filter for world landmarks); fields left out keep these.
   */
  worldSmoothing?: OneEuroOptions | false;
  /**
   * Video mode: tracker settings (defaults adapt ByteTrack to the pose threshold). BlazePose
   * follows people from frame to frame instead of matching boxes: it takes `trackBuffer` and
   * `frameRate` only — how long a person missed by the landmark stage keeps their ID for the
   * detector to find them again (default 30 frames at 30 fps: one second).
   */
  tracker?: ByteTrackerOptions;
  /**
   * When browser pictures (VideoFrame, ImageBitmap, `<video>`, canvas, `<img>`) are read only
   * as the model-size crop (I420/NV12 camera frames from their YUV planes, converting just the
   * crop; other pictures drawn at model size by a 2D canvas) instead of being read whole and
   * resampled exactly like `tf.image.cropAndResize`: `'video'` (default) in `runForVideo`,
   * `'always'`, or `'never'`. Inputs differ by a few grey levels and keypoints by a pixel or two;
   * in Node and for tensors, pixel buffers and files the exact path is always used.
   */
  resizeOnCapture?: 'video' | 'always' | 'never';
  /**
   * WebGPU backend: make the model input from browser pictures on the GPU (texture + one compute
   * pass, no pixel read back). Default true; `false` uses the tensor path (`fromPixels` + kernels).
   */
  gpuSampling?: boolean;
}
