import { describe, it, expect } from 'vitest';
import { ByteTracker, type ByteTrackerOptions } from '../../src/track';
import { isVisionError } from '../../src/core/errors';
import type { Detection } from '../../src/core/types';
import { centred, det, idsPerObject, runFrames, totalIdSwitches } from './helpers';

function errorOf(f: () => unknown): { code: string; message: string } | undefined {
  try {
    f();
  } catch (e) {
    return isVisionError(e) ? { code: e.code, message: e.message } : { code: 'not a VisionError', message: String(e) };
  }
  return undefined;
}

describe('ByteTracker options', () => {
  it('fills in the ByteTrack defaults', () => {
    const o = new ByteTracker().options;
    expect(o).toMatchObject({
      highThreshold: 0.5,
      lowThreshold: 0.1,
      newTrackThreshold: 0.6,
      matchThreshold: 0.8,
      lowMatchThreshold: 0.5,
      tentativeMatchThreshold: 0.7,
      trackBuffer: 30,
      frameRate: 30,
      fuseScore: true,
      maxFramesLost: 30,
    });
  });

  const bad: Array<[ByteTrackerOptions, RegExp]> = [
    [{ highThreshold: 0 }, /highThreshold must be a number in \(0, 1\]; got 0/],
    [{ highThreshold: 1.5 }, /highThreshold must be a number in \(0, 1\]/],
    [{ lowThreshold: 0.6 }, /lowThreshold must be a number in \[0, highThreshold = 0.5\); got 0.6/],
    [{ lowThreshold: -0.1 }, /lowThreshold/],
    [{ newTrackThreshold: 2 }, /newTrackThreshold must be a number in \[0, 1\]/],
    [{ matchThreshold: NaN }, /matchThreshold must be a number in \(0, 1\]; got NaN/],
    [{ lowMatchThreshold: 0 }, /lowMatchThreshold/],
    [{ tentativeMatchThreshold: 1.01 }, /tentativeMatchThreshold/],
    [{ trackBuffer: 2.5 }, /trackBuffer must be a non-negative safe integer/],
    [{ trackBuffer: -1 }, /trackBuffer/],
    // lost tracks kept forever
    [{ trackBuffer: 1e308 }, /trackBuffer must be a non-negative safe integer \(frames at 30 fps\); got 1e\+308/],
    // a misspelt name ran with the default
    [{ track_buffer: 60 } as ByteTrackerOptions, /ByteTracker options has unknown option\(s\) track_buffer; allowed: highThreshold, .*fuseScore/],
    [{ trackThresh: 0.6, highThreshold: 0.6 } as ByteTrackerOptions, /unknown option\(s\) trackThresh/],
    [{ frameRate: 0 }, /frameRate must be a positive finite number/],
    [{ frameRate: Infinity }, /frameRate/],
  ];
  for (const [options, message] of bad) {
    it(`rejects ${JSON.stringify(options).replace('null', 'NaN')}`, () => {
      const e = errorOf(() => new ByteTracker(options));
      expect(e?.code).toBe('INVALID_OPTION');
      expect(e?.message).toMatch(message);
    });
  }

  it('rejects an array as options and quotes string values', () => {
    expect(errorOf(() => new ByteTracker([] as unknown as ByteTrackerOptions))).toEqual({ code: 'INVALID_OPTION', message: 'ByteTracker: options must be an object (or omitted); got an array' });
    expect(errorOf(() => new ByteTracker({ highThreshold: '0.5' as unknown as number }))?.message).toMatch(/got "0.5"$/);
  });

  it('rejects a non-boolean fuseScore', () => {
    expect(errorOf(() => new ByteTracker({ fuseScore: 'yes' as unknown as boolean }))?.code).toBe('INVALID_OPTION');
  });
});

describe('ByteTracker input handling', () => {
  it('skips NaN, infinite, zero-size and inverted boxes and NaN scores, and keeps working', () => {
    const tracker = new ByteTracker();
    const good = (t: number) => det(centred(200 + t, 200, 50, 100));
    tracker.update([good(0)]);
    const junk: Detection[] = [
      det({ x1: NaN, y1: 0, x2: 10, y2: 10 }),
      det({ x1: 0, y1: 0, x2: Infinity, y2: 10 }),
      det({ x1: 5, y1: 5, x2: 5, y2: 50 }),
      det({ x1: 50, y1: 50, x2: 10, y2: 10 }),
      det(centred(600, 600, 40, 40), NaN),
    ];
    for (let t = 1; t < 5; t++) {
      const out = tracker.update([...junk, good(t)]);
      expect(out).toHaveLength(1);
      expect(out[0].trackId).toBe(1);
      expect(out[0].box).toEqual(good(t).box);
    }
    expect(tracker.tracks).toHaveLength(1);
  });

  it('skips boxes beyond ±1e9 or thinner than 1e-6, so every track stays finite', () => {
    const tracker = new ByteTracker();
    const good = (t: number) => det(centred(200 + t, 200, 50, 100));
    const junk: Detection[] = [
      det({ x1: -1e308, y1: -1e308, x2: 1e308, y2: 1e308 }),
      det({ x1: 0, y1: 0, x2: 2e9, y2: 10 }),
      det({ x1: 0, y1: 0, x2: 1e-300, y2: 1e-300 }),
      det({ x1: 10, y1: 10, x2: 20, y2: 10 + 1e-7 }),
    ];
    for (let t = 0; t < 4; t++) {
      const out = tracker.update([...junk, good(t)]);
      expect(out.map((d) => d.trackId)).toEqual([1]);
    }
    expect(tracker.tracks).toHaveLength(1);
    for (const t of tracker.tracks) expect(Object.values(t.box).every(Number.isFinite)).toBe(true);
    // a box just inside the bounds is tracked
    expect(new ByteTracker().update([det({ x1: -1e9, y1: 0, x2: 1e9, y2: 1e-6 })])).toHaveLength(1);
  });

  it('removes a track whose Kalman state overflows over an astronomical timestamp gap', () => {
    const tracker = new ByteTracker({ frameRate: 1e300 }); // 1 ms is 1e297 frames, within the buffer
    const box = centred(300, 300, 60, 120);
    tracker.update([det(box)], 0);
    tracker.update([], 1);
    expect(tracker.tracks).toEqual([]);
    tracker.update([det(box)]); // without a timestamp: one frame; a fresh tentative track
    expect(tracker.update([det(box)])).toEqual([{ ...det(box), trackId: 2 }]);
    expect(Object.values(tracker.tracks[0].box).every(Number.isFinite)).toBe(true);
  });

  it('throws INVALID_INPUT for a non-array or a detection without a box, leaving the state intact', () => {
    const tracker = new ByteTracker();
    tracker.update([det(centred(100, 100, 40, 80))]);
    expect(errorOf(() => tracker.update(null as unknown as Detection[]))?.code).toBe('INVALID_INPUT');
    expect(errorOf(() => tracker.update([{ score: 1 } as unknown as Detection]))?.message).toMatch(/detections\[0\] must be a Detection with a box/);
    expect(tracker.update([det(centred(101, 100, 40, 80))])[0].trackId).toBe(1);
    expect(tracker.tracks[0].age).toBe(1);
  });

  it('does not mutate the input and returns copies with the detected box', () => {
    const tracker = new ByteTracker();
    const input = [det(centred(100, 100, 40, 80))];
    const snapshot = JSON.stringify(input);
    const [out] = tracker.update(input);
    expect(JSON.stringify(input)).toBe(snapshot);
    expect(out).not.toBe(input[0]);
    expect(out).toEqual({ ...input[0], trackId: 1 });
  });

  it('rejects timestamps that do not increase or are not finite', () => {
    const tracker = new ByteTracker();
    tracker.update([], 1000);
    expect(errorOf(() => tracker.update([], 1000))?.message).toMatch(/timestampMs must increase; got 1000 after 1000/);
    expect(errorOf(() => tracker.update([], 900))?.code).toBe('INVALID_INPUT');
    expect(errorOf(() => tracker.update([], NaN))?.code).toBe('INVALID_INPUT');
    expect(() => tracker.update([], 1033)).not.toThrow();
  });

  it('uses timestamps to follow a fast object across irregularly dropped frames', () => {
    // 30 px wide object at 12 px/frame; the scheduler sometimes drops 3-5 frames at once.
    const seen: number[] = [];
    for (let f = 0, k = 0; f < 120; k++) {
      seen.push(f);
      f += k % 6 === 5 ? 3 + (k % 3) : 1;
    }
    const frames = seen.map((f) => {
      const box = centred(50 + 12 * f, 300, 30, 60);
      return [{ gtId: 1, box, detection: det(box) }];
    });
    const timestamps = seen.map((f) => (f * 1000) / 30);
    const withTime = runFrames(new ByteTracker(), frames, timestamps);
    expect(totalIdSwitches(withTime)).toBe(0);
    expect(withTime.every((a) => a.has(1))).toBe(true);
    // Without timestamps each call counts as one frame and the jumps break the track.
    const withoutTime = runFrames(new ByteTracker(), frames);
    expect(idsPerObject(withoutTime).get(1)!.size).toBeGreaterThan(1);
  });

  it('measures the lost-track buffer in time when timestamps are given', () => {
    const tracker = new ByteTracker({ trackBuffer: 30, frameRate: 30 }); // 1 s
    const box = centred(300, 300, 60, 120);
    tracker.update([det(box)], 0);
    tracker.update([det(box)], 33);
    tracker.update([], 900); // one call, 0.9 s later: still within the buffer
    expect(tracker.tracks[0].state).toBe('lost');
    expect(tracker.update([det(box)], 950)[0]?.trackId).toBe(1);
    tracker.update([], 2100); // 1.15 s without a match: removed
    expect(tracker.tracks).toEqual([]);
  });

  it('the buffer lasts the same time whatever the stream\'s rate against frameRate 30 (it was 0.70 s at 20 fps, 1.25 s at 24, 0.50 s at 60)', () => {
    const box = centred(300, 300, 60, 120);
    // the object is seen for 5 frames, hidden for `hidden` frames, then seen again: does it keep its id?
    const keepsId = (fps: number, hidden: number): boolean => {
      const tracker = new ByteTracker(); // trackBuffer 30 at frameRate 30: 1 s
      let frame = 0;
      const step = (detections: ReturnType<typeof det>[]) => tracker.update(detections, (frame++ * 1000) / fps);
      for (let i = 0; i < 5; i++) step([det(box)]);
      for (let i = 0; i < hidden; i++) step([]);
      return step([det(box)])[0]?.trackId === 1;
    };
    for (const fps of [15, 20, 24, 25, 30, 40, 50, 60]) {
      expect(keepsId(fps, Math.floor(fps * 0.95)), `${fps} fps, hidden 0.95 s`).toBe(true);
      expect(keepsId(fps, Math.ceil(fps * 1.1)), `${fps} fps, hidden 1.1 s`).toBe(false);
    }
  });
});

describe('ByteTracker frame gaps count in whole frames', () => {
  const box = { x1: 100, y1: 100, x2: 200, y2: 300 };
  const ids = (options: ByteTrackerOptions, gapMs: number, frames = 6): number[] => {
    const tracker = new ByteTracker(options);
    return Array.from({ length: frames }, (_, i) => tracker.update([det(box)], i * gapMs)[0]?.trackId ?? 0);
  };

  it('an object seen in every frame keeps its id when frames come a little late (trackBuffer 0 gave ids 1, 2, 3, … at 34 ms)', () => {
    expect(ids({ trackBuffer: 0 }, 34)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(ids({ trackBuffer: 0, frameRate: 25 }, 40.5)).toEqual([1, 1, 1, 1, 1, 1]);
    // one frame dropped each time (70 ms at 30 fps): within a buffer of 1
    expect(ids({ trackBuffer: 1 }, 70)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a gap longer than the buffer still ends every track', () => {
    // three frames (100 ms) between calls with no buffer: each call starts afresh
    expect(ids({ trackBuffer: 0 }, 100, 3)).toEqual([1, 2, 3]);
  });
});
