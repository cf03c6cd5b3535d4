import { describe, it, expect } from 'vitest';
import { KeypointSmoother, OneEuroBank, OneEuroFilter } from '../../src/track';
import { isVisionError } from '../../src/core/errors';
import { OneEuroFilter as PeerOneEuroFilter } from '@tensorflow-models/pose-detection/dist/shared/filters/one_euro_filter';
import { gaussian, mulberry32 } from './helpers';

const HZ = 60;
const ms = (i: number) => (i * 1000) / HZ;

function variance(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
}

/** Jitter reduction (raw variance / filtered variance) on a still signal with σ = 2 noise. */
function jitterReduction(beta: number): number {
  const noise = gaussian(mulberry32(5));
  const f = new OneEuroFilter({ minCutoff: 1, beta });
  const raw: number[] = [];
  const out: number[] = [];
  for (let i = 0; i < 600; i++) {
    const x = 100 + 2 * noise();
    raw.push(x);
    out.push(f.filter(x, ms(i)));
  }
  return variance(raw.slice(60)) / variance(out.slice(60));
}

/** Samples after a 0 → 100 step until the output reaches 90. */
function stepLag(beta: number): number {
  const f = new OneEuroFilter({ minCutoff: 1, beta });
  for (let i = 0; i < 60; i++) f.filter(0, ms(i));
  for (let i = 60; i < 200; i++) if (f.filter(100, ms(i)) >= 90) return i - 60 + 1;
  return Infinity;
}

describe('OneEuroFilter', () => {
  it('follows the published equations (hand-computed first steps)', () => {
    // dt = 0.1 s, minCutoff 1 Hz: α = 1 / (1 + τ/dt), τ = 1/(2π·1) → α = 0.385869…
    const plain = new OneEuroFilter({ minCutoff: 1 });
    expect(plain.filter(0, 0)).toBe(0); // the first sample passes through
    expect(plain.filter(10, 100)).toBeCloseTo(3.8586954509503752, 12);
    // With beta 0.1: speed 100/s low-passed at dCutoff 1 Hz → 38.59; cutoff 4.8587 Hz → α = 0.75326.
    const adaptive = new OneEuroFilter({ minCutoff: 1, beta: 0.1, dCutoff: 1 });
    adaptive.filter(0, 0);
    expect(adaptive.filter(10, 100)).toBeCloseTo(7.532575181149229, 12);
  });

  it('cuts jitter on a still signal by a large factor while lagging little on a step', () => {
    const beta = 0.01;
    expect(jitterReduction(beta)).toBeGreaterThan(10);
    expect(stepLag(beta)).toBeLessThanOrEqual(4); // ≤ 67 ms at 60 Hz
    // A plain low-pass with the same still-signal cutoff (beta = 0) smooths slightly more
    // but lags several times longer: the speed-adaptive cutoff is what buys the low lag.
    expect(jitterReduction(0)).toBeGreaterThan(15);
    expect(stepLag(0)).toBeGreaterThan(5 * stepLag(beta));
  });

  it('respects timestamps: the same samples smooth less when they are further apart', () => {
    const run = (stepMs: number) => {
      const f = new OneEuroFilter({ minCutoff: 1 });
      f.filter(0, 0);
      return f.filter(10, stepMs);
    };
    expect(run(10)).toBeLessThan(1); // 10 ms later: mostly the old value
    expect(run(1000)).toBeGreaterThan(8.5); // a second later: mostly the new value
    // Irregular timing: a 50 ms gap moves the output as much as five 10 ms steps would, roughly.
    const gap = new OneEuroFilter({ minCutoff: 1 });
    gap.filter(0, 0);
    const once = gap.filter(10, 50);
    const steps = new OneEuroFilter({ minCutoff: 1 });
    steps.filter(0, 0);
    let many = 0;
    for (let i = 1; i <= 5; i++) many = steps.filter(10, 10 * i);
    expect(Math.abs(once - many) / many).toBeLessThan(0.1);
  });

  it('returns the previous output for a repeated timestamp and rejects going backwards or NaN', () => {
    const f = new OneEuroFilter();
    f.filter(1, 100);
    const y = f.filter(5, 200);
    expect(f.filter(50, 200)).toBe(y);
    const code = (g: () => unknown) => {
      try {
        g();
      } catch (e) {
        return isVisionError(e) ? e.code : 'other';
      }
      return undefined;
    };
    expect(code(() => f.filter(1, 150))).toBe('INVALID_INPUT');
    expect(code(() => f.filter(NaN, 300))).toBe('INVALID_INPUT');
    expect(f.filter(5, 216)).toBeGreaterThan(y - 1e-9); // still usable
    f.reset();
    expect(f.current).toBeUndefined();
    expect(f.filter(42, 0)).toBe(42);
  });

  it('validates its options', () => {
    expect(() => new OneEuroFilter({ minCutoff: 0 })).toThrow(/minCutoff must be a positive finite number/);
    expect(() => new OneEuroFilter({ beta: -1 })).toThrow(/beta must be a non-negative/);
    expect(() => new KeypointSmoother({ dCutoff: Infinity })).toThrow(/dCutoff/);
  });
});

describe('One-Euro filters on overflowing steps', () => {
  it('restart at a sample whose step overflows instead of sticking at NaN', () => {
    const f = new OneEuroFilter(); // beta 0: an infinite speed would make the cutoff 0 · ∞ = NaN
    f.filter(0, 0);
    expect(f.filter(1e306, 1)).toBe(1e306); // passes through, as a first sample does
    const next = f.filter(5, 2);
    expect(Number.isFinite(next)).toBe(true);
    const g = new OneEuroFilter({ beta: 1 });
    g.filter(-1e308, 0);
    expect(g.filter(1e308, 1)).toBe(1e308); // the difference itself overflows
    expect(Number.isFinite(g.filter(0, 2))).toBe(true);
    const bank = new OneEuroBank(1);
    bank.filter(0, 0, 0);
    expect(bank.filter(0, 1e306, 1)).toBe(1e306);
    expect(bank.filter(0, 5, 2)).toBe(next); // the bank restarts exactly as the filter does
  });

  it('refuse a huge bank, out-of-range restarts and non-object keypoints with VisionErrors', () => {
    expect(() => new OneEuroBank(1e10)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/\[0, 16777216\]; got 10000000000/) }));
    const bank = new OneEuroBank(3);
    expect(() => bank.restart(99)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/\[0, 3\); got 99/) }));
    expect(() => bank.restart('x' as unknown as number)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/got "x"/) }));
    expect(() => bank.filter('1' as unknown as number, 0, 0)).toThrow(/got "1"/);
    const s = new KeypointSmoother();
    s.smooth([{ x: 1, y: 1 }], 0);
    expect(() => s.smooth([{ x: 2, y: 2 }, null] as unknown as { x: number; y: number }[], 10)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/points\[1\] must be an object \{ x, y \}; got null/) }),
    );
    expect(s.smooth([{ x: 1, y: 1 }], 10)[0].x).toBe(1); // state unchanged by the refused call
    expect(() => new OneEuroFilter({ minCutoff: '1' as unknown as number })).toThrow(/got "1"/);
  });
});

describe('OneEuroBank', () => {
  it('filters each value exactly as its own OneEuroFilter: uneven and repeated timestamps, restarts, values that skip frames', () => {
    const random = mulberry32(11);
    const options = { minCutoff: 0.8, beta: 15, dCutoff: 1.3 };
    const size = 40;
    const bank = new OneEuroBank(size, options);
    const own = Array.from({ length: size }, () => new OneEuroFilter(options));
    let t = 0;
    let compared = 0;
    for (let frame = 0; frame < 200; frame++) {
      t += frame % 17 === 5 ? 0 : 10 + 40 * random(); // a repeated timestamp now and then
      for (let i = 0; i < size; i++) {
        const r = random();
        if (r < 0.02) {
          bank.restart(i);
          own[i] = new OneEuroFilter(options);
          continue;
        }
        if (r < 0.05) continue; // this value skips the frame: a longer step next time
        const value = Math.sin(frame / 9 + i) * 50 + 10 * random();
        expect(bank.filter(i, value, t)).toBe(own[i].filter(value, t));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(7000);
  });

  it('refuses bad sizes, indices, values and backward timestamps with VisionErrors, state unchanged', () => {
    for (const size of [-1, 1.5, NaN]) expect(() => new OneEuroBank(size)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => new OneEuroBank(2, { beta: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    // an array was taken as the default settings
    for (const make of [() => new OneEuroBank(2, [] as never), () => new OneEuroFilter([] as never), () => new KeypointSmoother([] as never)]) {
      expect(make).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('options are an array; they must be One-Euro settings') }));
    }
    const bank = new OneEuroBank(2);
    expect(bank.filter(0, 5, 100)).toBe(5);
    for (const [i, value, t] of [[2, 1, 200], [-1, 1, 200], [0.5, 1, 200], [0, NaN, 200], [0, 1, Infinity], [0, 1, 50]]) {
      expect(() => bank.filter(i, value, t)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
    const reference = new OneEuroFilter();
    reference.filter(5, 100);
    expect(bank.filter(0, 9, 150)).toBe(reference.filter(9, 150));
    expect(() => new OneEuroBank(2, {}, 'raw' as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(/speedFrom must be 'output' or 'input'; got "raw"/) }));
    expect(() => bank.filter(0, 1, 300, NaN)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/valueScale/) }));
  });

  it('filterPoints checks every point before filtering any: a refused call leaves every value as it was', () => {
    const bank = new OneEuroBank(6);
    const twin = new OneEuroBank(6);
    const points = [{ x: 1, y: 2, z: 3 }, { x: 4, y: 5, z: 6 }];
    expect(bank.filterPoints(points, 0)).toEqual(twin.filterPoints(points, 0));
    const refusals: [unknown, number][] = [
      [[...points, { x: 7, y: 8, z: 9 }], 100], // more points than the bank holds (x, y of the first were filtered before z threw)
      [[points[0], { x: 4, y: 5, z: Number.NaN }], 100], // the last value is bad
      [[points[0], null], 100],
      [points, -5], // backwards
      ['points', 100],
    ];
    for (const [given, t] of refusals) expect(() => bank.filterPoints(given as never, t)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('OneEuroBank.filterPoints') }));
    const moved = [{ x: 11, y: 12, z: 13 }, { x: 14, y: 15, z: 16 }];
    expect(bank.filterPoints(moved, 100)).toEqual(twin.filterPoints(moved, 100));
  });

  it("speeds from input samples, scaled: equal to the authors' reference filter as MediaPipe and tfjs-models port it", () => {
    const random = mulberry32(23);
    const config = { frequency: 30, minCutOff: 0.05, beta: 80, derivateCutOff: 1 };
    const bank = new OneEuroBank(8, { minCutoff: config.minCutOff, beta: config.beta, dCutoff: config.derivateCutOff }, 'input');
    const peers = Array.from({ length: 8 }, () => new PeerOneEuroFilter(config));
    const output = new OneEuroBank(8, { minCutoff: config.minCutOff, beta: config.beta, dCutoff: config.derivateCutOff });
    let [t, largest, apart] = [1000, 0, 0];
    for (let frame = 0; frame < 120; frame++) {
      t += 25 + Math.round(20 * random()); // whole milliseconds: the port truncates to microseconds
      const scale = 1 / (150 + 100 * random()); // the object's size changes from frame to frame
      for (let i = 0; i < 8; i++) {
        const value = 300 + 80 * Math.sin(frame / 11 + i) + (frame > 60 ? 120 : 0) + 4 * (random() - 0.5);
        const mine = bank.filter(i, value, t, scale);
        largest = Math.max(largest, Math.abs(mine - peers[i].apply(value, t * 1000, scale)));
        apart = Math.max(apart, Math.abs(mine - output.filter(i, value, t, scale)));
      }
    }
    expect(largest).toBeLessThan(1e-9);
    expect(apart).toBeGreaterThan(0.1); // speeds from the outputs give another filter
  });
});

describe('KeypointSmoother', () => {
  it('smooths each keypoint by index and passes other fields through', () => {
    const noise = gaussian(mulberry32(9));
    const smoother = new KeypointSmoother({ minCutoff: 1, beta: 0.01 });
    const truth = [
      { x: 100, y: 200, score: 0.9, name: 'nose' },
      { x: 300, y: 50, score: 0.4, name: 'left_eye' },
    ];
    const rawErr: number[] = [];
    const outErr: number[] = [];
    for (let i = 0; i < 300; i++) {
      const frame = truth.map((p) => ({ ...p, x: p.x + 2 * noise(), y: p.y + 2 * noise() }));
      const out = smoother.smooth(frame, ms(i));
      expect(out.map((p) => [p.name, p.score])).toEqual([['nose', 0.9], ['left_eye', 0.4]]);
      if (i >= 60) {
        rawErr.push(frame[1].x - truth[1].x);
        outErr.push(out[1].x - truth[1].x);
      }
    }
    expect(variance(rawErr) / variance(outErr)).toBeGreaterThan(10);
  });

  it('starts new indices fresh, forgets dropped ones, and resets', () => {
    const s = new KeypointSmoother({ minCutoff: 1 });
    s.smooth([{ x: 0, y: 0 }], 0);
    const two = s.smooth([{ x: 10, y: 10 }, { x: 500, y: 500 }], 100);
    expect(two[0].x).toBeCloseTo(3.8586954509503752, 9); // smoothed
    expect(two[1]).toEqual({ x: 500, y: 500 }); // new index passes through
    s.smooth([{ x: 10, y: 10 }], 200); // index 1 dropped
    expect(s.smooth([{ x: 10, y: 10 }, { x: 0, y: 0 }], 300)[1]).toEqual({ x: 0, y: 0 }); // fresh again
    s.reset();
    expect(s.smooth([{ x: 77, y: 5 }], 0)).toEqual([{ x: 77, y: 5 }]);
  });

  it('passes a non-finite point through and rejects backwards timestamps', () => {
    const s = new KeypointSmoother();
    s.smooth([{ x: 1, y: 1 }], 0);
    expect(s.smooth([{ x: NaN, y: 1 }], 10)[0].x).toBeNaN();
    expect(s.smooth([{ x: 9, y: 9 }], 20)[0]).toEqual({ x: 9, y: 9 }); // restarted
    expect(() => s.smooth([{ x: 9, y: 9 }], 5)).toThrow(/must not go backwards/);
  });
});
