/**
 * Constant-velocity Kalman filter over boxes, in the (cx, cy, aspect, height) space used by
 * SORT / DeepSORT / ByteTrack. The state has 8 numbers: `[cx, cy, a, h, vcx, vcy, va, vh]`,
 * where `a = width / height` and velocities are per frame. Noise is relative to the box
 * height, so a large near object and a small far one are tracked equally well.
 */
import type { Box } from '../core/types';
import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { cholesky, choleskySolve, matMul, symmetrize, transpose } from './matrix';

const DIM = 8;
const MDIM = 4;

/**
 * The Gaussian belief of one track: `mean` (8 numbers) and row-major 8×8 `covariance`.
 *
 * @example
 * ```ts
 * const s: KalmanBoxState = kf.initiate({ x1: 0, y1: 0, x2: 50, y2: 100 });
 * console.log(s.mean[0], s.mean[1]); // centre 25, 50
 * ```
 */
export interface KalmanBoxState {
  mean: Float64Array;
  covariance: Float64Array;
}

/**
 * Noise settings of {@link KalmanBoxFilter}: standard deviations as fractions of the box
 * height. Defaults are ByteTrack's: 1/20 for position, 1/160 for velocity.
 *
 * @example
 * ```ts
 * const kf = new KalmanBoxFilter({ stdWeightPosition: 1 / 10 });
 * ```
 */
export interface KalmanBoxOptions {
  /** Position noise, a fraction of the height (> 0). Default 1/20. */
  stdWeightPosition?: number;
  /** Velocity noise, a fraction of the height per frame (> 0). Default 1/160. */
  stdWeightVelocity?: number;
}

/**
 * A box as the filter's measurement `[cx, cy, width / height, height]`.
 *
 * @example
 * ```ts
 * boxToMeasurement({ x1: 0, y1: 0, x2: 50, y2: 100 }); // [25, 50, 0.5, 100]
 * ```
 */
export function boxToMeasurement(box: Box): Float64Array {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  return new Float64Array([box.x1 + w / 2, box.y1 + h / 2, w / h, h]);
}

/**
 * The box (x1, y1, x2, y2) of a state mean or measurement `[cx, cy, a, h, …]`.
 *
 * @example
 * ```ts
 * const box = stateToBox(track.mean);
 * ```
 */
export function stateToBox(mean: ArrayLike<number>): Box {
  const h = mean[3];
  const w = mean[2] * h;
  return { x1: mean[0] - w / 2, y1: mean[1] - h / 2, x2: mean[0] + w / 2, y2: mean[1] + h / 2 };
}

function checkWeight(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new VisionError('INVALID_OPTION', `KalmanBoxFilter: ${what} must be a positive finite number; got ${shownValue(value)}`);
  }
  return value;
}

/**
 * Constant-velocity Kalman filter for boxes. Stateless: it transforms {@link KalmanBoxState}
 * values, so one filter serves every track.
 *
 * @example
 * ```ts
 * const kf = new KalmanBoxFilter();
 * let s = kf.initiate(firstBox);
 * s = kf.predict(s);          // one frame later
 * s = kf.update(s, nextBox);  // fuse the new detection
 * const smoothed = stateToBox(s.mean);
 * ```
 */
export class KalmanBoxFilter {
  private readonly wPos: number;
  private readonly wVel: number;

  constructor(options: KalmanBoxOptions = {}) {
    this.wPos = checkWeight(options.stdWeightPosition, 1 / 20, 'stdWeightPosition');
    this.wVel = checkWeight(options.stdWeightVelocity, 1 / 160, 'stdWeightVelocity');
  }

  /**
   * A new state at `box` with zero velocity and a wide, height-relative uncertainty.
   * The box must have positive, finite width and height.
   *
   * @example
   * ```ts
   * const s = kf.initiate({ x1: 10, y1: 10, x2: 60, y2: 110 });
   * ```
   */
  initiate(box: Box): KalmanBoxState {
    const z = boxToMeasurement(box);
    const mean = new Float64Array(DIM);
    mean.set(z);
    const h = z[3];
    const p = 2 * this.wPos * h;
    const v = 10 * this.wVel * h;
    const std = [p, p, 1e-2, p, v, v, 1e-5, v];
    const covariance = new Float64Array(DIM * DIM);
    for (let i = 0; i < DIM; i++) covariance[i * DIM + i] = std[i] * std[i];
    return { mean, covariance };
  }

  /**
   * The state `dt` frames later (default 1; fractional values allowed): the mean moves with
   * its velocity and the covariance grows by the process noise, scaled by `dt`.
   *
   * @example
   * ```ts
   * const next = kf.predict(state, 2); // one frame was skipped
   * ```
   */
  predict(state: KalmanBoxState, dt = 1): KalmanBoxState {
    const f = new Float64Array(DIM * DIM);
    for (let i = 0; i < DIM; i++) f[i * DIM + i] = 1;
    for (let i = 0; i < MDIM; i++) f[i * DIM + i + MDIM] = dt;
    const mean = matMul(f, state.mean, DIM, DIM, 1);
    const covariance = matMul(matMul(f, state.covariance, DIM, DIM, DIM), transpose(f, DIM, DIM), DIM, DIM, DIM);
    const h = state.mean[3];
    const p = this.wPos * h;
    const v = this.wVel * h;
    const std = [p, p, 1e-2, p, v, v, 1e-5, v];
    for (let i = 0; i < DIM; i++) covariance[i * DIM + i] += std[i] * std[i] * dt;
    symmetrize(covariance, DIM);
    return { mean, covariance };
  }

  /**
   * The state projected into measurement space: mean `[cx, cy, a, h]` and its 4×4
   * covariance including the measurement noise.
   *
   * @example
   * ```ts
   * const { mean, covariance } = kf.project(state);
   * ```
   */
  project(state: KalmanBoxState): KalmanBoxState {
    const mean = state.mean.slice(0, MDIM);
    const covariance = new Float64Array(MDIM * MDIM);
    for (let i = 0; i < MDIM; i++) {
      for (let j = 0; j < MDIM; j++) covariance[i * MDIM + j] = state.covariance[i * DIM + j];
    }
    const p = this.wPos * state.mean[3];
    const std = [p, p, 1e-1, p];
    for (let i = 0; i < MDIM; i++) covariance[i * MDIM + i] += std[i] * std[i];
    return { mean, covariance };
  }

  /**
   * The state corrected by a measured box (the Kalman update). The box must have positive,
   * finite width and height.
   *
   * @example
   * ```ts
   * state = kf.update(kf.predict(state), detection.box);
   * ```
   */
  update(state: KalmanBoxState, box: Box): KalmanBoxState {
    const z = boxToMeasurement(box);
    const projected = this.project(state);
    const chol = cholesky(projected.covariance, MDIM);
    if (chol === null) {
      throw new VisionError('INVALID_INPUT', 'KalmanBoxFilter.update: the projected covariance is not positive definite');
    }
    // H P (4×8): the first four rows of P, since H selects the first four state entries.
    const hp = state.covariance.slice(0, MDIM * DIM);
    // Kᵀ = S⁻¹ H P (4×8), so K = P Hᵀ S⁻¹ (P and S are symmetric).
    const kt = choleskySolve(chol, hp, MDIM, DIM);
    const gain = transpose(kt, MDIM, DIM);
    const innovation = new Float64Array(MDIM);
    for (let i = 0; i < MDIM; i++) innovation[i] = z[i] - projected.mean[i];
    const mean = new Float64Array(state.mean);
    const correction = matMul(gain, innovation, DIM, MDIM, 1);
    for (let i = 0; i < DIM; i++) mean[i] += correction[i];
    // P' = P - K S Kᵀ = P - K (H P).
    const reduce = matMul(gain, hp, DIM, MDIM, DIM);
    const covariance = new Float64Array(state.covariance);
    for (let i = 0; i < DIM * DIM; i++) covariance[i] -= reduce[i];
    symmetrize(covariance, DIM);
    return { mean, covariance };
  }
}
