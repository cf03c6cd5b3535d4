/**
 * Decoding MediaPipe's palm detector (`handdetect`: 256×256 input, 2944 anchors, rows of score
 * logit, box and 7 palm keypoints as anchor offsets in input pixels) with MediaPipe's anchors
 * and decoding, then greedy NMS.
 */
import { VisionError } from '../../core/errors';
import { type MediapipeAnchorOptions, mediapipeSsdAnchors } from '../detection/mediapipe-ssd-anchors';
import { decodeMediapipeSsd } from '../detection/mediapipe-ssd';
import { suppressCandidates } from '../nms/suppress';

/** Palm keypoints per detection: wrist centre, index / middle / ring / pinky MCP, thumb CMC and thumb MCP. */
export const PALM_KEYPOINTS = 7;
/** Values per detector row: score logit, box (x, y, w, h) and 7 keypoints (x, y). */
const ROW = 1 + 4 + PALM_KEYPOINTS * 2;

/**
 * One palm the detector found, in detector-input pixels: box (x1, y1, x2, y2), score 0–1 and
 * 7 keypoints (x, y): wrist centre (0), index, middle (2), ring and pinky finger MCPs, and two
 * thumb joints.
 *
 * @example
 * ```ts
 * const [wristX, wristY] = palm.keypoints;
 * ```
 */
export interface DetectedPalm {
  box: Float32Array;
  score: number;
  keypoints: Float32Array;
}

/** Options of {@link decodePalmDetector}. @example `{ minScore: 0.5, iouThreshold: 0.3, maxPalms: 2 }` */
export interface PalmDecodeOptions {
  /** Palms scoring below this are dropped. Default 0.5. */
  minScore?: number;
  /** Greedy NMS overlap. Default 0.3. */
  iouThreshold?: number;
  /** Most palms kept, best first. Default 10. */
  maxPalms?: number;
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
 * Decodes a palm detector output (`[1, anchors, 19]`) into palms, best first: MediaPipe's
 * `TensorsToDetectionsCalculator` with the input size as scale, sigmoid scores, then greedy
 * class-agnostic NMS.
 *
 * @throws VisionError `MODEL_FORMAT` when `rows` is not anchors × 19 values.
 *
 * @example
 * ```ts
 * const palms = decodePalmDetector(out.Identity.data as Float32Array, PALM_DETECTOR.anchors, { minScore: 0.5 });
 * ```
 */
export function decodePalmDetector(rows: ArrayLike<number>, anchorOptions: MediapipeAnchorOptions, options: PalmDecodeOptions = {}): DetectedPalm[] {
  const anchors = anchorsOf(anchorOptions);
  const n = anchors.length / 4;
  if (rows.length !== n * ROW) throw new VisionError('MODEL_FORMAT', `palm detector output has ${rows.length} values; expected [1, ${n}, ${ROW}]`);
  const scores = new Float32Array(n);
  const coords = new Float32Array(n * (ROW - 1));
  for (let i = 0; i < n; i++) {
    scores[i] = rows[i * ROW];
    for (let j = 1; j < ROW; j++) coords[i * (ROW - 1) + j - 1] = rows[i * ROW + j];
  }
  const width = anchorOptions.inputSizeWidth;
  const height = anchorOptions.inputSizeHeight;
  const candidates = decodeMediapipeSsd(coords, scores, anchors, {
    inputWidth: width,
    inputHeight: height,
    xScale: width,
    yScale: height,
    wScale: width,
    hScale: height,
    numKeypoints: PALM_KEYPOINTS,
    reverseOutputOrder: true,
    sigmoidScore: true,
    minScoreThresh: options.minScore ?? 0.5,
  });
  const kept = suppressCandidates(candidates, { method: 'greedy', agnostic: true, iouThreshold: options.iouThreshold ?? 0.3, maxDetections: options.maxPalms ?? 10 });
  const keypoints = kept.keypoints ?? new Float32Array(kept.scores.length * PALM_KEYPOINTS * 2);
  return Array.from(kept.scores, (score, i) => ({
    box: kept.boxes.slice(i * 4, i * 4 + 4),
    score,
    keypoints: keypoints.slice(i * PALM_KEYPOINTS * 2, (i + 1) * PALM_KEYPOINTS * 2),
  }));
}
