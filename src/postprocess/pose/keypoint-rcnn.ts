/**
 * Keypoint R-CNN (torchvision / ONNX export signature) decoding: final boxes, scores, labels
 * and per-box keypoints, already post-processed inside the model.
 */
import { VisionError } from '../../core/errors';
import { optionNames } from '../../core/known-options';
import { checkOptionNames } from '../validate';
import { type RawPose, requireLength } from './raw-pose';

/**
 * The outputs of a torchvision `keypointrcnn_resnet50_fpn` export: `boxes` [N, 4] xyxy,
 * `scores` [N], `labels` [N], `keypoints` [N, K, 3] (x, y, visibility), `keypointsScores`
 * [N, K] (heatmap logits). Coordinates are pixels of the image the model was fed.
 *
 * @example
 * ```ts
 * const outs: KeypointRcnnOutputs = { boxes, scores, labels, keypoints, keypointsScores, numKeypoints: 17 };
 * ```
 */
export interface KeypointRcnnOutputs {
  boxes: ArrayLike<number>;
  scores: ArrayLike<number>;
  labels?: ArrayLike<number>;
  keypoints: ArrayLike<number>;
  keypointsScores: ArrayLike<number>;
  numKeypoints: number;
}

/**
 * Options of {@link decodeKeypointRcnn}.
 *
 * @example
 * ```ts
 * const options: KeypointRcnnDecodeOptions = { minScore: 0.5, personLabel: 1 };
 * ```
 */
export interface KeypointRcnnDecodeOptions {
  /** People whose box scores below this are dropped. Default 0. */
  minScore?: number;
  /** With labels given, only boxes of this class are people (torchvision's COCO: 1). Default: every box. */
  personLabel?: number;
}

const DECODE_OPTION_NAMES = /* @__PURE__ */ optionNames<KeypointRcnnDecodeOptions>()(['minScore', 'personLabel']);

/**
 * Turns Keypoint R-CNN outputs into poses: those scoring at least `minScore` (and of class
 * `personLabel`, 1 in torchvision's COCO labels, when labels are given), keypoint scores mapped
 * through a sigmoid to 0–1. The model sorts by score; order is kept.
 *
 * @throws VisionError `MODEL_FORMAT` when the outputs disagree on N; `INVALID_OPTION` for an option
 * name it does not take or a value of the wrong kind.
 *
 * @example
 * ```ts
 * const people = decodeKeypointRcnn(outs, { minScore: 0.5 });
 * ```
 */
export function decodeKeypointRcnn(outputs: KeypointRcnnOutputs, options: KeypointRcnnDecodeOptions = {}): RawPose[] {
  checkOptionNames(options, 'decodeKeypointRcnn', DECODE_OPTION_NAMES);
  if (options.minScore !== undefined && !(typeof options.minScore === 'number' && Number.isFinite(options.minScore))) {
    throw new VisionError('INVALID_OPTION', `decodeKeypointRcnn: minScore must be a finite number; got ${String(options.minScore)}`);
  }
  if (options.personLabel !== undefined && !Number.isInteger(options.personLabel)) {
    throw new VisionError('INVALID_OPTION', `decodeKeypointRcnn: personLabel must be an integer class id; got ${String(options.personLabel)}`);
  }
  const n = outputs.scores.length;
  const k = outputs.numKeypoints;
  if (outputs.boxes.length !== n * 4 || outputs.keypoints.length !== n * k * 3 || outputs.keypointsScores.length !== n * k) {
    throw new VisionError(
      'MODEL_FORMAT',
      `Keypoint R-CNN outputs disagree: ${n} scores, ${outputs.boxes.length / 4} boxes, ${outputs.keypoints.length / (k * 3)} keypoint sets, ${outputs.keypointsScores.length / k} keypoint score sets`,
    );
  }
  if (outputs.labels) requireLength(outputs.labels, n, 'Keypoint R-CNN labels');
  const minScore = options.minScore ?? 0;
  const poses: RawPose[] = [];
  for (let i = 0; i < n; i++) {
    if (!(outputs.scores[i] >= minScore)) continue;
    if (outputs.labels && options.personLabel !== undefined && Number(outputs.labels[i]) !== options.personLabel) continue;
    const keypoints = new Float32Array(k * 3);
    for (let j = 0; j < k; j++) {
      keypoints[j * 3] = outputs.keypoints[(i * k + j) * 3];
      keypoints[j * 3 + 1] = outputs.keypoints[(i * k + j) * 3 + 1];
      keypoints[j * 3 + 2] = 1 / (1 + Math.exp(-outputs.keypointsScores[i * k + j]));
    }
    const box = Float32Array.from({ length: 4 }, (_, j) => outputs.boxes[i * 4 + j]);
    poses.push({ keypoints, score: outputs.scores[i], box });
  }
  return poses;
}
