import { smoothingSettings } from '../shared/smoothing-settings';
import { optionalBoolean } from '../../core/optional-boolean';
import { VisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { Box } from '../../core/types';
import { MOVENET_LIGHTNING, POSE_MODEL_CARDS, type PoseModelSpec } from '../../models/pose-cards';
import { KEYPOINT_SETS, type KeypointSet } from '../../postprocess/pose/keypoint-sets';
import type { ModelRunner } from '../../runtime/model-runner';
import { BASE_PIPELINE_OPTION_NAMES, type Pipeline } from '../shared/pipeline-options';
import { optionNames } from '../../core/known-options';
import { ModelPipeline } from '../shared/model-pipeline';
import { resolveModel } from '../shared/resolve-model';
import { now } from '../shared/run-stages';
import { VideoClock } from '../shared/video-clock';
import { definedOnly, optionsObject, runOptionsObject, positiveInteger, unitInterval } from '../shared/options';
import { shownData, shownValue } from '../../core/shown-value';
import { disposeOnFailure } from '../shared/dispose-on-failure';
import { type OpenFrame, openFrame } from '../../preprocess/sampling/open-frame';
import type { CropRegion } from '../../preprocess/crop-region';
import { type EstimateContext, POSE_ESTIMATORS, type PoseEstimator, type ResolvedPoseOptions, type SourcePose, type StageClock } from './pose-estimators';
import type { PoseOrigin } from './pose-smoothing';
import { DEFAULT_BLAZEPOSE_SMOOTHING } from './blazepose-smoothing';
import type { Pose, PoseEstimationOptions, PoseKeypoint, PoseResult, PoseRunOptions, PoseWorldKeypoint } from './pose-types';
import { DEFAULT_POSE_SMOOTHING, DEFAULT_SEGMENTATION_SMOOTHING, PoseVideoState, scaleRegion } from './pose-video';
import { DEFAULT_WORLD_SMOOTHING } from '../../track/one-euro';
import { ownEntry } from '../../core/own-entry';

const RUN_OPTION_NAMES = /* @__PURE__ */ optionNames<PoseRunOptions>()(['threshold', 'maxPoses', 'decoding', 'partThreshold', 'nmsRadius', 'region']);
const OPTION_NAMES = /* @__PURE__ */ optionNames<PoseEstimationOptions>()([
  ...BASE_PIPELINE_OPTION_NAMES, ...RUN_OPTION_NAMES, 'spec', 'smoothing', 'segmentation', 'segmentationSmoothing', 'worldSmoothing', 'tracker', 'resizeOnCapture', 'gpuSampling',
]);

/** Keypoints scoring at least this make up a pose's box when the model gives none. */
const BOX_KEYPOINT_SCORE = 0.2;

function isPoseSpec(spec: unknown): spec is PoseModelSpec {
  return typeof spec === 'object' && spec !== null && (spec as PoseModelSpec).task === 'pose-estimation' && typeof (spec as PoseModelSpec).pose === 'object';
}

/** Named keypoints in source pixels; non-finite model values become (0, 0) with score 0. */
function toPose(raw: SourcePose, names: readonly string[]): Pose | null {
  if (!Number.isFinite(raw.score)) return null;
  const keypoints: PoseKeypoint[] = [];
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let k = 0; k * 3 < raw.keypoints.length; k++) {
    const [x, y, s] = [raw.keypoints[k * 3], raw.keypoints[k * 3 + 1], raw.keypoints[k * 3 + 2]];
    const ok = Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(s);
    keypoints.push({ x: ok ? x : 0, y: ok ? y : 0, score: ok ? s : 0, name: names[k] ?? `keypoint ${k}` });
    if (ok && s >= BOX_KEYPOINT_SCORE) {
      x1 = Math.min(x1, x);
      y1 = Math.min(y1, y);
      x2 = Math.max(x2, x);
      y2 = Math.max(y2, y);
    }
  }
  const world = raw.world && worldKeypoints(raw.world, keypoints);
  const extra = { ...(world ? { worldKeypoints: world } : {}), ...(raw.segmentation ? { segmentation: raw.segmentation } : {}) };
  let box: Box;
  if (raw.box && Array.from(raw.box).every(Number.isFinite)) box = { x1: raw.box[0], y1: raw.box[1], x2: raw.box[2], y2: raw.box[3] };
  else if (x2 > x1 && y2 > y1) box = { x1, y1, x2, y2 };
  else return keypoints.some((k) => k.score > 0) ? { keypoints, ...extra, box: { x1: 0, y1: 0, x2: 0, y2: 0 }, score: raw.score } : null;
  return { keypoints, ...extra, box, score: raw.score };
}

/** World keypoints named and scored like the image keypoints; none when a value is not finite. */
function worldKeypoints(values: Float32Array, keypoints: readonly PoseKeypoint[]): PoseWorldKeypoint[] | undefined {
  if (!values.every(Number.isFinite)) return undefined;
  return keypoints.map((k, i) => ({ x: values[i * 3], y: values[i * 3 + 1], z: values[i * 3 + 2], score: k.score, name: k.name }));
}

/**
 * Pose estimation: frame → person crop(s) → pose model → keypoints mapped back to the original
 * image, for MoveNet (single and MultiPose), PoseNet, BlazePose and Keypoint R-CNN cards.
 * Create it with `pipeline('pose-estimation', options)`. `run` treats every image on its own;
 * `runForVideo` tracks people (ByteTrack IDs), smooths keypoints (One-Euro) and — for MoveNet
 * single-pose — crops each frame around the previous pose; BlazePose follows each person from
 * frame to frame as MediaPipe does.
 *
 * @example
 * ```ts
 * const estimator = await pipeline('pose-estimation'); // MoveNet Lightning
 * const { poses } = await estimator.run(photo);
 * for (const [a, b] of estimator.keypointSet.skeleton) drawLine(poses[0].keypoints[a], poses[0].keypoints[b]);
 * ```
 */
export class PoseEstimationPipeline extends ModelPipeline implements Pipeline<PoseRunOptions, PoseResult> {
  readonly task = 'pose-estimation';
  /** The keypoint names and skeleton edges of this model's poses. */
  readonly keypointSet: KeypointSet;
  private readonly estimate: PoseEstimator;
  /** Video-mode state and clock: replaced (not cleared) by `reset()`, so a frame in flight then writes into the old ones. */
  private video: PoseVideoState;
  private videoClock = new VideoClock();
  private readonly newVideoState: () => PoseVideoState;
  private readonly resizeOnCapture: NonNullable<PoseEstimationOptions['resizeOnCapture']>;
  private readonly gpuSampling: boolean;
  private readonly segmentation: boolean;

  constructor(
    readonly poseSpec: PoseModelSpec,
    runner: ModelRunner,
    ownsRunner: boolean,
    private readonly defaults: PoseRunOptions,
    options: Pick<PoseEstimationOptions, 'smoothing' | 'worldSmoothing' | 'segmentationSmoothing' | 'tracker' | 'resizeOnCapture' | 'gpuSampling' | 'segmentation'> = {},
    /** The person detector's runner (BlazePose cards). */
    readonly detector?: ModelRunner,
  ) {
    super(poseSpec, runner, ownsRunner);
    const estimate = ownEntry(POSE_ESTIMATORS, poseSpec.family);
    if (!estimate) throw new VisionError('INVALID_OPTION', `no pose decoder for family '${poseSpec.family}'; known: ${Object.keys(POSE_ESTIMATORS).join(', ')}`);
    const set = ownEntry(KEYPOINT_SETS, poseSpec.pose.keypointSet);
    if (!set) throw new VisionError('INVALID_OPTION', `unknown keypoint set '${poseSpec.pose.keypointSet}'; known: ${Object.keys(KEYPOINT_SETS).join(', ')}`);
    const known = new Set(runner.outputs.map((o) => o.name));
    const missing = Object.values(poseSpec.pose.outputs).filter((name) => !known.has(name));
    if (missing.length > 0) {
      throw new VisionError('MODEL_FORMAT', `model '${poseSpec.id}' lacks output(s) ${missing.join(', ')} that family ${poseSpec.family} needs; it has ${[...known].join(', ')}`);
    }
    this.estimate = estimate;
    this.keypointSet = set;
    const resizeOnCapture = options.resizeOnCapture ?? 'video';
    if (!['video', 'always', 'never'].includes(resizeOnCapture)) {
      throw new VisionError('INVALID_OPTION', `resizeOnCapture is '${String(resizeOnCapture)}'; allowed: video, always, never`);
    }
    this.resizeOnCapture = resizeOnCapture;
    this.gpuSampling = optionalBoolean(options.gpuSampling, 'gpuSampling') ?? true;
    this.segmentation = optionalBoolean(options.segmentation, 'segmentation') ?? false;
    if (this.segmentation && (poseSpec.family !== 'blazepose' || poseSpec.pose.outputs.segmentation === undefined)) {
      throw new VisionError('INVALID_OPTION', `segmentation: model '${poseSpec.id}' gives no person mask; BlazePose cards do (blazepose-lite, blazepose-full, blazepose-heavy)`);
    }
    const blazePose = poseSpec.family === 'blazepose';
    const smoothing = smoothingSettings(options.smoothing, blazePose ? DEFAULT_BLAZEPOSE_SMOOTHING : DEFAULT_POSE_SMOOTHING, 'smoothing');
    const tracker = options.tracker === undefined ? {} : options.tracker;
    const worldSmoothing = smoothingSettings(options.worldSmoothing, DEFAULT_WORLD_SMOOTHING, 'worldSmoothing');
    const segmentationSmoothing = options.segmentationSmoothing === undefined ? DEFAULT_SEGMENTATION_SMOOTHING : options.segmentationSmoothing;
    this.newVideoState = () => new PoseVideoState(smoothing, tracker, { worldSmoothing, segmentationSmoothing, blazePose });
    this.video = this.newVideoState();
    // bad defaults and tracker settings fail now, not at the first run or the first person in a video
    this.video.newTracker(this.resolve({}).threshold);
    this.regionOf({});
  }

  /** The crop region of `run` (its option, else the pipeline's default): checked; MoveNet single-pose only. */
  private regionOf(options: PoseRunOptions): CropRegion | undefined {
    const region = options.region ?? this.defaults.region;
    if (region === undefined) return undefined;
    if (this.poseSpec.family !== 'movenet') {
      throw new VisionError('INVALID_OPTION', `region: model '${this.poseSpec.id}' (family ${this.poseSpec.family}) looks at the whole image; region is taken by MoveNet single-pose models`);
    }
    if (typeof region !== 'object' || region === null || ![region.xMin, region.yMin, region.xMax, region.yMax].every(Number.isFinite) || !(region.xMax > region.xMin && region.yMax > region.yMin)) {
      throw new VisionError('INVALID_OPTION', `region must be { xMin, yMin, xMax, yMax } with finite numbers and xMax > xMin, yMax > yMin; got ${shownData(region)}`);
    }
    return region;
  }

  private resolve(options: PoseRunOptions): ResolvedPoseOptions {
    runOptionsObject(options, RUN_OPTION_NAMES);
    const merged: PoseRunOptions = { ...definedOnly(this.defaults), ...definedOnly(options) };
    const single = this.poseSpec.family === 'movenet' || this.poseSpec.family === 'blazepose';
    const maxPoses = positiveInteger(merged.maxPoses ?? this.poseSpec.defaults?.maxDetections ?? (single ? 1 : 10), 'maxPoses');
    const nmsRadius = merged.nmsRadius ?? 20;
    if (!(typeof nmsRadius === 'number' && nmsRadius >= 0 && Number.isFinite(nmsRadius))) throw new VisionError('INVALID_OPTION', `nmsRadius is ${shownValue(nmsRadius)}; it must be a finite number ≥ 0 (model-input pixels)`);
    const decoding = merged.decoding ?? 'multi';
    if (decoding !== 'single' && decoding !== 'multi') throw new VisionError('INVALID_OPTION', `decoding is ${shownValue(decoding)}; allowed: single, multi`);
    return {
      threshold: unitInterval(merged.threshold ?? this.poseSpec.defaults?.threshold ?? 0.25, 'threshold'),
      maxPoses: this.poseSpec.family === 'movenet' ? 1 : maxPoses,
      decoding,
      partThreshold: unitInterval(merged.partThreshold ?? 0.5, 'partThreshold'),
      nmsRadius,
    };
  }

  /** One frame's poses, best first, and (BlazePose) where each was found: `origins`, one per pose. */
  private async estimatePoses(
    input: ImageInput,
    options: ResolvedPoseOptions,
    videoMode: boolean,
    where: Pick<EstimateContext, 'region' | 'follow'> & { regionSize?: { width: number; height: number } } = {},
  ): Promise<PoseResult & { origins: PoseOrigin[] }> {
    this.assertUsable();
    const started = now();
    const clock: StageClock = { preprocess: 0, inference: 0, postprocess: 0 };
    const sampling = this.poseSpec.family !== 'keypoint-rcnn';
    const resizeOnCapture = this.resizeOnCapture === 'always' || (videoMode && this.resizeOnCapture === 'video');
    const frame: OpenFrame | undefined = sampling ? await openFrame(input, { resizeOnCapture, gpuSampling: this.gpuSampling }) : undefined;
    try {
      const imageSize = frame ? { width: frame.width, height: frame.height } : await sizeOf(input);
      clock.preprocess += now() - started;
      const minSize = this.poseSpec.pose.minImageSize ?? 16;
      const small = imageSize.width < minSize || imageSize.height < minSize;
      const { regionSize, ...at } = where;
      if (regionSize && frame && (regionSize.width !== frame.width || regionSize.height !== frame.height)) {
        // regions followed from a frame of another size (a resolution change) are carried onto this one
        if (at.follow) at.follow = at.follow.map((r) => scaleRegion(r, frame.width / regionSize.width, frame.height / regionSize.height));
        // a crop region (0–1 of the frame) kept square in pixels only on a frame of the same shape: else the whole frame
        if (at.region && regionSize.width * frame.height !== regionSize.height * frame.width) at.region = undefined;
      }
      const raw = small
        ? []
        : await this.estimate({ spec: this.poseSpec, runner: this.runner, detector: this.detector, frame: frame!, input, options, ...at, segmentation: this.segmentation, clock });
      const t0 = now();
      const found = raw.flatMap((p) => {
        const pose = toPose(p, this.keypointSet.names);
        if (!pose) p.segmentation?.close();
        return pose ? [{ pose, origin: { alignment: p.alignment, region: p.region, followed: p.followed } }] : [];
      });
      found.sort((a, b) => b.pose.score - a.pose.score);
      for (const dropped of found.slice(options.maxPoses)) dropped.pose.segmentation?.close();
      clock.postprocess += now() - t0;
      const poses = found.slice(0, options.maxPoses).map((f) => f.pose);
      const origins = found.slice(0, options.maxPoses).map((f) => f.origin);
      return { poses, imageSize, timing: { ...clock, total: now() - started }, origins };
    } finally {
      frame?.release();
    }
  }

  /**
   * Finds the poses in one image (no state: each call stands alone).
   *
   * @example
   * ```ts
   * const { poses } = await estimator.run(photo, { threshold: 0.3 });
   * ```
   */
  async run(input: ImageInput, options: PoseRunOptions = {}): Promise<PoseResult> {
    const resolved = this.resolve(options);
    const region = this.regionOf(options);
    const { origins: _, ...result } = await this.estimatePoses(input, resolved, false, { region });
    return result;
  }

  /**
   * Video mode: estimates poses in one frame of a stream, gives each person a stable `trackId`
   * (ByteTrack over the pose boxes; single-person models keep ID 1 until nobody is found),
   * smooths keypoints (One-Euro, per track; BlazePose as MediaPipe's pose graph smooths), and for MoveNet
   * single-pose crops the next frame around this frame's pose (falling back to the whole frame
   * when the torso is not visible); BlazePose follows each person with the region their
   * (smoothed) auxiliary landmarks give, as MediaPipe's pose landmarker does, keeping their track
   * ID, and runs the person detector only while fewer than `maxPoses` people are followed or a
   * followed pose's score drops under the threshold. Timestamps (ms) must increase; calls that overlap are analysed one after another, in call order. {@link reset} starts over.
   *
   * @example
   * ```ts
   * const { poses } = await estimator.runForVideo(videoFrame, performance.now());
   * ```
   */
  async runForVideo(input: ImageInput, timestampMs: number, options: PoseRunOptions = {}): Promise<PoseResult> {
    // this frame's stream: a reset() while it is analysed starts a new one that it leaves alone
    const { video, videoClock } = this;
    const resolved = this.resolve(options);
    if (options.region !== undefined) {
      throw new VisionError('INVALID_OPTION', 'region is a run() option: in video mode MoveNet crops each frame around the pose of the one before');
    }
    const cropping = this.poseSpec.family === 'movenet';
    const following = this.poseSpec.family === 'blazepose';
    return videoClock.frame(timestampMs, async () => {
      const regionSize = video.regionSize;
      const where = cropping ? { region: video.cropRegion, regionSize } : following ? { follow: video.followRegions.slice(0, resolved.maxPoses), regionSize } : {};
      const { origins, ...result } = await this.estimatePoses(input, resolved, true, where);
      const t0 = now();
      const { width, height } = result.imageSize;
      let poses: Pose[];
      if (following) poses = video.followPeople(result.poses, origins, timestampMs, width, height, this.poseSpec.pose.roiScale ?? 1.25);
      // one person by construction (not a multi-person model asked for one: another person may take the place)
      else if (cropping || (this.poseSpec.family === 'posenet' && resolved.decoding === 'single')) poses = video.trackSingle(result.poses, timestampMs, width, height);
      else poses = video.track(result.poses, timestampMs, width, height, resolved.threshold);
      if (cropping) video.updateCropRegion(poses[0], width, height);
      const spent = now() - t0;
      return { ...result, poses, timing: { ...result.timing, postprocess: result.timing.postprocess + spent, total: result.timing.total + spent } };
    });
  }

  /**
   * Forgets video-mode state (tracks, filters, crop region, the last timestamp); a frame still
   * being analysed then leaves nothing for the next video. @example `estimator.reset();`
   */
  reset(): void {
    this.video = this.newVideoState();
    this.videoClock = new VideoClock();
  }

  /** Frees the pose model and its person detector (if it owns them). @example `estimator.dispose();` */
  override dispose(): void {
    super.dispose();
    this.detector?.dispose();
  }
}

async function sizeOf(input: ImageInput): Promise<{ width: number; height: number }> {
  const frame = await openFrame(input);
  frame.release();
  return { width: frame.width, height: frame.height };
}

/**
 * Creates a pose-estimation pipeline. `model` may be a pose card (default
 * {@link MOVENET_LIGHTNING}), a pose card id (`movenet-lightning`, `movenet-thunder`,
 * `movenet-multipose`, `posenet-mobilenet`, `blazepose-lite|full|heavy`), or a ready runner
 * with `spec`. BlazePose cards also load their person detector.
 *
 * @example
 * ```ts
 * const estimator = await createPoseEstimationPipeline({ model: 'movenet-multipose', threshold: 0.3 });
 * ```
 */
export async function createPoseEstimationPipeline(options: PoseEstimationOptions = {}): Promise<PoseEstimationPipeline> {
  optionsObject(options, 'pose-estimation options', OPTION_NAMES);
  const requested = typeof options.model === 'string' ? (ownEntry(POSE_MODEL_CARDS, options.model) ?? options.model) : options.model ?? MOVENET_LIGHTNING;
  const model = await resolveModel('pose-estimation', MOVENET_LIGHTNING.id, { ...options, model: requested }, options.spec);
  return disposeOnFailure([model], async (adopt) => {
    const { spec, runner, ownsRunner } = model;
    if (!isPoseSpec(spec)) throw new VisionError('INVALID_OPTION', `model '${spec.id}' has no pose settings; pass a PoseModelSpec (with 'pose': keypoint set and outputs)`);
    const detectorSpec = spec.pose.detector;
    // the person detector is a model of its own: its card, its location and format (not the pose model's source or format)
    const detector =
      spec.family === 'blazepose' && detectorSpec
        ? adopt(await resolveModel(detectorSpec.task, detectorSpec.id, { ...options, model: detectorSpec, modelSource: undefined, format: undefined })).runner
        : undefined;
    const { threshold, maxPoses, decoding, partThreshold, nmsRadius, region } = options;
    return new PoseEstimationPipeline(spec, runner, ownsRunner, { threshold, maxPoses, decoding, partThreshold, nmsRadius, region }, options, detector);
  });
}
