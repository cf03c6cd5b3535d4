/**
 * Video-mode state of a pose pipeline: ByteTrack IDs over the people's boxes, smoothing of each
 * tracked person's keypoints and world keypoints (One-Euro; BlazePose's as MediaPipe smooths
 * them) and person mask (blended with the previous one), and the regions carried from frame to
 * frame (MoveNet's crop region, BlazePose's followed people).
 */
import { VisionError } from '../../core/errors';
import { Mask } from '../../core/mask';
import { smoothWithPrevious } from '../../postprocess/masks/temporal-smoothing';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import type { Detection } from '../../core/types';
import type { CropRegion } from '../../preprocess/crop-region';
import type { RotatedRegion } from '../../preprocess/rotated-region';
import { nextCropRegion } from './next-crop-region';
import type { ByteTracker } from '../../track/byte-tracker';
import { type OneEuroOptions, checkOneEuroOptions } from '../../track/one-euro';
import { type ByteTrackerOptions, resolveTrackerOptions } from '../../track/tracker-options';
import { type StreamTracker, adaptedTracker, checkTrackerSettings, streamTracker, trackInStream } from '../shared/adapted-tracker';
import { takeBestOverlap } from '../shared/take-best-overlap';
import { type FaceSpot, blazePoseRoi, faceOfKeypoints, regionOverlap, sameFace } from './blazepose-roi';
import { BlazePoseSmoother } from './blazepose-smoothing';
import { type AlignmentPoints, ImageUnitPoseSmoother, type PoseOrigin, type PoseTrackSmoother } from './pose-smoothing';
import type { Pose } from './pose-types';
import { sameShape } from '../shared/frame-shape';

/** MoveNet's reference keypoint filter (0–1 image units). @example `new KeypointSmoother(DEFAULT_POSE_SMOOTHING)` */
export const DEFAULT_POSE_SMOOTHING: Readonly<OneEuroOptions> = /* @__PURE__ */ Object.freeze({ minCutoff: 2.5, beta: 300, dCutoff: 2.5 });

/** MediaPipe's weight of the previous frame's person mask where the new one is unsure (its pose graph's segmentation smoothing). @example `new PoseVideoState(false, {}, { segmentationSmoothing: DEFAULT_SEGMENTATION_SMOOTHING })` */
export const DEFAULT_SEGMENTATION_SMOOTHING = 0.7;

/** Weight of the new crop region in the exponential filter over crop regions (MoveNet's reference: 0.9). */
const CROP_ALPHA = 0.9;

/**
 * A rotated region carried onto a frame scaled by (sx, sy) (a resolution change).
 *
 * @example
 * ```ts
 * const half = scaleRegion(region, 0.5, 0.5);
 * ```
 */
export function scaleRegion(region: RotatedRegion, sx: number, sy: number): RotatedRegion {
  return { ...region, centerX: region.centerX * sx, centerY: region.centerY * sy, width: region.width * sx, height: region.height * sy };
}

/** A person BlazePose follows: their track, the region their last pose gives, and when they were last seen. */
interface FollowedPerson {
  trackId: number;
  region: RotatedRegion;
  seenAtMs: number;
}

/**
 * Tracks, smooths and remembers where the person was. One instance per video stream: the
 * pipeline's `reset()` makes a new one.
 *
 * @example
 * ```ts
 * const video = new PoseVideoState(DEFAULT_POSE_SMOOTHING, {});
 * const tracked = video.track(poses, timestampMs, 640, 480, 0.25);
 * ```
 */
export class PoseVideoState {
  private stream: StreamTracker | null = null;
  /** The size of the frames the state is in (null before the first): smoothing and followed regions are in its pixels. */
  private size: { width: number; height: number } | null = null;
  private readonly smoothers = new Map<number, PoseTrackSmoother>();
  /** Each track's last person mask at the image's size (segmentation smoothing). */
  private readonly previousMasks = new Map<number, Float32Array>();
  private region: CropRegion | null = null;
  /** BlazePose: the people followed into the next frame, best first, with the regions their (smoothed) alignment points give. */
  private following: FollowedPerson[] = [];
  /** BlazePose: people no longer followed, kept for the tracker's buffer: the detector finding one again near their last region gives back their ID. */
  private lost: FollowedPerson[] = [];
  private singleId: number | null = null;
  private lastId = 0;

  private readonly worldSmoothing: OneEuroOptions | false;
  private readonly segmentationSmoothing: number | false;
  private readonly blazePose: boolean;
  /** How long BlazePose remembers a lost person: the tracker's buffer in frames, and its frame rate. */
  private readonly lostBuffer: { maxFramesLost: number; frameRate: number };

  /**
   * `extra.worldSmoothing`: One-Euro settings for world keypoints (default none);
   * `extra.segmentationSmoothing`: the previous frame's weight where a person mask is unsure
   * (default none); `extra.blazePose`: smooth as MediaPipe smooths BlazePose (`smoothing` then
   * in person sizes per second, visibilities low-passed, alignment points smoothed for the next
   * region) rather than in 0–1 image units.
   *
   * @throws VisionError `INVALID_OPTION` for smoothing or tracker settings that are not objects, or smoothing out of range.
   */
  constructor(
    private readonly smoothing: OneEuroOptions | false,
    private readonly trackerOptions: ByteTrackerOptions,
    extra: { worldSmoothing?: OneEuroOptions | false; segmentationSmoothing?: number | false; blazePose?: boolean } = {},
  ) {
    this.worldSmoothing = extra.worldSmoothing ?? false;
    this.segmentationSmoothing = extra.segmentationSmoothing ?? false;
    this.blazePose = extra.blazePose ?? false;
    for (const [name, value] of [['smoothing', smoothing], ['worldSmoothing', this.worldSmoothing]] as const) {
      if (value === false) continue;
      if (!isOptionsObject(value)) throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be One-Euro options ({ minCutoff, beta, dCutoff }) or false`);
      checkOneEuroOptions(value, name);
    }
    const ratio = this.segmentationSmoothing;
    if (ratio !== false && !(typeof ratio === 'number' && ratio >= 0 && ratio <= 1)) {
      throw new VisionError('INVALID_OPTION', `segmentationSmoothing is ${shownValue(ratio)}; it must be a number in [0, 1] (the previous frame's weight where the mask is unsure) or false`);
    }
    checkTrackerSettings(trackerOptions);
    const { maxFramesLost, frameRate } = resolveTrackerOptions(trackerOptions);
    this.lostBuffer = { maxFramesLost, frameRate };
  }

  /**
   * The tracker for a pose threshold: ByteTrack adapted to it (high and new-track thresholds =
   * the threshold, low = min(0.1, threshold / 2, high / 2)), then the `tracker` settings. The
   * pipeline builds one at creation too, so that bad settings fail then.
   *
   * @example
   * ```ts
   * video.newTracker(0.25); // throws INVALID_OPTION for tracker: { highThreshold: 5 }
   * ```
   */
  newTracker(threshold: number): ByteTracker {
    return adaptedTracker(Math.max(threshold, 1e-6), this.trackerOptions);
  }

  /** MoveNet: the crop region to use for the next frame (undefined: the padded full frame). @example `const region = video.cropRegion;` */
  get cropRegion(): CropRegion | undefined {
    return this.region ?? undefined;
  }

  /**
   * Gives each pose the ID of its track (people not on a confirmed track are dropped) and
   * smooths it.
   *
   * @example
   * ```ts
   * const tracked = video.track(result.poses, 33.3, 640, 480, 0.25);
   * ```
   */
  track(poses: readonly Pose[], timestampMs: number, width: number, height: number, threshold: number): Pose[] {
    this.frameSize(width, height);
    const stream = (this.stream = streamTracker(this.stream, Math.max(threshold, 1e-6), this.trackerOptions));
    // The tracker copies detections shallowly: each pose's keypoint array identifies it again.
    const byKeypoints = new Map(poses.map((p, i) => [p.keypoints, i]));
    const detections: Detection[] = poses.map((p) => ({
      box: p.box,
      boxNormalized: { x1: p.box.x1 / width, y1: p.box.y1 / height, x2: p.box.x2 / width, y2: p.box.y2 / height },
      score: p.score,
      classId: 0,
      label: 'person',
      keypoints: p.keypoints,
    }));
    const tracked = trackInStream(stream, detections, width, height, timestampMs);
    const live = new Set(stream.tracker.tracks.map((t) => t.trackId));
    for (const id of new Set([...this.smoothers.keys(), ...this.previousMasks.keys()])) if (!live.has(id)) this.forget(id);
    return tracked.flatMap((d) => {
      const i = d.keypoints && byKeypoints.get(d.keypoints as Pose['keypoints']);
      return i === undefined ? [] : [this.smooth(d.trackId, poses[i], undefined, timestampMs, width, height).pose];
    });
  }

  /**
   * Single-person models (MoveNet single pose, PoseNet's single decoding): the person keeps ID 1
   * (2, 3, … after frames without anyone) — no box association needed — and is smoothed.
   * Multi-person models asked for one pose are tracked as many: someone else may take the place.
   *
   * @example
   * ```ts
   * const tracked = video.trackSingle(result.poses.slice(0, 1), 33.3, 640, 480);
   * ```
   */
  trackSingle(poses: readonly Pose[], timestampMs: number, width: number, height: number): Pose[] {
    this.frameSize(width, height);
    const pose = poses[0];
    if (!pose) {
      if (this.singleId !== null) this.forget(this.singleId);
      this.singleId = null;
      return [];
    }
    this.singleId ??= ++this.lastId;
    return [this.smooth(this.singleId, pose, undefined, timestampMs, width, height).pose];
  }

  /** BlazePose: the regions that follow people into the next frame, best first. @example `const follow = video.followRegions;` */
  get followRegions(): RotatedRegion[] {
    return this.following.map((f) => f.region);
  }

  /** The size of the frame the crop and follow regions are in (undefined before the first frame). @example `const { width } = video.regionSize ?? frame;` */
  get regionSize(): { width: number; height: number } | undefined {
    return this.size ?? undefined;
  }

  /**
   * Takes this frame's size: when it changed (a camera switching resolution), the followed
   * regions are carried onto it, the smoothers and the person masks' smoothing start over
   * (their state is in the old frame's pixels), and MoveNet's crop region too where the frame's
   * shape changed; track IDs stay.
   */
  private frameSize(width: number, height: number): void {
    const was = this.size;
    this.size = { width, height };
    if (!was || (was.width === width && was.height === height)) return;
    const scale = (f: FollowedPerson): FollowedPerson => ({ ...f, region: scaleRegion(f.region, width / was.width, height / was.height) });
    this.following = this.following.map(scale);
    this.lost = this.lost.map(scale);
    this.smoothers.clear();
    this.previousMasks.clear();
    // a crop region (0–1 of the frame) stays square in pixels only on a frame of the same shape
    if (!sameShape(was, this.size)) this.region = null;
  }

  /**
   * BlazePose: gives each pose of this frame (best first, with where it was found) its track —
   * a followed person keeps theirs; a person the detector found continues the track whose
   * region it overlaps most among those lost this frame, then those lost within the tracker's
   * buffer (`trackBuffer`, `frameRate`: a person missed for a few frames keeps their ID), or
   * starts a new one — smooths it, and follows it into the next frame
   * with the region its smoothed alignment points give (MediaPipe's pose-landmarks-to-ROI rule).
   * A pose whose face is a better pose's face (two crops on one person) is dropped.
   *
   * @example
   * ```ts
   * const tracked = video.followPeople(result.poses, origins, 33.3, 640, 480, 1.25);
   * ```
   */
  followPeople(poses: readonly Pose[], origins: readonly PoseOrigin[], timestampMs: number, width: number, height: number, roiScale: number): Pose[] {
    this.frameSize(width, height);
    const unclaimed = this.following.filter((_, i) => !origins.some((o) => o.followed === i));
    this.lost = this.lost.filter((person) => this.withinBuffer(person, timestampMs));
    const tracked: Pose[] = [];
    const next: FollowedPerson[] = [];
    const faces: FaceSpot[] = [];
    poses.forEach((pose, i) => {
      const face = faceOfKeypoints((k) => [pose.keypoints[k].x, pose.keypoints[k].y]);
      if (faces.some((f) => sameFace(f, face))) {
        pose.segmentation?.close();
        return;
      }
      faces.push(face);
      const { alignment, region, followed } = origins[i] ?? {};
      const overlap = (t: FollowedPerson): number => (region ? regionOverlap(t.region, region) : 0);
      // followed into this frame; else found by the detector where someone followed until now, or lately lost, was
      const previous = followed !== undefined ? this.following[followed] : (takeBestOverlap(unclaimed, overlap) ?? takeBestOverlap(this.lost, overlap));
      const trackId = previous?.trackId ?? ++this.lastId;
      const smoothed = this.smooth(trackId, pose, alignment, timestampMs, width, height);
      const nextRegion = smoothed.alignment && blazePoseRoi(smoothed.alignment, roiScale);
      if (nextRegion && nextRegion.width > 1) next.push({ trackId, region: nextRegion, seenAtMs: timestampMs });
      tracked.push(smoothed.pose);
    });
    const live = new Set(tracked.map((p) => p.trackId));
    for (const id of new Set([...this.smoothers.keys(), ...this.previousMasks.keys()])) if (!live.has(id)) this.forget(id);
    this.lost.push(...this.following.filter((f) => !live.has(f.trackId)));
    this.following = next;
    return tracked;
  }

  /**
   * Whether a person lost from view may still be found again: seen at most `maxFramesLost + 1`
   * frames ago (the tracker's `trackBuffer · frameRate / 30`, as ByteTrack keeps a lost track),
   * frames counted from the timestamps at the tracker's `frameRate`.
   */
  private withinBuffer(person: FollowedPerson, timestampMs: number): boolean {
    const { maxFramesLost, frameRate } = this.lostBuffer;
    return Math.round(((timestampMs - person.seenAtMs) * frameRate) / 1000) <= maxFramesLost + 1;
  }

  private forget(trackId: number): void {
    this.smoothers.delete(trackId);
    this.previousMasks.delete(trackId);
  }

  /** The pose with its track ID, smoothed by its track's smoother, and its person mask smoothed. */
  private smooth(trackId: number, pose: Pose, alignment: AlignmentPoints | undefined, timestampMs: number, width: number, height: number): { pose: Pose; alignment?: AlignmentPoints } {
    let smoother = this.smoothers.get(trackId);
    if (!smoother) {
      smoother = this.blazePose && this.smoothing !== false ? new BlazePoseSmoother(this.smoothing, this.worldSmoothing) : new ImageUnitPoseSmoother(this.smoothing, this.worldSmoothing);
      this.smoothers.set(trackId, smoother);
    }
    const smoothed = smoother.smooth(pose, alignment, timestampMs, width, height);
    smoothed.pose.trackId = trackId;
    if (pose.segmentation && this.segmentationSmoothing !== false) smoothed.pose.segmentation = this.smoothMask(trackId, pose.segmentation, this.segmentationSmoothing);
    return smoothed;
  }

  /** The mask blended with the track's previous one where it is unsure (MediaPipe's segmentation smoothing); the given mask is closed. */
  private smoothMask(trackId: number, mask: Mask, ratio: number): Mask {
    const values = mask.toFloat32Array();
    const { width, height } = mask;
    mask.close();
    const previous = this.previousMasks.get(trackId);
    if (previous && previous.length === values.length) smoothWithPrevious(values, previous, ratio, values);
    this.previousMasks.set(trackId, values.slice());
    return Mask.create('probability', width, height, values);
  }

  /**
   * MoveNet: derives the next crop region from this frame's (smoothed) pose — or forgets it when
   * no one was found — and filters it over time.
   *
   * @example
   * ```ts
   * video.updateCropRegion(tracked[0], 640, 480);
   * ```
   */
  updateCropRegion(pose: Pose | undefined, width: number, height: number): void {
    if (!pose) {
      this.region = null;
      return;
    }
    const flat = new Float32Array(pose.keypoints.length * 3);
    pose.keypoints.forEach((k, i) => flat.set([k.x, k.y, k.score], i * 3));
    const next = nextCropRegion(flat, width, height);
    const prev = this.region;
    this.region = prev
      ? {
          xMin: CROP_ALPHA * next.xMin + (1 - CROP_ALPHA) * prev.xMin,
          yMin: CROP_ALPHA * next.yMin + (1 - CROP_ALPHA) * prev.yMin,
          xMax: CROP_ALPHA * next.xMax + (1 - CROP_ALPHA) * prev.xMax,
          yMax: CROP_ALPHA * next.yMax + (1 - CROP_ALPHA) * prev.yMax,
        }
      : next;
  }
}
