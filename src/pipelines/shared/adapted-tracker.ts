/**
 * ByteTrack adapted to a pipeline's score threshold, for the video modes that track boxes
 * (detection, pose): one rule for the thresholds it derives, one check of the `tracker` option.
 */
import { VisionError } from '../../core/errors';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import { ByteTracker } from '../../track/byte-tracker';
import type { ByteTrackerOptions } from '../../track/tracker-options';

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
 * `settings` too — then `settings` over them. Bad settings throw `INVALID_OPTION` (build one
 * at creation to check them early).
 *
 * @example
 * ```ts
 * const tracker = adaptedTracker(0.25, { trackBuffer: 60 });
 * ```
 */
export function adaptedTracker(threshold: number, settings: ByteTrackerOptions): ByteTracker {
  const highThreshold = Math.max(threshold, 1e-6);
  const given = settings.highThreshold;
  const high = typeof given === 'number' && given > 0 ? given : highThreshold;
  return new ByteTracker({ highThreshold, lowThreshold: Math.min(0.1, threshold / 2, high / 2), newTrackThreshold: threshold, ...settings });
}
