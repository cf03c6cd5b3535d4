/**
 * Face crops for descriptor models: a square around the detector's box, turned so that the
 * eyes lie on a horizontal line, sampled in one bilinear pass along its affine map straight out
 * of the opened frame (pixels in memory, a tensor, or a picture on the GPU).
 */
import * as tf from '@tensorflow/tfjs';
import type { Detection } from '../../core/types';
import type { AffineMatrix } from '../../preprocess/rotated-region';
import { sampleAffine } from '../../preprocess/sampling/affine-sample';
import type { OpenFrame } from '../../preprocess/sampling/open-frame';
import type { SampleTarget } from '../../preprocess/sampling/sample-output';

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
 * The affine map (`x = a·u + b·v + c`, `y = d·u + e·v + f`, the matrix of `tf.image.transform`
 * and of OpenCV's `warpAffine` with `WARP_INVERSE_MAP`) from output pixel (u, v) of a
 * `size`×`size` crop to source pixel coordinates: the crop's square, turned by its angle, with
 * pixel centres aligned.
 *
 * @example
 * ```ts
 * const matrix = cropTransform({ cx: 50, cy: 50, side: 100, angle: 0 }, 100); // [1, 0, 0, 0, 1, 0]
 * ```
 */
export function cropTransform(crop: FaceCrop, size: number): AffineMatrix {
  const step = crop.side / size;
  const cos = Math.cos(crop.angle) * step;
  const sin = Math.sin(crop.angle) * step;
  const first = 0.5 - size / 2; // output pixel 0's centre, relative to the crop's centre, in output pixels
  return [cos, -sin, crop.cx - 0.5 + (cos - sin) * first, sin, cos, crop.cy - 0.5 + (sin + cos) * first];
}

/**
 * Samples each crop out of an opened frame into a batch `[N, size, size, 3]` made as `target`
 * says (size = `target.width`; normalisation, dtype, channel order, layout); bilinear, black
 * beyond the image (as `tf.image.transform` with a constant fill of 0). No copy of the frame:
 * each crop reads the frame's pixels where they are.
 *
 * @example
 * ```ts
 * const batch = cropFaces(frame, [faceCropOf(face, 1.4, true)], { width: 224, height: 224, normalization: 'none', dtype: 'float32' });
 * ```
 */
export function cropFaces(frame: OpenFrame, crops: readonly FaceCrop[], target: SampleTarget): tf.Tensor4D {
  const faces: tf.Tensor4D[] = [];
  try {
    for (const crop of crops) faces.push(sampleAffine(frame, cropTransform(crop, target.width), target));
    return faces.length === 1 ? faces.pop()! : tf.concat(faces, 0);
  } finally {
    tf.dispose(faces);
  }
}
