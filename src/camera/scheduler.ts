import { linkAbort } from './abort-link';
import { VisionError, describeError, isVisionError } from '../core/errors';
import { handOver } from '../core/frame-ownership';
import { closeResult } from '../core/close-result';
import { eventLoopCheckpoint } from '../core/event-loop';
import type { FrameSource, SourceFrame } from './frame';
import { detachFromCapture } from './frame-copy';
import { type FrameProcessor, type LoopSettings, type RunLoopOptions, closeRefusedSource, loopSettings } from './loop-options';
import { type LoopStats, LoopStatsCollector } from './loop-stats';

/**
 * A running frame loop.
 *
 * @example
 * ```ts
 * const loop = runLoop(webcam.frames(), detector, { onResult: draw });
 * setInterval(() => console.log(loop.stats()), 1000);
 * stopButton.onclick = () => loop.stop();
 * ```
 */
export interface FrameLoop {
  /** Settles when the loop has ended and its last run finished: the final stats, or the error that ended it. */
  readonly done: Promise<LoopStats>;
  /** Live statistics. */
  stats(): LoopStats;
  /** Ends the loop: no `onResult` after this; waiting frames are released. Safe to call twice. */
  stop(): void;
}

function timingOf(result: unknown): { preprocess?: number; inference?: number; postprocess?: number } {
  const timing = (result as { timing?: Record<string, unknown> } | null)?.timing;
  if (!timing || typeof timing !== 'object') return {};
  const pick = (k: string) => (typeof timing[k] === 'number' ? (timing[k] as number) : undefined);
  return { preprocess: pick('preprocess'), inference: pick('inference'), postprocess: pick('postprocess') };
}

class Scheduler<R> {
  private readonly queue: SourceFrame[] = [];
  private readonly collector: LoopStatsCollector;
  private stopped = false;
  private sourceDone = false;
  private failure: unknown = null;
  private seen = 0;
  private wakeWorker: (() => void) | null = null;
  private wakePump: (() => void) | null = null;
  /** The read of the source this loop waits on (given up when it stops and leaves the source open). */
  private reading: Promise<IteratorResult<SourceFrame>> | null = null;
  /** When the last frame came in, the time between the last two, and how long the last run took (ms). */
  private lastArrival: number | undefined;
  private frameInterval: number | undefined;
  private lastRun: number | undefined;
  readonly done: Promise<LoopStats>;

  constructor(
    private readonly source: FrameSource,
    private readonly settings: LoopSettings<R>,
    private readonly options: RunLoopOptions<R>,
  ) {
    this.collector = new LoopStatsCollector(settings.now(), settings.statsWindow);
    const unlink = linkAbort(options.signal, () => this.stop());
    void this.pump();
    this.done = this.work()
      .finally(unlink) // an ended loop leaves no listener on a signal shared with others
      .then(() => {
        if (this.failure) throw this.failure;
        return this.stats();
      });
  }

  stats(): LoopStats {
    return this.collector.snapshot(this.settings.now(), this.source.dropped);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const frame of this.queue.splice(0)) frame.release();
    if (this.settings.closeSource) this.source.close();
    else if (this.reading) this.source.cancelRead?.(this.reading); // the next frame is the next reader's, not released by this stopped loop
    this.wakeWorker?.();
    this.wakePump?.();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.stop();
  }

  private async pump(): Promise<void> {
    // a source whose frames are ready at once (frames in memory) settles with microtasks only:
    // under 'latest' nothing else waited, and runs, timers and stop() never got the thread
    const checkpoint = eventLoopCheckpoint(undefined, 'the frame loop');
    try {
      while (!this.stopped) {
        await checkpoint();
        if (!this.settings.latest && this.queue.length >= this.settings.maxQueue) {
          await new Promise<void>((resolve) => (this.wakePump = resolve));
          this.wakePump = null;
          continue;
        }
        this.reading = this.source.next();
        const step = await this.reading;
        this.reading = null;
        if (step.done) break;
        if (this.stopped) {
          step.value.release();
          break;
        }
        await this.accept(step.value);
      }
    } catch (error) {
      this.fail(isVisionError(error) ? error : new VisionError('INVALID_INPUT', `the frame source failed: ${describeError(error)}`, { cause: error }));
    } finally {
      this.sourceDone = true;
      this.wakeWorker?.();
    }
  }

  private async accept(taken: SourceFrame): Promise<void> {
    const arrived = this.settings.now();
    this.collector.frameIn(arrived);
    if (this.lastArrival !== undefined) this.frameInterval = arrived - this.lastArrival;
    this.lastArrival = arrived;
    if (this.seen++ % this.settings.stride !== 0) {
      this.collector.skipped++;
      taken.release();
      return;
    }
    let frame = taken;
    if (this.settings.latest) {
      for (const stale of this.queue.splice(0)) {
        stale.release();
        this.collector.dropped++;
      }
    } else {
      // frames that wait behind others must not keep the camera's capture buffers
      frame = await detachFromCapture(taken);
      if (this.stopped) {
        frame.release();
        return;
      }
    }
    this.queue.push(frame);
    this.collector.queued(this.queue.length);
    this.wakeWorker?.();
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const frame = this.queue.shift();
      if (!frame) {
        if (this.sourceDone) break;
        await new Promise<void>((resolve) => (this.wakeWorker = resolve));
        this.wakeWorker = null;
        continue;
      }
      this.wakePump?.();
      // a run that outlasts a frame interval would keep the camera waiting: the camera gets that
      // frame's buffer back first (a copy runs); runs quicker than the camera use its own frame
      const held = this.runsOutlastFrames() ? await detachFromCapture(frame) : frame;
      try {
        if (!this.stopped) await this.process(held);
      } finally {
        held.release();
      }
    }
    this.stop();
  }

  /** Whether the last run took longer than the time between the last two frames (or either is not known yet). */
  private runsOutlastFrames(): boolean {
    return this.lastRun === undefined || this.frameInterval === undefined || this.lastRun >= this.frameInterval;
  }

  private async process(frame: SourceFrame): Promise<void> {
    const keep = this.settings.keepFrames;
    const input = !keep && frame.owned && typeof frame.frame === 'object' && frame.frame !== null ? handOver(frame.frame) : frame.frame;
    const started = this.settings.now();
    let result: R;
    try {
      result = await this.settings.call(input, frame.timestamp);
    } catch (cause) {
      this.lastRun = this.settings.now() - started;
      this.collector.errors++;
      const error = isVisionError(cause) ? cause : new VisionError('INFERENCE_FAILED', `frame ${frame.index}: ${describeError(cause)}`, { cause });
      // a run that fails after stop() (the pipeline disposed in teardown) ends nothing: done resolves
      if (this.stopped) return;
      const { onError } = this.options;
      if (!onError) return this.fail(error);
      // the pipeline is gone for good: report it once and end the loop (done resolves)
      if (error.code === 'DISPOSED') this.stop();
      try {
        onError(error, { timestamp: frame.timestamp, index: frame.index });
      } catch (thrown) {
        this.fail(thrown);
      }
      return;
    }
    const end = this.settings.now();
    this.lastRun = end - started;
    if (this.stopped) {
      // nobody will see this result: free its masks and pictures
      closeResult(result);
      return;
    }
    const latency = end - frame.capturedAt;
    this.collector.delivered(end, { captureToResult: latency, queue: started - frame.capturedAt, run: end - started, ...timingOf(result) });
    try {
      await this.options.onResult?.({ result, frame: keep ? frame.frame : null, timestamp: frame.timestamp, index: frame.index, latency });
    } catch (error) {
      this.fail(error);
    }
  }
}

/**
 * Runs a pipeline on the frames of a source under a {@link FramePolicy}, one frame at a time,
 * delivering results in frame order with their timestamps, and keeping live {@link LoopStats}.
 * The loop owns the frames it takes: it releases dropped and skipped frames at once and each
 * processed frame after `onResult`. While runs take longer than the camera's frame interval,
 * a camera's `VideoFrame` is copied out of the camera's few capture buffers before its run (and
 * before it waits in an `'every'` / stride queue), so the camera keeps its rate, and other
 * readers of it get frames, however long runs take. While the last run was quicker than the
 * camera, the next runs on the camera's own frame, with no copy (a frame on the GPU stays
 * there); the first run, before any run time is known, runs on a copy. With `'latest'` only the
 * newest frame waits with its buffer. It ends when the source ends, on
 * `stop()` / `signal` (`done` resolves), on `DISPOSED` (the pipeline is gone: `done` resolves
 * after `onError` heard it), or on the first failure when there is no `onError` (`done`
 * rejects with the `VisionError`, e.g. `DEVICE_LOST` when the camera is unplugged).
 *
 * A run still going when the loop stops is not delivered: the masks and RGBA pictures of its
 * result are closed (nobody else will see them).
 *
 * The source belongs to the loop from the call on: when `runLoop` refuses its arguments
 * (`INVALID_INPUT` for the source or processor, `INVALID_OPTION` for an option) it closes the
 * source before throwing, as it does when the loop ends (unless `closeSource: false`).
 *
 * @example
 * ```ts
 * const webcam = await Webcam.open({ width: 640, height: 480 });
 * const detector = await pipeline('object-detection', { worker: true });
 * const loop = runLoop(webcam.frames(), detector, {
 *   onResult: ({ result, frame }) => draw(frame, result.detections),
 * });
 * await loop.done;
 * ```
 */
export function runLoop<R>(source: FrameSource, processor: FrameProcessor<R>, options: RunLoopOptions<R> = {}): FrameLoop {
  let settings: LoopSettings<R>;
  try {
    settings = loopSettings<R>(source, processor, options);
  } catch (error) {
    closeRefusedSource(source, options);
    throw error;
  }
  const scheduler = new Scheduler(source, settings, options ?? {});
  return { done: scheduler.done, stats: () => scheduler.stats(), stop: () => scheduler.stop() };
}
