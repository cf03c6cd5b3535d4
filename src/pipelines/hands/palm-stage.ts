/**
 * The palm-detector stage of the hand-landmark pipeline (`detector: 'palm'`): MediaPipe's palm
 * detector on the frame padded to a square, and MediaPipe's palm-detection-to-ROI rule that
 * turns each palm into a rotated hand crop.
 */
import type { PalmDetectorSpec } from '../../models/hand-cards';
import { type DetectedPalm, decodePalmDetector } from '../../postprocess/hands/palm-detector';
import { fullFrameRegion } from '../../preprocess/crop-region';
import { type RotatedRegion, rotatedRegionBounds, uprightRotation } from '../../preprocess/rotated-region';
import type { OpenFrame } from '../../preprocess/sampling/open-frame';
import { sampleRegion } from '../../preprocess/sampling/region-sample';
import type { ModelRunner } from '../../runtime/model-runner';
import { outputNamed } from '../shared/outputs';
import { now } from '../shared/run-stages';
import { type HandDetection, type StageClock, timedRun } from './hand-stages';

/** MediaPipe's RectTransformation for palm-derived hand ROIs: square on the long side, ×2.6, shifted up 0.5 of the height. */
const PALM_ROI_SCALE = 2.6;
const PALM_ROI_SHIFT_Y = -0.5;

/**
 * The rotated hand crop of a palm (box and keypoints in source pixels), as MediaPipe's
 * palm-detection-to-ROI subgraph computes it: rotation turning the wrist (keypoint 0) → middle
 * finger MCP (keypoint 2) direction upright, the box shifted half its height towards the
 * fingers along that direction, squared on its long side and scaled 2.6×.
 *
 * @example
 * ```ts
 * const roi = palmRegion(palm.box, palm.keypoints);
 * ```
 */
export function palmRegion(box: ArrayLike<number>, keypoints: ArrayLike<number>): RotatedRegion {
  const [x1, y1, x2, y2] = [box[0], box[1], box[2], box[3]];
  const rotation = uprightRotation(keypoints[0], keypoints[1], keypoints[4], keypoints[5]);
  const height = y2 - y1;
  const side = Math.max(x2 - x1, height) * PALM_ROI_SCALE;
  const shift = height * PALM_ROI_SHIFT_Y;
  return { centerX: (x1 + x2) / 2 - Math.sin(rotation) * shift, centerY: (y1 + y2) / 2 + Math.cos(rotation) * shift, width: side, height: side, rotation };
}

/** A palm in detector-input pixels → source pixels (the input is the frame padded to a square). */
function toSource(palm: DetectedPalm, frame: OpenFrame, inputSize: number): DetectedPalm {
  const square = fullFrameRegion(frame.width, frame.height);
  const scale = ((square.xMax - square.xMin) * frame.width) / inputSize;
  const ox = square.xMin * frame.width;
  const oy = square.yMin * frame.height;
  const map = (values: Float32Array): Float32Array => values.map((v, i) => (i % 2 === 0 ? ox : oy) + v * scale);
  return { box: map(palm.box), score: palm.score, keypoints: map(palm.keypoints) };
}

/**
 * Runs the palm detector on the whole frame (padded to a square, resampled to 256×256, RGB
 * in [−1, 1]) and returns up to `maxHands` hands, best first, each with its rotated crop.
 *
 * @example
 * ```ts
 * const found = await detectPalms(detector, PALM_DETECTOR, frame, { threshold: 0.5, iouThreshold: 0.3, maxHands: 2 }, clock);
 * ```
 */
export async function detectPalms(
  detector: ModelRunner,
  spec: PalmDetectorSpec,
  frame: OpenFrame,
  options: { threshold: number; iouThreshold: number; maxHands: number },
  clock: StageClock,
): Promise<HandDetection[]> {
  const { width, height } = spec.input;
  let t0 = now();
  const input = sampleRegion(frame, fullFrameRegion(frame.width, frame.height), { width, height, normalization: spec.input.normalization ?? 'symmetric', dtype: 'float32' });
  clock.preprocess += now() - t0;
  const output = spec.outputs?.[0] ?? detector.outputs[0].name;
  const raw = await timedRun(detector, input, [output], clock);
  t0 = now();
  const palms = decodePalmDetector(outputNamed(raw, output, spec.id).data as Float32Array, spec.anchors, { minScore: options.threshold, iouThreshold: options.iouThreshold, maxPalms: options.maxHands });
  const found = palms.map((palm): HandDetection => {
    const inSource = toSource(palm, frame, width);
    const rotated = palmRegion(inSource.box, inSource.keypoints);
    return { region: rotatedRegionBounds(rotated, frame.width, frame.height), rotated, score: palm.score, label: 'palm' };
  });
  clock.postprocess += now() - t0;
  return found;
}
