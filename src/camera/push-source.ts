import { VisionError } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import { closeFrame } from '../core/frame-ownership';
import type { FrameSource, SourceFrame } from './frame';

/** Options of a {@link PushFrameSource}. @example `new PushFrameSource({ maxBuffered: 1 })` */
export interface PushFrameSourceOptions {
  /** Frames kept while nobody reads; the oldest is dropped (released) beyond this. Default 2. */
  maxBuffered?: number;
  /** Called once when the source is closed or ends (detach capture callbacks here). */
  onClose?: () => void;
}

type Waiter = { resolve: (r: IteratorResult<SourceFrame>) => void; reject: (e: unknown) => void };

function done(): IteratorResult<SourceFrame> {
  return { value: undefined, done: true };
}

/**
 * A {@link FrameSource} that your own capture code pushes frames into (the camera, video and
 * stream sources are built on it). Live sources cannot wait for a slow reader: when
 * `maxBuffered` frames are waiting, the oldest is released and counted in `dropped`. Frames
 * whose timestamp does not increase are released and ignored.
 *
 * @example
 * ```ts
 * const source = new PushFrameSource();
 * video.requestVideoFrameCallback((now, meta) => source.push(new VideoFrame(video), meta.mediaTime * 1000));
 * runLoop(source, detector, { onResult: draw });
 * ```
 */
export class PushFrameSource implements FrameSource {
  private readonly buffer: SourceFrame[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly maxBuffered: number;
  private readonly onClose: (() => void) | undefined;
  private failure: VisionError | null = null;
  private ended = false;
  private isClosed = false;
  private lastTimestamp = Number.NEGATIVE_INFINITY;
  private count = 0;
  private droppedCount = 0;

  constructor(options: PushFrameSourceOptions = {}) {
    const max = options.maxBuffered ?? 2;
    if (!(Number.isInteger(max) && max >= 1)) throw new VisionError('INVALID_OPTION', `maxBuffered is ${max}; it must be an integer ≥ 1`);
    this.maxBuffered = max;
    this.onClose = options.onClose;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get closed(): boolean {
    return this.isClosed || this.ended;
  }

  /**
   * Adds a frame. `owned` (default true) says the source created it and it is closed on
   * release. Returns false (and releases the frame) when the source is closed or the
   * timestamp does not increase.
   */
  push(frame: ImageInput, timestamp: number, capturedAt: number = performance.now(), owned = true): boolean {
    if (this.closed || !(timestamp > this.lastTimestamp)) {
      if (owned) closeFrame(frame);
      return false;
    }
    this.lastTimestamp = timestamp;
    let released = false;
    const item: SourceFrame = {
      frame,
      timestamp,
      capturedAt,
      index: this.count++,
      owned,
      release: () => {
        if (released) return;
        released = true;
        if (owned) closeFrame(frame);
      },
    };
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve({ value: item, done: false });
      return true;
    }
    this.buffer.push(item);
    while (this.buffer.length > this.maxBuffered) {
      this.buffer.shift()?.release();
      this.droppedCount++;
    }
    return true;
  }

  /** Ends the stream with an error: readers get it from `next()` (once), then the source is done. */
  fail(error: VisionError): void {
    if (this.closed) return;
    this.failure = error;
    this.finish();
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
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
    for (const item of this.buffer.splice(0)) item.release();
    this.finish();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(done());
  }

  next(): Promise<IteratorResult<SourceFrame>> {
    const item = this.buffer.shift();
    if (item) return Promise.resolve({ value: item, done: false });
    if (this.failure) {
      const error = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.closed) return Promise.resolve(done());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<SourceFrame>> {
    this.close();
    return Promise.resolve(done());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.onClose?.();
  }
}
