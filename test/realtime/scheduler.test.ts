// The frame scheduler's control flow in Node: a push source the test drives by hand and a
// mock pipeline whose runs finish when the test says so (deferreds), so every interleaving
// is deterministic. Policies, frame release, ordering, errors, abort and stats.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import { PushFrameSource, type SourceFrame, fromImages, frameResults, runLoop } from '../../src/camera/index';
import type { ImageInput } from '../../src/core/image-input';
import { Mask } from '../../src/core/mask';
import { RgbaImage } from '../../src/core/rgba-image';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

/** A fake frame that records whether it was closed. */
class FakeFrame {
  closed = false;
  constructor(readonly id: number) {}
}

/** A pipeline whose runs the test finishes one by one; it records what it was given. */
function mockPipeline() {
  const calls: { id: number; timestamp: number; done: Deferred<{ id: number }> }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    async runForVideo(input: ImageInput, timestamp: number) {
      const frame = input as unknown as FakeFrame;
      expect(frame.closed).toBe(false);
      const done = deferred<{ id: number }>();
      calls.push({ id: frame.id, timestamp, done });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await done.promise;
      } finally {
        inFlight--;
      }
    },
    async run(): Promise<{ id: number }> {
      throw new Error('video mode must use runForVideo');
    },
  };
}

/** Pushes a fake frame whose release marks it closed (as closing a VideoFrame would). */
function pushFrame(source: PushFrameSource, id: number, frames: FakeFrame[]): void {
  const frame = new FakeFrame(id);
  frames.push(frame);
  // the push source closes owned frames via closeFrame(), which only knows real frames; wrap release
  source.push(frame as unknown as ImageInput, id * 33, 0, false);
}

/** A push source whose released frames are marked closed. */
function trackedSource(maxBuffered = 8) {
  const source = new PushFrameSource({ maxBuffered });
  const next = source.next.bind(source);
  source.next = async () => {
    const step = await next();
    if (!step.done) {
      const item = step.value;
      const release = item.release;
      const wrapped: SourceFrame = {
        ...item,
        release: () => {
          release();
          (item.frame as unknown as FakeFrame).closed = true;
        },
      };
      return { done: false, value: wrapped };
    }
    return step;
  };
  return source;
}

describe('runLoop policies', () => {
  it("'latest': one frame in flight, one waiting; stale frames are dropped and released", async () => {
    const source = trackedSource();
    const p = mockPipeline();
    const frames: FakeFrame[] = [];
    const results: number[] = [];
    const loop = runLoop(source, p, { onResult: ({ result, timestamp }) => void results.push(result.id, timestamp) });
    pushFrame(source, 0, frames);
    await settle();
    expect(p.calls.map((c) => c.id)).toEqual([0]);
    for (const id of [1, 2, 3]) pushFrame(source, id, frames);
    await settle();
    // 1 and 2 were replaced by newer frames while 0 ran
    expect(frames[1].closed && frames[2].closed).toBe(true);
    expect(frames[3].closed).toBe(false);
    p.calls[0].done.resolve({ id: 0 });
    await settle();
    expect(frames[0].closed).toBe(true);
    expect(p.calls.map((c) => c.id)).toEqual([0, 3]);
    p.calls[1].done.resolve({ id: 3 });
    await settle();
    source.end();
    const stats = await loop.done;
    expect(results).toEqual([0, 0, 3, 99]);
    expect(stats).toMatchObject({ framesIn: 4, processed: 2, dropped: 2, skipped: 0, errors: 0, maxQueued: 1 });
    expect(p.maxInFlight).toBe(1);
    expect(frames.every((f) => f.closed)).toBe(true);
  });

  it("'every': no drops, in order, at most maxQueue waiting (backpressure on a pulled source)", async () => {
    const images = Array.from({ length: 10 }, (_, i) => new FakeFrame(i) as unknown as ImageInput);
    const order: number[] = [];
    let pulled = 0;
    async function* counted() {
      for (const image of images) {
        pulled++;
        yield image;
      }
    }
    const maxAhead: number[] = [];
    const loop = runLoop(fromImages(counted(), { fps: 10 }), async (frame, timestamp) => {
      maxAhead.push(pulled - order.length);
      await new Promise((r) => setTimeout(r, 2));
      order.push((frame as unknown as FakeFrame).id);
      return timestamp;
    }, { policy: 'every', maxQueue: 2 });
    const stats = await loop.done;
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stats).toMatchObject({ framesIn: 10, processed: 10, dropped: 0, skipped: 0 });
    expect(stats.maxQueued).toBeLessThanOrEqual(2);
    // never more than the running frame + 2 queued + 1 being pulled ahead of the results
    expect(Math.max(...maxAhead)).toBeLessThanOrEqual(4);
    // images given to fromImages stay the caller's: not closed
    expect(images.every((f) => !(f as unknown as FakeFrame).closed)).toBe(true);
  });

  it('{ stride: 3 } runs frames 0, 3, 6 and counts the rest as skipped', async () => {
    const seen: number[] = [];
    const stamps: number[] = [];
    const loop = runLoop(
      fromImages(Array.from({ length: 9 }, (_, i) => new FakeFrame(i) as unknown as ImageInput), { fps: 20 }),
      { run: async (f: ImageInput) => (f as unknown as FakeFrame).id },
      { policy: { stride: 3 }, mode: 'image', onResult: ({ result, timestamp }) => void (seen.push(result), stamps.push(timestamp)) },
    );
    const stats = await loop.done;
    expect(seen).toEqual([0, 3, 6]);
    expect(stamps).toEqual([0, 150, 300]);
    expect(stats).toMatchObject({ framesIn: 9, processed: 3, skipped: 6, dropped: 0 });
  });

  it('rejects bad policies and queue sizes with INVALID_OPTION', () => {
    const source = fromImages([]);
    for (const options of [{ policy: { stride: 0 } }, { policy: { stride: 1.5 } }, { policy: 'fastest' }, { maxQueue: 0 }]) {
      expect(() => runLoop(source, async () => 0, options as never)).toThrow(VisionError);
    }
  });

  it('a refused runLoop closes the source it was handed (runLoop(webcam.frames(), …) leaves nothing open), unless closeSource: false', () => {
    const source = new PushFrameSource();
    expect(() => runLoop(source, async () => 0, { policy: 'bogus' as never })).toThrow(VisionError);
    expect(source.closed).toBe(true);
    const kept = new PushFrameSource();
    expect(() => runLoop(kept, async () => 0, { maxQueue: 0, closeSource: false })).toThrow(VisionError);
    expect(kept.closed).toBe(false);
  });
});

describe('runLoop failures and ending', () => {
  it('a failing run ends the loop with a VisionError (INFERENCE_FAILED), releasing waiting frames', async () => {
    const source = trackedSource();
    const p = mockPipeline();
    const frames: FakeFrame[] = [];
    const loop = runLoop(source, p);
    pushFrame(source, 0, frames);
    await settle();
    pushFrame(source, 1, frames);
    await settle();
    p.calls[0].done.reject(new Error('kernel exploded'));
    const error = await loop.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VisionError);
    expect((error as VisionError).code).toBe('INFERENCE_FAILED');
    expect((error as VisionError).message).toContain('kernel exploded');
    expect(frames.every((f) => f.closed)).toBe(true);
    expect(source.closed).toBe(true);
  });

  it('with onError a failing frame is reported and the next frame runs', async () => {
    const errors: string[] = [];
    const results: number[] = [];
    const loop = runLoop(
      fromImages([0, 1, 2, 3].map((i) => new FakeFrame(i) as unknown as ImageInput)),
      async (f) => {
        const id = (f as unknown as FakeFrame).id;
        if (id === 1) throw new VisionError('INVALID_INPUT', 'bad frame');
        return id;
      },
      { policy: 'every', onError: (e, frame) => errors.push(`${e.code}@${frame.index}`), onResult: ({ result }) => void results.push(result) },
    );
    const stats = await loop.done;
    expect(errors).toEqual(['INVALID_INPUT@1']);
    expect(results).toEqual([0, 2, 3]);
    expect(stats.errors).toBe(1);
  });

  it('a source failure (camera unplugged) ends the loop with that error after the run in flight', async () => {
    const source = trackedSource();
    const p = mockPipeline();
    const frames: FakeFrame[] = [];
    const delivered: number[] = [];
    const loop = runLoop(source, p, { onResult: ({ result }) => void delivered.push(result.id) });
    pushFrame(source, 0, frames);
    await settle();
    source.fail(new VisionError('DEVICE_LOST', 'unplugged'));
    let settled = false;
    void loop.done.catch(() => (settled = true));
    await settle();
    expect(settled).toBe(false); // the run in flight is awaited: no dangling promise
    p.calls[0].done.resolve({ id: 0 });
    const error = await loop.done.catch((e: unknown) => e);
    expect((error as VisionError).code).toBe('DEVICE_LOST');
    expect(delivered).toEqual([]); // nothing is delivered after the loop was ended
    expect(frames[0].closed).toBe(true);
  });

  it('a run that fails after stop() (the pipeline disposed in teardown) ends nothing: done resolves, without onError too', async () => {
    for (const withOnError of [false, true]) {
      const source = trackedSource();
      const p = mockPipeline();
      const frames: FakeFrame[] = [];
      const errors: string[] = [];
      const loop = runLoop(source, p, withOnError ? { onError: (e) => void errors.push(e.code) } : {});
      pushFrame(source, 0, frames);
      await settle();
      loop.stop();
      p.calls[0].done.reject(new VisionError('DISPOSED', 'this pipeline was disposed'));
      const stats = await loop.done;
      expect(stats.processed, `onError ${withOnError}`).toBe(0);
      expect(errors).toEqual([]);
      expect(frames.every((f) => f.closed)).toBe(true);
      expect(source.closed).toBe(true);
    }
  });

  it('abort ends the loop: done resolves with the stats, no result after it, frames released', async () => {
    const source = trackedSource();
    const p = mockPipeline();
    const frames: FakeFrame[] = [];
    const controller = new AbortController();
    const delivered: number[] = [];
    const loop = runLoop(source, p, { signal: controller.signal, onResult: ({ result }) => void delivered.push(result.id) });
    pushFrame(source, 0, frames);
    await settle();
    p.calls[0].done.resolve({ id: 0 });
    await settle();
    pushFrame(source, 1, frames);
    await settle();
    pushFrame(source, 2, frames);
    await settle();
    controller.abort();
    p.calls[1].done.resolve({ id: 1 });
    const stats = await loop.done;
    expect(delivered).toEqual([0]);
    expect(stats.processed).toBe(1);
    expect(frames.every((f) => f.closed)).toBe(true);
    expect(source.closed).toBe(true);
  });
});

describe('results nobody will see', () => {
  it('a run that ends after stop() is not delivered, and its masks and pictures are closed (worker segmentation leaked 3 masks a pause)', async () => {
    const source = trackedSource();
    const p = mockPipeline();
    const frames: FakeFrame[] = [];
    const delivered: unknown[] = [];
    const loop = runLoop(source, p, { onResult: ({ result }) => void delivered.push(result) });
    pushFrame(source, 0, frames);
    await settle();
    loop.stop();
    const masks = [Mask.create('probability', 2, 2, new Float32Array(4)), Mask.create('probability', 2, 2, new Float32Array(4))];
    const foreground = RgbaImage.create(2, 2, new Uint8ClampedArray(16));
    const result = { id: 0, categoryMask: masks[0], instances: [{ mask: masks[1] }], foreground, scores: new Float32Array(2) };
    p.calls[0].done.resolve(result as unknown as { id: number });
    await loop.done;
    expect(delivered).toEqual([]);
    expect(masks.every((m) => m.closed)).toBe(true);
    expect(foreground.closed).toBe(true);
    expect(frames.every((f) => f.closed)).toBe(true);
  });
});

describe('the async iterator', () => {
  it('frameResults yields { frame, result, timestamp } in order; the frame is valid until the next step; break stops', async () => {
    const frames = Array.from({ length: 6 }, (_, i) => new FakeFrame(i));
    const source = fromImages(frames as unknown as ImageInput[], { fps: 10 });
    const seen: number[] = [];
    for await (const { frame, result, timestamp } of frameResults(source, async (f) => (f as unknown as FakeFrame).id, { policy: 'every' })) {
      expect((frame as unknown as FakeFrame).id).toBe(result);
      expect(timestamp).toBe(result * 100);
      seen.push(result);
      await new Promise((r) => setTimeout(r, 1));
      if (result === 3) break;
    }
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(source.closed).toBe(true);
  });

  it('frameResults ends normally when the source ends and rethrows a loop failure', async () => {
    const ok: number[] = [];
    for await (const { result } of frameResults(fromImages([1, 2].map((i) => new FakeFrame(i) as unknown as ImageInput)), async (f) => (f as unknown as FakeFrame).id, { policy: 'every' })) ok.push(result);
    expect(ok).toEqual([1, 2]);
    const failing = frameResults(fromImages([new FakeFrame(0) as unknown as ImageInput]), async () => {
      throw new Error('nope');
    });
    await expect(failing.next()).rejects.toMatchObject({ code: 'INFERENCE_FAILED' });
  });

  it('fromImages with realtime paces frames at the given fps', async () => {
    const started = performance.now();
    const stamps: number[] = [];
    for await (const f of fromImages([1, 2, 3, 4].map((i) => new FakeFrame(i) as unknown as ImageInput), { fps: 50, realtime: true })) {
      stamps.push(performance.now() - started);
      f.release();
    }
    expect(stamps[3]).toBeGreaterThanOrEqual(55); // frame 3 is due at 60 ms
  });
});

describe('a signal shared by many loops and sources', () => {
  it('keeps no abort listener for a loop or source that ended (50 loops left 50 listeners and a MaxListenersExceededWarning)', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) {
      const source = fromImages([new FakeFrame(i) as unknown as ImageInput], { signal: controller.signal });
      await runLoop(source, { run: async () => 0 }, { signal: controller.signal, mode: 'image' }).done;
    }
    const pushed = new PushFrameSource();
    pushed.closeOnAbort(controller.signal);
    pushed.end();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // a live one still stops on abort
    const live = fromImages((async function* () {
      yield new FakeFrame(0) as unknown as ImageInput;
      await new Promise(() => undefined);
    })(), { signal: controller.signal });
    const loop = runLoop(live, { run: async () => 0 }, { signal: controller.signal, mode: 'image' });
    controller.abort();
    await loop.done;
    expect(live.closed).toBe(true);
  });
});
