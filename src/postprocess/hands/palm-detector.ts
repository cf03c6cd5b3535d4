/**
 * Decoding MediaPipe's palm detector (`handdetect`: 256×256 input, 2944 anchors, rows of score
 * logit, box and 7 palm keypoints as anchor offsets in input pixels) with MediaPipe's anchors
 * and decoding, then greedy NMS.
 */
import type { MediapipeAnchorOptions } from '../detection/mediapipe-ssd-anchors';
import { optionNames } from '../../core/known-options';
import { checkRowDecodeOptions, decodeMediapipeRows } from '../detection/mediapipe-rows';

/** Palm keypoints per detection: wrist centre, index / middle / ring / pinky MCP, thumb CMC and thumb MCP. @example `const valuesPerRow = 4 + 2 * PALM_KEYPOINTS + 1; // box, keypoints, score: 19` */
export const PALM_KEYPOINTS = 7;

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

const PALM_OPTION_NAMES = /* @__PURE__ */ optionNames<PalmDecodeOptions>()(['minScore', 'iouThreshold', 'maxPalms']);

/**
 * Decodes a palm detector output (`[1, anchors, 19]`) into palms, best first: MediaPipe's
 * `TensorsToDetectionsCalculator` with the input size as scale, sigmoid scores, then greedy
 * class-agnostic NMS.
 *
 * @throws VisionError `MODEL_FORMAT` when `rows` is not anchors × 19 values; `INVALID_OPTION` for an
 * option name it does not take or a value out of range.
 *
 * @example
 * ```ts
 * const palms = decodePalmDetector(out.Identity.data as Float32Array, PALM_DETECTOR.anchors, { minScore: 0.5 });
 * ```
 */
export function decodePalmDetector(rows: ArrayLike<number>, anchorOptions: MediapipeAnchorOptions, options: PalmDecodeOptions = {}): DetectedPalm[] {
  checkRowDecodeOptions(options, 'decodePalmDetector', PALM_OPTION_NAMES, 'maxPalms');
  return decodeMediapipeRows(rows, anchorOptions, {
    what: 'palm detector',
    keypoints: PALM_KEYPOINTS,
    minScore: options.minScore ?? 0.5,
    iouThreshold: options.iouThreshold ?? 0.3,
    maxDetections: options.maxPalms ?? 10,
  });
}
