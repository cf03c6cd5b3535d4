/**
 * The guided filter of He, Sun and Tang ("Guided Image Filtering", ECCV 2010 / TPAMI 2013),
 * grey-guide form: an edge-aware smoothing of an input (here a low-resolution alpha matte)
 * that follows the edges of a guide image (the frame). Box means are running sums over
 * mirrored borders (OpenCV's `BORDER_REFLECT`), so results equal
 * `cv2.ximgproc.guidedFilter(guide, input, radius, epsilon)` to float rounding.
 */
import { VisionError } from '../../core/errors';
import { optionNames } from '../../core/known-options';
import { checkOptionNames } from '../validate';

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

/**
 * Mirrored source indices of the padded positions −r … n−1+r (OpenCV's `BORDER_REFLECT`).
 *
 * @example
 * ```ts
 * paddedIndices(4, 2); // Int32Array [1, 0, 0, 1, 2, 3, 3, 2]
 * ```
 */
export function paddedIndices(n: number, r: number): Int32Array {
  const out = new Int32Array(n + 2 * r);
  for (let i = 0; i < out.length; i++) out[i] = reflect(i - r, n);
  return out;
}

/**
 * Scratch planes of {@link guidedFilter} for one plane size, kept by a caller that filters
 * frame after frame (a video) so that no call allocates its ~8 float64 planes again.
 *
 * @example
 * ```ts
 * const workspace = new GuidedFilterWorkspace(320, 240);
 * const refined = guidedFilter(grey, alpha, 320, 240, { radius: 3, epsilon: 1e-3 }, workspace);
 * ```
 */
export class GuidedFilterWorkspace {
  /** Box means of the guide, the input, guide·input and guide² (then a and b in place of the last two). */
  readonly meanI: Float64Array;
  readonly meanP: Float64Array;
  readonly corrIp: Float64Array;
  readonly corrI: Float64Array;
  /** guide·input and guide² before their means; the means of a and b after. */
  readonly products: Float64Array;
  readonly squares: Float64Array;
  /** The horizontal pass of a box mean, and one running column sum per x. */
  readonly rows: Float64Array;
  readonly sums: Float64Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    const n = width * height;
    this.meanI = new Float64Array(n);
    this.meanP = new Float64Array(n);
    this.corrIp = new Float64Array(n);
    this.corrI = new Float64Array(n);
    this.products = new Float64Array(n);
    this.squares = new Float64Array(n);
    this.rows = new Float64Array(n);
    this.sums = new Float64Array(width);
  }
}

/** {@link boxMean} into `out`, with the workspace's `rows` and `sums` as scratch. */
function boxMeanInto(values: Float32Array | Float64Array, width: number, height: number, radius: number, out: Float64Array, rows: Float64Array, sums: Float64Array): void {
  const window = 2 * radius + 1;
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
  const ys = paddedIndices(height, radius);
  const area = window * window;
  sums.fill(0);
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
  const out = new Float64Array(width * height);
  boxMeanInto(values, width, height, radius, out, new Float64Array(width * height), new Float64Array(width));
  return out;
}

const GUIDED_OPTION_NAMES = /* @__PURE__ */ optionNames<GuidedFilterOptions>()(['radius', 'epsilon']);

/**
 * The guided filter's settings, checked: a radius that is a positive integer and a finite ε > 0.
 *
 * @throws VisionError `INVALID_OPTION` otherwise.
 * @example
 * ```ts
 * const { radius, epsilon } = checkGuidedOptions({ radius: 1, epsilon: 1e-3 });
 * ```
 */
export function checkGuidedOptions(options: GuidedFilterOptions): GuidedFilterOptions {
  checkOptionNames(options, 'guided filter', GUIDED_OPTION_NAMES);
  const { radius, epsilon } = options;
  if (!Number.isInteger(radius) || radius < 1) throw new VisionError('INVALID_OPTION', `guided filter radius is ${String(radius)}; it must be a positive integer (pixels)`);
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new VisionError('INVALID_OPTION', `guided filter epsilon is ${String(epsilon)}; it must be a finite number > 0`);
  return options;
}

/**
 * The first part of the guided filter (He et al., Algorithm 1, steps 1–3) with a grey guide:
 * per window a linear model `q = a·I + b` fitted to the input, `a = cov(I, p) / (var(I) + ε)`,
 * `b = mean(p) − a·mean(I)`, and the box means of `a` and `b` over the same window. Returns
 * those two planes, which live in the workspace (valid until its next use). The output is
 * `meanA·I + meanB` — at this size ({@link guidedFilter}), or with the planes upsampled to a
 * finer guide (the fast guided filter, `fast-guided-filter.ts`).
 *
 * @throws VisionError `INVALID_OPTION` for a radius that is not a positive integer or ε ≤ 0;
 * `INVALID_INPUT` when the planes (or the workspace) do not have `width × height` values.
 * @example
 * ```ts
 * const { meanA, meanB } = guidedCoefficients(grey, alpha, 80, 60, { radius: 1, epsilon: 1e-3 }, new GuidedFilterWorkspace(80, 60));
 * ```
 */
export function guidedCoefficients(
  guide: Float32Array,
  input: Float32Array,
  width: number,
  height: number,
  options: GuidedFilterOptions,
  workspace: GuidedFilterWorkspace,
): { meanA: Float64Array; meanB: Float64Array } {
  const { radius, epsilon } = checkGuidedOptions(options);
  const n = width * height;
  if (guide.length !== n || input.length !== n || workspace.width !== width || workspace.height !== height) {
    throw new VisionError('INVALID_INPUT', `guided filter: guide has ${guide.length} and input ${input.length} values, the workspace is ${workspace.width}×${workspace.height}; a ${width}×${height} plane has ${n}`);
  }
  const { meanI, meanP, corrIp, corrI, products, squares, rows, sums } = workspace;
  for (let i = 0; i < n; i++) {
    const g = guide[i];
    products[i] = g * input[i];
    squares[i] = g * g;
  }
  boxMeanInto(guide, width, height, radius, meanI, rows, sums);
  boxMeanInto(input, width, height, radius, meanP, rows, sums);
  boxMeanInto(products, width, height, radius, corrIp, rows, sums);
  boxMeanInto(squares, width, height, radius, corrI, rows, sums);
  // a and b reuse the correlation planes, their means the product planes
  const a = corrIp;
  const b = corrI;
  for (let i = 0; i < n; i++) {
    const mi = meanI[i];
    const coefficient = (corrIp[i] - mi * meanP[i]) / (corrI[i] - mi * mi + epsilon);
    a[i] = coefficient;
    b[i] = meanP[i] - coefficient * mi;
  }
  boxMeanInto(a, width, height, radius, products, rows, sums);
  boxMeanInto(b, width, height, radius, squares, rows, sums);
  return { meanA: products, meanB: squares };
}

/**
 * Guided filter (He et al., Algorithm 1) with a grey guide: {@link guidedCoefficients}, then
 * the output `mean(a)·I + mean(b)`. Used to snap an upsampled matte to the frame's edges.
 * Pass a {@link GuidedFilterWorkspace} of the plane's size to reuse its scratch planes, and
 * `out` to write the result into an array of your own (`width × height` values).
 *
 * @throws VisionError `INVALID_OPTION` for a radius that is not a positive integer or ε ≤ 0;
 * `INVALID_INPUT` when the planes (or the workspace, or `out`) do not have `width × height` values.
 * @example
 * ```ts
 * const refined = guidedFilter(grey, alpha, 640, 480, { radius: 4, epsilon: 1e-3 });
 * ```
 */
export function guidedFilter(
  guide: Float32Array,
  input: Float32Array,
  width: number,
  height: number,
  options: GuidedFilterOptions,
  workspace: GuidedFilterWorkspace = new GuidedFilterWorkspace(width, height),
  out: Float32Array = new Float32Array(width * height),
): Float32Array {
  if (out.length !== width * height) throw new VisionError('INVALID_INPUT', `guided filter: out has ${out.length} values; a ${width}×${height} plane has ${width * height}`);
  const { meanA, meanB } = guidedCoefficients(guide, input, width, height, options, workspace);
  for (let i = 0; i < out.length; i++) out[i] = meanA[i] * guide[i] + meanB[i];
  return out;
}
