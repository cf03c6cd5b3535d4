/**
 * Decoding the BlazeFace face detectors of FaceMesh (`[1, anchors, 17]` rows: score logit, box
 * and 6 keypoints as anchor offsets) with MediaPipe's anchors and decoding, then greedy NMS.
 */
import { VisionError } from '../../core/errors';
import { type MediapipeAnchorOptions, mediapipeSsdAnchors } from '../detection/mediapipe-ssd-anchors';
import { decodeMediapipeSsd } from '../detection/mediapipe-ssd';
import { suppressCandidates } from '../nms/suppress';

/** Values per detector row: score logit, box (x, y, w, h) and 6 keypoints (x, y). */
const ROW = 17;
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

const anchorCache = new WeakMap<MediapipeAnchorOptions, Float32Array>();

function anchorsOf(options: MediapipeAnchorOptions): Float32Array {
  let anchors = anchorCache.get(options);
  if (!anchors) {
    anchors = mediapipeSsdAnchors(options);
    anchorCache.set(options, anchors);
  }
  return anchors;
}

/**
 * Decodes a FaceMesh BlazeFace output into faces, best first: MediaPipe's
 * `TensorsToDetectionsCalculator` with the input size as scale (offsets are in input pixels),
 * sigmoid scores, then greedy class-agnostic NMS.
 *
 * @throws VisionError `MODEL_FORMAT` when `rows` is not anchors × 17 values.
 *
 * @example
 * ```ts
 * const faces = decodeFaceDetector(out.Identity.data as Float32Array, BLAZEFACE_FRONT_ANCHORS, { minScore: 0.5 });
 * ```
 */
export function decodeFaceDetector(rows: ArrayLike<number>, anchorOptions: MediapipeAnchorOptions, options: FaceDetectorDecodeOptions = {}): DetectedFace[] {
  const anchors = anchorsOf(anchorOptions);
  const n = anchors.length / 4;
  if (rows.length !== n * ROW) throw new VisionError('MODEL_FORMAT', `face detector output has ${rows.length} values; expected [1, ${n}, ${ROW}]`);
  const scores = new Float32Array(n);
  const coords = new Float32Array(n * (ROW - 1));
  for (let i = 0; i < n; i++) {
    scores[i] = rows[i * ROW];
    for (let j = 1; j < ROW; j++) coords[i * (ROW - 1) + j - 1] = rows[i * ROW + j];
  }
  const width = anchorOptions.inputSizeWidth;
  const height = anchorOptions.inputSizeHeight;
  const candidates = decodeMediapipeSsd(coords, scores, anchors, {
    inputWidth: width, inputHeight: height, xScale: width, yScale: height, wScale: width, hScale: height,
    numKeypoints: KEYPOINTS, reverseOutputOrder: true, sigmoidScore: true, minScoreThresh: options.minScore ?? 0.5,
  });
  const kept = suppressCandidates(candidates, { method: 'greedy', agnostic: true, iouThreshold: options.iouThreshold ?? 0.3, maxDetections: options.maxFaces ?? 10 });
  const keypoints = kept.keypoints ?? new Float32Array(kept.scores.length * KEYPOINTS * 2);
  return Array.from(kept.scores, (score, i) => ({
    box: kept.boxes.slice(i * 4, i * 4 + 4),
    score,
    keypoints: keypoints.slice(i * KEYPOINTS * 2, (i + 1) * KEYPOINTS * 2),
  }));
}
