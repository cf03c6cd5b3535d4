/**
 * Options of {@link ByteTracker} and their validation: defaults follow the reference
 * ByteTrack implementation (Zhang et al., 2022).
 */
import { VisionError } from '../core/errors';
import { knownOptions } from '../core/known-options';
import { shownValue } from '../core/shown-value';

/**
 * Settings of a {@link ByteTracker}. Every field is optional.
 *
 * @example
 * ```ts
 * const tracker = new ByteTracker({ highThreshold: 0.6, trackBuffer: 60, frameRate: 30 });
 * ```
 */
export interface ByteTrackerOptions {
  /** Detections with `score ≥ highThreshold` take part in the first association. In (0, 1]; default 0.5. */
  highThreshold?: number;
  /**
   * Detections with `lowThreshold ≤ score < highThreshold` take part only in the second
   * association (they keep existing tracks alive, never start new ones). In [0, highThreshold);
   * default 0.1 (or `highThreshold / 2` when that is smaller). Detections below it are ignored.
   */
  lowThreshold?: number;
  /**
   * An unmatched high-score detection starts a new track only when `score ≥ newTrackThreshold`.
   * In [0, 1]; default `min(1, highThreshold + 0.1)`. Values below `highThreshold` act as `highThreshold`.
   */
  newTrackThreshold?: number;
  /** First association (high detections ↔ tracked and lost tracks): pairs need IoU distance `< matchThreshold`. In (0, 1]; default 0.8. */
  matchThreshold?: number;
  /** Second association (low detections ↔ still unmatched tracked tracks): IoU distance `< lowMatchThreshold`. In (0, 1]; default 0.5. */
  lowMatchThreshold?: number;
  /** Tentative tracks ↔ remaining high detections: IoU distance `< tentativeMatchThreshold`. In (0, 1]; default 0.7. */
  tentativeMatchThreshold?: number;
  /**
   * How long a lost track is kept for re-identification, in frames at 30 fps: a track
   * unmatched for more than `trackBuffer · frameRate / 30` frames is removed. A non-negative
   * integer; default 30.
   */
  trackBuffer?: number;
  /** The video's frame rate: scales `trackBuffer`, and converts timestamps into frames. Positive; default 30. */
  frameRate?: number;
  /** Multiply IoU by the detection score in the first and tentative associations (ByteTrack's `fuse_score`, off for MOT20). Default true. */
  fuseScore?: boolean;
}

/**
 * {@link ByteTrackerOptions} with every default filled in, plus the derived lost-track limit.
 *
 * @example
 * ```ts
 * new ByteTracker({ frameRate: 60 }).options.maxFramesLost; // 60 (30 frames at 30 fps = 1 s)
 * ```
 */
export interface ResolvedTrackerOptions {
  highThreshold: number;
  lowThreshold: number;
  newTrackThreshold: number;
  matchThreshold: number;
  lowMatchThreshold: number;
  tentativeMatchThreshold: number;
  trackBuffer: number;
  frameRate: number;
  fuseScore: boolean;
  /** Frames a lost track survives: `floor(trackBuffer · frameRate / 30)`. */
  maxFramesLost: number;
}

function fail(name: string, allowed: string, value: unknown): never {
  throw new VisionError('INVALID_OPTION', `ByteTracker: ${name} must be ${allowed}; got ${shownValue(value)}`);
}

function num(value: unknown, fallback: number, name: string, ok: (v: number) => boolean, allowed: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !ok(value)) fail(name, allowed, value);
  return value;
}

const unitOpenLow = (v: number): boolean => v > 0 && v <= 1;

const TRACKER_OPTION_NAMES: readonly (keyof ByteTrackerOptions)[] = [
  'highThreshold', 'lowThreshold', 'newTrackThreshold', 'matchThreshold', 'lowMatchThreshold', 'tentativeMatchThreshold', 'trackBuffer', 'frameRate', 'fuseScore',
];

/**
 * Checks `options` and fills in defaults.
 *
 * @throws VisionError `INVALID_OPTION` naming the option and its allowed range, or the names it does not take.
 *
 * @example
 * ```ts
 * const resolved = resolveTrackerOptions({ trackBuffer: 60 });
 * ```
 */
export function resolveTrackerOptions(options: ByteTrackerOptions = {}): ResolvedTrackerOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('options', 'an object (or omitted)', options);
  knownOptions(options, 'ByteTracker options', TRACKER_OPTION_NAMES);
  const high = num(options.highThreshold, 0.5, 'highThreshold', unitOpenLow, 'a number in (0, 1]');
  const low = num(options.lowThreshold, Math.min(0.1, high / 2), 'lowThreshold', (v) => v >= 0 && v < high, `a number in [0, highThreshold = ${high})`);
  const newTrack = num(options.newTrackThreshold, Math.min(1, high + 0.1), 'newTrackThreshold', (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  const match = num(options.matchThreshold, 0.8, 'matchThreshold', unitOpenLow, 'a number in (0, 1]');
  const lowMatch = num(options.lowMatchThreshold, 0.5, 'lowMatchThreshold', unitOpenLow, 'a number in (0, 1]');
  const tentative = num(options.tentativeMatchThreshold, 0.7, 'tentativeMatchThreshold', unitOpenLow, 'a number in (0, 1]');
  const buffer = num(options.trackBuffer, 30, 'trackBuffer', (v) => Number.isSafeInteger(v) && v >= 0, 'a non-negative safe integer (frames at 30 fps)');
  const frameRate = num(options.frameRate, 30, 'frameRate', (v) => v > 0 && Number.isFinite(v), 'a positive finite number (frames per second)');
  const fuseScore = options.fuseScore ?? true;
  if (typeof fuseScore !== 'boolean') fail('fuseScore', 'a boolean', fuseScore);
  return {
    highThreshold: high,
    lowThreshold: low,
    newTrackThreshold: Math.max(newTrack, high),
    matchThreshold: match,
    lowMatchThreshold: lowMatch,
    tentativeMatchThreshold: tentative,
    trackBuffer: buffer,
    frameRate,
    fuseScore,
    maxFramesLost: Math.floor((buffer * frameRate) / 30),
  };
}
