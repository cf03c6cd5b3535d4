import { linkAbort } from './abort-link';
import { VisionError } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import { closeFrame } from '../core/frame-ownership';
import { shownValue } from '../core/shown-value';
import type { FrameSource, SourceFrame } from './frame';
import { abortSignal, booleanOption, positiveNumber, sourceOptions } from './option-checks';

/**
 * Options of {@link fromImages}.
 *
 * @example
 * ```ts
 * fromImages(paths, { fps: 10, realtime: true });
 * ```
 */
export interface ImageSourceOptions {
  /** Frame rate the timestamps follow (`timestamp = index * 1000 / fps`). Default 30. */
  fps?: number;
  /** Deliver each image no earlier than its time (like a camera would). Default false: as fast as read. */
  realtime?: boolean;
  /** The source closes `ImageBitmap` / `VideoFrame` images once released. Default false: they stay yours. */
  owned?: boolean;
  /** Stops the source (pending `next()` ends). */
  signal?: AbortSignal;
}

type AnyIterator = Iterator<ImageInput> | AsyncIterator<ImageInput>;

function iteratorOf(images: Iterable<ImageInput> | AsyncIterable<ImageInput>): AnyIterator {
  const list = images as Partial<Iterable<ImageInput> & AsyncIterable<ImageInput>> | null;
  if (typeof list?.[Symbol.asyncIterator] === 'function') return (images as AsyncIterable<ImageInput>)[Symbol.asyncIterator]();
  if (typeof list === 'object' && typeof list?.[Symbol.iterator] === 'function') return (images as Iterable<ImageInput>)[Symbol.iterator]();
  throw new VisionError('INVALID_INPUT', `fromImages needs an array or (async) iterable of images; got ${shownValue(images)}`);
}

class ImageListSource implements FrameSource {
  private readonly iterator: AnyIterator;
  private readonly interval: number;
  private started = -1;
  private count = 0;
  private isClosed = false;
  private sleeping: { timer: ReturnType<typeof setTimeout>; wake: () => void } | null = null;
  private unlinkSignal: () => void = () => undefined;
  /** The read in progress: the next waits for it. */
  private reading: Promise<unknown> = Promise.resolve();

  constructor(
    images: Iterable<ImageInput> | AsyncIterable<ImageInput>,
    private readonly options: ImageSourceOptions,
  ) {
    const o = sourceOptions(options, 'fromImages options', ['fps', 'realtime', 'owned', 'signal']);
    positiveNumber(o.fps, 'fps');
    for (const name of ['realtime', 'owned']) booleanOption(o[name], name);
    abortSignal(o.signal);
    this.interval = 1000 / (options.fps ?? 30);
    this.iterator = iteratorOf(images);
    this.unlinkSignal = linkAbort(options.signal, () => this.close());
  }

  readonly dropped = 0;

  get closed(): boolean {
    return this.isClosed;
  }

  /** Reads in turn, as an async generator does: calls made together got the same index and timestamp. */
  next(): Promise<IteratorResult<SourceFrame>> {
    const read = this.reading.then(() => this.read());
    this.reading = read.catch(() => undefined);
    return read;
  }

  private async read(): Promise<IteratorResult<SourceFrame>> {
    if (this.isClosed) return { value: undefined, done: true };
    const index = this.count;
    if (this.options.realtime) {
      if (this.started < 0) this.started = performance.now();
      await this.sleep(this.started + index * this.interval - performance.now());
    }
    const step = await this.iterator.next();
    if (this.isClosed || step.done) {
      if (!step.done && this.options.owned) closeFrame(step.value);
      this.close();
      return { value: undefined, done: true };
    }
    this.count++;
    const frame = step.value;
    const owned = this.options.owned ?? false;
    let released = false;
    return {
      done: false,
      value: {
        frame,
        timestamp: index * this.interval,
        capturedAt: performance.now(),
        index,
        owned,
        release: () => {
          if (released) return;
          released = true;
          if (owned) closeFrame(frame);
        },
      },
    };
  }

  return(): Promise<IteratorResult<SourceFrame>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.unlinkSignal();
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.wake();
    }
    const ended: unknown = this.iterator.return?.();
    // an async source's own cleanup failing (a generator's finally) is its own: it must not end the process as an unhandled rejection
    if (ended instanceof Promise) ended.catch(() => undefined);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.sleeping = null;
        resolve();
      };
      this.sleeping = { timer: setTimeout(wake, ms), wake };
    });
  }
}

/**
 * A {@link FrameSource} over a list (or async iterable) of images — photos, canvases, raw
 * pixel buffers, or file paths in Node — for tests, batch jobs and Node. Frames are pulled:
 * a slow reader is never skipped (use `realtime: true` to pace them like a camera). The
 * images stay the caller's unless `owned: true`.
 *
 * @example
 * ```ts
 * const source = fromImages(['a.jpg', 'b.jpg', 'c.jpg'], { fps: 10 });
 * await runLoop(source, detector, { policy: 'every', onResult: ({ result }) => console.log(result) }).done;
 * ```
 */
export function fromImages(images: Iterable<ImageInput> | AsyncIterable<ImageInput>, options: ImageSourceOptions = {}): FrameSource {
  return new ImageListSource(images, options);
}
