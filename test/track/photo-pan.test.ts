import { describe, it, expect } from 'vitest';
import { ByteTracker } from '../../src/track';
import type { Box } from '../../src/core/types';
import { det, gaussian, idsPerObject, mulberry32, runFrames, totalIdSwitches, trackedFrames, type GtObject } from './helpers';

// Three person boxes a detector reports on a 1280×853 group photo (people side by side,
// neighbouring boxes overlapping a little). The lead adds the same test on real model output.
const WIDTH = 1280;
const HEIGHT = 853;
const PEOPLE: Array<{ box: Box; score: number }> = [
  { box: { x1: 110, y1: 168, x2: 495, y2: 845 }, score: 0.91 },
  { box: { x1: 458, y1: 204, x2: 833, y2: 840 }, score: 0.88 },
  { box: { x1: 807, y1: 116, x2: 1244, y2: 841 }, score: 0.93 },
];

/** The photo seen by a camera panning right at `speed` px/frame: boxes slide left, clipped to the frame. */
function panFrames(frames: number, speed: number, seed: number, dropped: (person: number, f: number) => boolean): GtObject[][] {
  const noise = gaussian(mulberry32(seed));
  const clipX = (x: number) => Math.min(WIDTH, Math.max(0, x));
  const clipY = (y: number) => Math.min(HEIGHT, Math.max(0, y));
  return Array.from({ length: frames }, (_, f) =>
    PEOPLE.map((p, i) => {
      const shift = speed * f;
      const box = { x1: clipX(p.box.x1 - shift), y1: p.box.y1, x2: clipX(p.box.x2 - shift), y2: p.box.y2 };
      const noisy = {
        x1: clipX(box.x1 + 1.5 * noise()),
        y1: clipY(box.y1 + 1.5 * noise()),
        x2: clipX(box.x2 + 1.5 * noise()),
        y2: clipY(box.y2 + 1.5 * noise()),
      };
      const score = Math.min(0.99, p.score + 0.03 * noise());
      return { gtId: i + 1, box, detection: dropped(i, f) ? undefined : det(noisy, score, 0, WIDTH, HEIGHT) };
    }),
  );
}

describe('ByteTracker on a panned real-photo layout', () => {
  it('keeps three stable ids over 60 frames of a 4 px/frame pan with one person missed for 5 frames', () => {
    const frames = panFrames(60, 4, 11, (person, f) => person === 1 && f >= 25 && f < 30);
    const tracker = new ByteTracker();
    const history = runFrames(tracker, frames);
    expect(totalIdSwitches(history)).toBe(0);
    const ids = idsPerObject(history);
    expect([...ids.values()].map((s) => s.size)).toEqual([1, 1, 1]);
    expect(new Set([...ids.values()].map((s) => [...s][0]))).toEqual(new Set([1, 2, 3]));
    expect(trackedFrames(history, 1)).toBe(60);
    expect(trackedFrames(history, 2)).toBe(55); // not reported while missed, same id after
    expect(trackedFrames(history, 3)).toBe(60);
    // Every track moves with the pan (the left person at half speed once clipped at x = 0).
    expect(tracker.tracks.every((t) => t.state === 'tracked')).toBe(true);
    const vx = tracker.tracks.map((t) => t.velocity.x);
    expect(vx[0]).toBeLessThan(-1.5);
    expect(vx[0]).toBeGreaterThan(-2.5);
    expect(vx[1]).toBeLessThan(-3.5);
    expect(vx[2]).toBeLessThan(-3.5);
  });

  it('stays stable over several noise seeds and a faster 8 px/frame pan', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const frames = panFrames(60, 8, seed, (person, f) => person === (seed % 3) && f >= 20 && f < 25);
      const history = runFrames(new ByteTracker(), frames);
      expect(totalIdSwitches(history)).toBe(0);
      expect([...idsPerObject(history).values()].map((s) => s.size)).toEqual([1, 1, 1]);
    }
  });
});
