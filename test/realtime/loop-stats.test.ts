// Loop statistics (test/realtime/scheduler.test.ts has the policies): latency percentiles and
// fps from the frames' capture times on an injected clock, fps that reach 0 once frames stop,
// and a push source's dropped count.
import { describe, expect, it } from 'vitest';
import { PushFrameSource, runLoop } from '../../src/camera/index';
import type { ImageInput } from '../../src/core/image-input';

const settle = () => new Promise<void>((r) => setTimeout(r, 0));

/** A frame of one pixel (the push source takes any image input). */
class FakeFrame {
  constructor(readonly id: number) {}
}

describe('loop statistics', () => {
  it('latency percentiles and fps come from the frames capture times (injected clock)', async () => {
    let clock = 0;
    const source = new PushFrameSource({ maxBuffered: 4 });
    const loop = runLoop(
      source,
      async () => {
        clock += 10; // each run takes 10 ms
        return { timing: { preprocess: 2, inference: 7, postprocess: 1, total: 10 } };
      },
      { policy: 'every', now: () => clock },
    );
    for (let i = 0; i < 20; i++) {
      clock = i * 40; // frames every 40 ms (25 fps), each processed at once
      source.push({ data: new Uint8Array(4), width: 1, height: 1, channels: 4 }, i * 40, clock, false);
      await settle();
    }
    source.end();
    const stats = await loop.done;
    expect(stats.processed).toBe(20);
    expect(stats.inputFps).toBeCloseTo(25, 5);
    expect(stats.processedFps).toBeCloseTo(25, 5);
    expect(stats.latency.captureToResult).toMatchObject({ p50: 10, p95: 10, max: 10, count: 20 });
    expect(stats.latency.inference.p50).toBe(7);
    expect(stats.latency.preprocess.p95).toBe(2);
  });

  it('a pushed frame whose timestamp does not increase is refused and counted in dropped (it vanished uncounted)', () => {
    const source = new PushFrameSource({ maxBuffered: 4 });
    const frames = [0, 1, 2].map((i) => new FakeFrame(i));
    expect(source.push(frames[0] as unknown as ImageInput, 100)).toBe(true);
    expect(source.push(frames[1] as unknown as ImageInput, 100)).toBe(false);
    expect(source.push(frames[2] as unknown as ImageInput, 50)).toBe(false);
    expect([source.dropped, source.latestTimestamp]).toEqual([2, 100]);
    source.close();
    expect(source.push(new FakeFrame(3) as unknown as ImageInput, 200)).toBe(false);
    expect(source.dropped).toBe(2); // a closed source refuses without counting
  });

  it('fps falls to 0 within its horizon once frames stop coming (it held the last rate: 30 fps 3 s after the camera paused; then 17 fps)', async () => {
    let clock = 0;
    const source = new PushFrameSource({ maxBuffered: 4 });
    const loop = runLoop(source, async () => ({ timing: { preprocess: 0, inference: 0, postprocess: 0, total: 0 } }), { policy: 'every', now: () => clock });
    for (let i = 0; i < 30; i++) {
      clock = i * 33;
      source.push({ data: new Uint8Array(4), width: 1, height: 1, channels: 4 }, i * 33, clock, false);
      await settle();
    }
    expect(loop.stats().inputFps).toBeCloseTo(1000 / 33, 5);
    // half the (957 ms) horizon later, half the frames count; past it, none
    clock += 957 / 2;
    expect(loop.stats().inputFps).toBeGreaterThan(10);
    expect(loop.stats().inputFps).toBeLessThan(20);
    clock += 957 / 2 + 1;
    expect(loop.stats()).toMatchObject({ inputFps: 0, processedFps: 0 });
    // a long run (more frames than the 2-s horizon holds): the last 2 s count
    for (let i = 0; i < 150; i++) {
      clock = 10_000 + i * 40;
      source.push({ data: new Uint8Array(4), width: 1, height: 1, channels: 4 }, 10_000 + i * 40, clock, false);
      await settle();
    }
    expect(loop.stats().inputFps).toBeCloseTo(25, 5);
    clock += 1000;
    expect(loop.stats().inputFps).toBeCloseTo(12.5, 5);
    clock += 1001;
    expect(loop.stats().inputFps).toBe(0);
    source.end();
    await loop.done;
  });
});
