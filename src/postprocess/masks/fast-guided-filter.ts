/**
 * The fast guided filter of He and Sun ("Fast Guided Filter", arXiv:1505.00996, Algorithm 2):
 * the guided filter's linear coefficients `a`, `b` are fitted on the guide and input
 * subsampled `s` times (radius `r/s`), their box means are upsampled bilinearly to the full
 * guide, and the output `q = mean(a)·I + mean(b)` is formed there — O(N/s²) for the box means
 * and one pass over the full-size guide, instead of six box means at full size. The full-size
 * pass reads the guide's pixels in place (interleaved RGB(A) or grey, any numeric array) and
 * takes their luma on the fly, so no full-size guide plane is ever built; for 8-bit guides it
 * runs in a WebAssembly SIMD kernel (`matte-kernel.ts`, four pixels a step). Resampling is
 * bilinear with half-pixel centres (OpenCV `INTER_LINEAR`, edges clamped) both ways.
 */
import { VisionError } from '../../core/errors';
import { optionNames } from '../../core/known-options';
import { checkOptionNames } from '../validate';
import { type GuidedApplyPass, applyInKernel } from './matte-kernel';
import { GuidedFilterWorkspace, checkGuidedOptions, guidedCoefficients } from './guided-filter';
import { axisTaps } from './upsample';

/**
 * A guide read in place: `width`×`height` pixels of `channels` interleaved values each, row
 * after row. The guide value is the luma `scale·(0.299 R + 0.587 G + 0.114 B)` (BT.601) for 3 or
 * 4 channels and `scale·value` for 1 or 2 (grey, grey + alpha).
 *
 * @example
 * ```ts
 * const guide: GuidePixels = { data: rgbBytes, width: 320, height: 240, channels: 3, scale: 1 / 255 };
 * ```
 */
export interface GuidePixels {
  data: ArrayLike<number>;
  width: number;
  height: number;
  channels: number;
  scale: number;
}

/**
 * Settings of {@link fastGuidedFilter}: the guided filter's radius (at full size) and ε, and
 * the subsampling factor `s` (1: the plain guided filter).
 *
 * @example
 * ```ts
 * const settings: FastGuidedFilterOptions = { radius: 8, epsilon: 1e-3, subsample: 4 };
 * ```
 */
export interface FastGuidedFilterOptions {
  /** Window radius in full-size pixels; the coefficients use `max(1, round(radius / subsample))`. */
  radius: number;
  /** Regularisation ε (in guide units squared). */
  epsilon: number;
  /** Subsampling factor s ≥ 1: the coefficient grid is `round(width / s)`×`round(height / s)`. */
  subsample: number;
}

/** Taps of one axis (see `axisTaps`). */
type Taps = ReturnType<typeof axisTaps>;

/**
 * Planes and tables of the fast guided filter for one full size and one coefficient-grid
 * size, kept by a caller that filters frame after frame (nothing is allocated per call).
 *
 * @example
 * ```ts
 * const workspace = new FastGuidedFilterWorkspace(320, 240, 128, 96);
 * ```
 */
export class FastGuidedFilterWorkspace {
  /** The subsampled guide and input (fill them, then call {@link fastGuidedFilterInto}). */
  readonly guideLow: Float32Array;
  readonly inputLow: Float32Array;
  /** The guided filter's scratch planes at the coefficient-grid size. */
  readonly coefficients: GuidedFilterWorkspace;
  /** mean(a) and mean(b) interpolated across to the full width, one row per grid row. */
  readonly acrossA: Float32Array;
  readonly acrossB: Float32Array;
  /** Full size → grid (subsampling) and grid → full size (upsampling) taps per axis. */
  readonly downX: Taps;
  readonly downY: Taps;
  readonly upX: Taps;
  readonly upY: Taps;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly lowWidth: number,
    readonly lowHeight: number,
  ) {
    if (![width, height, lowWidth, lowHeight].every((v) => Number.isInteger(v) && v >= 1) || lowWidth > width || lowHeight > height) {
      throw new VisionError('INVALID_INPUT', `fast guided filter: sizes ${width}×${height} → ${lowWidth}×${lowHeight}; both must be positive integers and the grid no larger than the guide`);
    }
    this.guideLow = new Float32Array(lowWidth * lowHeight);
    this.inputLow = new Float32Array(lowWidth * lowHeight);
    this.coefficients = new GuidedFilterWorkspace(lowWidth, lowHeight);
    this.acrossA = new Float32Array(lowHeight * width);
    this.acrossB = new Float32Array(lowHeight * width);
    this.downX = axisTaps(width, lowWidth);
    this.downY = axisTaps(height, lowHeight);
    this.upX = axisTaps(lowWidth, width);
    this.upY = axisTaps(lowHeight, height);
  }
}

/**
 * The coefficient-grid size of a `width`×`height` guide subsampled `subsample` times
 * (each side `round(side / subsample)`, at least 1).
 *
 * @example
 * ```ts
 * fastGuidedGridSize(320, 240, 2.5); // { lowWidth: 128, lowHeight: 96 }
 * ```
 */
export function fastGuidedGridSize(width: number, height: number, subsample: number): { lowWidth: number; lowHeight: number } {
  if (!(subsample >= 1 && Number.isFinite(subsample))) throw new VisionError('INVALID_OPTION', `fast guided filter subsample is ${String(subsample)}; it must be a finite number ≥ 1`);
  return { lowWidth: Math.max(1, Math.round(width / subsample)), lowHeight: Math.max(1, Math.round(height / subsample)) };
}

/** Offsets of G and B within a pixel and the luma weights (scale folded in) of a guide. */
function lumaTaps(guide: GuidePixels): { k1: number; k2: number; wr: number; wg: number; wb: number } {
  const s = guide.scale;
  return guide.channels >= 3 ? { k1: 1, k2: 2, wr: 0.299 * s, wg: 0.587 * s, wb: 0.114 * s } : { k1: 0, k2: 0, wr: s, wg: 0, wb: 0 };
}

function checkGuide(guide: GuidePixels, workspace: FastGuidedFilterWorkspace): void {
  const { width, height, channels, data } = guide;
  if (width !== workspace.width || height !== workspace.height || !(channels >= 1 && channels <= 4) || data.length < width * height * channels) {
    throw new VisionError('INVALID_INPUT', `fast guided filter: the guide is ${width}×${height}×${channels} with ${data.length} values, the workspace is for ${workspace.width}×${workspace.height} (1–4 channels)`);
  }
}

/**
 * The guide's luma subsampled bilinearly onto the coefficient grid, into `workspace.guideLow`
 * (equal to resizing the full-size luma plane, as luma is linear in the pixel values).
 *
 * @throws VisionError `INVALID_INPUT` when the guide does not match the workspace.
 * @example
 * ```ts
 * subsampleGuide({ data: rgb, width: 320, height: 240, channels: 3, scale: 1 / 255 }, workspace);
 * ```
 */
export function subsampleGuide(guide: GuidePixels, workspace: FastGuidedFilterWorkspace): Float32Array {
  checkGuide(guide, workspace);
  const { data, channels } = guide;
  const { k1, k2, wr, wg, wb } = lumaTaps(guide);
  const { lowWidth, guideLow: out } = workspace;
  const { i0: x0, i1: x1, w1: wx } = workspace.downX;
  const { i0: y0, i1: y1, w1: wy } = workspace.downY;
  const stride = workspace.width * channels;
  for (let i = 0; i < workspace.lowHeight; i++) {
    const top = y0[i] * stride;
    const bottom = y1[i] * stride;
    const ty = wy[i];
    for (let j = 0; j < lowWidth; j++) {
      const l = x0[j] * channels;
      const r = x1[j] * channels;
      const tx = wx[j];
      const tl = data[top + l] * wr + data[top + l + k1] * wg + data[top + l + k2] * wb;
      const tr = data[top + r] * wr + data[top + r + k1] * wg + data[top + r + k2] * wb;
      const bl = data[bottom + l] * wr + data[bottom + l + k1] * wg + data[bottom + l + k2] * wb;
      const br = data[bottom + r] * wr + data[bottom + r + k1] * wg + data[bottom + r + k2] * wb;
      const upper = tl + (tr - tl) * tx;
      const lower = bl + (br - bl) * tx;
      out[i * lowWidth + j] = upper + (lower - upper) * ty;
    }
  }
  return out;
}

/**
 * Options of {@link fastGuidedFilterInto}.
 *
 * @example
 * ```ts
 * const options: FastGuidedApplyOptions = { lowRadius: 1, epsilon: 1e-3, clamp: true, subsampleGuide: true };
 * ```
 */
export interface FastGuidedApplyOptions {
  /** Window radius on the coefficient grid (grid cells): a positive integer. */
  lowRadius: number;
  /** Regularisation ε (guide units squared). */
  epsilon: number;
  /** Clamp the output to [0, 1]. */
  clamp: boolean;
  /** Sample the guide down to the grid first (else `workspace.guideLow` is already filled). */
  subsampleGuide?: boolean;
}

const APPLY_OPTION_NAMES = /* @__PURE__ */ optionNames<FastGuidedApplyOptions>()(['lowRadius', 'epsilon', 'clamp', 'subsampleGuide']);
const FAST_OPTION_NAMES = /* @__PURE__ */ optionNames<FastGuidedFilterOptions>()(['radius', 'epsilon', 'subsample']);

/**
 * Algorithm 2 once the subsampled input is in `workspace.inputLow` and the subsampled guide in
 * `workspace.guideLow` — or, with `subsampleGuide`, made from the guide here (as
 * {@link subsampleGuide} does; in the kernel where it runs): the coefficients at grid radius
 * `lowRadius`, their means upsampled to the full size and `q = mean(a)·I + mean(b)` written to
 * `out` (clamped to [0, 1], NaN to 0, with `clamp`), reading the full-size guide in place.
 *
 * @throws VisionError `INVALID_OPTION` for a bad radius or ε; `INVALID_INPUT` when the guide or `out` does not match the workspace.
 * @example
 * ```ts
 * workspace.inputLow.set(lowMatte);
 * fastGuidedFilterInto(guide, workspace, { lowRadius: 1, epsilon: 1e-3, clamp: true, subsampleGuide: true }, out);
 * ```
 */
export function fastGuidedFilterInto(
  guide: GuidePixels,
  workspace: FastGuidedFilterWorkspace,
  options: FastGuidedApplyOptions,
  out: Float32Array,
): Float32Array {
  checkOptionNames(options, 'fastGuidedFilterInto', APPLY_OPTION_NAMES);
  checkGuide(guide, workspace);
  const { width, height, lowWidth, lowHeight, acrossA, acrossB } = workspace;
  if (out.length !== width * height) throw new VisionError('INVALID_INPUT', `fast guided filter: out has ${out.length} values; a ${width}×${height} guide needs ${width * height}`);
  const { radius, epsilon } = checkGuidedOptions({ radius: options.lowRadius, epsilon: options.epsilon });
  const { k1, k2, wr, wg, wb } = lumaTaps(guide);
  const grid = { guide: workspace.guideLow, input: workspace.inputLow, width: lowWidth, height: lowHeight, radius, epsilon };
  const down = options.subsampleGuide ? { x: workspace.downX, y: workspace.downY } : undefined;
  const pass: GuidedApplyPass = { grid, upX: workspace.upX, upY: workspace.upY, down, guide, luma: [wr, wg, wb], clamp: options.clamp };
  if (applyInKernel(pass, out)) return out;
  if (down) subsampleGuide(guide, workspace);
  const { meanA, meanB } = guidedCoefficients(grid.guide, grid.input, lowWidth, lowHeight, { radius, epsilon }, workspace.coefficients);
  // mean(a) and mean(b) of each grid row interpolated across to the full width, then the pass
  const { i0: x0, i1: x1, w1: wx } = workspace.upX;
  for (let i = 0; i < lowHeight; i++) {
    const row = i * lowWidth;
    const at = i * width;
    for (let x = 0; x < width; x++) {
      const a = meanA[row + x0[x]];
      const b = meanB[row + x0[x]];
      acrossA[at + x] = a + (meanA[row + x1[x]] - a) * wx[x];
      acrossB[at + x] = b + (meanB[row + x1[x]] - b) * wx[x];
    }
  }
  applyWithJavaScript(pass, acrossA, acrossB, k1, k2, out);
  return out;
}

/** The full-size pass in JavaScript (any guide): `q = a·luma + b`, `a` and `b` interpolated down between their across rows. */
function applyWithJavaScript(pass: GuidedApplyPass, acrossA: Float32Array, acrossB: Float32Array, k1: number, k2: number, out: Float32Array): void {
  const { clamp } = pass;
  const { data, channels, width, height } = pass.guide;
  const [wr, wg, wb] = pass.luma;
  const { i0: y0, i1: y1, w1: wy } = pass.upY;
  for (let y = 0; y < height; y++) {
    const upper = y0[y] * width;
    const lower = y1[y] * width;
    const ty = wy[y];
    const at = y * width;
    for (let x = 0, p = at * channels; x < width; x++, p += channels) {
      const au = acrossA[upper + x];
      const bu = acrossB[upper + x];
      const a = au + (acrossA[lower + x] - au) * ty;
      const b = bu + (acrossB[lower + x] - bu) * ty;
      const q = a * (data[p] * wr + data[p + k1] * wg + data[p + k2] * wb) + b;
      out[at + x] = clamp ? (q >= 0 ? (q <= 1 ? q : 1) : 0) : q; // NaN (a guide of absurd values overflowing) clamps to 0
    }
  }
}

/**
 * The fast guided filter (He and Sun, Algorithm 2) of a `width`×`height` input with a grey
 * guide plane: both subsampled `subsample` times bilinearly, the coefficients fitted there
 * with radius `max(1, round(radius / subsample))`, upsampled bilinearly and applied to the
 * full guide. `subsample: 1` is the plain guided filter. Returns a new array.
 *
 * @throws VisionError `INVALID_OPTION` for a bad radius, ε or subsample; `INVALID_INPUT` when the planes do not have `width × height` values.
 * @example
 * ```ts
 * const refined = fastGuidedFilter(grey, alpha, 640, 480, { radius: 8, epsilon: 1e-3, subsample: 4 });
 * ```
 */
export function fastGuidedFilter(guide: Float32Array, input: Float32Array, width: number, height: number, options: FastGuidedFilterOptions): Float32Array {
  checkOptionNames(options, 'fastGuidedFilter', FAST_OPTION_NAMES);
  const { radius, epsilon, subsample } = options;
  if (!Number.isInteger(radius) || radius < 1) throw new VisionError('INVALID_OPTION', `fast guided filter radius is ${String(radius)}; it must be a positive integer (pixels)`);
  if (guide.length !== width * height || input.length !== width * height) {
    throw new VisionError('INVALID_INPUT', `fast guided filter: guide has ${guide.length} and input ${input.length} values; a ${width}×${height} plane has ${width * height}`);
  }
  const { lowWidth, lowHeight } = fastGuidedGridSize(width, height, subsample);
  const workspace = new FastGuidedFilterWorkspace(width, height, lowWidth, lowHeight);
  const plane = (data: Float32Array): GuidePixels => ({ data, width, height, channels: 1, scale: 1 });
  workspace.inputLow.set(subsampleGuide(plane(input), workspace));
  const lowRadius = Math.max(1, Math.round(radius / subsample));
  return fastGuidedFilterInto(plane(guide), workspace, { lowRadius, epsilon, clamp: false, subsampleGuide: true }, new Float32Array(width * height));
}
