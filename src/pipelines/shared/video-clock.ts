/**
 * The timestamps of a pipeline's video mode, checked the same way by every task (as MediaPipe
 * Tasks do): finite, and increasing from one analysed frame to the next; a pipeline's `reset()` starts a new clock.
 */
import { VisionError } from '../../core/errors';

/**
 * The clock of one video stream. {@link check} a frame's timestamp before any work on it, and
 * {@link commit} it once the frame is done, so a frame that failed (a bad image, say) can be
 * sent again with the same timestamp.
 *
 * @example
 * ```ts
 * const clock = new VideoClock();
 * clock.check(33);  // throws INVALID_INPUT when 33 is not after the last committed frame
 * // … analyse the frame …
 * clock.commit(33);
 * ```
 */
export class VideoClock {
  private lastMs = -Infinity;

  /**
   * Throws `INVALID_INPUT` unless `timestampMs` is a finite number after the last committed one.
   *
   * @example
   * ```ts
   * clock.check(performance.now());
   * ```
   */
  check(timestampMs: number): void {
    if (typeof timestampMs !== 'number' || !Number.isFinite(timestampMs)) {
      throw new VisionError('INVALID_INPUT', `timestampMs must be a finite number; got ${String(timestampMs)}`);
    }
    if (!(timestampMs > this.lastMs)) {
      throw new VisionError('INVALID_INPUT', `timestampMs must increase from frame to frame; got ${timestampMs} after ${this.lastMs} (reset() starts a new video)`);
    }
  }

  /** Records a frame's timestamp as the last one analysed. @example `clock.commit(timestampMs);` */
  commit(timestampMs: number): void {
    this.lastMs = timestampMs;
  }
}
