/**
 * MoveNet decoders: the single-pose head `[1, 1, 17, 3]` and the MultiPose head `[1, 6, 56]`,
 * both normalised (y, x, score) per keypoint.
 */
import { VisionError } from '../../core/errors';
import { type RawPose, meanKeypointScore, requireLength } from './raw-pose';

/** Keypoints of every MoveNet model (COCO-17). @example `new Float32Array(MOVENET_NUM_KEYPOINTS * 3)` */
export const MOVENET_NUM_KEYPOINTS = 17;

/** A keypoint counts towards the pose score (and the crop region) above this score, as in MoveNet's reference. @example `visible = score > MOVENET_MIN_KEYPOINT_SCORE` */
export const MOVENET_MIN_KEYPOINT_SCORE = 0.2;

/**
 * Decodes MoveNet Lightning / Thunder output `[1, 1, 17, 3]` (y, x, score; 0–1 of the model
 * input) into one pose with (x, y, score) keypoints, still 0–1 of the input. The pose score is
 * the mean of the keypoint scores above 0.2. Non-finite values are kept (the pipeline drops
 * them).
 *
 * @throws VisionError `MODEL_FORMAT` when the output holds fewer than 51 values.
 *
 * @example
 * ```ts
 * const pose = decodeMoveNet(outputs.Identity.data as Float32Array);
 * ```
 */
export function decodeMoveNet(data: ArrayLike<number>): RawPose {
  requireLength(data, MOVENET_NUM_KEYPOINTS * 3, 'MoveNet output [1, 1, 17, 3]');
  const keypoints = new Float32Array(MOVENET_NUM_KEYPOINTS * 3);
  for (let k = 0; k < MOVENET_NUM_KEYPOINTS; k++) {
    keypoints[k * 3] = data[k * 3 + 1];
    keypoints[k * 3 + 1] = data[k * 3];
    keypoints[k * 3 + 2] = data[k * 3 + 2];
  }
  return { keypoints, score: meanKeypointScore(keypoints, MOVENET_MIN_KEYPOINT_SCORE) };
}

/** Values per person in the MultiPose output: 17 × (y, x, s) + (ymin, xmin, ymax, xmax, score). @example `const people = data.length / MULTIPOSE_INSTANCE_SIZE;` */
export const MULTIPOSE_INSTANCE_SIZE = MOVENET_NUM_KEYPOINTS * 3 + 5;

/**
 * Decodes MoveNet MultiPose output `[1, N, 56]` (N = 6): for each person 17 × (y, x, score)
 * then ymin, xmin, ymax, xmax, score, all 0–1 of the model input. Returns the people whose
 * score is at least `minPoseScore`, best first, keypoints (x, y, score) and box xyxy, 0–1.
 *
 * @throws VisionError `MODEL_FORMAT` when the output is not a whole number of 56-value rows.
 *
 * @example
 * ```ts
 * const people = decodeMoveNetMultiPose(outputs.Identity.data as Float32Array, 0.25);
 * ```
 */
export function decodeMoveNetMultiPose(data: ArrayLike<number>, minPoseScore: number): RawPose[] {
  requireLength(data, MULTIPOSE_INSTANCE_SIZE, 'MoveNet MultiPose output [1, 6, 56]');
  if (data.length % MULTIPOSE_INSTANCE_SIZE !== 0) {
    throw new VisionError('MODEL_FORMAT', `MoveNet MultiPose output has ${data.length} values; expected a multiple of ${MULTIPOSE_INSTANCE_SIZE} ([1, N, 56])`);
  }
  const poses: RawPose[] = [];
  for (let o = 0; o < data.length; o += MULTIPOSE_INSTANCE_SIZE) {
    const b = o + MOVENET_NUM_KEYPOINTS * 3;
    const score = data[b + 4];
    if (!(score >= minPoseScore)) continue;
    const keypoints = new Float32Array(MOVENET_NUM_KEYPOINTS * 3);
    for (let k = 0; k < MOVENET_NUM_KEYPOINTS; k++) {
      keypoints[k * 3] = data[o + k * 3 + 1];
      keypoints[k * 3 + 1] = data[o + k * 3];
      keypoints[k * 3 + 2] = data[o + k * 3 + 2];
    }
    poses.push({ keypoints, score, box: Float32Array.of(data[b + 1], data[b], data[b + 3], data[b + 2]) });
  }
  return poses.sort((p, q) => q.score - p.score);
}
