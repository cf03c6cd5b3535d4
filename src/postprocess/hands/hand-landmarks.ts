/**
 * Decoding the MediaPipe hand landmark models (`handlandmark-full` / `-lite`): 21 landmarks ×
 * (x, y, z) in model-input pixels, a hand-presence probability and a handedness probability.
 */
import { VisionError } from '../../core/errors';
import { turnWorldLandmarks } from '../world-landmarks';

/**
 * One decoded hand in 0–1 of the crop it was found in: `keypoints` is 21 × (x, y, z) with x and
 * y in 0–1 of the crop's width and height and z in the same units as x (crop widths; negative
 * is towards the camera, relative to the wrist), `score` the hand presence (0–1) and
 * `rightProbability` the probability that it is the person's right hand (unmirrored image).
 *
 * @example
 * ```ts
 * const { keypoints, score, rightProbability } = decodeHandLandmarks(landmarks, presence, handedness, 224, 224);
 * ```
 */
export interface CropHand {
  keypoints: Float32Array;
  score: number;
  rightProbability: number;
}

/**
 * Decodes one run of a hand landmark model. `landmarks` is the 63-value output (x, y in input
 * pixels, z in input pixels relative to the wrist), `presence` the hand flag as a probability
 * (the graphs end it in a Sigmoid; pass `sigmoid(logit)` for an export that gives the logit),
 * `handedness` the model's handedness output — MediaPipe's score of the label `Left` for a
 * mirrored (selfie-view) image, which is the probability that it is the person's right hand
 * in an unmirrored image such as a photo or a camera frame as delivered.
 *
 * @throws VisionError `INVALID_INPUT` when `landmarks` does not hold 21 × 3 values or the input size is not positive.
 *
 * @example
 * ```ts
 * const hand = decodeHandLandmarks(out.Identity.data, out.Identity_1.data[0], out.Identity_2.data[0], 224, 224);
 * ```
 */
export function decodeHandLandmarks(landmarks: ArrayLike<number>, presence: number, handedness: number, inputWidth: number, inputHeight: number): CropHand {
  if (landmarks.length !== 63) throw new VisionError('INVALID_INPUT', `decodeHandLandmarks: expected 21 × 3 = 63 landmark values; got ${landmarks.length}`);
  if (!(inputWidth > 0 && inputHeight > 0)) throw new VisionError('INVALID_INPUT', `decodeHandLandmarks: the input size must be positive; got ${inputWidth}×${inputHeight}`);
  const keypoints = new Float32Array(63);
  for (let k = 0; k < 21; k++) {
    keypoints[k * 3] = landmarks[k * 3] / inputWidth;
    keypoints[k * 3 + 1] = landmarks[k * 3 + 1] / inputHeight;
    keypoints[k * 3 + 2] = landmarks[k * 3 + 2] / inputWidth;
  }
  return { keypoints, score: presence, rightProbability: handedness };
}

/**
 * Decodes a hand landmark model's world landmarks (21 × (x, y, z) in metres, origin at the hand's
 * approximate centre, x and y along the crop's axes) into the image's axes: x and y turned by the
 * crop's `rotation` (radians, the angle that turns the crop's axes into the image's; 0 for an
 * axis-aligned crop), z unchanged — MediaPipe's world-landmark projection
 * ({@link turnWorldLandmarks}).
 *
 * @throws VisionError `INVALID_INPUT` when `world` does not hold 21 × 3 values or `rotation` is not finite.
 *
 * @example
 * ```ts
 * const metres = decodeHandWorldLandmarks(out.Identity_3.data, crop.rotation);
 * ```
 */
export function decodeHandWorldLandmarks(world: ArrayLike<number>, rotation: number): Float32Array {
  if (world.length !== 63) throw new VisionError('INVALID_INPUT', `decodeHandWorldLandmarks: expected 21 × 3 = 63 world landmark values; got ${world.length}`);
  return turnWorldLandmarks(world, 21, rotation);
}
