/**
 * Bilinear resampling of sparse float planes with PyTorch's `F.interpolate(mode='bilinear',
 * align_corners=False)` arithmetic (float32 at every step, as its CPU kernel), computed only
 * over a window of the output. Mask assembly (Mask R-CNN paste, YOLO-seg upsampling) uses it
 * so that 100 instance masks on a 1280×720 frame cost their boxes, not 100 full frames.
 */
import type { MaskBounds } from '../../core/mask';

const f32 = Math.fround;

/**
 * A float plane of logical size `width`×`height` whose values are stored for `bounds` only
 * (row by row); every pixel outside `bounds` is 0.
 *
 * @example
 * ```ts
 * const plane: SparsePlane = { width: 160, height: 160, bounds: { x: 10, y: 20, width: 30, height: 40 }, data: new Float32Array(1200) };
 * ```
 */
export interface SparsePlane {
  width: number;
  height: number;
  bounds: MaskBounds;
  data: Float32Array;
}

/** Source indices and weights of a run of output positions along one axis (entry k: position `from + k`). @example `const { i0, l0 } = bilinearTaps(160, 640)` */
export interface AxisWeights {
  i0: Int32Array;
  i1: Int32Array;
  l0: Float32Array;
  l1: Float32Array;
}

/**
 * The bilinear taps {@link resizeSparse} uses along one axis resized from `inSize` to
 * `outSize`, for output positions `from … from + count − 1`: PyTorch's
 * `compute_source_index_and_lambda` (align_corners=False) as its CPU kernel computes it
 * (measured against torch 1.13 on unit impulses): `scale = in / out` in float32,
 * `src = max(0, scale·(dst + 0.5) − 0.5)` in double, the weights `frac(src)` and
 * `1 − frac(src)` rounded to float32. Exported so that other resamplers (the GPU mask
 * assembler) weigh with exactly these values.
 *
 * @example
 * ```ts
 * const taps = bilinearTaps(160, 640); // taps.i0[5], taps.l1[5]: output 5's first source and second weight
 * ```
 */
export function bilinearTaps(inSize: number, outSize: number, from = 0, count = outSize - from): AxisWeights {
  const w: AxisWeights = { i0: new Int32Array(count), i1: new Int32Array(count), l0: new Float32Array(count), l1: new Float32Array(count) };
  const scale = f32(inSize / outSize);
  for (let k = 0; k < count; k++) {
    const o = from + k;
    if (inSize === outSize) {
      w.i0[k] = o;
      w.i1[k] = o;
      w.l0[k] = 1;
      w.l1[k] = 0;
      continue;
    }
    const src = Math.max(scale * (o + 0.5) - 0.5, 0);
    const i0 = Math.trunc(src);
    w.i0[k] = i0;
    w.i1[k] = i0 < inSize - 1 ? i0 + 1 : i0;
    const frac = Math.min(Math.max(src - i0, 0), 1);
    w.l1[k] = frac;
    w.l0[k] = 1 - frac;
  }
  return w;
}

/** Output positions `[start, end)` whose two source taps touch `[lo, hi)` (contiguous: indices are monotone). */
function touching(w: AxisWeights, lo: number, hi: number): [number, number] {
  let start = -1;
  let end = -1;
  for (let o = 0; o < w.i0.length; o++) {
    if ((w.i0[o] >= lo && w.i0[o] < hi) || (w.i1[o] >= lo && w.i1[o] < hi)) {
      if (start < 0) start = o;
      end = o + 1;
    }
  }
  return start < 0 ? [0, 0] : [start, end];
}

/**
 * The output window of resizing `src` to `outWidth`×`outHeight` outside which every value is
 * 0 (pixels whose bilinear taps all fall outside `src.bounds`).
 *
 * @example
 * ```ts
 * const window = resizeWindow(protoMask, 640, 640);
 * ```
 */
export function resizeWindow(src: SparsePlane, outWidth: number, outHeight: number): MaskBounds {
  const b = src.bounds;
  if (b.width === 0 || b.height === 0) return { x: 0, y: 0, width: 0, height: 0 };
  const [x0, x1] = touching(bilinearTaps(src.width, outWidth), b.x, b.x + b.width);
  const [y0, y1] = touching(bilinearTaps(src.height, outHeight), b.y, b.y + b.height);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * The source rectangle (in `src` logical pixels) that the output window reads: what must be
 * stored for `resizeSparse` to compute `window` exactly.
 *
 * @example
 * ```ts
 * const need = sourceWindow(160, 160, 1280, 720, boxWindow);
 * ```
 */
export function sourceWindow(inWidth: number, inHeight: number, outWidth: number, outHeight: number, window: MaskBounds): MaskBounds {
  if (window.width === 0 || window.height === 0) return { x: 0, y: 0, width: 0, height: 0 };
  const wx = bilinearTaps(inWidth, outWidth, window.x, window.width);
  const wy = bilinearTaps(inHeight, outHeight, window.y, window.height);
  const x0 = wx.i0[0];
  const x1 = wx.i1[window.width - 1] + 1;
  const y0 = wy.i0[0];
  const y1 = wy.i1[window.height - 1] + 1;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * {@link resizeSparse} of a plane stored whole (every tap inside it): the same corner weights and
 * sum, so the same values, without the per-tap bounds checks. `wx` and `wy` are the window's.
 */
function resizeDense(data: Float32Array, width: number, wx: AxisWeights, wy: AxisWeights, win: MaskBounds, out: Float32Array): void {
  const { width: ww, height: wh } = win;
  for (let r = 0; r < wh; r++) {
    const row0 = wy.i0[r] * width;
    const row1 = wy.i1[r] * width;
    const h0 = wy.l0[r];
    const h1 = wy.l1[r];
    const o = r * ww;
    for (let c = 0; c < ww; c++) {
      const a = wx.i0[c];
      const b = wx.i1[c];
      const w0 = wx.l0[c];
      const w1 = wx.l1[c];
      out[o + c] = f32(h0 * w0) * data[row0 + a] + f32(h0 * w1) * data[row0 + b] + f32(h1 * w0) * data[row1 + a] + f32(h1 * w1) * data[row1 + b];
    }
  }
}

/**
 * Resizes `src` to `outWidth`×`outHeight` like `F.interpolate(bilinear, align_corners=False)`
 * in float32, computing only `window` (default: {@link resizeWindow}); the result is sparse
 * with `bounds = window`.
 *
 * @example
 * ```ts
 * const up = resizeSparse(protoMask, 640, 640);
 * ```
 */
export function resizeSparse(src: SparsePlane, outWidth: number, outHeight: number, window?: MaskBounds): SparsePlane {
  const win = window ?? resizeWindow(src, outWidth, outHeight);
  const out = new Float32Array(win.width * win.height);
  if (out.length === 0) return { width: outWidth, height: outHeight, bounds: win, data: out };
  // weights of the window's positions only: a box far larger than the image costs what its visible part does
  const wx = bilinearTaps(src.width, outWidth, win.x, win.width);
  const wy = bilinearTaps(src.height, outHeight, win.y, win.height);
  const { x: bx, y: by, width: bw, height: bh } = src.bounds;
  const data = src.data;
  // Source column taps as offsets into a stored row, -1 where outside the stored bounds.
  const c0 = new Int32Array(win.width);
  const c1 = new Int32Array(win.width);
  for (let c = 0; c < win.width; c++) {
    const j0 = wx.i0[c] - bx;
    const j1 = wx.i1[c] - bx;
    c0[c] = j0 >= 0 && j0 < bw ? j0 : -1;
    c1[c] = j1 >= 0 && j1 < bw ? j1 : -1;
  }
  if (bx === 0 && by === 0 && bw === src.width && bh === src.height) {
    resizeDense(data, bw, wx, wy, win, out);
    return { width: outWidth, height: outHeight, bounds: win, data: out };
  }
  for (let r = 0; r < win.height; r++) {
    const r0 = wy.i0[r] - by;
    const r1 = wy.i1[r] - by;
    const row0 = r0 >= 0 && r0 < bh ? r0 * bw : -1;
    const row1 = r1 >= 0 && r1 < bh ? r1 * bw : -1;
    const h0 = wy.l0[r];
    const h1 = wy.l1[r];
    const o = r * win.width;
    for (let c = 0; c < win.width; c++) {
      const w0 = wx.l0[c];
      const w1 = wx.l1[c];
      const a = c0[c];
      const b = c1[c];
      const v00 = row0 >= 0 && a >= 0 ? data[row0 + a] : 0;
      const v01 = row0 >= 0 && b >= 0 ? data[row0 + b] : 0;
      const v10 = row1 >= 0 && a >= 0 ? data[row1 + a] : 0;
      const v11 = row1 >= 0 && b >= 0 ? data[row1 + b] : 0;
      // Corner weights in float32, the weighted sum in double, one rounding on store: of the
      // orders tried this one is closest to PyTorch's kernel (results differ by ≤ 1 float32
      // ulp on ~10% of pixels: its exact operation order depends on the CPU's vector code).
      out[o + c] = f32(h0 * w0) * v00 + f32(h0 * w1) * v01 + f32(h1 * w0) * v10 + f32(h1 * w1) * v11;
    }
  }
  return { width: outWidth, height: outHeight, bounds: win, data: out };
}

/**
 * The tight binary mask (`value > threshold`) of a sparse plane: bytes over the smallest
 * rectangle holding every set pixel.
 *
 * @example
 * ```ts
 * const { bounds, data } = thresholdSparse(plane, 0.5);
 * ```
 */
export function thresholdSparse(plane: SparsePlane, threshold: number): { bounds: MaskBounds; data: Uint8Array } {
  const { x, y, width, height } = plane.bounds;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (plane.data[r * width + c] > threshold) {
        if (c < minX) minX = c;
        if (c > maxX) maxX = c;
        if (r < minY) minY = r;
        maxY = r;
      }
    }
  }
  if (maxX < 0) return { bounds: { x: 0, y: 0, width: 0, height: 0 }, data: new Uint8Array(0) };
  const w = maxX - minX + 1;
  const h = maxY - minY + 1;
  const data = new Uint8Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) data[r * w + c] = plane.data[(r + minY) * width + c + minX] > threshold ? 1 : 0;
  }
  return { bounds: { x: x + minX, y: y + minY, width: w, height: h }, data };
}
