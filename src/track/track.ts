/**
 * One tracked object inside {@link ByteTracker} (internal): its Kalman belief, its life
 * cycle (`tentative` → `tracked` ⇄ `lost` → `removed`) and the last detection it took.
 */
import type { Box, Detection } from '../core/types';
import { KalmanBoxFilter, stateToBox, type KalmanBoxState } from './kalman-box';

/**
 * Life-cycle state of a track.
 *
 * - `tentative`: born from one detection, not yet confirmed (no public id, not reported).
 * - `tracked`: confirmed and matched in the latest frame.
 * - `lost`: confirmed but unmatched; kept for `trackBuffer` frames for re-identification.
 * - `removed`: gone for good.
 *
 * @example
 * ```ts
 * const lost = tracker.tracks.filter((t) => t.state === 'lost');
 * ```
 */
export type TrackState = 'tentative' | 'tracked' | 'lost' | 'removed';

/**
 * Internal mutable track record (not part of the public API; see `TrackInfo`).
 *
 * @example
 * ```ts
 * const t = new Track(filter, detection, clock);
 * t.predict(1);
 * t.update(nextDetection, clock + 1);
 * ```
 */
export class Track {
  /** Public id, assigned on confirmation; 0 while tentative. */
  id = 0;
  state: TrackState = 'tentative';
  kalman: KalmanBoxState;
  classId: number;
  label: string;
  score: number;
  /** Frame clock of birth and of the last matched detection. */
  readonly bornAt: number;
  lastSeen: number;
  /** Matched detections so far. */
  hits = 1;

  constructor(
    private readonly filter: KalmanBoxFilter,
    detection: Detection,
    clock: number,
  ) {
    this.kalman = filter.initiate(detection.box);
    this.classId = detection.classId;
    this.label = detection.label;
    this.score = detection.score;
    this.bornAt = clock;
    this.lastSeen = clock;
  }

  /** The current box estimate (posterior after an update, prediction otherwise). */
  get box(): Box {
    return stateToBox(this.kalman.mean);
  }

  /** Advances the belief by `dt` frames; a track that is not being tracked stops growing/shrinking. */
  predict(dt: number): void {
    if (dt <= 0) return;
    if (this.state !== 'tracked') this.kalman.mean[7] = 0;
    this.kalman = this.filter.predict(this.kalman, dt);
  }

  /** Fuses a matched detection; a lost track becomes tracked again. */
  update(detection: Detection, clock: number): void {
    this.kalman = this.filter.update(this.kalman, detection.box);
    this.score = detection.score;
    this.label = detection.label;
    this.lastSeen = clock;
    this.hits++;
    if (this.state === 'lost') this.state = 'tracked';
  }
}
