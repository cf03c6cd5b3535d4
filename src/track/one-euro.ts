/**
 * The One-Euro filter (Casiez, Roussel & Vogel, CHI 2012): a low-pass filter whose cutoff
 * rises with the signal's speed, so that a still signal is smoothed hard (little jitter)
 * and a moving one is followed closely (little lag). Used to steady keypoints and boxes.
 */
import { knownOptions, optionNames } from '../core/known-options';
import { VisionError } from '../core/errors';
import { isOptionsObject, shownValue } from '../core/shown-value';

/**
 * Settings of {@link OneEuroFilter} and {@link KeypointSmoother}.
 *
 * @example
 * ```ts
 * const options: OneEuroOptions = { minCutoff: 1, beta: 0.05, dCutoff: 1 };
 * ```
 */
export interface OneEuroOptions {
  /** Cutoff frequency in Hz when the signal is still: lower = smoother, laggier. Positive; default 1. */
  minCutoff?: number;
  /** How fast the cutoff rises with speed (per unit/s of the signal): higher = less lag. ≥ 0; default 0. */
  beta?: number;
  /** Cutoff in Hz of the low-pass on the speed estimate. Positive; default 1. */
  dCutoff?: number;
}

/**
 * One-Euro settings for world landmarks (metres): MediaPipe's filter for them
 * (`{ minCutoff: 0.1, beta: 40, dCutoff: 1 }`, the pose graph's and tfjs-models' BlazePose's).
 *
 * @example `new OneEuroBank(21 * 3, DEFAULT_WORLD_SMOOTHING)`
 */
export const DEFAULT_WORLD_SMOOTHING: Readonly<OneEuroOptions> = /* @__PURE__ */ Object.freeze({ minCutoff: 0.1, beta: 40, dCutoff: 1 });

interface Resolved {
  minCutoff: number;
  beta: number;
  dCutoff: number;
}

const ONE_EURO_OPTION_NAMES = /* @__PURE__ */ optionNames<OneEuroOptions>()(['minCutoff', 'beta', 'dCutoff']);

function resolve(options: OneEuroOptions, who: string): Resolved {
  if (!isOptionsObject(options as unknown)) {
    throw new VisionError('INVALID_OPTION', `${who}: options are ${shownValue(options)}; they must be One-Euro settings ({ minCutoff, beta, dCutoff }) or omitted`);
  }
  knownOptions(options, `${who} (One-Euro settings)`, ONE_EURO_OPTION_NAMES);
  const check = (value: number | undefined, fallback: number, name: string, ok: (v: number) => boolean, allowed: string): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
      throw new VisionError('INVALID_OPTION', `${who}: ${name} must be ${allowed}; got ${shownValue(value)}`);
    }
    return value;
  };
  return {
    minCutoff: check(options.minCutoff, 1, 'minCutoff', (v) => v > 0, 'a positive finite number (Hz)'),
    beta: check(options.beta, 0, 'beta', (v) => v >= 0, 'a non-negative finite number'),
    dCutoff: check(options.dCutoff, 1, 'dCutoff', (v) => v > 0, 'a positive finite number (Hz)'),
  };
}

/**
 * Checks One-Euro options now (as a pipeline does at creation) rather than on the first frame:
 * `INVALID_OPTION` naming `name` and the field otherwise.
 *
 * @example
 * ```ts
 * checkOneEuroOptions(options.smoothing, 'smoothing'); // throws for { minCutoff: -1 }
 * ```
 */
export function checkOneEuroOptions(options: OneEuroOptions, name: string): void {
  resolve(options, name);
}

/** Smoothing factor of an exponential low-pass with cutoff `cutoff` Hz at time step `dt` s. */
function alpha(cutoff: number, dt: number): number {
  const tau = 1 / (2 * Math.PI * cutoff);
  return 1 / (1 + tau / dt);
}

/** Most values one {@link OneEuroBank} holds (three 8-byte numbers each: 384 MiB at most). */
const MAX_BANK_SIZE = 2 ** 24;

/**
 * One-Euro filter over one scalar signal with timestamps in milliseconds.
 *
 * @example
 * ```ts
 * const f = new OneEuroFilter({ minCutoff: 1, beta: 0.05 });
 * const smoothed = f.filter(rawValue, performance.now());
 * ```
 */
export class OneEuroFilter {
  private readonly o: Resolved;
  private value: number | undefined;
  private speed = 0;
  private lastMs = 0;

  /** @throws VisionError `INVALID_OPTION` for an option out of range. */
  constructor(options: OneEuroOptions = {}) {
    this.o = resolve(options, 'OneEuroFilter');
  }

  /**
   * Feeds one sample and returns the smoothed value. The first sample passes through. A
   * timestamp equal to the previous one returns the previous output unchanged. A sample whose
   * step overflows the filter's arithmetic (a jump so large or so fast that the speed or the
   * output is not finite, e.g. `0` then `1e306` a millisecond later) restarts the filter at
   * that sample: it passes through as a first sample does, so the output is never NaN.
   *
   * @throws VisionError `INVALID_INPUT` when `value` or `timestampMs` is not finite, or the
   *   timestamp goes backwards. State is unchanged then.
   *
   * @example
   * ```ts
   * const y = f.filter(x, frame.timestampMs);
   * ```
   */
  filter(value: number, timestampMs: number): number {
    if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) {
      throw new VisionError(
        'INVALID_INPUT',
        `OneEuroFilter.filter: value and timestampMs must be finite numbers; got ${shownValue(value)} at ${shownValue(timestampMs)}`,
      );
    }
    if (this.value === undefined) return this.restartAt(value, timestampMs);
    if (timestampMs < this.lastMs) {
      throw new VisionError(
        'INVALID_INPUT',
        `OneEuroFilter.filter: timestampMs must not go backwards; got ${timestampMs} after ${this.lastMs}`,
      );
    }
    if (timestampMs === this.lastMs) return this.value;
    const dt = (timestampMs - this.lastMs) / 1000;
    const speed = this.speed + alpha(this.o.dCutoff, dt) * ((value - this.value) / dt - this.speed);
    const smoothed = this.value + alpha(this.o.minCutoff + this.o.beta * Math.abs(speed), dt) * (value - this.value);
    if (!Number.isFinite(speed) || !Number.isFinite(smoothed)) return this.restartAt(value, timestampMs);
    this.speed = speed;
    this.value = smoothed;
    this.lastMs = timestampMs;
    return smoothed;
  }

  /** Starts the history afresh at one sample, which passes through. */
  private restartAt(value: number, timestampMs: number): number {
    this.value = value;
    this.speed = 0;
    this.lastMs = timestampMs;
    return value;
  }

  /** The last output, or `undefined` before the first sample. @example `f.current ?? raw` */
  get current(): number | undefined {
    return this.value;
  }

  /** Forgets the history; the next sample passes through. @example `f.reset();` */
  reset(): void {
    this.value = undefined;
    this.speed = 0;
    this.lastMs = 0;
  }
}

/**
 * Where a {@link OneEuroBank} takes each value's speed from: the step from its last *output*
 * (the paper's pseudocode, and {@link OneEuroFilter}) or from its last *input* sample (the
 * authors' reference code, and MediaPipe's landmark smoothing).
 *
 * @example `new OneEuroBank(33 * 2, { minCutoff: 0.05, beta: 80 }, 'input')`
 */
export type OneEuroSpeedSource = 'output' | 'input';

/**
 * One-Euro filters for many values sampled together (the coordinates of a mesh, frame after
 * frame), kept in typed arrays: value `i` is filtered exactly as its own {@link OneEuroFilter}
 * would filter it, while the speed filter's smoothing factor is worked out once per time step
 * rather than once per value. Values that skip a frame (`restart`) pass their next sample through.
 * With `speedFrom` `'input'` the speed is the step between input samples, and `filter`'s
 * `valueScale` scales it (MediaPipe's landmark filter: speeds in object sizes per second).
 *
 * @example
 * ```ts
 * const bank = new OneEuroBank(2 * 468, { minCutoff: 1, beta: 10 });
 * for (let i = 0; i < xs.length; i++) xs[i] = bank.filter(i, xs[i], frame.timestampMs);
 * ```
 */
export class OneEuroBank {
  private readonly o: Resolved;
  private readonly values: Float64Array;
  /** Per value, its last input sample (`speedFrom` 'input'; the outputs otherwise). */
  private readonly inputs: Float64Array;
  private readonly speeds: Float64Array;
  /** Per value, the last timestamp (NaN: no sample since the start or a restart). */
  private readonly lastMs: Float64Array;
  /** The speed filter's factor for the last time step seen. */
  private stepDt = NaN;
  private stepAlpha = 0;

  /**
   * @throws VisionError `INVALID_OPTION` for a size that is not an integer in [0, 2^24 = 16777216]
   *   or an option out of range.
   */
  constructor(
    readonly size: number,
    options: OneEuroOptions = {},
    readonly speedFrom: OneEuroSpeedSource = 'output',
  ) {
    if (!(Number.isInteger(size) && size >= 0 && size <= MAX_BANK_SIZE)) {
      throw new VisionError('INVALID_OPTION', `OneEuroBank: size must be an integer in [0, ${MAX_BANK_SIZE}]; got ${shownValue(size)}`);
    }
    if (speedFrom !== 'output' && speedFrom !== 'input') throw new VisionError('INVALID_OPTION', `OneEuroBank: speedFrom must be 'output' or 'input'; got ${shownValue(speedFrom)}`);
    this.o = resolve(options, 'OneEuroBank');
    this.values = new Float64Array(size);
    this.inputs = speedFrom === 'input' ? new Float64Array(size) : this.values;
    this.speeds = new Float64Array(size);
    this.lastMs = new Float64Array(size).fill(NaN);
  }

  /**
   * Feeds value `i` one sample and returns it smoothed, as {@link OneEuroFilter.filter} does
   * (a step that overflows restarts value `i` at the sample, as it restarts that filter). The
   * speed is multiplied by `valueScale` before it sets the cutoff (e.g. `1 / objectSize` for
   * speeds in object sizes per second).
   *
   * @throws VisionError `INVALID_INPUT` for an index out of range, a value, timestamp or
   *   `valueScale` that is not finite, or a timestamp before value `i`'s last one. State is
   *   unchanged then.
   * @example
   * ```ts
   * const y = bank.filter(7, x, frame.timestampMs);
   * ```
   */
  filter(i: number, value: number, timestampMs: number, valueScale = 1): number {
    if (!this.isIndex(i) || !Number.isFinite(value) || !Number.isFinite(timestampMs) || !Number.isFinite(valueScale)) {
      throw new VisionError('INVALID_INPUT', `OneEuroBank.filter: needs an index in [0, ${this.size}) and finite value, timestampMs and valueScale; got ${shownValue(i)}, ${shownValue(value)} at ${shownValue(timestampMs)}, scale ${shownValue(valueScale)}`);
    }
    const last = this.lastMs[i];
    if (Number.isNaN(last)) return this.restartAt(i, value, timestampMs);
    if (timestampMs < last) throw new VisionError('INVALID_INPUT', `OneEuroBank.filter: timestampMs must not go backwards; got ${timestampMs} after ${last}`);
    const previous = this.values[i];
    if (timestampMs === last) return previous;
    const dt = (timestampMs - last) / 1000;
    if (dt !== this.stepDt) {
      this.stepDt = dt;
      this.stepAlpha = alpha(this.o.dCutoff, dt);
    }
    const speed = this.speeds[i] + this.stepAlpha * (((value - this.inputs[i]) * valueScale) / dt - this.speeds[i]);
    const smoothed = previous + alpha(this.o.minCutoff + this.o.beta * Math.abs(speed), dt) * (value - previous);
    if (!Number.isFinite(speed) || !Number.isFinite(smoothed)) return this.restartAt(i, value, timestampMs);
    this.speeds[i] = speed;
    this.values[i] = smoothed;
    if (this.inputs !== this.values) this.inputs[i] = value;
    this.lastMs[i] = timestampMs;
    return smoothed;
  }

  /**
   * Filters 3-D points with this bank's values three at a time (point `k`'s x, y and z are values
   * `3k`, `3k + 1`, `3k + 2`) and returns copies with them smoothed; other fields are kept. The
   * bank needs at least `points.length × 3` values; `valueScale` is {@link filter}'s.
   *
   * @throws VisionError `INVALID_INPUT` as {@link filter} does, and for more points than the
   *   bank holds; every point is checked first, so the state is unchanged then.
   * @example
   * ```ts
   * hand.worldKeypoints = bank.filterPoints(hand.worldKeypoints, frame.timestampMs);
   * ```
   */
  filterPoints<P extends { x: number; y: number; z: number }>(points: readonly P[], timestampMs: number, valueScale = 1): P[] {
    if (!Array.isArray(points) || points.length * 3 > this.size) {
      throw new VisionError('INVALID_INPUT', `OneEuroBank.filterPoints: needs an array of at most ${Math.floor(this.size / 3)} points (3 values each in a bank of ${this.size}); got ${Array.isArray(points) ? `${points.length} points` : shownValue(points)}`);
    }
    points.forEach((p, k) => {
      for (const [axis, i] of [['x', k * 3], ['y', k * 3 + 1], ['z', k * 3 + 2]] as const) {
        const value = (p as Partial<P> | null)?.[axis];
        if (typeof value !== 'number' || !Number.isFinite(value) || !Number.isFinite(timestampMs) || !Number.isFinite(valueScale) || timestampMs < this.lastMs[i]) {
          throw new VisionError('INVALID_INPUT', `OneEuroBank.filterPoints: point ${k}'s ${axis} is ${shownValue(value)} at ${shownValue(timestampMs)} (scale ${shownValue(valueScale)}); values, timestampMs and valueScale must be finite, timestamps must not go backwards${timestampMs < this.lastMs[i] ? ` (last ${this.lastMs[i]})` : ''}`);
        }
      }
    });
    return points.map((p, k) => ({ ...p, x: this.filter(k * 3, p.x, timestampMs, valueScale), y: this.filter(k * 3 + 1, p.y, timestampMs, valueScale), z: this.filter(k * 3 + 2, p.z, timestampMs, valueScale) }));
  }

  /**
   * Forgets value `i`'s history: its next sample passes through.
   *
   * @throws VisionError `INVALID_INPUT` for an index that is not an integer in [0, size).
   * @example
   * ```ts
   * bank.restart(7);
   * ```
   */
  restart(i: number): void {
    if (!this.isIndex(i)) {
      throw new VisionError('INVALID_INPUT', `OneEuroBank.restart: needs an index in [0, ${this.size}); got ${shownValue(i)}`);
    }
    this.lastMs[i] = NaN;
  }

  private isIndex(i: number): boolean {
    return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < this.size;
  }

  /** Starts value `i`'s history afresh at one sample, which passes through. */
  private restartAt(i: number, value: number, timestampMs: number): number {
    this.values[i] = value;
    this.inputs[i] = value;
    this.speeds[i] = 0;
    this.lastMs[i] = timestampMs;
    return value;
  }
}

/**
 * A point with `x` and `y` (pixels or normalised); other fields (score, name, z) pass through.
 *
 * @example
 * ```ts
 * const p: SmoothablePoint = { x: 120, y: 80 };
 * ```
 */
export interface SmoothablePoint {
  x: number;
  y: number;
}

/**
 * One-Euro smoothing of a keypoint array (e.g. a pose skeleton), keyed by index: point `i`
 * of every frame is smoothed with point `i` of the previous frames. Use one smoother per
 * tracked person (key them by `trackId`).
 *
 * @example
 * ```ts
 * const smoother = new KeypointSmoother({ minCutoff: 1, beta: 0.01 });
 * const steady = smoother.smooth(pose.keypoints, frame.timestampMs); // same fields, smoothed x/y
 * ```
 */
export class KeypointSmoother {
  private readonly options: OneEuroOptions;
  private filters: Array<{ x: OneEuroFilter; y: OneEuroFilter }> = [];
  private lastMs = -Infinity;

  /** @throws VisionError `INVALID_OPTION` for an option out of range. */
  constructor(options: OneEuroOptions = {}) {
    resolve(options, 'KeypointSmoother');
    this.options = { ...options };
  }

  /**
   * Returns copies of `points` with `x` and `y` smoothed. When the array grows, the new
   * indices start fresh; when it shrinks, the dropped indices are forgotten. A point with a
   * non-finite coordinate is passed through unchanged and restarts its filters.
   *
   * @throws VisionError `INVALID_INPUT` when `points` is not an array of objects, or the
   *   timestamp is not finite or goes backwards. State is unchanged then.
   *
   * @example
   * ```ts
   * const smoothed = smoother.smooth(keypoints, 33.3);
   * ```
   */
  smooth<P extends SmoothablePoint>(points: readonly P[], timestampMs: number): P[] {
    if (!Array.isArray(points)) {
      throw new VisionError('INVALID_INPUT', `KeypointSmoother.smooth: points must be an array of { x, y }; got ${shownValue(points)}`);
    }
    const bad = points.findIndex((p) => p === null || typeof p !== 'object');
    if (bad >= 0) {
      throw new VisionError('INVALID_INPUT', `KeypointSmoother.smooth: points[${bad}] must be an object { x, y }; got ${shownValue(points[bad])}`);
    }
    if (!Number.isFinite(timestampMs)) {
      throw new VisionError('INVALID_INPUT', `KeypointSmoother.smooth: timestampMs must be finite; got ${shownValue(timestampMs)}`);
    }
    if (timestampMs < this.lastMs) {
      throw new VisionError('INVALID_INPUT', `KeypointSmoother.smooth: timestampMs must not go backwards; got ${timestampMs} after ${this.lastMs}`);
    }
    this.filters.length = Math.min(this.filters.length, points.length);
    const out = points.map((p, i) => {
      let f = this.filters[i];
      if (f === undefined) {
        f = { x: new OneEuroFilter(this.options), y: new OneEuroFilter(this.options) };
        this.filters[i] = f;
      }
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
        f.x.reset();
        f.y.reset();
        return { ...p };
      }
      return { ...p, x: f.x.filter(p.x, timestampMs), y: f.y.filter(p.y, timestampMs) };
    });
    this.lastMs = timestampMs;
    return out;
  }

  /** Forgets all history. @example `smoother.reset();` */
  reset(): void {
    this.filters = [];
    this.lastMs = -Infinity;
  }
}
