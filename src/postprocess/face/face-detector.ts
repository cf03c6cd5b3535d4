/**
 * Decoding the BlazeFace face detectors of FaceMesh (`[1, anchors, 17]` rows: score logit, box
 * and 6 keypoints as anchor offsets) with MediaPipe's anchors and decoding, then greedy NMS.
 */
import type { MediapipeAnchorOptions } from '../detection/mediapipe-ssd-anchors';
import { optionNames } from '../../core/known-options';
import { checkRowDecodeOptions, decodeMediapipeRows } from '../detection/mediapipe-rows';

/** Keypoints per face: the person's right eye, left eye, nose tip, mouth, right and left ear tragion. */
const KEYPOINTS = 6;

/**
 * One face the detector found, in detector-input pixels: box (x1, y1, x2, y2), score 0–1 and 6
 * keypoints (x, y): right eye, left eye, nose tip, mouth centre, right ear, left ear (the
 * person's sides).
 *
 * @example
 * ```ts
 * const [rightEyeX, rightEyeY] = face.keypoints;
 * ```
 */
export interface DetectedFace {
  box: Float32Array;
  score: number;
  keypoints: Float32Array;
}

/** Options of {@link decodeFaceDetector}. @example `{ minScore: 0.5, iouThreshold: 0.3, maxFaces: 4 }` */
export interface FaceDetectorDecodeOptions {
  /** Faces scoring below this are dropped. Default 0.5. */
  minScore?: number;
  /** Greedy NMS overlap. Default 0.3. */
  iouThreshold?: number;
  /** Most faces kept, best first. Default 10. */
  maxFaces?: number;
}

const FACE_OPTION_NAMES = /* @__PURE__ */ optionNames<FaceDetectorDecodeOptions>()(['minScore', 'iouThreshold', 'maxFaces']);

/**
 * Decodes a FaceMesh BlazeFace output into faces, best first: MediaPipe's
 * `TensorsToDetectionsCalculator` with the input size as scale (offsets are in input pixels),
 * sigmoid scores, then greedy class-agnostic NMS.
 *
 * @throws VisionError `MODEL_FORMAT` when `rows` is not anchors × 17 values; `INVALID_OPTION` for an
 * option name it does not take or a value out of range.
 *
 * @example
 * ```ts
 * const faces = decodeFaceDetector(out.Identity.data as Float32Array, BLAZEFACE_FRONT_ANCHORS, { minScore: 0.5 });
 * ```
 */
export function decodeFaceDetector(rows: ArrayLike<number>, anchorOptions: MediapipeAnchorOptions, options: FaceDetectorDecodeOptions = {}): DetectedFace[] {
  checkRowDecodeOptions(options, 'decodeFaceDetector', FACE_OPTION_NAMES, 'maxFaces');
  return decodeMediapipeRows(rows, anchorOptions, {
    what: 'face detector',
    keypoints: KEYPOINTS,
    minScore: options.minScore ?? 0.5,
    iouThreshold: options.iouThreshold ?? 0.3,
    maxDetections: options.maxFaces ?? 10,
  });
}
