/**
 * Temporal smoothing of person-probability mattes, after MediaPipe's
 * `SegmentationSmoothingCalculator`: where this frame's matte is sure (near 0 or 1) it is kept;
 * where it is unsure (near 0.5) it leans on the previous frame's matte. Kills the flicker of
 * per-frame segmentation without lagging behind confident motion.
 */
import { VisionError } from '../../core/errors';
import { smoothInKernel } from './matte-kernel';

/** MediaPipe's polynomial in (p − ½)² for the squared binary entropy (`SegmentationSmoothingCalculator`). */
const ENTROPY_POLYNOMIAL = [5.68842, -0.748699, -57.8051, 291.309, -624.717] as const;

/**
 * How unsure a probability is, in [0, 1]: MediaPipe's `1 − min(1, P((p − ½)²))`, a polynomial
 * close to H(p)², the squared binary entropy in bits — 1 at p = 0.5, 0.22 at 0.9, 4e-5 at 0 or 1.
 *
 * @example
 * ```ts
 * uncertainty(0.5); // 1
 * uncertainty(0.9); // 0.2204
 * ```
 */
export function uncertainty(p: number): number {
  const q = Math.min(Math.max(p, 0), 1);
  const x = (q - 0.5) * (q - 0.5);
  const [c1, c2, c3, c4, c5] = ENTROPY_POLYNOMIAL;
  const sure = x * (c1 + x * (c2 + x * (c3 + x * (c4 + x * c5))));
  return 1 - Math.min(Math.max(sure, 0), 1);
}

/** Steps of the uncertainty table: linear interpolation in it is within 3e-4 of {@link uncertainty}. */
const TABLE_STEPS = 4096;
let table: Float64Array | undefined;
let kernelTable: Float32Array | undefined;

/** {@link uncertainty} at p = i / TABLE_STEPS, i = 0…TABLE_STEPS (built once). */
function uncertaintyTable(): Float64Array {
  if (!table) {
    table = new Float64Array(TABLE_STEPS + 1);
    for (let i = 0; i <= TABLE_STEPS; i++) table[i] = uncertainty(i / TABLE_STEPS);
  }
  return table;
}

/** The same table in float32, for the matte kernel. */
function kernelUncertaintyTable(): Float32Array {
  kernelTable ??= Float32Array.from(uncertaintyTable());
  return kernelTable;
}

/**
 * Blends this frame's matte with the previous one per pixel:
 * `out = p + (prev − p) · uncertainty(p) · ratio`, the uncertainty interpolated linearly in a
 * 4096-step table of {@link uncertainty} (within 3e-4 of it, exact at 0, 0.5 and 1: two
 * logarithms per pixel cost more than the rest of a frame's smoothing), four values a step in
 * the SIMD matte kernel where it runs (`matte-kernel.ts`; float32, the loop float64). Returns `out`: a new array unless one is
 * given, which may be `previous` itself (smoothing in place: each value is read before it is
 * written).
 *
 * @throws VisionError `INVALID_OPTION` for a ratio outside [0, 1]; `INVALID_INPUT` for planes of different sizes.
 * @example
 * ```ts
 * const steady = smoothWithPrevious(current, previous, 0.7);
 * smoothWithPrevious(next, memory, 0.7, memory); // in place, no allocation
 * ```
 */
export function smoothWithPrevious(current: Float32Array, previous: Float32Array, ratio: number, out: Float32Array = new Float32Array(current.length)): Float32Array {
  if (!(ratio >= 0 && ratio <= 1)) throw new VisionError('INVALID_OPTION', `smoothing is ${String(ratio)}; it must be in [0, 1] (the weight of the previous frame where the matte is unsure)`);
  if (current.length !== previous.length || out.length !== current.length) {
    throw new VisionError('INVALID_INPUT', `smoothing: this frame's matte has ${current.length} values, the previous one ${previous.length}, the output ${out.length}`);
  }
  if (smoothInKernel(current, previous, ratio, kernelUncertaintyTable(), out)) return out;
  const steps = uncertaintyTable();
  for (let i = 0; i < current.length; i++) {
    const p = current[i];
    const at = (p < 0 ? 0 : p > 1 ? 1 : p) * TABLE_STEPS;
    const k = at < TABLE_STEPS ? Math.floor(at) : TABLE_STEPS - 1;
    const sure = steps[k];
    out[i] = p + (previous[i] - p) * (sure + (steps[k + 1] - sure) * (at - k)) * ratio;
  }
  return out;
}
