// The video-mode clock every tracking pipeline shares: frames analysed one after another in call
// order, timestamps checked in each frame's turn, a failed frame neither recorded nor blocking.
import { describe, expect, it } from 'vitest';
import { VideoClock } from '../../src/pipelines/shared/video-clock';
import { expectVisionError } from '../runtime/helpers';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('VideoClock', () => {
  it('runs overlapping frames one after another in call order, whatever each one takes', async () => {
    const clock = new VideoClock();
    const events: string[] = [];
    const frame = (t: number, ms: number) =>
      clock.frame(t, async () => {
        events.push(`start ${t}`);
        await later(ms);
        events.push(`end ${t}`);
        return t;
      });
    expect(await Promise.all([frame(1, 30), frame(2, 1), frame(3, 10)])).toEqual([1, 2, 3]);
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('checks a timestamp in its turn against the last analysed frame; a failed frame leaves none and blocks nothing', async () => {
    const clock = new VideoClock();
    const slow = clock.frame(100, () => later(20).then(() => 'a'));
    const earlier = clock.frame(90, async () => 'never');
    const failing = clock.frame(120, async () => {
      throw new Error('bad image');
    });
    const again = clock.frame(120, async () => 'b');
    expect(await slow).toBe('a');
    expect((await expectVisionError(earlier, 'INVALID_INPUT')).message).toBe('timestampMs must increase from frame to frame; got 90 after 100 (reset() starts a new video)');
    await expect(failing).rejects.toThrow('bad image');
    expect(await again).toBe('b');
    await expectVisionError(clock.frame(120, async () => 'c'), 'INVALID_INPUT');
  });

  it('refuses a timestamp that is not a finite number at once, without waiting for the frames in flight', async () => {
    const clock = new VideoClock();
    let done = false;
    const pending = clock.frame(1, () => later(50).then(() => (done = true)));
    for (const bad of [Number.NaN, Infinity, '5' as unknown as number]) {
      expect((await expectVisionError(clock.frame(bad, async () => 0), 'INVALID_INPUT')).message).toMatch(/timestampMs must be a finite number/);
    }
    expect(done).toBe(false);
    await pending;
  });
});
