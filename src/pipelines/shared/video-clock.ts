/**
 * The timestamps of a pipeline's video mode, checked the same way by every task (as MediaPipe
 * Tasks do): finite, and increasing from one analysed frame to the next; a pipeline's `reset()`
 * starts a new clock. Frames of one clock are analysed one after another in call order, so calls
 * that overlap (a caller that does not await each frame) never interleave their video state.
 */
import { VisionError } from '../../core/errors';
import { shownValue } from '../../core/shown-value';

/**
 * The clock of one video stream. {@link frame} runs each frame's analysis after the frames
 * called before it, checks its timestamp when its turn comes and records it once the frame is
 * done — so a frame that failed (a bad image, say) can be sent again with the same timestamp.
 *
 * @example
 * ```ts
 * const clock = new VideoClock();
 * const result = await clock.frame(33, () => analyse(frame)); // INVALID_INPUT when 33 is not after the last analysed frame
 * ```
 */
export class VideoClock {
  private lastMs = -Infinity;
  /** The frame analysed last in call order (settled either way), which the next one waits for. */
  private previous: Promise<unknown> = Promise.resolve();

  /**
   * Analyses one frame in its turn: after every frame called before it has finished, throws
   * `INVALID_INPUT` unless `timestampMs` is a finite number after the last analysed one (a
   * non-finite one is refused at once), runs `analyse`, and records the timestamp when it succeeds.
   *
   * @example
   * ```ts
   * const poses = await clock.frame(performance.now(), () => estimate(frame));
   * ```
   */
  frame<T>(timestampMs: number, analyse: () => Promise<T>): Promise<T> {
    if (typeof timestampMs !== 'number' || !Number.isFinite(timestampMs)) {
      return Promise.reject(new VisionError('INVALID_INPUT', `timestampMs must be a finite number; got ${shownValue(timestampMs)}`));
    }
    const turn = this.previous.then(async () => {
      if (!(timestampMs > this.lastMs)) {
        throw new VisionError('INVALID_INPUT', `timestampMs must increase from frame to frame; got ${timestampMs} after ${this.lastMs} (reset() starts a new video)`);
      }
      const result = await analyse();
      this.lastMs = timestampMs;
      return result;
    });
    this.previous = turn.catch(() => undefined);
    return turn;
  }
}
