import type { Box, Keypoint } from '../../core/types';
import type { FaceDetectorSpec, FaceMeshModelSpec } from '../../models/face-cards';
import type { OneEuroOptions } from '../../track/one-euro';
import type { TimedResult } from '../../core/results';
import type { BasePipelineOptions } from '../shared/pipeline-options';

/**
 * A face-mesh point in pixels of the original image; `z` is depth in the same units as `x`
 * (relative to the face's centre, negative towards the camera).
 *
 * @example
 * ```ts
 * const noseTip: FacePoint = { x: 320, y: 240, z: -30 };
 * ```
 */
export interface FacePoint extends Keypoint {
  z: number;
}

/**
 * One face: 468 mesh points in MediaPipe's order (478 with irises: 468–472 the person's right
 * iris, centre first, 473–477 the left), the box the points span, the landmark model's face
 * score, the detector's score, and in video mode a stable `trackId`.
 *
 * @example
 * ```ts
 * const [cx, cy] = [face.points[1].x, face.points[1].y]; // nose tip
 * ```
 */
export interface Face {
  points: FacePoint[];
  box: Box;
  score: number;
  detectorScore: number;
  trackId?: number;
}

/**
 * Faces found in one image, best first.
 *
 * @example
 * ```ts
 * const { faces, imageSize } = await landmarker.run(photo);
 * ```
 */
export interface FaceLandmarksResult extends TimedResult {
  faces: Face[];
}

/**
 * Per-call options of a face-landmarks pipeline.
 *
 * @example
 * ```ts
 * await landmarker.run(image, { maxFaces: 2, threshold: 0.5 });
 * ```
 */
export interface FaceLandmarksRunOptions {
  /** Minimum face score of the landmark model, in [0, 1]. Default 0.2 (the card's). */
  threshold?: number;
  /** Minimum detector score, in [0, 1]. Default 0.2 (the detector card's). */
  detectorThreshold?: number;
  /** Most faces to return. Default 10. */
  maxFaces?: number;
}

/**
 * Options of a face-landmarks pipeline. Default model: FaceMesh on BlazeFace short range.
 *
 * @example
 * ```ts
 * await pipeline('face-landmarks', { iris: true, maxFaces: 2, smoothing: false });
 * ```
 */
export interface FaceLandmarksOptions extends BasePipelineOptions, FaceLandmarksRunOptions {
  /** The card of a ready runner passed as `model`. */
  spec?: FaceMeshModelSpec;
  /** The face detector: a card or id (`facemesh-detection-short` default, `facemesh-detection-full`). */
  detector?: string | FaceDetectorSpec;
  /** How the frame is fitted to the detector: `letterbox` (black bars, default) or `stretch` (as @vladmandic/human). */
  detectorFit?: 'letterbox' | 'stretch';
  /**
   * Crop each face turned by its eye line (the detector's eye keypoints; in video mode the
   * mesh's outer eye corners), as MediaPipe's face landmarker does, so that a face turned in the
   * picture plane — a tilted head, a phone held sideways, upside down — stands upright for the
   * mesh model; points come back in image pixels as ever. Default false: upright crops, as
   * `@vladmandic/human` (whose points visionpipe's match).
   */
  rotateCrops?: boolean;
  /** Run the Iris model too (`facemesh` family): 478 points with refined eyes. Default false. */
  iris?: boolean;
  /** Video mode: One-Euro settings for points in 0–1 image units, or `false` for none. Default `{ minCutoff: 1, beta: 20, dCutoff: 1 }`; fields left out keep these. */
  smoothing?: OneEuroOptions | false;
}
