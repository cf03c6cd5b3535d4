/**
 * The two stages of the hand-landmark pipeline on an opened frame: the HandTrack detector over
 * the whole frame (→ hand crop regions) and the landmark model on one crop, axis-aligned or
 * rotated (→ a hand in source pixels). Both add the time they spend to a {@link StageClock}.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { HandModelSpec } from '../../models/hand-cards';
import { sigmoid } from '../../postprocess/activations';
import { decodeHandLandmarks, decodeHandWorldLandmarks } from '../../postprocess/hands/hand-landmarks';
import { HANDTRACK_CLASSES, decodeHandTrack } from '../../postprocess/hands/handtrack';
import { nms } from '../../postprocess/nms/nms';
import type { CropRegion } from '../../preprocess/crop-region';
import { type RotatedRegion, regionPointToSource, rotatedRegionAffine } from '../../preprocess/rotated-region';
import { sampleAffine } from '../../preprocess/sampling/affine-sample';
import type { OpenFrame } from '../../preprocess/sampling/open-frame';
import { canSample, sampleFrame, sampleRegion } from '../../preprocess/sampling/region-sample';
import { legacyResizePlan } from '../../preprocess/sampling/sample-plan';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import type { Timing } from '../../core/types';
import { outputNamed } from '../shared/outputs';
import { now } from '../shared/run-stages';

/** Milliseconds per stage, added to by the stages. @example `const clock: StageClock = { preprocess: 0, inference: 0, postprocess: 0 };` */
export type StageClock = Omit<Timing, 'total'>;

/** The detector input is at most this many pixels high (as `@vladmandic/human`). */
const MAX_DETECTOR_HEIGHT = 512;
/** A detected box is widened and heightened by this factor to make the landmark crop. */
const DETECTION_EXPANSION = 1.4;

/**
 * A hand the detector found: the region (0–1 of the frame) the landmark model will look at,
 * the detector's score and class name.
 *
 * @example
 * ```ts
 * const found: HandDetection = { region: { xMin: 0.4, yMin: 0.5, xMax: 0.55, yMax: 0.7 }, score: 0.8, label: 'fist' };
 * ```
 */
export interface HandDetection {
  /** The crop (0–1 of the frame); for a rotated crop, the box around it. */
  region: CropRegion;
  /** The rotated crop the landmark model looks at instead (palm detector). */
  rotated?: RotatedRegion;
  score: number;
  label: string;
}

/**
 * A hand in source pixels: 21 × (x, y, z) keypoints, presence score, right-hand probability and,
 * when the model gives them, 21 × (x, y, z) world keypoints in metres along the image's axes.
 *
 * @example
 * ```ts
 * const wristX = hand.keypoints[0];
 * ```
 */
export interface SourceHand {
  keypoints: Float32Array;
  score: number;
  rightProbability: number;
  world?: Float32Array;
}

/** The detector input size for a frame: height a multiple of 8 up to 512, width keeping the aspect (multiple of 8). */
function detectorSize(width: number, height: number): { width: number; height: number } {
  const h = Math.min(Math.round(height / 8) * 8, MAX_DETECTOR_HEIGHT);
  return { width: Math.round((h * (width / height)) / 8) * 8, height: h };
}

/** The frame resized for the detector (legacy `resizeBilinear`, then truncated to int32). */
function detectorInput(frame: OpenFrame, width: number, height: number): tf.Tensor4D {
  if (canSample(frame)) return sampleFrame(frame, legacyResizePlan(frame.width, frame.height, width, height), { width, height, normalization: 'none', dtype: 'int32' });
  const tensor = frame.tensor;
  if (!tensor) throw new VisionError('INVALID_INPUT', 'the frame has neither pixels nor a tensor');
  return tf.tidy(() => {
    const rgb = tensor.shape[2] === 3 ? tensor : tensor.shape[2] === 4 ? tf.slice(tensor, [0, 0, 0], [-1, -1, 3]) : tf.tile(tensor, [1, 1, 3]);
    return tf.cast(tf.image.resizeBilinear(tf.expandDims(tf.cast(rgb, 'float32'), 0) as tf.Tensor4D, [height, width]), 'int32');
  });
}

/**
 * Runs a model on one input (which it disposes), adding the time to the clock's inference.
 *
 * @example
 * ```ts
 * const raw = await timedRun(detector, input, ['Identity'], clock);
 * ```
 */
export async function timedRun(runner: ModelRunner, input: tf.Tensor, outputs: string[], clock: StageClock): Promise<Record<string, RawTensor>> {
  const t0 = now();
  try {
    return await runner.run({ [runner.inputs[0].name]: input }, { outputs });
  } finally {
    input.dispose();
    clock.inference += now() - t0;
  }
}

/**
 * Runs the HandTrack detector on the whole frame and returns up to `maxHands` hands, best first:
 * anchors scoring above `threshold` (any hand class, never `face`), greedy NMS at
 * `iouThreshold`, each box widened 1.4× about its centre as the landmark crop.
 *
 * @example
 * ```ts
 * const found = await detectHands(detector, HANDTRACK.outputs!, frame, { threshold: 0.5, iouThreshold: 0.2, maxHands: 2 }, clock);
 * ```
 */
export async function detectHands(
  detector: ModelRunner,
  outputs: readonly string[],
  frame: OpenFrame,
  options: { threshold: number; iouThreshold: number; maxHands: number },
  clock: StageClock,
): Promise<HandDetection[]> {
  const size = detectorSize(frame.width, frame.height);
  if (size.width < 8 || size.height < 8) return [];
  let t0 = now();
  const input = detectorInput(frame, size.width, size.height);
  clock.preprocess += now() - t0;
  const [boxesName, scoresName] = outputs;
  const raw = await timedRun(detector, input, [boxesName, scoresName], clock);
  t0 = now();
  const candidates = decodeHandTrack(outputNamed(raw, boxesName, 'handtrack').data as Float32Array, outputNamed(raw, scoresName, 'handtrack').data as Float32Array);
  const keep = nms(candidates.boxes, candidates.scores, { iouThreshold: options.iouThreshold, scoreThreshold: options.threshold, maxDetections: options.maxHands + 1 });
  const found = Array.from(keep, (i): HandDetection => {
    const [x1, y1, x2, y2] = candidates.boxes.subarray(i * 4, i * 4 + 4);
    const w = x2 - x1;
    const h = y2 - y1;
    const xMin = x1 - (w * DETECTION_EXPANSION - w) / 2;
    const yMin = y1 - (h * DETECTION_EXPANSION - h) / 2;
    return { region: { xMin, yMin, xMax: xMin + w * DETECTION_EXPANSION, yMax: yMin + h * DETECTION_EXPANSION }, score: candidates.scores[i], label: HANDTRACK_CLASSES[candidates.classIds[i]] };
  });
  found.sort((a, b) => b.score - a.score);
  clock.postprocess += now() - t0;
  return found.slice(0, options.maxHands);
}

/**
 * Where the landmark model looks: an axis-aligned region in 0–1 of the frame (sampled with
 * `cropAndResize` semantics, as `@vladmandic/human`), or a rotated region in source pixels.
 *
 * @example
 * ```ts
 * const crop: HandCrop = { centerX: 320, centerY: 240, width: 180, height: 180, rotation: 0.4 };
 * ```
 */
export type HandCrop = CropRegion | RotatedRegion;

const isRotated = (crop: HandCrop): crop is RotatedRegion => 'rotation' in crop;

/** Maps crop keypoints (0–1 of the crop) to source pixels; z is scaled like x. */
function toSource(crop: Float32Array, region: HandCrop, frame: OpenFrame): Float32Array {
  const keypoints = new Float32Array(63);
  if (isRotated(region)) {
    for (let k = 0; k < 21; k++) {
      const [x, y] = regionPointToSource(region, crop[k * 3], crop[k * 3 + 1]);
      keypoints.set([x, y, crop[k * 3 + 2] * region.width], k * 3);
    }
    return keypoints;
  }
  const sx = (region.xMax - region.xMin) * frame.width;
  const sy = (region.yMax - region.yMin) * frame.height;
  const ox = region.xMin * frame.width;
  const oy = region.yMin * frame.height;
  for (let k = 0; k < 21; k++) {
    keypoints[k * 3] = ox + crop[k * 3] * sx;
    keypoints[k * 3 + 1] = oy + crop[k * 3 + 1] * sy;
    keypoints[k * 3 + 2] = crop[k * 3 + 2] * sx;
  }
  return keypoints;
}

/**
 * Runs the landmark model on one crop of the frame (RGB 0–1): an axis-aligned region resampled
 * with `cropAndResize` semantics, or a rotated region sampled along its rotation (bilinear,
 * half-pixel centres; pixels in memory, tensors and pictures on the WebGPU path alike) so that
 * the hand stands upright in the crop. The 21 landmarks go
 * back to source pixels through the same map; z is scaled like x. World landmarks (when the
 * card names them) are turned by the crop's rotation into the image's axes.
 *
 * @example
 * ```ts
 * const hand = await landmarkHand(runner, HANDLANDMARK_FULL, frame, found[0].region, clock);
 * ```
 */
export async function landmarkHand(runner: ModelRunner, spec: HandModelSpec, frame: OpenFrame, crop: HandCrop, clock: StageClock): Promise<SourceHand> {
  const { width, height } = spec.input;
  let t0 = now();
  const target = { width, height, normalization: spec.input.normalization ?? 'unit', dtype: 'float32' } as const;
  const input = isRotated(crop) ? sampleAffine(frame, rotatedRegionAffine(crop, width, height), target) : sampleRegion(frame, crop, target);
  clock.preprocess += now() - t0;
  const roles = spec.hand.outputs;
  const names = [roles.landmarks, roles.presence, roles.handedness];
  const raw = await timedRun(runner, input, roles.worldLandmarks ? [...names, roles.worldLandmarks] : names, clock);
  t0 = now();
  const presence = outputNamed(raw, roles.presence, spec.id).data[0] as number;
  const decoded = decodeHandLandmarks(
    outputNamed(raw, roles.landmarks, spec.id).data as Float32Array,
    roles.presenceIsLogit ? sigmoid(presence) : presence,
    outputNamed(raw, roles.handedness, spec.id).data[0] as number,
    width,
    height,
  );
  const keypoints = toSource(decoded.keypoints, crop, frame);
  const world = roles.worldLandmarks ? decodeHandWorldLandmarks(outputNamed(raw, roles.worldLandmarks, spec.id).data as Float32Array, isRotated(crop) ? crop.rotation : 0) : undefined;
  clock.postprocess += now() - t0;
  return { keypoints, score: decoded.score, rightProbability: decoded.rightProbability, world };
}
