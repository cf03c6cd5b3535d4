import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { KalmanBoxFilter, boxToMeasurement, stateToBox, type KalmanBoxState } from '../../src/track';
import { cholesky } from '../../src/track/matrix';
import { centred, gaussian, mulberry32 } from './helpers';

interface KalmanStep {
  mean: number[];
  covariance: number[];
}
const KALMAN = JSON.parse(readFileSync(new URL('../fixtures/track/kalman.json', import.meta.url), 'utf8')) as {
  cases: { name: string; boxes: number[][]; steps: { predicted: KalmanStep; updated: KalmanStep }[] }[];
};

function expectSymmetricPositive(s: KalmanBoxState): void {
  const c = s.covariance;
  let asymmetric = 0;
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) if (c[i * 8 + j] !== c[j * 8 + i]) asymmetric++;
  expect(asymmetric).toBe(0);
  expect(cholesky(c, 8)).not.toBeNull();
}

describe('KalmanBoxFilter', () => {
  it('converts boxes to (cx, cy, aspect, h) and back', () => {
    const box = { x1: 10, y1: 20, x2: 60, y2: 120 };
    expect(Array.from(boxToMeasurement(box))).toEqual([35, 70, 0.5, 100]);
    expect(stateToBox(boxToMeasurement(box))).toEqual(box);
  });

  it('learns a constant velocity: the prediction is within 1 px after a few updates', () => {
    const kf = new KalmanBoxFilter();
    const at = (t: number) => centred(100 + 7 * t, 200 - 3 * t, 60, 150);
    let s = kf.initiate(at(0));
    let prevError = Infinity;
    for (let t = 1; t <= 12; t++) {
      const p = kf.predict(s);
      const b = stateToBox(p.mean);
      const error = Math.max(...(['x1', 'y1', 'x2', 'y2'] as const).map((k) => Math.abs(b[k] - at(t)[k])));
      if (t >= 3) expect(error).toBeLessThan(prevError); // converging
      if (t >= 10) expect(error).toBeLessThan(1);
      prevError = error;
      s = kf.update(p, at(t));
    }
    expect(s.mean[4]).toBeGreaterThan(6.4);
    expect(s.mean[4]).toBeLessThan(7);
    // Several frames ahead (dt > 1, as when frames are dropped): the velocity carries it.
    const ahead = stateToBox(kf.predict(s, 4).mean);
    expect(Math.abs(ahead.x1 - at(16).x1)).toBeLessThan(3);
  });

  it.each(KALMAN.cases)('agrees with a numpy transcription of ByteTrack\'s filter at every step: $name (scripts/make_kalman_fixtures.py)', ({ boxes, steps }) => {
    const kf = new KalmanBoxFilter();
    const box = ([x1, y1, x2, y2]: number[]) => ({ x1, y1, x2, y2 });
    let s = kf.initiate(box(boxes[0]));
    steps.forEach((want, t) => {
      const p = kf.predict(s);
      s = kf.update(p, box(boxes[t + 1]));
      for (const [got, ref] of [[p, want.predicted], [s, want.updated]] as const) {
        ref.mean.forEach((v, i) => expect(got.mean[i]).toBeCloseTo(v, 7));
        // covariances span 1e-10 (aspect velocity) to 1e3: compare relative to each entry's scale
        ref.covariance.forEach((v, i) => expect(Math.abs(got.covariance[i] - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v))));
      }
    });
  });

  it('without updates the uncertainty grows; an update shrinks it', () => {
    const kf = new KalmanBoxFilter();
    let s = kf.initiate(centred(50, 50, 20, 40));
    const var0 = s.covariance[0];
    s = kf.predict(s);
    expect(s.covariance[0]).toBeGreaterThan(var0);
    const before = s.covariance[0];
    s = kf.update(s, centred(51, 50, 20, 40));
    expect(s.covariance[0]).toBeLessThan(before);
  });

  it('keeps the covariance symmetric positive-definite over long noisy runs with gaps', () => {
    const kf = new KalmanBoxFilter();
    const noise = gaussian(mulberry32(7));
    let s = kf.initiate(centred(300, 300, 40, 90));
    for (let t = 1; t <= 300; t++) {
      s = kf.predict(s, t % 50 === 0 ? 2.5 : 1);
      if (t % 17 < 12) s = kf.update(s, centred(300 + 2 * t + 2 * noise(), 300 + t + 2 * noise(), 40 + noise(), 90 + noise()));
      expectSymmetricPositive(s);
    }
  });

  it('rejects non-positive noise weights', () => {
    expect(() => new KalmanBoxFilter({ stdWeightPosition: 0 })).toThrow(/stdWeightPosition must be a positive/);
  });
});
