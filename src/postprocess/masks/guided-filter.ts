/**
 * The guided filter of He, Sun and Tang ("Guided Image Filtering", ECCV 2010 / TPAMI 2013),
 * grey-guide form: an edge-aware smoothing of an input (here a low-resolution alpha matte)
 * that follows the edges of a guide image (the frame). Box means are running sums over
 * mirrored borders (OpenCV's `BORDER_REFLECT`), so results equal
 * `cv2.ximgproc.guidedFilter(guide, input, radius, epsilon)` to float rounding.
 */
import { VisionError } from '../../core/errors';

/**
 * Settings of {@link guidedFilter}.
 *
 * @example
 * ```ts
 * const settings: GuidedFilterOptions = { radius: 4, epsilon: 1e-3 };
 * ```
 */
export interface GuidedFilterOptions {
  /** Window radius in pixels: each mean is over a (2r+1)² window. A positive integer. */
  radius: number;
  /** Regularisation ε (in guide units squared; guide in 0–1 → 1e-4…1e-2). Larger: smoother, less edge-following. */
  epsilon: number;
}

/** Index of position `i` mirrored into [0, n) as OpenCV's `BORDER_REFLECT` does (`fedcba|abcdef|fedcba`). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/** Mirrored source indices of the padded positions −r … n−1+r. */
function paddedIndices(n: number, r: number): Int32Array {
  const out = new Int32Array(n + 2 * r);
  for (let i = 0; i < out.length; i++) out[i] = reflect(i - r, n);
  return out;
}

/**
 * The (2r+1)² box mean of a `width`×`height` plane with mirrored borders (OpenCV
 * `cv2.boxFilter(x, -1, (2r+1, 2r+1), normalize=True, borderType=BORDER_REFLECT)`), in O(1)
 * per pixel: a running sum along each row, then along each column, in float64.
 *
 * @example
 * ```ts
 * const smooth = boxMean(plane, 640, 480, 4);
 * ```
 */
export function boxMean(values: Float32Array | Float64Array, width: number, height: number, radius: number): Float64Array {
  const window = 2 * radius + 1;
  const rows = new Float64Array(width * height);
  const xs = paddedIndices(width, radius);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let k = 0; k < window; k++) sum += values[row + xs[k]];
    rows[row] = sum;
    for (let x = 1; x < width; x++) {
      sum += values[row + xs[x + 2 * radius]] - values[row + xs[x - 1]];
      rows[row + x] = sum;
    }
  }
  // vertical pass row by row (contiguous memory): a running sum of whole rows
  const out = new Float64Array(width * height);
  const ys = paddedIndices(height, radius);
  const area = window * window;
  const sums = new Float64Array(width);
  for (let k = 0; k < window; k++) {
    const row = ys[k] * width;
    for (let x = 0; x < width; x++) sums[x] += rows[row + x];
  }
  for (let y = 0; y < height; y++) {
    const at = y * width;
    for (let x = 0; x < width; x++) out[at + x] = sums[x] / area;
    if (y + 1 === height) break;
    const enter = ys[y + 2 * radius + 1] * width;
    const leave = ys[y] * width;
    for (let x = 0; x < width; x++) sums[x] += rows[enter + x] - rows[leave + x];
  }
  return out;
}

/**
 * Guided filter (He et al., Algorithm 1) with a grey guide: per window a linear model
 * `q = a·I + b` fitted to the input, `a = cov(I, p) / (var(I) + ε)`, `b = mean(p) − a·mean(I)`,
 * and the output `mean(a)·I + mean(b)`. Used to snap an upsampled matte to the frame's edges.
 *
 * @throws VisionError `INVALID_OPTION` for a radius that is not a positive integer or ε ≤ 0;
 * `INVALID_INPUT` when the planes do not have `width × height` values.
 * @example
 * ```ts
 * const refined = guidedFilter(grey, alpha, 640, 480, { radius: 4, epsilon: 1e-3 });
 * ```
 */
export function guidedFilter(guide: Float32Array, input: Float32Array, width: number, height: number, options: GuidedFilterOptions): Float32Array {
  const { radius, epsilon } = options;
  if (!Number.isInteger(radius) || radius < 1) throw new VisionError('INVALID_OPTION', `guided filter radius is ${String(radius)}; it must be a positive integer (pixels)`);
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new VisionError('INVALID_OPTION', `guided filter epsilon is ${String(epsilon)}; it must be a finite number > 0`);
  const n = width * height;
  if (guide.length !== n || input.length !== n) {
    throw new VisionError('INVALID_INPUT', `guided filter: guide has ${guide.length} and input ${input.length} values; a ${width}×${height} plane has ${n}`);
  }
  const products = new Float64Array(n);
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    products[i] = guide[i] * input[i];
    squares[i] = guide[i] * guide[i];
  }
  const meanI = boxMean(guide, width, height, radius);
  const meanP = boxMean(input, width, height, radius);
  const corrIp = boxMean(products, width, height, radius);
  const corrI = boxMean(squares, width, height, radius);
  // a and b reuse the correlation buffers
  const a = corrIp;
  const b = corrI;
  for (let i = 0; i < n; i++) {
    const coefficient = (corrIp[i] - meanI[i] * meanP[i]) / (corrI[i] - meanI[i] * meanI[i] + epsilon);
    a[i] = coefficient;
    b[i] = meanP[i] - coefficient * meanI[i];
  }
  const meanA = boxMean(a, width, height, radius);
  const meanB = boxMean(b, width, height, radius);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = meanA[i] * guide[i] + meanB[i];
  return out;
}
