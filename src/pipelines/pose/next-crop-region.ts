/**
 * MoveNet's "crop to the previous pose" rule for video: a pose-specific policy that turns this
 * frame's keypoints into the region the next frame is sampled from (the region geometry itself
 * is preprocess/crop-region).
 */
import { MOVENET_MIN_KEYPOINT_SCORE } from '../../postprocess/pose/movenet';
import { type CropRegion, fullFrameRegion } from '../../preprocess/crop-region';

/** COCO-17 indices of the torso keypoints. */
const LEFT_SHOULDER = 5;
const RIGHT_SHOULDER = 6;
const LEFT_HIP = 11;
const RIGHT_HIP = 12;

/** Options of {@link nextCropRegion}. @example `nextCropRegion(kp, 640, 480, { minKeypointScore: 0.3 })` */
export interface NextCropOptions {
  /** Keypoints with a score above this count as visible. Default 0.2 (MoveNet's reference). */
  minKeypointScore?: number;
  /** Crop half-size as a multiple of the torso's reach from the hip centre. Default 1.9. */
  torsoExpansion?: number;
  /** … and of the whole body's reach. Default 1.2. */
  bodyExpansion?: number;
}

/**
 * MoveNet's cropping rule for the next video frame, from this frame's COCO-17 keypoints
 * (K × (x, y, score), image pixels): when a shoulder and a hip are visible, a square centred on
 * the hip centre whose half-size is the larger of 1.9 × the torso's reach and 1.2 × the visible
 * body's reach (capped at the largest distance from the centre to an image border); otherwise,
 * or when that square is larger than the image, the padded full frame.
 *
 * @example
 * ```ts
 * region = nextCropRegion(pixelKeypoints, 640, 480);
 * ```
 */
export function nextCropRegion(keypoints: ArrayLike<number>, width: number, height: number, options: NextCropOptions = {}): CropRegion {
  const minScore = options.minKeypointScore ?? MOVENET_MIN_KEYPOINT_SCORE;
  const visible = (k: number): boolean => keypoints[k * 3 + 2] > minScore && Number.isFinite(keypoints[k * 3]) && Number.isFinite(keypoints[k * 3 + 1]);
  const torsoVisible = (visible(LEFT_HIP) || visible(RIGHT_HIP)) && (visible(LEFT_SHOULDER) || visible(RIGHT_SHOULDER));
  if (!torsoVisible) return fullFrameRegion(width, height);
  const cx = (keypoints[LEFT_HIP * 3] + keypoints[RIGHT_HIP * 3]) / 2;
  const cy = (keypoints[LEFT_HIP * 3 + 1] + keypoints[RIGHT_HIP * 3 + 1]) / 2;
  let torsoX = 0;
  let torsoY = 0;
  for (const k of [LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP]) {
    torsoX = Math.max(torsoX, Math.abs(cx - keypoints[k * 3]));
    torsoY = Math.max(torsoY, Math.abs(cy - keypoints[k * 3 + 1]));
  }
  let bodyX = 0;
  let bodyY = 0;
  for (let k = 0; k * 3 < keypoints.length; k++) {
    if (!visible(k)) continue;
    bodyX = Math.max(bodyX, Math.abs(cx - keypoints[k * 3]));
    bodyY = Math.max(bodyY, Math.abs(cy - keypoints[k * 3 + 1]));
  }
  const torso = options.torsoExpansion ?? 1.9;
  const body = options.bodyExpansion ?? 1.2;
  let half = Math.max(torsoX * torso, torsoY * torso, bodyX * body, bodyY * body);
  half = Math.min(half, Math.max(cx, width - cx, cy, height - cy));
  if (!(half > 0) || half > Math.max(width, height) / 2) return fullFrameRegion(width, height);
  return { xMin: (cx - half) / width, yMin: (cy - half) / height, xMax: (cx + half) / width, yMax: (cy + half) / height };
}
