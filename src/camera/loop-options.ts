import { VisionError } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import { isOptionsObject, shownValue } from '../core/shown-value';
import type { FrameSource } from './frame';
import { abortSignal, booleanOption, oneOf, positiveCount, sourceOptions } from './option-checks';

/**
 * Which frames a loop runs the pipeline on.
 *
 * - `'latest'` (default): at most one frame in flight and one waiting; a newer frame replaces
 *   the waiting one, which is dropped (released) and counted. A camera keeps its rate meanwhile
 *   (while runs outlast its frame interval, the frame in flight runs on a copy; see
 *   {@link FrameResult.frame}), so the next run starts
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
   * `keepFrames: false`. While runs take longer than the camera's frame interval, a camera's
   * `VideoFrame` arrives here as a copy in memory of its own (same format, size and timestamp):
   * the loop gives the camera its capture buffer back before the run, so the camera keeps its
   * rate however long the run takes. After a run quicker than the camera it is the camera's own
   * frame (no copy).
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
  /**
   * Receives per-frame failures and the loop goes on; without it the first failure ends the
   * loop (`done` rejects with it). `DISPOSED` (the pipeline is gone) is final: it reaches
   * `onError` once and ends the loop (`done` resolves with the stats).
   */
  onError?: (error: VisionError, frame: { timestamp: number; index: number }) => void;
  /** Ends the loop like `FrameLoop.stop()`. */
  signal?: AbortSignal;
  /** Frames that may wait with `'every'` / stride policies. Default 4. */
  maxQueue?: number;
  /** `'video'` (default) calls `runForVideo(frame, timestamp)` when the pipeline has it; `'image'` always `run(frame)`. */
  mode?: 'video' | 'image';
  /** Keep each frame for `onResult` (default true). False hands frames the source created to the pipeline (a worker pipeline then transfers instead of copying) and gives `frame: null`. */
  keepFrames?: boolean;
  /** Close the source when the loop ends, or when `runLoop` refuses its arguments (default true). */
  closeSource?: boolean;
  /** Recent frames that rates and percentiles cover. Default 120. */
  statsWindow?: number;
  /** Clock in ms (default `performance.now`); tests inject their own. */
  now?: () => number;
}

/** {@link RunLoopOptions} checked, with their defaults, and the call that runs one frame. @example `if (settings.latest) dropStale();` */
export interface LoopSettings<R> {
  stride: number;
  latest: boolean;
  maxQueue: number;
  keepFrames: boolean;
  closeSource: boolean;
  statsWindow: number;
  now: () => number;
  call: (frame: ImageInput, timestamp: number) => Promise<R>;
}

const OPTION_NAMES = ['policy', 'onResult', 'onError', 'signal', 'maxQueue', 'mode', 'keepFrames', 'closeSource', 'statsWindow', 'now'];

function invalid(message: string): VisionError {
  return new VisionError('INVALID_OPTION', message);
}

function strideOf(policy: unknown): number {
  if (policy === undefined || policy === 'latest' || policy === 'every') return 1;
  const stride = isOptionsObject(policy) ? policy.stride : undefined;
  if (typeof stride === 'number' && Number.isInteger(stride) && stride >= 1) return stride;
  const shown = isOptionsObject(policy) ? `{ stride: ${shownValue(stride)} }` : shownValue(policy);
  throw invalid(`policy ${shown} is not allowed; use 'latest', 'every' or { stride: n } with an integer n ≥ 1`);
}

function callOf<R>(processor: unknown, mode: unknown): LoopSettings<R>['call'] {
  if (typeof processor === 'function') return processor as (frame: ImageInput, timestamp: number) => Promise<R>;
  if (isOptionsObject(processor) && typeof processor.run === 'function') {
    const p = processor as { run(input: ImageInput): Promise<R>; runForVideo?: unknown };
    if (mode !== 'image' && typeof p.runForVideo === 'function') return (f, t) => (p.runForVideo as (i: ImageInput, t: number) => Promise<R>).call(p, f, t);
    return (f) => p.run(f);
  }
  throw new VisionError('INVALID_INPUT', `the processor is ${shownValue(processor)}; pass a pipeline (an object with run() and optionally runForVideo()) or an async function (frame, timestampMs) => result`);
}

/**
 * Checks what `runLoop` was given: the source (a {@link FrameSource}), the processor and every
 * option; `INVALID_INPUT` / `INVALID_OPTION` naming the value and what is allowed.
 *
 * @example
 * ```ts
 * const settings = loopSettings(source, detector, { policy: 'every' }); // settings.stride === 1
 * ```
 */
export function loopSettings<R>(source: unknown, processor: unknown, options: unknown): LoopSettings<R> {
  if (!isOptionsObject(source) || typeof source.next !== 'function' || typeof source.close !== 'function') {
    throw new VisionError('INVALID_INPUT', `the frame source is ${shownValue(source)}; pass a FrameSource (webcam.frames(), fromMediaStream, fromVideoElement, fromVideoFile, fromImages)`);
  }
  const o = sourceOptions(options, 'runLoop options', OPTION_NAMES);
  const stride = strideOf(o.policy);
  for (const name of ['onResult', 'onError', 'now']) {
    if (o[name] !== undefined && typeof o[name] !== 'function') throw invalid(`${name} is ${shownValue(o[name])}; it must be a function`);
  }
  abortSignal(o.signal);
  oneOf(o.mode, 'mode', ['video', 'image']);
  for (const name of ['maxQueue', 'statsWindow']) positiveCount(o[name], name);
  for (const name of ['keepFrames', 'closeSource']) booleanOption(o[name], name);
  return {
    stride,
    latest: (o.policy ?? 'latest') === 'latest',
    maxQueue: (o.maxQueue as number | undefined) ?? 4,
    keepFrames: o.keepFrames !== false,
    closeSource: o.closeSource !== false,
    statsWindow: (o.statsWindow as number | undefined) ?? 120,
    now: (o.now as (() => number) | undefined) ?? (() => performance.now()),
    call: callOf<R>(processor, o.mode),
  };
}

/**
 * Closes the source `runLoop` was given when it refuses its arguments, as the loop would have
 * when it ended (unless the options say `closeSource: false`): the source belongs to the loop
 * from the call on, so `runLoop(webcam.frames(), …)` never leaves a source nobody can close.
 *
 * @example
 * ```ts
 * try { settings = loopSettings(source, processor, options); } catch (e) { closeRefusedSource(source, options); throw e; }
 * ```
 */
export function closeRefusedSource(source: unknown, options: unknown): void {
  if (isOptionsObject(options) && options.closeSource === false) return;
  const close = isOptionsObject(source) ? (source as Partial<FrameSource>).close : undefined;
  if (typeof close !== 'function') return;
  try {
    close.call(source);
  } catch {
    // the source's own failure to close does not hide why the loop was refused
  }
}
