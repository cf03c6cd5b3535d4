/**
 * Face crops for descriptor models: a square around the detector's box, turned so that the
 * eyes lie on a horizontal line, sampled in one bilinear pass (`tf.image.transform`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Detection } from '../../core/types';

/** A square crop of the source image, possibly rotated: centre and side in source pixels, roll in radians. @example `const crop: FaceCrop = { cx: 120, cy: 80, side: 96, angle: 0.1 };` */
export interface FaceCrop {
  readonly cx: number;
  readonly cy: number;
  readonly side: number;
  /** Roll of the face: the angle of the line from its right eye to its left eye (0 = upright, clockwise positive in image coordinates). */
  readonly angle: number;
}

/**
 * The crop of a detected face: centred on the box, side `scale` × the box's longer side (as
 * @vladmandic/human cuts faces), turned by the eye line's angle when `align` and the keypoints
 * (BlazeFace's `right eye`, `left eye`, `mouth`) are plausible.
 *
 * @example
 * ```ts
 * const crop = faceCropOf(detection, 1.4, true); // { cx, cy, side, angle }
 * ```
 */
export function faceCropOf(detection: Detection, scale: number, align: boolean): FaceCrop {
  const { x1, y1, x2, y2 } = detection.box;
  const side = scale * Math.max(x2 - x1, y2 - y1);
  return { cx: (x1 + x2) / 2, cy: (y1 + y2) / 2, side, angle: align ? eyeLineAngle(detection) : 0 };
}

/** Eyes closer than this share of the box width give no usable angle (a profile, or collapsed landmarks). */
const MIN_EYE_DISTANCE = 0.15;

/**
 * The roll of the face from its eye line, or 0 when the landmarks cannot be trusted: an eye or
 * the mouth missing, eyes closer than 15 % of the box width, or the mouth not within 60° of
 * "below the eyes" once the eye line is level (measured: on one profile face of the face-api
 * photos BlazeFace puts both eyes 9 px apart, and their line is noise).
 */
function eyeLineAngle(detection: Detection): number {
  const point = (name: string) => detection.keypoints?.find((k) => k.name === name);
  const right = point('right eye');
  const left = point('left eye');
  const mouth = point('mouth');
  if (!right || !left || !mouth) return 0;
  const dx = left.x - right.x;
  const dy = left.y - right.y;
  if (Math.hypot(dx, dy) < MIN_EYE_DISTANCE * (detection.box.x2 - detection.box.x1)) return 0;
  const angle = Math.atan2(dy, dx);
  const down = { x: mouth.x - (left.x + right.x) / 2, y: mouth.y - (left.y + right.y) / 2 };
  const downAfterTurn = -Math.sin(angle) * down.x + Math.cos(angle) * down.y;
  return downAfterTurn > 0.5 * Math.hypot(down.x, down.y) ? angle : 0;
}

/**
 * The `tf.image.transform` row that maps output pixel (u, v) of a `size`×`size` crop to source
 * pixel coordinates: the crop's square, turned by its angle, with pixel centres aligned.
 *
 * @example
 * ```ts
 * const row = cropTransform({ cx: 50, cy: 50, side: 100, angle: 0 }, 100); // [1, 0, 0, 0, 1, 0, 0, 0]
 * ```
 */
export function cropTransform(crop: FaceCrop, size: number): number[] {
  const step = crop.side / size;
  const cos = Math.cos(crop.angle) * step;
  const sin = Math.sin(crop.angle) * step;
  const first = 0.5 - size / 2; // output pixel 0's centre, relative to the crop's centre, in output pixels
  return [cos, -sin, crop.cx - 0.5 + (cos - sin) * first, sin, cos, crop.cy - 0.5 + (sin + cos) * first, 0, 0];
}

/**
 * Samples each crop from an RGB image tensor [H, W, 3] (any numeric dtype, 0–255) into a float
 * batch [N, size, size, 3] on the 0–255 scale; outside the image is black, as in
 * `tf.image.cropAndResize`.
 *
 * @example
 * ```ts
 * const batch = cropFaces(image, [faceCropOf(face, 1.4, true)], 224);
 * ```
 */
export function cropFaces(image: tf.Tensor3D, crops: readonly FaceCrop[], size: number): tf.Tensor4D {
  return tf.tidy(() => {
    const rgb = image.shape[2] === 3 ? image : image.shape[2] === 4 ? tf.slice(image, [0, 0, 0], [-1, -1, 3]) : tf.tile(image, [1, 1, 3]);
    const batch = tf.expandDims(tf.cast(rgb, 'float32'), 0) as tf.Tensor4D;
    const faces = crops.map((crop) => tf.image.transform(batch, tf.tensor2d([cropTransform(crop, size)]), 'bilinear', 'constant', 0, [size, size]));
    return tf.concat(faces, 0);
  });
}
