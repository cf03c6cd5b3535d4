/**
 * Smoothing of one tracked person's pose in video mode. Two kinds: keypoints filtered in 0–1
 * image units (MoveNet's reference, for every model but BlazePose), and BlazePose's own,
 * MediaPipe's (`blazepose-smoothing.ts`).
 */
import type { RotatedRegion } from '../../preprocess/rotated-region';
import { KeypointSmoother, OneEuroBank, type OneEuroOptions } from '../../track/one-euro';
import type { Pose } from './pose-types';

/**
 * The hip centre and the point on the body's circle (`[x0, y0, x1, y1]`, image pixels) that
 * BlazePose's landmark model gives: what `blazePoseRoi` places the next frame's region from.
 *
 * @example `const next = blazePoseRoi(alignment);`
 */
export type AlignmentPoints = readonly [number, number, number, number];

/**
 * Where a BlazePose pose was found: its alignment points, the region the landmark model looked at,
 * and which of the regions that followed people from the previous frame that was (undefined: a
 * region the detector gave).
 *
 * @example `const { alignment, region, followed } = origin;`
 */
export interface PoseOrigin {
  alignment?: AlignmentPoints;
  region?: RotatedRegion;
  followed?: number;
}

/**
 * A smoothed pose, and its alignment points smoothed alike (when it had some).
 *
 * @example `const { pose, alignment } = smoother.smooth(raw, points, 33.3, 640, 480);`
 */
export interface SmoothedPose {
  pose: Pose;
  alignment?: AlignmentPoints;
}

/**
 * Smooths one tracked person frame after frame (one instance per track).
 *
 * @example
 * ```ts
 * const { pose } = smoother.smooth(raw, undefined, frame.timestampMs, 640, 480);
 * ```
 */
export interface PoseTrackSmoother {
  /** One frame's pose (keypoints in image pixels of a `width` × `height` image) smoothed with this track's history. */
  smooth(pose: Pose, alignment: AlignmentPoints | undefined, timestampMs: number, width: number, height: number): SmoothedPose;
}

/**
 * Keypoints One-Euro filtered in 0–1 image units (`false`: left as they are), world keypoints in
 * metres; alignment points pass through.
 *
 * @example
 * ```ts
 * const smoother = new ImageUnitPoseSmoother(DEFAULT_POSE_SMOOTHING, false);
 * const { pose } = smoother.smooth(raw, undefined, 33.3, 640, 480);
 * ```
 */
export class ImageUnitPoseSmoother implements PoseTrackSmoother {
  private readonly keypoints: KeypointSmoother | null;
  private world: OneEuroBank | null = null;

  constructor(
    smoothing: OneEuroOptions | false,
    private readonly worldSmoothing: OneEuroOptions | false,
  ) {
    this.keypoints = smoothing === false ? null : new KeypointSmoother(smoothing);
  }

  smooth(pose: Pose, alignment: AlignmentPoints | undefined, timestampMs: number, width: number, height: number): SmoothedPose {
    const smoothed: Pose = { ...pose };
    if (this.keypoints) {
      const unit = pose.keypoints.map((k) => ({ ...k, x: k.x / width, y: k.y / height }));
      smoothed.keypoints = this.keypoints.smooth(unit, timestampMs).map((k) => ({ ...k, x: k.x * width, y: k.y * height }));
    }
    if (pose.worldKeypoints && this.worldSmoothing !== false) {
      if (this.world?.size !== pose.worldKeypoints.length * 3) this.world = new OneEuroBank(pose.worldKeypoints.length * 3, this.worldSmoothing);
      smoothed.worldKeypoints = this.world.filterPoints(pose.worldKeypoints, timestampMs);
    }
    return { pose: smoothed, ...(alignment ? { alignment } : {}) };
  }
}
