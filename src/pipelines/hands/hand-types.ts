import type { Box } from '../../core/types';
import type { HandModelSpec } from '../../models/hand-cards';
import type { OneEuroOptions } from '../../track/one-euro';
import type { TimedResult } from '../../core/results';
import type { BasePipelineOptions } from '../shared/pipeline-options';

/**
 * A hand landmark in pixels of the original image, with depth `z` in the same pixel units as x
 * (relative to the wrist; negative is towards the camera) and its MediaPipe name.
 *
 * @example
 * ```ts
 * const tip: HandKeypoint = { x: 412, y: 230, z: -18, name: 'index_finger_tip' };
 * ```
 */
export interface HandKeypoint {
  x: number;
  y: number;
  z: number;
  name: string;
}

/**
 * A hand landmark in world coordinates, MediaPipe's `worldLandmarks`: metres, origin at the
 * hand's approximate geometric centre, x to the right and y down along the image's axes, z
 * towards the scene (negative is towards the camera), with its MediaPipe name. The hand's true
 * size and 3-D shape as the model estimates it — independent of where the hand is in the image
 * and of how large it appears.
 *
 * @example
 * ```ts
 * const [wrist, , , , , , , , , middleBase] = hand.worldKeypoints!;
 * const palmMetres = Math.hypot(middleBase.x - wrist.x, middleBase.y - wrist.y, middleBase.z - wrist.z);
 * ```
 */
export interface HandWorldKeypoint {
  x: number;
  y: number;
  z: number;
  name: string;
}

/**
 * Which hand it is, from the person's point of view in the image as given (a photo, or a
 * camera frame as delivered, not mirrored): `score` is the probability of `label`.
 * (MediaPipe labels assume a mirrored selfie image and so read the other way round.)
 *
 * @example
 * ```ts
 * const handedness: Handedness = { label: 'right', score: 0.93 };
 * ```
 */
export interface Handedness {
  label: 'left' | 'right';
  score: number;
}

/**
 * One hand: its 21 keypoints in MediaPipe order (see `HAND_KEYPOINT_NAMES`) — in image pixels and,
 * where the model gives them, in metres (`worldKeypoints`) —, handedness, score
 * (the landmark model's hand presence), the box around the keypoints, the detector's label
 * (HandTrack: `hand`, `fist`, `pinch`, `point`, `tip`, `pinchtip`; palm detector: `palm`) and in video mode a stable `trackId`.
 *
 * @example
 * ```ts
 * const wrist = hand.keypoints[0];
 * ```
 */
export interface Hand {
  keypoints: HandKeypoint[];
  /**
   * The same 21 landmarks in metres about the hand's centre (see {@link HandWorldKeypoint}),
   * when the model gives them (MediaPipe's full and lite models do); smoothed in video mode.
   */
  worldKeypoints?: HandWorldKeypoint[];
  handedness: Handedness;
  score: number;
  box: Box;
  /** The detector's class for the hand it found (the class of the first detection in video mode). */
  label: string;
  trackId?: number;
}

/**
 * Hands found in one image, best first.
 *
 * @example
 * ```ts
 * const { hands, imageSize } = await handLandmarker.run(photo);
 * ```
 */
export interface HandResult extends TimedResult {
  hands: Hand[];
}

/**
 * Per-call options of a hand-landmark pipeline (defaults come from the model card).
 *
 * @example
 * ```ts
 * await hands.run(image, { maxHands: 4, threshold: 0.6 });
 * ```
 */
export interface HandRunOptions {
  /** Minimum detector score, in [0, 1] (and hand presence unless `presenceThreshold` is given). Default 0.5. */
  threshold?: number;
  /**
   * Minimum hand presence of the landmark model, in [0, 1]: a crop below it has no hand (in video
   * mode the hand is lost and the detector looks again). Default: `threshold` (MediaPipe's
   * `min_hand_presence_confidence`, 0.5).
   */
  presenceThreshold?: number;
  /** Most hands to return, a positive integer. Default 2. */
  maxHands?: number;
  /** NMS IoU threshold of the hand detector, in [0, 1]. Default 0.2. */
  iouThreshold?: number;
}

/**
 * Options of a hand-landmark pipeline. Default model: MediaPipe hand landmarks (full) on
 * HandTrack detections.
 *
 * @example
 * ```ts
 * const hands = await pipeline('hand-landmarks', { model: 'handlandmark-lite', maxHands: 2, detectorInterval: 10 });
 * ```
 */
export interface HandLandmarkOptions extends BasePipelineOptions, HandRunOptions {
  /** The card of a ready runner passed as `model` (a runner needs its card). */
  spec?: HandModelSpec;
  /** Video mode: One-Euro settings for keypoints in 0–1 image units, or `false` for none. Default `{ minCutoff: 2.5, beta: 300, dCutoff: 2.5 }`; fields left out keep these. */
  smoothing?: OneEuroOptions | false;
  /**
   * Video mode: One-Euro settings for `worldKeypoints` (metres; x, y and z), or `false` for none.
   * Default `{ minCutoff: 0.1, beta: 40, dCutoff: 1 }` (MediaPipe's filter for world landmarks); fields left out keep these.
   */
  worldSmoothing?: OneEuroOptions | false;
  /**
   * Video mode: run the detector at least every this many frames while fewer than `maxHands`
   * hands are tracked (it always runs when none is). A positive integer; default 10.
   */
  detectorInterval?: number;
  /**
   * Video mode: crop each followed hand along its rotation, so that it stands upright in the
   * landmark model's input (the model was trained on upright hands), and map the landmarks back
   * through the inverse rotation — MediaPipe's hand-landmarks-to-ROI rule: the wrist → middle
   * knuckles direction turned upright, the square around the palm and lower finger joints
   * scaled 2× and shifted 0.1 towards the fingers. Default true. `false` keeps
   * `@vladmandic/human`'s axis-aligned square 1.6× the keypoints' extent (its video output).
   * `run()` crops what the detector gives: HandTrack boxes are axis-aligned, palms rotated.
   */
  rotateCrops?: boolean;
  /**
   * The hand detector: `handtrack` (default; HandTrack boxes, axis-aligned crops, as
   * `@vladmandic/human`) or `palm` (MediaPipe's palm detector, whose 7 palm keypoints give each
   * hand's rotation, so `run()` crops hands upright too, as MediaPipe's hand landmarker does).
   */
  detector?: 'handtrack' | 'palm';
}
