/**
 * ByteTrack-style multi-object tracking (Zhang et al., "ByteTrack: Multi-Object Tracking by
 * Associating Every Detection Box", ECCV 2022): a constant-velocity Kalman filter per track
 * and optimal IoU matching in two stages, high-score detections first, then the low-score
 * ones that most trackers throw away (occluded objects) against the tracks still unmatched.
 */
import type { Box, Detection } from '../core/types';
import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { associate, boxIou } from './association';
import { KalmanBoxFilter } from './kalman-box';
import { Track } from './track';
import { resolveTrackerOptions, type ByteTrackerOptions, type ResolvedTrackerOptions } from './tracker-options';

/**
 * A detection with the id of the track it belongs to. Ids are positive integers, unique
 * within one tracker until {@link ByteTracker.reset}.
 *
 * @example
 * ```ts
 * for (const d of tracker.update(result.detections)) draw(d.box, `${d.label} #${d.trackId}`);
 * ```
 */
export type TrackedDetection = Detection & { trackId: number };

/**
 * A snapshot of one confirmed track, as {@link ByteTracker.tracks} reports it.
 *
 * @example
 * ```ts
 * for (const t of tracker.tracks) if (t.state === 'lost') drawDashed(t.box);
 * ```
 */
export interface TrackInfo {
  trackId: number;
  /** `tracked`: matched in the latest frame; `lost`: coasting on its prediction. */
  state: 'tracked' | 'lost';
  /** The Kalman estimate: filtered after a match, predicted while lost. Pixels. */
  box: Box;
  /** Velocity of the box centre, pixels per frame. */
  velocity: { x: number; y: number };
  classId: number;
  label: string;
  /** Score of the last detection matched. */
  score: number;
  /** Frames since the track was born. */
  age: number;
  /** Frames since it was last matched (0 when `tracked`). */
  framesSinceSeen: number;
}

/** IoU above which a tracked and a lost track are considered duplicates (ByteTrack: distance < 0.15). */
const DUPLICATE_IOU = 0.85;

/**
 * Largest |coordinate| and smallest width / height of a box the tracker takes: the Kalman
 * filter squares the height, so boxes beyond these overflow or underflow its covariance.
 */
const MAX_COORDINATE = 1e9;
const MIN_SIZE = 1e-6;

function isUsable(d: Detection): boolean {
  const b = d.box;
  const inRange = (v: number): boolean => Number.isFinite(v) && Math.abs(v) <= MAX_COORDINATE;
  return (
    inRange(b.x1) && inRange(b.y1) && inRange(b.x2) && inRange(b.y2) &&
    b.x2 - b.x1 >= MIN_SIZE && b.y2 - b.y1 >= MIN_SIZE && Number.isFinite(d.score) && Number.isFinite(d.classId)
  );
}

/** Whether a track's Kalman mean and covariance are all finite (a long enough gap can overflow them). */
function isFiniteTrack(t: Track): boolean {
  return t.kalman.mean.every(Number.isFinite) && t.kalman.covariance.every(Number.isFinite);
}

function checkDetections(detections: readonly Detection[]): void {
  if (!Array.isArray(detections)) {
    throw new VisionError('INVALID_INPUT', 'ByteTracker.update: detections must be an array of Detection');
  }
  detections.forEach((d, i) => {
    if (d === null || typeof d !== 'object' || d.box === null || typeof d.box !== 'object') {
      throw new VisionError('INVALID_INPUT', `ByteTracker.update: detections[${i}] must be a Detection with a box { x1, y1, x2, y2 }`);
    }
  });
}

interface Candidate {
  index: number;
  detection: Detection;
  box: Box;
  classId: number;
  score: number;
}

/**
 * Frames between two readings of the frame clock, to the nearest whole frame: 1.02 frames is one
 * frame (a frame 2 % late is the next one), 1.6 is two. The clock itself keeps the time exactly,
 * so steps that are not whole frames (20 or 60 fps against `frameRate: 30`) add up to the time
 * that passed rather than rounding each step one way.
 */
const framesBetween = (from: number, to: number): number => Math.round(to - from);

/**
 * Multi-object tracker over per-frame detections (ByteTrack). Call {@link update} once per
 * video frame with that frame's detections; it returns the detections that belong to
 * confirmed tracks, each with a stable `trackId`.
 *
 * Behaviour:
 * - Tracks only take detections of their own `classId`.
 * - A new track is tentative until matched again in the next frame (tracks born on the
 *   very first frame are confirmed at once); ids are given on confirmation, so one-frame
 *   false positives neither appear in the output nor use up ids. As in the reference, a
 *   tentative track is matched where it was seen (only confirmed tracks are moved by their
 *   Kalman filter before matching); boxes then equal the reference's.
 * - A lost track is remembered for `trackBuffer · frameRate / 30` frames and takes its id
 *   back when its object reappears near the predicted place (the reference's lists keep a
 *   track it has just removed for one frame more, so it can re-find one a frame later than
 *   the buffer says; here the buffer is the limit). A gap in the timestamps longer
 *   than that ends every track: the frame after it starts afresh, as the first frame does
 *   (its objects get new ids at once).
 * - Detections with a non-finite coordinate or score, a coordinate beyond ±1e9, or a width
 *   or height under 1e-6 (zero or negative included) are skipped (no `trackId`, not in the
 *   output); a non-array or a detection without a box throws `INVALID_INPUT`.
 * - A track whose Kalman state stops being finite (an astronomical gap between timestamps
 *   with a huge `trackBuffer · frameRate`) is removed.
 *
 * @example
 * ```ts
 * const tracker = new ByteTracker({ frameRate: 30 });
 * for await (const frame of frames) {
 *   const { detections } = await detector.run(frame);
 *   for (const d of tracker.update(detections, frame.timestamp)) {
 *     console.log(d.trackId, d.label, d.box);
 *   }
 * }
 * ```
 */
export class ByteTracker {
  private opts: ResolvedTrackerOptions;
  private readonly filter = new KalmanBoxFilter();
  private active: Track[] = [];
  private nextId = 1;
  private clock = 0;
  private frames = 0;
  private lastTimestamp: number | undefined;

  /** @throws VisionError `INVALID_OPTION` for an option out of range. */
  constructor(options: ByteTrackerOptions = {}) {
    this.opts = resolveTrackerOptions(options);
  }

  /**
   * Replaces the options (checked and completed as the constructor's); the tracks go on, judged
   * by the new ones from the next {@link update}.
   *
   * @throws VisionError `INVALID_OPTION` for an option out of range.
   * @example
   * ```ts
   * tracker.retune({ highThreshold: 0.4, newTrackThreshold: 0.4 });
   * ```
   */
  retune(options: ByteTrackerOptions): void {
    this.opts = resolveTrackerOptions(options);
  }

  /** The resolved options (defaults filled in). @example `tracker.options.trackBuffer; // 30` */
  get options(): Readonly<ResolvedTrackerOptions> {
    return this.opts;
  }

  /**
   * Confirmed tracks that are alive (matched in the latest frame, or lost but still within
   * the buffer), with their current Kalman boxes. Tentative tracks are not included.
   *
   * @example
   * ```ts
   * const lostIds = tracker.tracks.filter((t) => t.state === 'lost').map((t) => t.trackId);
   * ```
   */
  get tracks(): TrackInfo[] {
    return this.active
      .filter((t) => t.state === 'tracked' || t.state === 'lost')
      .map((t) => ({
        trackId: t.id,
        state: t.state === 'tracked' ? 'tracked' : 'lost',
        box: t.box,
        velocity: { x: t.kalman.mean[4], y: t.kalman.mean[5] },
        classId: t.classId,
        label: t.label,
        score: t.score,
        age: framesBetween(t.bornAt, this.clock),
        framesSinceSeen: framesBetween(t.lastSeen, this.clock),
      }));
  }

  /**
   * Forgets every track and restarts ids at 1, as a new tracker would (call it on a scene
   * cut or when switching videos).
   *
   * @example
   * ```ts
   * video.addEventListener('seeked', () => tracker.reset());
   * ```
   */
  reset(): void {
    this.active = [];
    this.nextId = 1;
    this.clock = 0;
    this.frames = 0;
    this.lastTimestamp = undefined;
  }

  /**
   * Advances the tracker by one frame. `timestampMs` (strictly increasing) lets the motion
   * model and the lost-track buffer follow real time when frames are dropped; without it each
   * call is one frame of `1 / frameRate` s.
   *
   * Returns, in input order, a copy of each detection that belongs to a confirmed track,
   * with its `trackId`; the box is the detected one (the filtered box is in {@link tracks}).
   *
   * @throws VisionError `INVALID_INPUT` when `detections` is not an array of detections, or
   *   `timestampMs` is not finite or not greater than the previous one. State is unchanged then.
   *
   * @example
   * ```ts
   * const tracked = tracker.update(result.detections, performance.now());
   * ```
   */
  update(detections: readonly Detection[], timestampMs?: number): TrackedDetection[] {
    checkDetections(detections);
    const dt = this.advanceClock(timestampMs);
    const o = this.opts;
    // After a gap in the timestamps longer than the buffer every track has ended (as over the same gap in empty
    // frames): the tracking starts afresh, as on the first frame — the objects then seen get new ids at once.
    // Gaps count in whole frames: a frame 2 % late is the next frame, not a missed one.
    const freshStart = this.frames++ === 0 || framesBetween(0, dt) > o.maxFramesLost + 1;
    if (freshStart) this.active = [];

    const high: Candidate[] = [];
    const low: Candidate[] = [];
    detections.forEach((detection, index) => {
      if (!isUsable(detection)) return;
      const c: Candidate = { index, detection, box: detection.box, classId: detection.classId, score: detection.score };
      if (c.score >= o.highThreshold) high.push(c);
      else if (c.score >= o.lowThreshold) low.push(c);
    });

    // A track unseen for more frames than the buffer holds is gone before it can match: as frame by frame, where
    // a track missed more than maxFramesLost frames in a row is removed (a match at `lastSeen + maxFramesLost + 1`
    // is the latest), also when a gap in the timestamps adds to the frames it was lost.
    for (const t of this.active) {
      if (t.state === 'tentative') continue; // as ByteTrack: a track not yet confirmed is matched where it was seen, not moved
      if (framesBetween(t.lastSeen, this.clock) > o.maxFramesLost + 1) t.state = 'removed';
      t.predict(dt);
      if (!isFiniteTrack(t)) t.state = 'removed';
    }
    this.active = this.active.filter((t) => t.state !== 'removed');
    const confirmed = this.active.filter((t) => t.state === 'tracked');
    const lost = this.active.filter((t) => t.state === 'lost');
    const tentative = this.active.filter((t) => t.state === 'tentative');
    const owner = new Map<number, Track>(); // input index -> track that took it

    // 1st association: high-score detections with every confirmed track, tracked or lost.
    const pool = [...confirmed, ...lost];
    const first = associate(pool, high, o.matchThreshold, o.fuseScore);
    for (const [ti, di] of first.matches) {
      pool[ti].update(high[di].detection, this.clock);
      owner.set(high[di].index, pool[ti]);
    }

    // 2nd association: low-score detections with the tracked tracks still unmatched.
    const remaining = first.unmatchedRows.map((i) => pool[i]).filter((t) => t.state === 'tracked');
    const second = associate(remaining, low, o.lowMatchThreshold, false);
    for (const [ti, di] of second.matches) {
      remaining[ti].update(low[di].detection, this.clock);
      owner.set(low[di].index, remaining[ti]);
    }
    for (const ti of second.unmatchedRows) remaining[ti].state = 'lost';

    // Tentative tracks with the high-score detections left over: matched ones are confirmed.
    const leftover = first.unmatchedCols.map((j) => high[j]);
    const third = associate(tentative, leftover, o.tentativeMatchThreshold, o.fuseScore);
    for (const [ti, di] of third.matches) {
      const t = tentative[ti];
      t.update(leftover[di].detection, this.clock);
      t.state = 'tracked';
      t.id = this.nextId++;
      owner.set(leftover[di].index, t);
    }
    for (const ti of third.unmatchedRows) tentative[ti].state = 'removed';

    // Births: unmatched high-score detections confident enough.
    for (const di of third.unmatchedCols) {
      const c = leftover[di];
      if (c.score < o.newTrackThreshold) continue;
      const t = new Track(this.filter, c.detection, this.clock);
      if (freshStart) {
        t.state = 'tracked';
        t.id = this.nextId++;
        owner.set(c.index, t);
      }
      this.active.push(t);
    }

    // Deaths: lost for longer than the buffer (overflowed states were removed after prediction).
    for (const t of this.active) {
      if (t.state === 'lost' && framesBetween(t.lastSeen, this.clock) > o.maxFramesLost) t.state = 'removed';
    }
    this.removeDuplicates(owner);
    this.active = this.active.filter((t) => t.state !== 'removed');

    const out: TrackedDetection[] = [];
    detections.forEach((d, i) => {
      const t = owner.get(i);
      if (t !== undefined && t.state === 'tracked') out.push({ ...d, trackId: t.id });
    });
    return out;
  }

  /** Validates the timestamp, moves the frame clock and returns the elapsed time in frames (fractional: the motion model and the clock take the time itself). */
  private advanceClock(timestampMs: number | undefined): number {
    let dt = 1;
    if (timestampMs !== undefined) {
      if (typeof timestampMs !== 'number' || !Number.isFinite(timestampMs)) {
        throw new VisionError('INVALID_INPUT', `ByteTracker.update: timestampMs must be a finite number; got ${shownValue(timestampMs)}`);
      }
      if (this.lastTimestamp !== undefined) {
        if (!(timestampMs > this.lastTimestamp)) {
          throw new VisionError(
            'INVALID_INPUT',
            `ByteTracker.update: timestampMs must increase; got ${timestampMs} after ${this.lastTimestamp}`,
          );
        }
        dt = ((timestampMs - this.lastTimestamp) * this.opts.frameRate) / 1000;
      }
      this.lastTimestamp = timestampMs;
    }
    if (this.frames === 0) dt = 0;
    // the time in frames since the first frame; the lost-track buffer rounds spans of it to whole frames
    this.clock += dt;
    return dt;
  }

  /**
   * A tracked and a lost track of one class with IoU > 0.85 are the same object counted
   * twice: the one followed for less time — from its birth to its last match — goes, the
   * tracked one on a tie (ByteTrack's `remove_duplicate_stracks`, `frame_id − start_frame`).
   */
  private removeDuplicates(owner: Map<number, Track>): void {
    const tracked = this.active.filter((t) => t.state === 'tracked');
    const lost = this.active.filter((t) => t.state === 'lost');
    for (const a of tracked) {
      for (const b of lost) {
        if (a.state !== 'tracked' || b.state !== 'lost' || a.classId !== b.classId) continue;
        if (boxIou(a.box, b.box) <= DUPLICATE_IOU) continue;
        const younger = a.lastSeen - a.bornAt > b.lastSeen - b.bornAt ? b : a;
        younger.state = 'removed';
      }
    }
    for (const [i, t] of owner) if (t.state === 'removed') owner.delete(i);
  }
}
