/**
 * The plain intermediate every pose decoder returns, before pipelines map it to the image and
 * name its keypoints.
 */
import { VisionError } from '../../core/errors';

/**
 * One decoded pose in the decoder's coordinate frame (model-input pixels or 0–1 of the input,
 * as the decoder documents): `keypoints` holds K × (x, y, score), flat; `box` is xyxy when the
 * model predicts one.
 *
 * @example
 * ```ts
 * const pose: RawPose = { keypoints: new Float32Array(17 * 3), score: 0.8 };
 * const noseX = pose.keypoints[0];
 * ```
 */
export interface RawPose {
  keypoints: Float32Array;
  score: number;
  box?: Float32Array;
}

/**
 * Checks that a model output has at least `needed` values, naming the output and its shape.
 *
 * @throws VisionError `MODEL_FORMAT`.
 *
 * @example
 * ```ts
 * requireLength(output, 17 * 3, 'MoveNet output [1, 1, 17, 3]');
 * ```
 */
export function requireLength(data: ArrayLike<number> | undefined, needed: number, what: string): void {
  if (!data || data.length < needed) {
    throw new VisionError('MODEL_FORMAT', `${what}: expected at least ${needed} values, got ${data ? data.length : 'no output'}`);
  }
}

/**
 * Mean score of the keypoints whose score is above `minKeypointScore` (0 when none is) —
 * MoveNet's pose score.
 *
 * @example
 * ```ts
 * meanKeypointScore(pose.keypoints, 0.2);
 * ```
 */
export function meanKeypointScore(keypoints: ArrayLike<number>, minKeypointScore: number): number {
  let sum = 0;
  let count = 0;
  for (let i = 2; i < keypoints.length; i += 3) {
    const s = keypoints[i];
    if (s > minKeypointScore) {
      sum += s;
      count++;
    }
  }
  return count > 0 ? sum / count : 0;
}
