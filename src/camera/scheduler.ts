import { VisionError, describeError, isVisionError } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import { handOver } from '../core/frame-ownership';
import type { FrameSource, SourceFrame } from './frame';
import { detachFromCapture } from './frame-copy';
import { type LoopStats, LoopStatsCollector } from './loop-stats';

/**
 * Which frames a loop runs the pipeline on.
 *
 * - `'latest'` (default): at most one frame in flight and one waiting; a newer frame replaces
 *   the waiting one, which is dropped (released) and counted. A camera keeps its rate meanwhile
 *   (the frame in flight runs on a copy; see {@link FrameResult.frame}), so the next run starts
 *   on a frame at most a frame interval old: each result is about one run old, whatever the
 *   camera's rate.
 * - `'every'`: every frame, in order; at most `maxQueue` wait, then the loop stops reading the
 *   source (backpressure: a list of images waits, a live camera drops in its own buffer).
 * - `{ stride: n }`: every n-th frame (the others are skipped), otherwise like `'every'`.
 *
 * @example
 * ```ts
 * runLoop(webcam.frames(), detector, { policy: { stride: 2 } });
 * ```
 */
export type FramePolicy = 'latest' | 'every' | { stride: number };

/**
 * What a loop can run: every pipeline (in-thread or in a worker) — `runForVideo` is used when the
 * pipeline has it, so trackers see the frame timestamps — or a plain async function.
 *
 * @example
 * ```ts
 * const slow: FrameProcessor<number> = async (frame, t) => t;
 * ```
 */
export type FrameProcessor<R> =
  | { run(input: ImageInput): Promise<R>; runForVideo?(input: ImageInput, timestampMs: number): Promise<R> }
  | ((frame: ImageInput, timestampMs: number) => Promise<R>);

/**
 * One result of a loop, with the frame it belongs to.
 *
 * @example
 * ```ts
 * onResult: ({ result, timestamp, latency }) => console.log(timestamp, latency, result.detections.length)
 * ```
 */
export interface FrameResult<R> {
  result: R;
  /**
   * The frame, valid until `onResult` returns (or the iterator's next step); `null` with
   * `keepFrames: false`. A camera's `VideoFrame` arrives here as a copy in memory of its own
   * (same format, size and timestamp): the loop gives the camera its capture buffer back before
   * the run, so the camera keeps its rate however long the run takes.
   */
  frame: ImageInput | null;
  /** The frame's media time in ms (results arrive in increasing timestamp order). */
  timestamp: number;
  /** The frame's index in its source. */
  index: number;
  /** Milliseconds from the frame's capture to this result. */
  latency: number;
}

/**
 * Options of {@link runLoop}.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * runLoop(source, detector, { policy: 'latest', signal: controller.signal, onResult: draw });
 * ```
 */
export interface RunLoopOptions<R> {
  /** Default `'latest'`. */
  policy?: FramePolicy;
  /** Receives each result in frame order; the loop waits for a returned promise. */
  onResult?: (item: FrameResult<R>) => void | Promise<void>;
  /** Receives per-frame failures and the loop goes on; without it the first failure ends the loop. */
  onError?: (error: VisionError, frame: { timestamp: number; index: number }) => void;
  /** Ends the loop like {@link FrameLoop.stop}. */
  signal?: AbortSignal;
  /** Frames that may wait with `'every'` / stride policies. Default 4. */
  maxQueue?: number;
  /** `'video'` (default) calls `runForVideo(frame, timestamp)` when the pipeline has it; `'image'` always `run(frame)`. */
  mode?: 'video' | 'image';
  /** Keep each frame for `onResult` (default true). False hands frames the source created to the pipeline (a worker pipeline then transfers instead of copying) and gives `frame: null`. */
  keepFrames?: boolean;
  /** Close the source when the loop ends, or when `runLoop` refuses its options (default true). */
  closeSource?: boolean;
  /** Recent frames that rates and percentiles cover. Default 120. */
  statsWindow?: number;
  /** Clock in ms (default `performance.now`); tests inject their own. */
  now?: () => number;
}

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

function checkPolicy(policy: FramePolicy): number {
  if (policy === 'latest' || policy === 'every') return 1;
  const stride = typeof policy === 'object' && policy !== null ? policy.stride : Number.NaN;
  if (!(Number.isInteger(stride) && stride >= 1)) {
    throw new VisionError('INVALID_OPTION', `policy ${JSON.stringify(policy)} is not allowed; use 'latest', 'every' or { stride: n } with an integer n ≥ 1`);
  }
  return stride;
}

function timingOf(result: unknown): { preprocess?: number; inference?: number; postprocess?: number } {
  const timing = (result as { timing?: Record<string, unknown> } | null)?.timing;
  if (!timing || typeof timing !== 'object') return {};
  const pick = (k: string) => (typeof timing[k] === 'number' ? (timing[k] as number) : undefined);
  return { preprocess: pick('preprocess'), inference: pick('inference'), postprocess: pick('postprocess') };
}

class Scheduler<R> {
  private readonly queue: SourceFrame[] = [];
  private readonly stride: number;
  private readonly latest: boolean;
  private readonly maxQueue: number;
  private readonly now: () => number;
  private readonly collector: LoopStatsCollector;
  private readonly call: (frame: ImageInput, timestamp: number) => Promise<R>;
  private stopped = false;
  private sourceDone = false;
  private failure: unknown = null;
  private seen = 0;
  private wakeWorker: (() => void) | null = null;
  private wakePump: (() => void) | null = null;
  readonly done: Promise<LoopStats>;

  constructor(
    private readonly source: FrameSource,
    processor: FrameProcessor<R>,
    private readonly options: RunLoopOptions<R>,
  ) {
    const policy = options.policy ?? 'latest';
    this.stride = checkPolicy(policy);
    this.latest = policy === 'latest';
    this.maxQueue = options.maxQueue ?? 4;
    if (!(Number.isInteger(this.maxQueue) && this.maxQueue >= 1)) throw new VisionError('INVALID_OPTION', `maxQueue is ${this.maxQueue}; it must be an integer ≥ 1`);
    this.now = options.now ?? (() => performance.now());
    this.collector = new LoopStatsCollector(this.now(), options.statsWindow);
    if (typeof processor === 'function') this.call = processor;
    else if (options.mode !== 'image' && typeof processor.runForVideo === 'function') this.call = (f, t) => processor.runForVideo!(f, t);
    else this.call = (f) => processor.run(f);
    const { signal } = options;
    if (signal?.aborted) this.stop();
    signal?.addEventListener('abort', () => this.stop(), { once: true });
    void this.pump();
    this.done = this.work().then(() => {
      if (this.failure) throw this.failure;
      return this.stats();
    });
  }

  stats(): LoopStats {
    return this.collector.snapshot(this.now(), this.source.dropped);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const frame of this.queue.splice(0)) frame.release();
    if (this.options.closeSource !== false) this.source.close();
    this.wakeWorker?.();
    this.wakePump?.();
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.stop();
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped) {
        if (!this.latest && this.queue.length >= this.maxQueue) {
          await new Promise<void>((resolve) => (this.wakePump = resolve));
          this.wakePump = null;
          continue;
        }
        const step = await this.source.next();
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
    this.collector.frameIn(this.now());
    if (this.seen++ % this.stride !== 0) {
      this.collector.skipped++;
      taken.release();
      return;
    }
    let frame = taken;
    if (this.latest) {
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
      // the camera gets the frame's buffer back before the run: it keeps its rate meanwhile
      const held = await detachFromCapture(frame);
      try {
        if (!this.stopped) await this.process(held);
      } finally {
        held.release();
      }
    }
    this.stop();
  }

  private async process(frame: SourceFrame): Promise<void> {
    const keep = this.options.keepFrames !== false;
    const input = !keep && frame.owned && typeof frame.frame === 'object' && frame.frame !== null ? handOver(frame.frame) : frame.frame;
    const started = this.now();
    let result: R;
    try {
      result = await this.call(input, frame.timestamp);
    } catch (cause) {
      this.collector.errors++;
      const error = isVisionError(cause) ? cause : new VisionError('INFERENCE_FAILED', `frame ${frame.index}: ${describeError(cause)}`, { cause });
      if (this.options.onError && !this.stopped) this.options.onError(error, { timestamp: frame.timestamp, index: frame.index });
      else this.fail(error);
      return;
    }
    if (this.stopped) return;
    const end = this.now();
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
 * processed frame after `onResult`. A camera's `VideoFrame` is copied out of the camera's few
 * capture buffers before its run (and before it waits in an `'every'` / stride queue), so the
 * camera keeps its rate, and other readers of it get frames, however long runs take; with
 * `'latest'` only the newest frame waits with its buffer. It ends when the source ends, on `stop()` / `signal`
 * (`done` resolves), or on the first failure when there is no `onError` (`done` rejects with
 * the `VisionError`, e.g. `DEVICE_LOST` when the camera is unplugged).
 *
 * The source belongs to the loop from the call on: when `runLoop` refuses its options
 * (`INVALID_OPTION`) it closes the source before throwing, as it does when the loop ends
 * (unless `closeSource: false`).
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
  let scheduler: Scheduler<R>;
  try {
    scheduler = new Scheduler(source, processor, options);
  } catch (error) {
    // the source is the loop's from the call on: nobody else may hold it (runLoop(webcam.frames(), …))
    if (options.closeSource !== false) source.close();
    throw error;
  }
  return { done: scheduler.done, stats: () => scheduler.stats(), stop: () => scheduler.stop() };
}
