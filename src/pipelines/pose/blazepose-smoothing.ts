/**
 * BlazePose's landmark smoothing in video mode, as MediaPipe's pose graph does it
 * (`pose_landmark_filtering`): visibilities low-passed, the landmarks and the two auxiliary
 * (alignment) landmarks One-Euro filtered with speeds measured in person sizes per second, world
 * landmarks One-Euro filtered in metres. The next frame's region comes from the smoothed
 * auxiliary landmarks, which are smoothed harder than the landmarks, so that the crop stays put
 * while the person does.
 */
import { OneEuroBank, type OneEuroOptions } from '../../track/one-euro';
import type { AlignmentPoints, PoseTrackSmoother, SmoothedPose } from './pose-smoothing';
import type { Pose, PoseKeypoint } from './pose-types';

/**
 * MediaPipe's filter of BlazePose's landmarks (speeds in person sizes per second; the size is the
 * side of the square the auxiliary landmarks span): `{ minCutoff: 0.05, beta: 80, dCutoff: 1 }`.
 *
 * @example `new BlazePoseSmoother(DEFAULT_BLAZEPOSE_SMOOTHING, false)`
 */
export const DEFAULT_BLAZEPOSE_SMOOTHING: Readonly<OneEuroOptions> = /* @__PURE__ */ Object.freeze({ minCutoff: 0.05, beta: 80, dCutoff: 1 });

/** MediaPipe's filter of the auxiliary landmarks: heavier, so the crop holds still when the person does. */
const AUXILIARY_SMOOTHING: Readonly<OneEuroOptions> = { minCutoff: 0.01, beta: 10, dCutoff: 1 };

/** Weight of a new visibility in MediaPipe's low-pass over visibilities. */
const VISIBILITY_ALPHA = 0.1;

/** Person sizes (pixels) under which MediaPipe leaves the landmarks unsmoothed. */
const MIN_OBJECT_SCALE = 1e-6;

/**
 * Smooths one followed BlazePose person frame after frame, as MediaPipe does (one instance per
 * track).
 *
 * @example
 * ```ts
 * const smoother = new BlazePoseSmoother(DEFAULT_BLAZEPOSE_SMOOTHING, DEFAULT_WORLD_SMOOTHING);
 * const { pose, alignment } = smoother.smooth(raw, rawAlignment, frame.timestampMs);
 * const next = blazePoseRoi(alignment!);
 * ```
 */
export class BlazePoseSmoother implements PoseTrackSmoother {
  private landmarks: OneEuroBank | null = null;
  private readonly auxiliary = new OneEuroBank(4, AUXILIARY_SMOOTHING, 'input');
  private world: OneEuroBank | null = null;
  private visibilities: Float64Array | null = null;

  /** `smoothing`: One-Euro settings of the keypoints (speeds in person sizes per second); `worldSmoothing`: of world keypoints (metres), or false to leave them. */
  constructor(
    private readonly smoothing: OneEuroOptions,
    private readonly worldSmoothing: OneEuroOptions | false,
  ) {}

  /**
   * One frame: the keypoints' visibilities (scores, and their world keypoints') low-passed, keypoints and alignment points
   * filtered with speeds divided by the person's size (the side of the square the unsmoothed
   * alignment points span), world keypoints filtered in metres. Without alignment points, or a
   * person too small to measure, keypoints pass through (their visibilities smoothed), as in
   * MediaPipe.
   *
   * @example
   * ```ts
   * const { pose, alignment } = smoother.smooth(raw, rawAlignment, 33.3);
   * ```
   */
  smooth(pose: Pose, alignment: AlignmentPoints | undefined, timestampMs: number): SmoothedPose {
    const smoothed: Pose = { ...pose, keypoints: this.smoothVisibilities(pose.keypoints) };
    if (pose.worldKeypoints) {
      // a world keypoint's score is its keypoint's visibility (MediaPipe smooths both alike)
      const world = pose.worldKeypoints.map((k, i) => ({ ...k, score: smoothed.keypoints[i]?.score ?? k.score }));
      if (this.worldSmoothing !== false && this.world?.size !== world.length * 3) this.world = new OneEuroBank(world.length * 3, this.worldSmoothing, 'input');
      smoothed.worldKeypoints = this.worldSmoothing === false ? world : this.world!.filterPoints(world, timestampMs);
    }
    const size = alignment ? 2 * Math.hypot(alignment[2] - alignment[0], alignment[3] - alignment[1]) : 0;
    if (!alignment || !(size >= MIN_OBJECT_SCALE)) return { pose: smoothed, ...(alignment ? { alignment } : {}) };
    const count = pose.keypoints.length * 2;
    if (this.landmarks?.size !== count) this.landmarks = new OneEuroBank(count, this.smoothing, 'input');
    const bank = this.landmarks;
    smoothed.keypoints = smoothed.keypoints.map((k, i) => ({ ...k, x: bank.filter(i * 2, k.x, timestampMs, 1 / size), y: bank.filter(i * 2 + 1, k.y, timestampMs, 1 / size) }));
    const [x0, y0, x1, y1] = alignment.map((v, i) => this.auxiliary.filter(i, v, timestampMs, 1 / size));
    return { pose: smoothed, alignment: [x0, y0, x1, y1] };
  }

  private smoothVisibilities(keypoints: readonly PoseKeypoint[]): PoseKeypoint[] {
    const previous = this.visibilities?.length === keypoints.length ? this.visibilities : null;
    const next = Float64Array.from(keypoints, (k, i) => (previous ? previous[i] + VISIBILITY_ALPHA * (k.score - previous[i]) : k.score));
    this.visibilities = next;
    return keypoints.map((k, i) => ({ ...k, score: next[i] }));
  }
}
