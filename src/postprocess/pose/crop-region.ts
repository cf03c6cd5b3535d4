/**
 * Crop regions for single-person pose models: the padded full frame, and MoveNet's
 * "crop to the previous pose" rule for video.
 */
import { MOVENET_MIN_KEYPOINT_SCORE } from './movenet';

/**
 * A rectangle in 0–1 of the image width/height; it may extend beyond the image (the part
 * outside is filled with black when sampled).
 *
 * @example
 * ```ts
 * const whole: CropRegion = { xMin: 0, yMin: 0, xMax: 1, yMax: 1 };
 * ```
 */
export interface CropRegion {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/**
 * The square region centred on the image that contains all of it (the image padded to a
 * square): a 640×480 frame gives y from −1/6 to 7/6.
 *
 * @example
 * ```ts
 * fullFrameRegion(640, 480); // { xMin: 0, yMin: -0.1666…, xMax: 1, yMax: 1.1666… }
 * ```
 */
export function fullFrameRegion(width: number, height: number): CropRegion {
  if (width > height) {
    const half = width / height / 2;
    return { xMin: 0, yMin: 0.5 - half, xMax: 1, yMax: 0.5 + half };
  }
  const half = height / width / 2;
  return { xMin: 0.5 - half, yMin: 0, xMax: 0.5 + half, yMax: 1 };
}

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
