/**
 * ByteTrack adapted to a pipeline's score threshold, for the video modes that track boxes
 * (detection, pose): one rule for the thresholds it derives, one check of the `tracker` option.
 */
import { VisionError } from '../../core/errors';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import { ByteTracker } from '../../track/byte-tracker';
import type { ByteTrackerOptions } from '../../track/tracker-options';
import type { Detection } from '../../core/types';
import { definedOnly } from './options';

/**
 * Checks a pipeline's `tracker` option: ByteTrack settings (an object) or left out;
 * `INVALID_OPTION` otherwise (`null` included).
 *
 * @example
 * ```ts
 * checkTrackerSettings(options.tracker ?? {});
 * ```
 */
export function checkTrackerSettings(settings: unknown): void {
  if (!isOptionsObject(settings)) {
    throw new VisionError('INVALID_OPTION', `tracker is ${shownValue(settings)}; it must be ByteTrack settings ({ highThreshold, lowThreshold, … }) or left out`);
  }
}

/**
 * A tracker for a score threshold: high and new-track thresholds = the threshold (high at
 * least 1e-6), low = min(0.1, threshold / 2, high / 2) — below the `highThreshold` of
 * `settings` too — and score fusion only for a high threshold of 0.5 and up, then `settings`
 * over them. Bad settings throw `INVALID_OPTION` (build one at creation to check them early).
 *
 * ByteTrack fuses scores (IoU × score) for detections of 0.5 and up (its `track_thresh`).
 * Below that, a new track of score s could never be confirmed (IoU × s ≤ s < 1 −
 * `tentativeMatchThreshold` = 0.3), and a tracked one would lose its detection at any IoU
 * under 0.2 / s: so a lower threshold matches on IoU alone, as ByteTrack's MOT20 setting.
 *
 * @example
 * ```ts
 * const tracker = adaptedTracker(0.25, { trackBuffer: 60 });
 * ```
 */
export function adaptedTracker(threshold: number, settings: ByteTrackerOptions): ByteTracker {
  return new ByteTracker(adaptedSettings(threshold, settings));
}

/** The least high threshold whose detections ByteTrack's score fusion is made for (its `track_thresh`, 0.5). */
const FUSED_SCORES_FROM = 0.5;

function adaptedSettings(threshold: number, settings: ByteTrackerOptions): ByteTrackerOptions {
  const highThreshold = Math.max(threshold, 1e-6);
  const given = settings.highThreshold;
  const high = typeof given === 'number' && given > 0 ? given : highThreshold;
  // settings left undefined keep the adapted values (names set to undefined pass, as everywhere)
  return { highThreshold, lowThreshold: Math.min(0.1, threshold / 2, high / 2), newTrackThreshold: threshold, fuseScore: high >= FUSED_SCORES_FROM, ...definedOnly(settings) };
}

/**
 * A video stream's tracker: the ByteTracker, the score threshold it is adapted to (a run with
 * another threshold retunes it: its tracks go on) and the size of the stream's first frame,
 * in whose pixels it tracks (boxes of frames of another size are carried there).
 *
 * @example
 * ```ts
 * this.stream = streamTracker(this.stream, 0.25, {});
 * ```
 */
export interface StreamTracker {
  readonly tracker: ByteTracker;
  threshold: number;
  size?: { width: number; height: number };
}

/**
 * The stream's tracker for this frame's threshold: a new one (for `current` null), or the same
 * one retuned when the threshold changed.
 *
 * @example
 * ```ts
 * const stream = (this.stream = streamTracker(this.stream, threshold, this.trackerOptions));
 * ```
 */
export function streamTracker(current: StreamTracker | null, threshold: number, settings: ByteTrackerOptions): StreamTracker {
  if (!current) return { tracker: adaptedTracker(threshold, settings), threshold };
  if (current.threshold !== threshold) {
    current.tracker.retune(adaptedSettings(threshold, settings));
    current.threshold = threshold;
  }
  return current;
}

const ORIGINAL = Symbol('the detection a scaled copy stands for');

/**
 * Tracks one frame's detections (in its own pixels) in the stream: a frame of another size than
 * the stream's first (a camera switching resolution) has its boxes carried to the first frame's
 * size for the tracker, so that IoU matching and the Kalman filters go on; the detections come
 * back as given, with their track IDs.
 *
 * @example
 * ```ts
 * const tracked = trackInStream(stream, result.detections, frame.width, frame.height, timestampMs);
 * ```
 */
export function trackInStream<D extends Detection>(stream: StreamTracker, detections: readonly D[], width: number, height: number, timestampMs: number): (D & { trackId: number })[] {
  stream.size ??= { width, height };
  const sx = stream.size.width / width;
  const sy = stream.size.height / height;
  if (sx === 1 && sy === 1) return stream.tracker.update(detections, timestampMs) as (D & { trackId: number })[];
  const carried = detections.map((d) => ({ ...d, box: { x1: d.box.x1 * sx, y1: d.box.y1 * sy, x2: d.box.x2 * sx, y2: d.box.y2 * sy }, [ORIGINAL]: d }));
  return stream.tracker.update(carried, timestampMs).map((t) => ({ ...(t as unknown as { [ORIGINAL]: D })[ORIGINAL], trackId: t.trackId }));
}
