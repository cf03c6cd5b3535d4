/**
 * Video-mode state of a hand-landmark pipeline: the hands being followed (each with the region
 * — axis-aligned or rotated — its landmarks give for the next frame, a stable ID and its own One-Euro smoother), and how
 * long ago the detector last ran.
 */
import type { CropRegion } from '../../preprocess/crop-region';
import type { RotatedRegion } from '../../preprocess/rotated-region';
import { KeypointSmoother, OneEuroBank, type OneEuroOptions, checkOneEuroOptions } from '../../track/one-euro';
import { takeBestOverlap } from '../shared/take-best-overlap';
import type { HandDetection } from './hand-stages';
import type { HandKeypoint, HandWorldKeypoint } from './hand-types';

/** Default keypoint filter in 0–1 image units (MoveNet's reference settings, as for poses). @example `new HandVideoState(DEFAULT_HAND_SMOOTHING, false)` */
export const DEFAULT_HAND_SMOOTHING: Readonly<OneEuroOptions> = /* @__PURE__ */ Object.freeze({ minCutoff: 2.5, beta: 300, dCutoff: 2.5 });

/**
 * A followed hand: where to look next, its ID, the detector's label and its smoother.
 *
 * @example
 * ```ts
 * for (const t of video.tracks) console.log(t.trackId, t.region);
 * ```
 */
export interface FollowedHand {
  trackId: number;
  /** Where the landmark model looks (0–1 of the frame): the detector's region, or the bounds of `rotated`. */
  region: CropRegion;
  /** The rotated crop the landmark model looks at instead of `region` (video mode with `rotateCrops`). */
  rotated?: RotatedRegion;
  label: string;
  smoother: KeypointSmoother | null;
  /** Filters of the 21 × 3 world keypoint values (metres), or null without world smoothing. */
  worldSmoother: OneEuroBank | null;
  /** Whether the hand is followed into the next frame (false: too small, the detector looks again). */
  follow: boolean;
}

/**
 * Intersection over union above which two regions are the same hand (MediaPipe's
 * `HandAssociationCalculator` rule). Intersection over the smaller region merged two hands a
 * hand's width apart: their crops, twice a palm's size, overlap that much without the hands touching.
 */
export const SAME_HAND_OVERLAP = 0.5;

/**
 * Whether two crop regions (0–1 of the frame) are one hand's: their IoU is over {@link SAME_HAND_OVERLAP}.
 *
 * @example
 * ```ts
 * if (sameHandRegion(track.region, detection.region)) continue; // already followed
 * ```
 */
export function sameHandRegion(a: CropRegion, b: CropRegion): boolean {
  return overlap(a, b) > SAME_HAND_OVERLAP;
}

function overlap(a: CropRegion, b: CropRegion): number {
  const w = Math.max(0, Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin));
  const h = Math.max(0, Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin));
  const area = (r: CropRegion): number => (r.xMax - r.xMin) * (r.yMax - r.yMin);
  return (w * h) / Math.max(area(a) + area(b) - w * h, 1e-12);
}

/**
 * Hands followed from frame to frame. One instance per video stream: the pipeline's `reset()` makes a new one.
 *
 * @example
 * ```ts
 * const video = new HandVideoState(DEFAULT_HAND_SMOOTHING, DEFAULT_WORLD_SMOOTHING);
 * if (video.needsDetector(2, 10)) video.markDetected();
 * ```
 */
export class HandVideoState {
  private followed: FollowedHand[] = [];
  /** Hands found in the last frame but too small to follow: the detector looks again, and a hand it finds there continues the track. */
  private resting: FollowedHand[] = [];
  private framesSinceDetection = 0;
  private lastId = 0;
  /** The size of the frames the rotated crops are in (null before the first). */
  private size: { width: number; height: number } | null = null;

  /** @throws VisionError `INVALID_OPTION` for smoothing options out of range. */
  constructor(
    private readonly smoothing: OneEuroOptions | false,
    private readonly worldSmoothing: OneEuroOptions | false,
  ) {
    if (smoothing !== false) checkOneEuroOptions(smoothing, 'smoothing');
    if (worldSmoothing !== false) checkOneEuroOptions(worldSmoothing, 'worldSmoothing');
  }

  /**
   * Takes the size of this frame: when it changed (a camera switching resolution), each rotated
   * crop (in pixels) is carried onto the new size — same place in 0–1 image units, as the
   * axis-aligned regions already are — so the hand is cropped where it is, not looked for again.
   *
   * @example
   * ```ts
   * video.frameSize(frame.width, frame.height);
   * ```
   */
  frameSize(width: number, height: number): void {
    const was = this.size;
    this.size = { width, height };
    if (!was || (was.width === width && was.height === height)) return;
    const [sx, sy] = [width / was.width, height / was.height];
    const carried = (t: FollowedHand): FollowedHand =>
      t.rotated ? { ...t, rotated: { ...t.rotated, centerX: t.rotated.centerX * sx, centerY: t.rotated.centerY * sy, width: t.rotated.width * sx, height: t.rotated.height * sy } } : t;
    this.followed = this.followed.map(carried);
    this.resting = this.resting.map(carried);
  }

  /** The hands followed into the next frame. @example `video.tracks.length` */
  get tracks(): readonly FollowedHand[] {
    return this.followed;
  }

  /**
   * Whether this frame needs the detector: no hand is followed, a hand of the last frame was too
   * small to follow, or fewer than `maxHands` are followed and `interval` frames passed since it
   * last ran.
   *
   * @example
   * ```ts
   * if (video.needsDetector(2, 10)) found = await detectHands(...);
   * ```
   */
  needsDetector(maxHands: number, interval: number): boolean {
    return this.followed.length === 0 || this.resting.length > 0 || (this.followed.length < maxHands && this.framesSinceDetection >= interval);
  }

  /** Records that the detector ran on this frame. @example `video.markDetected();` */
  markDetected(): void {
    this.framesSinceDetection = 0;
  }

  /**
   * The track of a hand the detector found (not a followed one found this frame): the hand of the
   * last frame too small to follow that its region overlaps most continues (its ID and filters),
   * else the followed hand lost this frame (of `lost`, which it is taken from) whose crop it
   * overlaps most — it moved further than its crop reached —, else a new track.
   *
   * @example
   * ```ts
   * const track = video.trackFor(detection, lostTracks);
   * ```
   */
  trackFor(found: Pick<HandDetection, 'region' | 'label' | 'rotated'>, lost: FollowedHand[] = []): FollowedHand {
    const was = takeBestOverlap(this.resting, (t) => overlap(t.region, found.region)) ?? takeBestOverlap(lost, (t) => overlap(t.region, found.region));
    return was ? { ...was, region: found.region, rotated: found.rotated, label: found.label, follow: true } : this.newTrack(found.region, found.label, found.rotated);
  }

  /**
   * A new track for a freshly detected hand (not yet followed: see {@link follow}), with the
   * rotated crop the detector gave, if any.
   *
   * @example
   * ```ts
   * const track = video.newTrack(found.region, found.label);
   * ```
   */
  newTrack(region: CropRegion, label: string, rotated?: RotatedRegion): FollowedHand {
    return {
      trackId: ++this.lastId,
      region,
      rotated,
      label,
      follow: true,
      smoother: this.smoothing === false ? null : new KeypointSmoother(this.smoothing),
      worldSmoother: this.worldSmoothing === false ? null : new OneEuroBank(63, this.worldSmoothing),
    };
  }

  /**
   * Ends the frame: `next` are the tracks whose hand was found in it, best first, each with the
   * region for the next frame (tracks whose hand was lost are simply not passed). Returns the
   * IDs of tracks dropped because their region overlaps a better one (two crops on one hand);
   * tracks with `follow: false` are reported but not followed (the detector looks for them in the
   * next frame: see {@link trackFor}).
   *
   * @example
   * ```ts
   * const duplicates = video.follow(found);
   * ```
   */
  follow(next: readonly FollowedHand[]): Set<number> {
    const kept: FollowedHand[] = [];
    const dropped = new Set<number>();
    for (const track of next) {
      if (kept.some((k) => sameHandRegion(k.region, track.region))) dropped.add(track.trackId);
      else kept.push(track);
    }
    this.followed = kept.filter((t) => t.follow);
    this.resting = kept.filter((t) => !t.follow);
    this.framesSinceDetection++;
    return dropped;
  }

  /**
   * Smooths a track's keypoints (x, y in 0–1 image units; z as it is).
   *
   * @example
   * ```ts
   * hand.keypoints = video.smooth(track, hand.keypoints, timestampMs, 640, 480);
   * ```
   */
  smooth(track: FollowedHand, keypoints: HandKeypoint[], timestampMs: number, width: number, height: number): HandKeypoint[] {
    if (!track.smoother) return keypoints;
    const unit = keypoints.map((k) => ({ ...k, x: k.x / width, y: k.y / height }));
    return track.smoother.smooth(unit, timestampMs).map((k) => ({ ...k, x: k.x * width, y: k.y * height }));
  }

  /**
   * Smooths a track's world keypoints (x, y and z, metres); without world smoothing returns them as given.
   *
   * @example
   * ```ts
   * hand.worldKeypoints = video.smoothWorld(track, hand.worldKeypoints, timestampMs);
   * ```
   */
  smoothWorld(track: FollowedHand, keypoints: HandWorldKeypoint[], timestampMs: number): HandWorldKeypoint[] {
    const bank = track.worldSmoother;
    if (!bank) return keypoints;
    return bank.filterPoints(keypoints, timestampMs);
  }
}
