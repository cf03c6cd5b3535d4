import { linkAbort } from './abort-link';
import { VisionError } from '../core/errors';
import { checkOptionsObject } from '../core/known-options';
import { shownValue } from '../core/shown-value';
import type { ImageInput } from '../core/image-input';
import { closeFrame } from '../core/frame-ownership';
import { CaptureGroup } from './capture-group';
import type { FrameSource, SourceFrame } from './frame';
import { copyVideoFrame, holdsCaptureBuffer } from './frame-copy';

/** Options of a {@link PushFrameSource}. @example `new PushFrameSource({ maxBuffered: 1 })` */
export interface PushFrameSourceOptions {
  /** Frames kept while nobody reads; the oldest is dropped (released) beyond this. Default 1: the newest. */
  maxBuffered?: number;
  /** Called once when the source is closed or ends (detach capture callbacks here). */
  onClose?: () => void;
  /** Sources reading the same camera share one group (see {@link CaptureGroup}). Default: a group of its own. */
  captureGroup?: CaptureGroup;
}

type Waiter = { resolve: (r: IteratorResult<SourceFrame>) => void; reject: (e: unknown) => void; read?: Promise<IteratorResult<SourceFrame>> };

/** A pushed frame and what the source knows of it. */
interface Slot {
  readonly item: SourceFrame;
  picture: ImageInput;
  readonly owned: boolean;
  released: boolean;
  /** Handed to a reader (its picture is then never swapped). */
  taken: boolean;
  copying: boolean;
}

function done(): IteratorResult<SourceFrame> {
  return { value: undefined, done: true };
}

/**
 * A {@link FrameSource} that your own capture code pushes frames into (the camera, video and
 * stream sources are built on it). Live sources cannot wait for a slow reader: when
 * `maxBuffered` frames are waiting, the oldest is released and counted in `dropped`. Frames
 * whose timestamp does not increase are released and ignored.
 *
 * A camera lends its `VideoFrame`s from a few capture buffers and stops delivering, to every
 * reader of that camera, while they are all out (Chromium's fake camera: two). So an owned
 * `VideoFrame` that waits here keeps its capture buffer only while it is the newest waiting
 * frame and no reader of the {@link CaptureGroup} holds a frame of another capture (taken and
 * neither released nor closed); otherwise, a moment after it arrived, it waits as a copy in
 * memory of its own and its buffer goes back. An unread or paused source therefore never stops
 * the camera, and a reader that holds one frame does not either.
 *
 * @example
 * ```ts
 * const source = new PushFrameSource();
 * video.requestVideoFrameCallback((now, meta) => source.push(new VideoFrame(video), meta.mediaTime * 1000));
 * runLoop(source, detector, { onResult: draw });
 * ```
 */
export class PushFrameSource implements FrameSource {
  private readonly buffer: Slot[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly group: CaptureGroup;
  private spareTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly maxBuffered: number;
  private readonly onClose: (() => void) | undefined;
  private unlinkSignal: () => void = () => undefined;
  private failure: VisionError | null = null;
  private ended = false;
  private isClosed = false;
  private lastTimestamp = Number.NEGATIVE_INFINITY;
  private count = 0;
  private droppedCount = 0;

  constructor(options: PushFrameSourceOptions = {}) {
    checkOptionsObject(options, 'PushFrameSource', ['maxBuffered', 'onClose', 'captureGroup']);
    const max = options.maxBuffered ?? 1;
    if (!(Number.isInteger(max) && max >= 1)) throw new VisionError('INVALID_OPTION', `maxBuffered is ${max}; it must be an integer ≥ 1`);
    this.maxBuffered = max;
    if (options.onClose !== undefined && typeof options.onClose !== 'function') throw new VisionError('INVALID_OPTION', `onClose is ${shownValue(options.onClose)}; it must be a function (called once when the source ends)`);
    if (options.captureGroup !== undefined && !(options.captureGroup instanceof CaptureGroup)) {
      throw new VisionError('INVALID_OPTION', `captureGroup is ${shownValue(options.captureGroup)}; it must be a CaptureGroup shared by the sources of one camera`);
    }
    this.onClose = options.onClose;
    this.group = options.captureGroup ?? new CaptureGroup();
  }

  /**
   * Closes the source when `signal` aborts (at once when it has); the listener goes when the
   * source ends, so one signal shared by many sources keeps no listener per ended source.
   *
   * @example
   * ```ts
   * source.closeOnAbort(options.signal); // once the capture is attached
   * ```
   */
  closeOnAbort(signal: AbortSignal | undefined): void {
    if (this.closed) return;
    this.unlinkSignal = linkAbort(signal, () => this.close());
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** The timestamp of the last frame taken (−Infinity before the first): a pushed frame's must be greater. */
  get latestTimestamp(): number {
    return this.lastTimestamp;
  }

  get closed(): boolean {
    return this.isClosed || this.ended;
  }

  /**
   * Adds a frame. `owned` (default true) says the source created it and it is closed on
   * release. Returns false (and releases the frame) when the source is closed or the
   * timestamp does not increase (such a frame counts in `dropped`).
   */
  push(frame: ImageInput, timestamp: number, capturedAt: number = performance.now(), owned = true): boolean {
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
      if (owned) closeFrame(frame);
      // Infinity took every later frame's place: all were dropped as not increasing
      throw new VisionError('INVALID_INPUT', `a pushed frame's timestamp is ${shownValue(timestamp)}; it must be a finite number of ms, greater than the last one's`);
    }
    if (this.closed || !(timestamp > this.lastTimestamp)) {
      if (!this.closed) this.droppedCount++;
      if (owned) closeFrame(frame);
      return false;
    }
    this.lastTimestamp = timestamp;
    const slot = this.slot(frame, timestamp, capturedAt, owned);
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve({ value: this.take(slot), done: false });
      return true;
    }
    this.buffer.push(slot);
    while (this.buffer.length > this.maxBuffered) {
      this.buffer.shift()?.item.release();
      this.droppedCount++;
    }
    // checked a moment later, once the camera's other readers have this capture too
    if (owned && holdsCaptureBuffer(frame)) this.spareTimer ??= setTimeout(() => this.spareCaptureBuffers(), 0);
    return true;
  }

  /** Ends the stream with an error: readers get it from `next()` (once), then the source is done. */
  fail(error: VisionError): void {
    if (this.closed) return;
    this.failure = error;
    this.finish();
    const waiting = this.waiters.splice(0);
    for (const waiter of waiting) waiter.reject(error);
    // told once: a reader that was waiting has it (it came again from the next read)
    if (waiting.length > 0) this.failure = null;
  }

  /**
   * Ends `read` (a promise `next()` gave) as done if it still waits, without closing the source:
   * a loop that stops and leaves the source open (`closeSource: false`) gives up its read, so
   * that the next frame goes to the next reader instead of being released by the stopped one.
   * Other readers' reads wait on.
   *
   * @example
   * ```ts
   * const read = source.next();
   * source.cancelRead(read); // resolves { done: true }
   * ```
   */
  cancelRead(read: Promise<IteratorResult<SourceFrame>>): void {
    const at = this.waiters.findIndex((waiter) => waiter.read === read);
    if (at >= 0) this.waiters.splice(at, 1)[0].resolve(done());
  }

  /** Ends the stream normally: buffered frames can still be read, then `next()` is done. */
  end(): void {
    if (this.closed) return;
    this.finish();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(done());
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const slot of this.buffer.splice(0)) slot.item.release();
    if (this.spareTimer !== null) clearTimeout(this.spareTimer);
    this.finish();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(done());
  }

  next(): Promise<IteratorResult<SourceFrame>> {
    const slot = this.buffer.shift();
    if (slot) return Promise.resolve({ value: this.take(slot), done: false });
    if (this.failure) {
      const error = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.closed) return Promise.resolve(done());
    const waiter: Waiter = { resolve: () => undefined, reject: () => undefined };
    const read = new Promise<IteratorResult<SourceFrame>>((resolve, reject) => Object.assign(waiter, { resolve, reject }));
    waiter.read = read;
    this.waiters.push(waiter);
    return read;
  }

  return(): Promise<IteratorResult<SourceFrame>> {
    this.close();
    return Promise.resolve(done());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private slot(frame: ImageInput, timestamp: number, capturedAt: number, owned: boolean): Slot {
    const slot: Slot = {
      picture: frame,
      owned,
      released: false,
      taken: false,
      copying: false,
      item: {
        get frame() {
          return slot.picture;
        },
        timestamp,
        capturedAt,
        index: this.count++,
        owned,
        release: () => {
          if (slot.released) return;
          slot.released = true;
          this.group.release(slot.item);
          if (owned) closeFrame(slot.picture);
        },
      },
    };
    return slot;
  }

  private take(slot: Slot): SourceFrame {
    slot.taken = true;
    if (slot.owned) this.group.hold(slot.item);
    return slot.item;
  }

  /**
   * Keeps at most one capture buffer waiting: the newest frame's, and none while a reader of the
   * group holds a frame of another capture. The others wait as copies.
   */
  private spareCaptureBuffers(): void {
    this.spareTimer = null;
    const newest = this.buffer[this.buffer.length - 1];
    for (const slot of this.buffer) {
      if (!slot.owned || !holdsCaptureBuffer(slot.picture)) continue;
      if (slot !== newest || this.group.holdsOtherThan(slot.item.timestamp)) this.copyOut(slot);
    }
  }

  /** Replaces a waiting frame's picture by a copy and closes the original (unless it was taken or dropped meanwhile). */
  private copyOut(slot: Slot): void {
    if (slot.copying) return;
    slot.copying = true;
    void copyVideoFrame(slot.picture as VideoFrame).then((copy) => {
      if (!copy) return;
      if (slot.taken || slot.released) {
        copy.close();
        return;
      }
      const original = slot.picture;
      slot.picture = copy;
      closeFrame(original);
    });
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.unlinkSignal();
    this.onClose?.();
  }
}
