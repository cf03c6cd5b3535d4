/**
 * Random cases of the sampling kernel's `affine` export (scripts/sample-kernel.wat), rotated
 * crops: turns at and next to multiples of 90° (where cos and sin are ~1e-16, not 0), scales
 * 0.05–5, tiny, zero and huge coefficients, whole-pixel positions, maps far outside the frame and
 * corners on a whole row give or take a few ulps — plus the fixed cases: the regression of
 * b0bfd31 and the bugs this fuzz found.
 */
import { type AffineMatrix, rotatedRegionAffine } from '../../../src/preprocess/rotated-region';
import type { SampleTarget } from '../../../src/preprocess/sampling/sample-output';
import type { FrameParams } from './frames';
import type { Random } from './random';
import { frameParams, targetOf } from './sampler-cases';

const QUARTER = Math.PI / 2;

/** A turn: a multiple of 90° as Math.cos / Math.sin see it (~1e-16, not 0), one a hair off it, or any. */
function angle(r: Random): number {
  const u = r.next();
  if (u < 0.35) return r.int(-4, 4) * QUARTER;
  if (u < 0.55) return r.int(-4, 4) * QUARTER + r.pick([-1, 1]) * r.pick([1e-15, 1e-12, 1e-9, 1e-6, 1e-3]);
  return r.uniform(-Math.PI, Math.PI);
}

/** A frame position: inside, on or just past an edge, or far outside. */
function position(r: Random, pixels: number): number {
  const u = r.next();
  if (u < 0.5) return r.uniform(0, pixels);
  if (u < 0.8) return r.pick([0, pixels - 1, -0.5, pixels - 0.5, pixels]) + r.pick([0, 1e-9, -1e-9, 0.5]);
  return r.pick([-1, 1]) * r.logUniform(pixels + 1, 1e7);
}

/** A linear coefficient: any in ±5, a simple one, zero, or tiny (as a turn by a multiple of 90° leaves it). */
function coefficient(r: Random): number {
  const u = r.next();
  if (u < 0.4) return r.uniform(-5, 5);
  if (u < 0.65) return r.pick([-1, 1]) * r.pick([1, 0.5, 2, 0.25, 1 / 3]);
  if (u < 0.75) return 0;
  return r.pick([-1, 1]) * r.pick([1e-300, 1e-16, 6.123233995736766e-17, 1e-9]);
}

/** A translation: near the frame, on a whole pixel (or a hair off it), or far outside. */
function translation(r: Random, pixels: number): number {
  const u = r.next();
  if (u < 0.4) return r.uniform(-2 * pixels, 3 * pixels);
  if (u < 0.8) return r.int(-3, pixels + 2) + r.pick([0, 0, 0.5, 1e-15, -1e-15, 1e-12, -1e-12]);
  return r.pick([-1, 1]) * r.logUniform(1e3, 1e9);
}

/**
 * A rotated crop: a frame, the affine map from output to frame pixels, and a target.
 *
 * @example
 * ```ts
 * const c: AffineCase = { frame: { width: 10, height: 10, channels: 3, kind: 'uint8', offset: 0, nans: 0 }, map: 'raw', matrix: [1, 0, 0.5, 0, 1, 0.5], target: { width: 8, height: 8, normalization: 'unit', dtype: 'float32' } };
 * ```
 */
export interface AffineCase {
  frame: FrameParams;
  /** How the map was made (turn about a point, rotatedRegionAffine, raw coefficients). */
  map: string;
  matrix: AffineMatrix;
  target: SampleTarget;
}

/**
 * The map of a turn by `turn` at `scale` (source pixels per output pixel) about the frame point (cx, cy), the output's centre.
 *
 * @example
 * ```ts
 * const matrix = turnMatrix(Math.PI / 2, 2.5, 160, 120, { width: 224, height: 224, normalization: 'unit', dtype: 'float32' });
 * ```
 */
function turnMatrix(turn: number, scale: number, cx: number, cy: number, target: SampleTarget): AffineMatrix {
  const cos = Math.cos(turn) * scale;
  const sin = Math.sin(turn) * scale;
  const [hw, hh] = [target.width / 2, target.height / 2];
  return [cos, -sin, cx - cos * hw + sin * hh, sin, cos, cy - sin * hw - cos * hh];
}

/**
 * A random {@link AffineCase}: a turn about a point, a rotatedRegionAffine, raw or huge coefficients, or a corner on a whole row.
 *
 * @example
 * ```ts
 * const tally = fuzz('affine', AFFINE_CASES, 800, affineCase, runAffineCase);
 * ```
 */
export function affineCase(r: Random): AffineCase {
  const frame = frameParams(r);
  const target = targetOf(r, r.chance(0.9) ? 'float32' : 'int32');
  const { width: w, height: h } = frame;
  const u = r.next();
  if (u < 0.35) {
    const [turn, scale, cx, cy] = [angle(r), r.logUniform(0.05, 5), position(r, w), position(r, h)];
    return { frame, map: `turn ${turn} at scale ${scale} about (${cx}, ${cy})`, matrix: turnMatrix(turn, scale, cx, cy, target), target };
  }
  if (u < 0.6) {
    const region = { centerX: position(r, w), centerY: position(r, h), width: r.logUniform(0.5, 3 * Math.max(w, h)), height: r.logUniform(0.5, 3 * Math.max(w, h)), rotation: angle(r) };
    return { frame, map: `rotatedRegionAffine(${JSON.stringify(region)})`, matrix: rotatedRegionAffine(region, target.width, target.height), target };
  }
  if (u < 0.8) return { frame, map: 'raw', matrix: [coefficient(r), coefficient(r), translation(r, w), coefficient(r), coefficient(r), translation(r, h)], target };
  if (u < 0.9) {
    // huge (finite) coefficients: products past the float64 range, Infinity and NaN in sums of them, a few pixels still inside
    const huge = (): number => (r.chance(0.4) ? r.pick([-1, 1]) * 1e307 : coefficient(r));
    return { frame, map: 'huge coefficients', matrix: [huge(), huge(), r.uniform(0, w), huge(), huge(), r.uniform(0, h)], target };
  }
  // the output corner that reads furthest down the frame on a whole row (give or take a few ulps), its column inside: where
  // float rounding decides which rows a sample reads
  const [a, b, d, e] = [coefficient(r), coefficient(r), coefficient(r), coefficient(r)];
  const j = d > 0 ? target.width - 1 : 0;
  const i = e > 0 ? target.height - 1 : 0;
  const f = r.int(0, Math.max(h - 2, 0)) - (d * j + e * i);
  const c = r.uniform(0, Math.max(w - 1, 0)) - (a * j + b * i);
  return { frame, map: `bottom corner (${j}, ${i}) on a whole row`, matrix: [a, b, c, d, e, f + r.int(-3, 3) * Number.EPSILON * Math.max(Math.abs(f), 1)], target };
}

/**
 * The fixed cases of rotated crops: regressions of b0bfd31 and the bugs this fuzz found (kept failing until fixed).
 *
 * @example
 * ```ts
 * const tally = fuzz('affine', AFFINE_CASES, 0, affineCase, runAffineCase); // the fixed cases alone
 * ```
 */
export const AFFINE_CASES: AffineCase[] = [
  // b0bfd31: cos and sin of exact turns are ~1e-16, not 0; rows outside the frame made bogus inside runs, read out of bounds
  ...(['uint8', 'float32'] as const).flatMap((kind) =>
    [Math.PI, Math.PI / 2].map((turn): AffineCase => {
      const target: SampleTarget = { width: 224, height: 224, normalization: 'unit', dtype: 'float32' };
      return { frame: { width: 320, height: 240, channels: 4, kind, offset: 0, nans: 0 }, map: `b0bfd31: turn ${turn} at scale 2.5 reaching past the frame`, matrix: turnMatrix(turn, 2.5, 160, 120, target), target };
    }),
  ),
  // Found: the rows of an 8-bit frame copied for the kernel come from the output corners' y = (d·j + e·i) + f
  // (heap-affine.ts, mappedRows), the kernel's y is d·j + (e·i + f). Corner (15, 15): 29.999999999999996 against exactly
  // 30, so rows 0–30 are copied and the kernel reads row 31 (weight 0): up to a frame row past the copy and its 16 spare bytes.
  { frame: { width: 200, height: 40, channels: 3, kind: 'uint8', offset: 0, nans: 0 }, map: 'shear: corner (15, 15) on row 30 by one association, not the other', matrix: [0, 0, 150, 1, 1, -2e-15], target: { width: 16, height: 16, normalization: 'unit', dtype: 'float32', layout: 'nchw' } },
  // Found: finite but huge coefficients make a corner's y = Infinity − Infinity = NaN (mappedRows), so no frame row is
  // copied and the source pointer becomes (copy − NaN) | 0 = 0: the 18 inside pixels (j = i < 18; y = 3 at (0, 0), else 0)
  // blend whatever lies at the start of the wasm memory.
  { frame: { width: 10, height: 10, channels: 3, kind: 'uint8', offset: 0, nans: 0 }, map: 'huge coefficients: a corner at NaN', matrix: [0, 0, 2, 1e307, -1e307, 3], target: { width: 300, height: 300, normalization: 'none', dtype: 'float32' } },
];
