/**
 * One function per pose family: frame → model input(s) → model(s) → decoded people in
 * source-image pixels. The pipeline picks one by the card's family.
 */
import type { Tensor4D } from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { PoseFamily, PoseModelSpec } from '../../models/pose-cards';
import { scaleBoxesToSource, scaleKeypointsToSource } from '../../postprocess/box-format';
import { BLAZEPOSE_NUM_LANDMARKS, decodeBlazePoseAuxiliary, decodeBlazePoseDetector, decodeBlazePoseLandmarks, refineFromHeatmap } from '../../postprocess/pose/blazepose';
import { blazePoseRoi, faceOfKeypoints, sameFace } from './blazepose-roi';
import type { AlignmentPoints } from './pose-smoothing';
import { segmentationOnImage } from './pose-segmentation';
import type { Mask } from '../../core/mask';
import { decodeKeypointRcnn } from '../../postprocess/pose/keypoint-rcnn';
import { decodeMoveNet, decodeMoveNetMultiPose } from '../../postprocess/pose/movenet';
import { type PoseNetOutputs, decodePoseNetMulti, decodePoseNetSingle } from '../../postprocess/pose/posenet';
import type { RawPose } from '../../postprocess/pose/raw-pose';
import { turnWorldLandmarks } from '../../postprocess/world-landmarks';
import { type CropRegion, fullFrameRegion } from '../../preprocess/crop-region';
import type { InputSpec } from '../../preprocess/prepare';
import { type RotatedRegion, regionPointToSource, rotatedRegionAffine, rotatedRegionBounds } from '../../preprocess/rotated-region';
import { sampleAffine } from '../../preprocess/sampling/affine-sample';
import type { OpenFrame } from '../../preprocess/sampling/open-frame';
import { sampleRegion } from '../../preprocess/sampling/region-sample';
import type { SampleTarget } from '../../preprocess/sampling/sample-output';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { now, preprocessAndInfer } from '../shared/run-stages';
import { tensorNumbers } from '../shared/outputs';

/**
 * A decoded person in source-image pixels: K × (x, y, score) keypoints, score, optional xyxy box,
 * K × (x, y, z) world keypoints in metres when the model gives them, and (BlazePose) the
 * alignment points the next frame's region is placed from and, when asked for, the person's
 * mask (owned).
 *
 * @example `const noseX = pose.keypoints[0];`
 */
export type SourcePose = RawPose & {
  world?: Float32Array;
  alignment?: AlignmentPoints;
  segmentation?: Mask;
  /** BlazePose: the region the landmark model looked at, and which of the followed regions it was (undefined: the detector's). */
  region?: RotatedRegion;
  followed?: number;
};

/** Milliseconds per stage, accumulated by the estimators. @example `const clock: StageClock = { preprocess: 0, inference: 0, postprocess: 0 };` */
export interface StageClock {
  preprocess: number;
  inference: number;
  postprocess: number;
}

/** Options of one run after defaults were applied. @example `{ threshold: 0.25, maxPoses: 1, decoding: 'multi', partThreshold: 0.5, nmsRadius: 20 }` */
export interface ResolvedPoseOptions {
  threshold: number;
  maxPoses: number;
  decoding: 'single' | 'multi';
  partThreshold: number;
  nmsRadius: number;
}

/** Everything an estimator needs for one frame. @example `await POSE_ESTIMATORS.movenet({ spec, runner, frame, input, options, clock })` */
export interface EstimateContext {
  spec: PoseModelSpec;
  runner: ModelRunner;
  detector?: ModelRunner;
  frame: OpenFrame;
  input: ImageInput;
  options: ResolvedPoseOptions;
  /** MoveNet video mode: where to look (default: the padded full frame). */
  region?: CropRegion;
  /**
   * BlazePose video mode: the regions that follow people from the previous frame. The detector
   * runs when fewer than `maxPoses` are followed or a followed one holds no pose any more; a
   * person it finds whose face is a followed pose's face is that pose.
   */
  follow?: readonly RotatedRegion[];
  /** BlazePose: also give each pose its person mask at the image's size. */
  segmentation?: boolean;
  clock: StageClock;
}

/** Turns one frame into people in source pixels. @example `const people = await estimate(context);` */
export type PoseEstimator = (context: EstimateContext) => Promise<SourcePose[]>;

function target(input: InputSpec, runner: ModelRunner): SampleTarget {
  const dtype = input.dtype ?? (runner.inputs[0]?.dtype === 'int32' ? 'int32' : 'float32');
  return { width: input.width, height: input.height, normalization: input.normalization ?? 'none', dtype };
}

/** Output `role` of the card, or the model's only output. */
function output(outputs: Record<string, RawTensor>, spec: PoseModelSpec, role: string): RawTensor {
  const name = spec.pose.outputs[role];
  const tensor = name ? outputs[name] : Object.values(outputs).length === 1 ? Object.values(outputs)[0] : undefined;
  if (!tensor) throw new VisionError('MODEL_FORMAT', `model '${spec.id}' gave no '${name ?? role}' output; it gave ${Object.keys(outputs).join(', ') || 'none'}`);
  return tensor;
}

/** Makes the model input (`sample`), runs the model, frees the input; timed. */
async function inferOn(runner: ModelRunner, sample: () => Tensor4D, names: string[] | undefined, clock: StageClock): Promise<Record<string, RawTensor>> {
  const t0 = now();
  const input = sample();
  const t1 = now();
  clock.preprocess += t1 - t0;
  try {
    return await runner.run({ [runner.inputs[0].name]: input }, names ? { outputs: names } : {});
  } finally {
    input.dispose();
    clock.inference += now() - t1;
  }
}

/** Samples `region` to the model input, runs the model, frees the input; timed. */
const infer = (runner: ModelRunner, frame: OpenFrame, region: CropRegion, to: SampleTarget, names: string[] | undefined, clock: StageClock): Promise<Record<string, RawTensor>> =>
  inferOn(runner, () => sampleRegion(frame, region, to), names, clock);

/** Maps keypoints (and box) given in 0–1 of `region` to source pixels. */
function fromRegion(pose: RawPose, region: CropRegion, frame: OpenFrame, unitsX = 1, unitsY = 1): SourcePose {
  const sx = ((region.xMax - region.xMin) * frame.width) / unitsX;
  const sy = ((region.yMax - region.yMin) * frame.height) / unitsY;
  const ox = region.xMin * frame.width;
  const oy = region.yMin * frame.height;
  const keypoints = Float32Array.from(pose.keypoints);
  for (let i = 0; i < keypoints.length; i += 3) {
    keypoints[i] = ox + keypoints[i] * sx;
    keypoints[i + 1] = oy + keypoints[i + 1] * sy;
  }
  const box = pose.box && Float32Array.of(ox + pose.box[0] * sx, oy + pose.box[1] * sy, ox + pose.box[2] * sx, oy + pose.box[3] * sy);
  return box ? { keypoints, score: pose.score, box } : { keypoints, score: pose.score };
}

const outputNames = (spec: PoseModelSpec, roles: string[]): string[] | undefined => {
  const names = roles.map((r) => spec.pose.outputs[r]).filter((n): n is string => typeof n === 'string');
  return names.length === roles.length ? names : undefined;
};

const moveNet: PoseEstimator = async ({ spec, runner, frame, options, region, clock }) => {
  const crop = region ?? fullFrameRegion(frame.width, frame.height);
  const outputs = await infer(runner, frame, crop, target(spec.input, runner), outputNames(spec, ['keypoints']), clock);
  const t0 = now();
  const pose = decodeMoveNet(output(outputs, spec, 'keypoints').data as Float32Array);
  const poses = pose.score >= options.threshold ? [fromRegion(pose, crop, frame)] : [];
  clock.postprocess += now() - t0;
  return poses;
};

const moveNetMultiPose: PoseEstimator = async ({ spec, runner, frame, options, clock }) => {
  const crop = fullFrameRegion(frame.width, frame.height);
  const outputs = await infer(runner, frame, crop, target(spec.input, runner), outputNames(spec, ['keypoints']), clock);
  const t0 = now();
  const poses = decodeMoveNetMultiPose(output(outputs, spec, 'keypoints').data as Float32Array, options.threshold)
    .slice(0, options.maxPoses)
    .map((p) => fromRegion(p, crop, frame));
  clock.postprocess += now() - t0;
  return poses;
};

const poseNet: PoseEstimator = async ({ spec, runner, frame, options, clock }) => {
  const crop = fullFrameRegion(frame.width, frame.height);
  const roles = ['heatmaps', 'offsets', 'displacementsFwd', 'displacementsBwd'];
  const outputs = await infer(runner, frame, crop, target(spec.input, runner), outputNames(spec, roles), clock);
  const t0 = now();
  const heatmaps = output(outputs, spec, 'heatmaps');
  const [gridHeight, gridWidth, numKeypoints] = heatmaps.dims.slice(-3);
  const maps: PoseNetOutputs = {
    heatmaps: heatmaps.data as Float32Array,
    offsets: output(outputs, spec, 'offsets').data as Float32Array,
    gridWidth,
    gridHeight,
    numKeypoints,
    stride: spec.pose.outputStride ?? 16,
  };
  let raw: RawPose[];
  if (options.decoding === 'single') {
    const pose = decodePoseNetSingle(maps);
    raw = pose.score >= options.threshold ? [pose] : [];
  } else {
    maps.displacementsFwd = output(outputs, spec, 'displacementsFwd').data as Float32Array;
    maps.displacementsBwd = output(outputs, spec, 'displacementsBwd').data as Float32Array;
    raw = decodePoseNetMulti(maps, { maxPoses: options.maxPoses, scoreThreshold: options.partThreshold, nmsRadius: options.nmsRadius, minPoseScore: options.threshold });
  }
  const poses = raw.map((p) => fromRegion(p, crop, frame, spec.input.width, spec.input.height));
  clock.postprocess += now() - t0;
  return poses;
};

/** Whether rotated crops can be sampled from the frame (not from frames read at model size as they are captured: browser `resizeOnCapture`). */
const canTurn = (frame: OpenFrame): boolean => frame.gpu !== undefined || frame.pixels !== undefined || frame.tensor !== undefined;

/** Samples a rotated region to the model input (upright in the input; axis-aligned regions of frames that cannot be turned as boxes), runs the model, frees the input; timed. */
const inferRotated = (runner: ModelRunner, frame: OpenFrame, region: RotatedRegion, to: SampleTarget, names: string[] | undefined, clock: StageClock): Promise<Record<string, RawTensor>> =>
  inferOn(runner, () => (canTurn(frame) ? sampleAffine(frame, rotatedRegionAffine(region, to.width, to.height, 'corners'), to) : sampleRegion(frame, rotatedRegionBounds(region, frame.width, frame.height), to)), names, clock);

/**
 * BlazePose landmarks (crop pixels) → source pixels: refined from the heatmap when the card
 * names one, mapped back through the region's rotation; world landmarks (when named) turned
 * alike; the two auxiliary landmarks as the alignment points of the next frame's region.
 */
function blazePoseToSource(ld3d: ArrayLike<number>, score: number, outputs: Record<string, RawTensor>, spec: PoseModelSpec, region: RotatedRegion): SourcePose {
  const { width, height } = spec.input;
  const count = BLAZEPOSE_NUM_LANDMARKS + 2;
  // float64 throughout: the next frame's region comes from these, and BlazePose is sensitive to where its crop is
  const points = new Float64Array(count * 3);
  points.set(decodeBlazePoseLandmarks(ld3d, score).keypoints);
  points.set(decodeBlazePoseAuxiliary(ld3d), BLAZEPOSE_NUM_LANDMARKS * 3);
  for (let i = 0; i < points.length; i += 3) {
    points[i] /= width;
    points[i + 1] /= height;
  }
  if (spec.pose.outputs.heatmap !== undefined) {
    const heatmap = output(outputs, spec, 'heatmap');
    const [h, w, c] = heatmap.dims.slice(-3);
    refineFromHeatmap(points, Math.min(count, c), heatmap.data as Float32Array, [h, w, c]);
  }
  for (let i = 0; i < points.length; i += 3) [points[i], points[i + 1]] = regionPointToSource(region, points[i], points[i + 1]);
  const keypoints = Float32Array.from(points.subarray(0, BLAZEPOSE_NUM_LANDMARKS * 3));
  const aux = points.subarray(BLAZEPOSE_NUM_LANDMARKS * 3);
  const alignment: AlignmentPoints = [aux[0], aux[1], aux[3], aux[4]];
  const world = spec.pose.outputs.world !== undefined ? turnWorldLandmarks(output(outputs, spec, 'world').data as Float32Array, BLAZEPOSE_NUM_LANDMARKS, region.rotation) : undefined;
  return { keypoints, score, alignment, ...(world ? { world } : {}) };
}

/**
 * The landmark stage on each followed region, in order; a pose whose score is under the threshold
 * is lost (its mask closed).
 */
async function followPeople(context: EstimateContext, follow: readonly RotatedRegion[]): Promise<SourcePose[]> {
  const { spec, runner, frame, options, segmentation, clock } = context;
  const found: SourcePose[] = [];
  for (const [followed, region] of follow.entries()) {
    const pose = await blazePoseLandmarks(spec, runner, frame, region, clock, segmentation);
    if (pose.score >= options.threshold) found.push({ ...pose, followed });
    else pose.segmentation?.close();
  }
  return found;
}

const blazePose: PoseEstimator = async (context) => {
  const { spec, runner, detector, frame, options, follow = [], segmentation, clock } = context;
  const detectorSpec = spec.pose.detector;
  if (!detector || !detectorSpec) throw new VisionError('INVALID_OPTION', `model '${spec.id}' (family blazepose) needs pose.detector, a person-detector card`);
  // video mode: the people followed from the previous frame; the detector only when fewer than maxPoses are, or one was lost
  const followed = await followPeople(context, follow);
  if (follow.length >= options.maxPoses && followed.length === follow.length) return followed;
  // the frame letterboxed to a square (MediaPipe's keep_aspect_ratio), sampled as the landmark crops are
  const side = Math.max(frame.width, frame.height);
  const whole: RotatedRegion = { centerX: frame.width / 2, centerY: frame.height / 2, width: side, height: side, rotation: 0 };
  const found = await inferRotated(detector, frame, whole, target(detectorSpec.input, detector), detectorSpec.outputs, clock);
  const t0 = now();
  const threshold = detectorSpec.defaults?.threshold ?? 0.5;
  const people = decodeBlazePoseDetector(Object.values(found)[0].data as Float32Array, {
    minScore: threshold,
    maxPeople: options.maxPoses + followed.length, // the followed people among them are dropped below
    iouThreshold: detectorSpec.defaults?.iouThreshold,
    suppression: spec.pose.detectorSuppression,
  });
  const toFrame = (v: number, i: number): number => (i % 2 === 0 ? whole.centerX : whole.centerY) + (v / detectorSpec.input.width - 0.5) * side;
  // a person whose face is a followed pose's face is that pose
  const followedFaces = followed.map((f) => faceOfKeypoints((i) => [f.keypoints[i * 3], f.keypoints[i * 3 + 1]]));
  const rois = people
    .filter((person) => {
      const [x1, y1, x2, y2] = Array.from(person.box, toFrame);
      const face = { x: (x1 + x2) / 2, y: (y1 + y2) / 2, size: Math.max(x2 - x1, y2 - y1) };
      return followedFaces.every((f) => !sameFace(face, f));
    })
    .map((person) => blazePoseRoi(Array.from(person.keypoints.subarray(0, 4), toFrame), spec.pose.roiScale ?? 1.25))
    .filter((roi) => roi.width > 1);
  clock.postprocess += now() - t0;
  const poses = followed;
  for (const roi of rois) {
    if (poses.length >= options.maxPoses) break;
    const pose = await blazePoseLandmarks(spec, runner, frame, roi, clock, segmentation);
    if (pose.score >= options.threshold) poses.push(pose);
    else pose.segmentation?.close();
  }
  return poses;
};

/**
 * BlazePose's landmark stage on one region of interest (source pixels, turned as
 * {@link blazePoseRoi} gives it): the region sampled upright at the model's input size, the 33
 * landmarks decoded, refined from the heatmap, mapped back through the rotation, the world
 * landmarks turned alike, and the auxiliary landmarks that place the next frame's region
 * (`alignment`, for {@link blazePoseRoi}); with `segmentation`, the person's mask at the image's size (the caller owns it). The
 * pose's score is the model's pose flag (no threshold here). Frames that cannot be turned (read
 * at model size as captured) are cropped upright.
 *
 * @example
 * ```ts
 * const pose = await blazePoseLandmarks(BLAZEPOSE_FULL, runner, frame, blazePoseRoi(alignment), clock);
 * ```
 */
export async function blazePoseLandmarks(spec: PoseModelSpec, runner: ModelRunner, frame: OpenFrame, roi: RotatedRegion, clock: StageClock, segmentation = false): Promise<SourcePose> {
  const region = canTurn(frame) ? roi : { ...roi, rotation: 0 };
  const optional = ['heatmap', 'world', ...(segmentation ? ['segmentation'] : [])];
  const roles = ['landmarks', 'poseFlag', ...optional.filter((role) => spec.pose.outputs[role] !== undefined)];
  const outputs = await inferRotated(runner, frame, region, target(spec.input, runner), outputNames(spec, roles), clock);
  const t0 = now();
  const flag = output(outputs, spec, 'poseFlag').data[0] as number;
  const pose: SourcePose = { ...blazePoseToSource(output(outputs, spec, 'landmarks').data as Float32Array, flag, outputs, spec, region), region };
  if (segmentation) {
    const plane = output(outputs, spec, 'segmentation');
    const [h, w] = plane.dims.slice(1, 3);
    pose.segmentation = segmentationOnImage(plane.data as Float32Array, w, h, region, frame.width, frame.height);
  }
  clock.postprocess += now() - t0;
  return pose;
}

const keypointRcnn: PoseEstimator = async ({ spec, runner, input, options, clock }) => {
  const stage = await preprocessAndInfer(runner, spec, input);
  clock.preprocess += stage.timing.preprocess;
  clock.inference += stage.timing.inference;
  const t0 = now();
  const get = (role: string): RawTensor => output(stage.outputs, spec, role);
  const keypoints = get('keypoints');
  const numKeypoints = keypoints.dims.length === 3 ? keypoints.dims[1] : 17;
  const labelsName = spec.pose.outputs.labels;
  const labels = labelsName ? stage.outputs[labelsName] : undefined;
  const raw = decodeKeypointRcnn(
    {
      boxes: tensorNumbers(get('boxes')),
      scores: tensorNumbers(get('scores')),
      labels: labels ? tensorNumbers(labels) : undefined,
      keypoints: tensorNumbers(keypoints),
      keypointsScores: tensorNumbers(get('keypointsScores')),
      numKeypoints,
    },
    { minScore: options.threshold, personLabel: labels ? 1 : undefined },
  ).slice(0, options.maxPoses);
  const poses = raw.map((p): SourcePose => {
    const xy = new Float32Array((p.keypoints.length / 3) * 2);
    for (let i = 0; i < xy.length / 2; i++) xy.set([p.keypoints[i * 3], p.keypoints[i * 3 + 1]], i * 2);
    const mapped = scaleKeypointsToSource(xy, stage.transform);
    const keypointsOut = Float32Array.from(p.keypoints);
    for (let i = 0; i < xy.length / 2; i++) keypointsOut.set([mapped[i * 2], mapped[i * 2 + 1]], i * 3);
    return { keypoints: keypointsOut, score: p.score, box: scaleBoxesToSource(p.box ?? new Float32Array(4), stage.transform) };
  });
  clock.postprocess += now() - t0;
  return poses;
};

/**
 * Estimators by family.
 *
 * @example
 * ```ts
 * const estimate = POSE_ESTIMATORS[spec.family];
 * ```
 */
export const POSE_ESTIMATORS: Readonly<Record<PoseFamily, PoseEstimator>> = /* @__PURE__ */ Object.freeze({
  movenet: moveNet,
  'movenet-multipose': moveNetMultiPose,
  posenet: poseNet,
  blazepose: blazePose,
  'keypoint-rcnn': keypointRcnn,
});
