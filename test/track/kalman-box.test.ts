import { describe, it, expect } from 'vitest';
import { KalmanBoxFilter, boxToMeasurement, stateToBox, type KalmanBoxState } from '../../src/track';
import { cholesky } from '../../src/track/matrix';
import { centred, gaussian, mulberry32 } from './helpers';

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

  it('agrees with a numpy implementation of the ByteTrack filter (np.linalg.inv)', () => {
    // Reference computed once with numpy 1.24 from the textbook equations
    // (K = P Hᵀ S⁻¹, P' = P − K S Kᵀ), ByteTrack's noise weights 1/20 and 1/160.
    const kf = new KalmanBoxFilter();
    const boxes = Array.from({ length: 6 }, (_, t) => ({ x1: 100 + 5 * t, y1: 50 + 2 * t + (t % 3), x2: 180 + 5 * t + (t % 2), y2: 250 + 2 * t }));
    let s = kf.initiate(boxes[0]);
    for (const b of boxes.slice(1)) s = kf.update(kf.predict(s), b);
    const wantMean = [164.90537725961727, 160.64779807668765, 0.40094814690563535, 198.32475181366956, 4.251273310792082, 1.785936825731932, 1.757022349319016e-9, -0.194103589765803];
    wantMean.forEach((v, i) => expect(s.mean[i]).toBeCloseTo(v, 8));
    const p = kf.predict(s);
    expect(p.mean[0]).toBeCloseTo(169.15665057040934, 8);
    expect(p.mean[3]).toBeCloseTo(198.13064822390376, 8);
    const c = p.covariance;
    expect(c[0]).toBeCloseTo(231.01181367670398, 7);
    expect(c[0 * 8 + 4]).toBeCloseTo(45.37349966928121, 7);
    expect(c[3 * 8 + 7]).toBeCloseTo(45.37349966928121, 7);
    expect(c[2 * 8 + 2]).toBeCloseTo(0.0006228909614262872, 10);
    expect(c[5 * 8 + 5]).toBeCloseTo(30.621515371503904, 7);
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
