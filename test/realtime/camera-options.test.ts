// What the webcam, the frame sources and runLoop are given is checked at the boundary, before a
// device or a frame is touched (so this runs in Node, with a stub camera where one must be
// open): bad values are VisionErrors whose message names the value and what is allowed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PushFrameSource, Webcam, fromImages, fromMediaStream, fromVideoFile, runLoop } from '../../src/camera/index';
import { VisionError } from '../../src/core/errors';
import type { ImageInput } from '../../src/core/image-input';

async function failure(work: () => unknown): Promise<VisionError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(VisionError);
    return error as VisionError;
  }
  throw new Error('expected a VisionError, but it did not fail');
}

/** A navigator whose getUserMedia gives a live stub track (enough for Webcam.open). */
function stubCamera(): void {
  const track = { readyState: 'live', id: 'stub', label: 'stub', addEventListener() {}, removeEventListener() {}, stop() {}, getSettings: () => ({}) };
  const stream = { getVideoTracks: () => [track], getTracks: () => [track] };
  vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: async () => stream, enumerateDevices: async () => [] } });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Webcam options', () => {
  it('Webcam.open(null) and non-object options are INVALID_OPTION (not a TypeError)', async () => {
    for (const options of [null, 'x', 5, []]) {
      const error = await failure(() => Webcam.open(options as never));
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toMatch(/Webcam\.open options must be an object \(\{ deviceId, facingMode, width, height, frameRate, signal \}\)/);
    }
  });

  it('bad sizes, rates, facing modes, device ids and signals are INVALID_OPTION naming the option, before the camera is asked', async () => {
    const getUserMedia = vi.fn();
    vi.stubGlobal('navigator', { mediaDevices: { getUserMedia } });
    const cases: [object, RegExp][] = [
      [{ width: -5 }, /width is -5; it must be a finite number > 0/],
      [{ width: 'abc' }, /width is "abc"/],
      [{ height: Number.NaN }, /height is NaN/],
      [{ frameRate: Number.POSITIVE_INFINITY }, /frameRate is Infinity/],
      [{ facingMode: 'sideways' }, /facingMode is "sideways"; it must be 'user' or 'environment'/],
      [{ deviceId: '' }, /deviceId is ""; it must be a non-empty string/],
      [{ deviceId: 7 }, /deviceId is 7/],
      [{ signal: 'x' }, /signal is "x"; it must be an AbortSignal/],
    ];
    for (const [options, message] of cases) {
      const error = await failure(() => Webcam.open(options as never));
      expect(error.code, JSON.stringify(options)).toBe('INVALID_OPTION');
      expect(error.message).toMatch(message);
    }
    expect(getUserMedia).not.toHaveBeenCalled();
  });

  it('frames() and switchTo() check their arguments', async () => {
    stubCamera();
    const camera = await Webcam.open({ width: 640 });
    for (const [options, message] of [
      ['x', /webcam\.frames\(\) options must be an object/],
      [null, /must be an object/],
      [{ maxBuffered: 0 }, /maxBuffered is 0; it must be an integer ≥ 1/],
      [{ frameType: 'png' }, /frameType is "png"; it must be 'videoframe' or 'bitmap'/],
      [{ via: 'canvas' }, /via is "canvas"/],
      [{ signal: {} }, /signal is an object; it must be an AbortSignal/],
      [{ maxBufferd: 2 }, /webcam\.frames\(\) options has unknown option\(s\) maxBufferd/],
    ] as const) {
      const error = await failure(() => camera.frames(options as never));
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toMatch(message);
    }
    expect((await failure(() => camera.switchTo(undefined as never))).message).toMatch(/deviceId is undefined; it must be a non-empty string/);
    camera.stop();
  });
});

describe('frame source arguments', () => {
  it('fromImages, fromMediaStream and fromVideoFile reject what they cannot read', async () => {
    expect((await failure(() => fromImages([], 'x' as never))).code).toBe('INVALID_OPTION');
    expect((await failure(() => fromImages([], { fps: Number.NaN }))).message).toMatch(/fps is NaN; it must be a finite number > 0/);
    expect((await failure(() => fromImages([], { realtime: 'yes' as never }))).message).toMatch(/realtime is "yes"; it must be true or false/);
    expect((await failure(() => fromImages(null as never))).code).toBe('INVALID_INPUT');
    expect((await failure(() => fromImages('a.jpg' as never))).message).toMatch(/an array or \(async\) iterable of images; got "a\.jpg"/);
    expect((await failure(() => fromMediaStream(null as never))).code).toBe('INVALID_INPUT');
    expect((await failure(() => fromVideoFile(42 as never))).code).toBe('INVALID_INPUT');
    // misspelt names were ignored
    expect((await failure(() => fromImages([], { fsp: 5 } as never))).message).toMatch(/fromImages options has unknown option\(s\) fsp; allowed: fps, realtime, owned, signal/);
    expect(() => new PushFrameSource({ maxBufered: 5 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/PushFrameSource options has unknown option\(s\) maxBufered; allowed: maxBuffered/) }));
    // a TypeError at close() or at the first push
    expect(() => new PushFrameSource({ onClose: 5 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'onClose is 5; it must be a function (called once when the source ends)' }));
    expect(() => new PushFrameSource({ captureGroup: 5 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/^captureGroup is 5; it must be a CaptureGroup/) }));
    // in Node: a ReferenceError (document is not defined)
    expect(await failure(() => fromVideoFile('clip.mp4'))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/only a page has; in Node, run a video through the CLI/) });
  });

  it('a pushed timestamp must be a finite number: Infinity took every later frame down with it', () => {
    const source = new PushFrameSource({ maxBuffered: 4 });
    for (const bad of [Number.POSITIVE_INFINITY, Number.NaN, '5']) {
      expect(() => source.push({ data: new Uint8Array(3), width: 1, height: 1, channels: 3 }, bad as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/timestamp is .*; it must be a finite number of ms/) }));
    }
    expect(source.push({ data: new Uint8Array(3), width: 1, height: 1, channels: 3 }, 10)).toBe(true);
    source.close();
  });
});

describe('reading a push source', () => {
  const pixel = (): ImageInput => ({ data: new Uint8Array(3), width: 1, height: 1, channels: 3 });

  it('fail() reaches a waiting reader once, then the source is done (it came twice)', async () => {
    const source = new PushFrameSource();
    const waiting = source.next();
    source.fail(new VisionError('DEVICE_LOST', 'camera unplugged'));
    await expect(waiting).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    await expect(source.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('a loop stopped with closeSource: false gives up its waiting read: the next loop gets every frame pushed after (the first went to the stopped loop)', async () => {
    const source = new PushFrameSource({ maxBuffered: 8 });
    const seen: number[] = [];
    const processor = { run: async () => ({}) };
    const first = runLoop(source, processor as never, { policy: 'every', closeSource: false });
    source.push(pixel(), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    first.stop();
    await first.done;
    const second = runLoop(source, processor as never, { policy: 'every', closeSource: false, onResult: ({ timestamp }) => void seen.push(timestamp) });
    for (const t of [2, 3, 4, 5]) source.push(pixel(), t);
    await new Promise((resolve) => setTimeout(resolve, 50));
    second.stop();
    await second.done;
    expect(seen).toEqual([2, 3, 4, 5]);
    source.close();
  });

  it('a loop started before the first one stops keeps reading: only the stopped loop gives up its read (a hand-over without a gap)', async () => {
    const source = new PushFrameSource({ maxBuffered: 8 });
    const processor = { run: async () => ({}) };
    const [seenA, seenB]: number[][] = [[], []];
    const a = runLoop(source, processor as never, { policy: 'every', closeSource: false, onResult: ({ timestamp }) => void seenA.push(timestamp) });
    source.push(pixel(), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const b = runLoop(source, processor as never, { policy: 'every', closeSource: false, onResult: ({ timestamp }) => void seenB.push(timestamp) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    a.stop();
    await a.done;
    for (const t of [2, 3]) source.push(pixel(), t);
    await new Promise((resolve) => setTimeout(resolve, 50));
    b.stop();
    await b.done;
    expect([seenA, seenB]).toEqual([[1], [2, 3]]);
    source.close();
  });

  it('fromImages read twice at once gives each frame its own index and timestamp', async () => {
    const source = fromImages([pixel(), pixel(), pixel()], { fps: 10 });
    const [a, b] = await Promise.all([source.next(), source.next()]);
    expect([a.value?.index, b.value?.index, a.value?.timestamp, b.value?.timestamp]).toEqual([0, 1, 0, 100]);
    source.close();
  });
});

describe('runLoop arguments', () => {
  const frame = { data: new Uint8Array(4), width: 1, height: 1, channels: 4 } as ImageInput;

  it('a null or shapeless processor is INVALID_INPUT at the call (no TypeError, no error later), and the source is closed', async () => {
    for (const processor of [null, {}, { run: 5 }, 'detector']) {
      const source = new PushFrameSource();
      const error = await failure(() => runLoop(source, processor as never));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/pass a pipeline \(an object with run\(\) and optionally runForVideo\(\)\) or an async function/);
      expect(source.closed).toBe(true);
    }
    for (const source of [null, {}, 'camera']) {
      const error = await failure(() => runLoop(source as never, async () => 0));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/pass a FrameSource/);
    }
  });

  it('bad options are INVALID_OPTION naming the option; the source it was handed is closed unless closeSource is false', async () => {
    const cases: [unknown, RegExp][] = [
      ['x', /runLoop options must be an object/],
      [{ policy: 'bogus' }, /policy "bogus" is not allowed/],
      [{ policy: { stride: 0 } }, /policy \{ stride: 0 \} is not allowed/],
      [{ onResult: 5 }, /onResult is 5; it must be a function/],
      [{ onError: 'log' }, /onError is "log"/],
      [{ mode: 'bogus' }, /mode is "bogus"; it must be 'video' or 'image'/],
      [{ statsWindow: -1 }, /statsWindow is -1; it must be an integer ≥ 1/],
      [{ maxQueue: 1.5 }, /maxQueue is 1.5/],
      [{ keepFrames: 'no' }, /keepFrames is "no"; it must be true or false/],
      [{ signal: 'x' }, /signal is "x"; it must be an AbortSignal/],
      [{ now: 0 }, /now is 0/],
      // a misspelt name ran the default 'latest' policy
      [{ polcy: 'every' }, /runLoop options has unknown option\(s\) polcy; allowed: policy, onResult/],
    ];
    for (const [options, message] of cases) {
      const source = new PushFrameSource();
      const error = await failure(() => runLoop(source, async () => 0, options as never));
      expect(error.code, JSON.stringify(options)).toBe('INVALID_OPTION');
      expect(error.message).toMatch(message);
      expect(source.closed).toBe(true);
    }
    const kept = new PushFrameSource();
    await failure(() => runLoop(kept, async () => 0, { policy: 'bogus' as never, closeSource: false }));
    expect(kept.closed).toBe(false);
    expect(kept.push(frame, 1, 0, false)).toBe(true); // still the caller's, still open
  });

  it('DISPOSED is final: onError hears it once and the loop ends (done resolves; it went on calling before)', async () => {
    const source = new PushFrameSource();
    const heard: string[] = [];
    let calls = 0;
    const loop = runLoop(
      source,
      async () => {
        calls++;
        throw new VisionError('DISPOSED', 'this pipeline was disposed');
      },
      { onError: (error) => heard.push(error.code) },
    );
    for (let t = 1; t <= 5; t++) {
      source.push(frame, t, 0, false);
      await new Promise((r) => setTimeout(r, 0));
    }
    const stats = await loop.done;
    expect(stats).toMatchObject({ errors: 1, processed: 0 });
    expect(heard).toEqual(['DISPOSED']);
    expect(calls).toBe(1);
    expect(source.closed).toBe(true);
  });
});
