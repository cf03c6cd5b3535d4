/**
 * Random cases of the matte kernels (scripts/matte-kernel.wat): planes of 1×1 up to 1000×1000
 * resized to any size, fast guided filters of grey / RGB / RGBA 8-bit guides (and float or
 * grey + alpha ones, which the loop takes) with any grid, radius, epsilon and clamping, and
 * temporal smoothing of up to 300 000 values — now and then with NaNs in the matte — plus the
 * fixed case of the bug this fuzz found in the guided filter.
 */
import { MAX_PLANE, NOISE_SPARE } from './noise';
import { type Random, side, size } from './random';

/**
 * A plane of width × height cut from the noise at `offset` (values in [-0.2, 1.2], `nans` of them NaN), resized to outWidth × outHeight.
 *
 * @example
 * ```ts
 * const c: ResizeCase = { width: 1, height: 1000, outWidth: 3, outHeight: 2, offset: 42, nans: 0 };
 * ```
 */
export interface ResizeCase {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  offset: number;
  nans: number;
}

/**
 * A random {@link ResizeCase} of planes up to 1000 px a side.
 *
 * @example
 * ```ts
 * const tally = fuzz('resize', [], 400, resizeCase, runResizeCase);
 * ```
 */
export function resizeCase(r: Random): ResizeCase {
  const [width, height] = size(r, MAX_PLANE);
  const [outWidth, outHeight] = size(r, MAX_PLANE);
  return { width, height, outWidth, outHeight, offset: r.int(0, NOISE_SPARE), nans: r.chance(0.1) ? r.int(1, 3) : 0 };
}

/**
 * A fast guided filter of a coarse matte (a soft disc with noise on it) guided by a frame cut from the noise at `offset`.
 *
 * @example
 * ```ts
 * const c: GuidedCase = { width: 9, height: 5, channels: 3, guide: 'uint8', api: 'into', subsample: 1, radius: 1, epsilon: 1e-3, clamp: true, offset: 0, nans: 1 };
 * ```
 */
export interface GuidedCase {
  width: number;
  height: number;
  /** 8-bit guides of 1, 3 or 4 channels go to the kernel; float and grey + alpha ones to the loop. */
  channels: 1 | 2 | 3 | 4;
  guide: 'uint8' | 'uint8-clamped' | 'float32';
  /** `plain`: fastGuidedFilter on float planes (always the loop); `into`: fastGuidedFilterInto with the guide's pixels. */
  api: 'into' | 'plain';
  subsample: number;
  radius: number;
  epsilon: number;
  clamp: boolean;
  offset: number;
  /** NaNs in the coarse matte (a model's output gone wrong). */
  nans: number;
}

/**
 * A random {@link GuidedCase} of guides up to 1000 px a side.
 *
 * @example
 * ```ts
 * const tally = fuzz('guided', GUIDED_CASES, 300, guidedCase, runGuidedCase);
 * ```
 */
export function guidedCase(r: Random): GuidedCase {
  const [width, height] = size(r, MAX_PLANE);
  // coefficient grids of at most ~200 px a side
  const subsample = Math.max(1, r.logUniform(Math.max(1, Math.max(width, height) / 200), Math.max(1, Math.max(width, height) / 2)));
  return {
    width,
    height,
    channels: r.chance(0.1) ? 2 : r.pick([1, 3, 4] as const),
    guide: r.chance(0.1) ? 'float32' : r.pick(['uint8', 'uint8-clamped'] as const),
    api: r.chance(0.1) ? 'plain' : 'into',
    subsample,
    radius: r.int(1, 16),
    epsilon: r.logUniform(1e-5, 1e-1),
    clamp: r.chance(0.5),
    offset: r.int(0, NOISE_SPARE),
    nans: r.chance(0.1) ? r.int(1, 3) : 0,
  };
}

/**
 * The fixed case of the guided filter: the bug this fuzz found (kept failing until fixed).
 *
 * @example
 * ```ts
 * const tally = fuzz('guided', GUIDED_CASES, 0, guidedCase, runGuidedCase); // the fixed case alone
 * ```
 */
export const GUIDED_CASES: GuidedCase[] = [
  // Found: a NaN in the coarse matte spreads to a and b; clamped, the loop writes 0 there (as fastGuidedFilterInto documents:
  // "clamped to [0, 1], NaN to 0"), the kernel NaN — f32x4.pmin(f32x4.pmax(v, 0), 1) keeps a NaN v (matte-kernel.wat, apply)
  { width: 9, height: 5, channels: 3, guide: 'uint8', api: 'into', subsample: 1, radius: 1, epsilon: 1e-3, clamp: true, offset: 0, nans: 1 },
];

/**
 * A matte of `length` values (in [-0.5, 1.5], `nans` of them NaN) smoothed with the previous one (in [0, 1]).
 *
 * @example
 * ```ts
 * const c: SmoothCase = { length: 7, ratio: 0.5, inPlace: true, offset: 3, nans: 1 };
 * ```
 */
export interface SmoothCase {
  length: number;
  /** Weight of the previous matte where this one is unsure. */
  ratio: number;
  /** Written over the previous matte (`out` = `previous`). */
  inPlace: boolean;
  offset: number;
  nans: number;
}

/**
 * A random {@link SmoothCase} of up to 300 000 values.
 *
 * @example
 * ```ts
 * const tally = fuzz('smooth', [], 150, smoothCase, runSmoothCase);
 * ```
 */
export function smoothCase(r: Random): SmoothCase {
  return { length: side(r, 300_000), ratio: r.pick([0, 1, r.next()]), inPlace: r.chance(0.5), offset: r.int(0, NOISE_SPARE), nans: r.chance(0.2) ? r.int(1, 3) : 0 };
}

