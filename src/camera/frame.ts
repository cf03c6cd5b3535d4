import type { ImageInput } from '../core/image-input';

/**
 * One frame taken from a {@link FrameSource}.
 *
 * Ownership: whoever takes a frame from a source owns it and must call {@link release} once
 * done with it (the scheduler does this for you: it releases every frame it drops and every
 * processed frame right after `onResult` returns). `release()` closes the `ImageBitmap` /
 * `VideoFrame` when the source created it (`owned: true`) and does nothing for pictures the
 * caller handed to `fromImages` (`owned: false`: the caller keeps and closes those).
 *
 * @example
 * ```ts
 * const { value } = await source.next();
 * if (value) {
 *   draw(value.frame);
 *   value.release();
 * }
 * ```
 */
export interface SourceFrame {
  /** The picture: a `VideoFrame` or `ImageBitmap` from camera and video sources; what was given for `fromImages`. */
  readonly frame: ImageInput;
  /** Media time of the frame in milliseconds; strictly increasing within a source. */
  readonly timestamp: number;
  /** `performance.now()` when the frame was captured or, where the browser does not say, when it reached the page. */
  readonly capturedAt: number;
  /** 0-based position of the frame among those the source delivered. */
  readonly index: number;
  /** Whether the source created the picture (and {@link release} closes it). */
  readonly owned: boolean;
  /** Closes the picture when the source created it; safe to call more than once. */
  release(): void;
}

/**
 * A stream of frames: a webcam, a `<video>`, a `MediaStream`, a video file or a list of
 * images. Iterate it (`for await`) or pass it to `runLoop`. `close()` stops it: pending
 * `next()` calls end, and frames it still buffered are released. Frames already handed out
 * stay the taker's to release.
 *
 * @example
 * ```ts
 * const source = webcam.frames();
 * for await (const f of source) {
 *   console.log(f.timestamp);
 *   f.release();
 * }
 * ```
 */
export interface FrameSource extends AsyncIterableIterator<SourceFrame> {
  /** Frames the source discarded: nobody took them in time (its buffer was full), or (pushed) their timestamp did not increase. */
  readonly dropped: number;
  /** Whether the source was closed or has ended. */
  readonly closed: boolean;
  /** Stops the source; safe to call more than once. */
  close(): void;
  /** Ends `read` (from `next()`) as done if it still waits, leaving the source open and other reads waiting (a loop stopped with `closeSource: false` gives up its own). */
  cancelRead?(read: Promise<IteratorResult<SourceFrame>>): void;
}
