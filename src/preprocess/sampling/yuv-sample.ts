/**
 * Camera frames (I420 / NV12 `VideoFrame`s) sampled straight from their YUV planes: one
 * `copyTo` of the planes (≈0.3 ms for 640×480), then only the model-size samples of a
 * {@link SamplePlan} (a crop region or a letterbox / stretch fit) are converted to RGB — a
 * canvas would convert the whole frame first (≈1.8 ms). Same bilinear geometry as the
 * in-memory sampler; colours by the frame's matrix (BT.601 or BT.709) and range, rounded to
 * 8 bits as a canvas gives them.
 */
import type { OutputLayout } from './sample-output';
import type { SamplePlan } from './sample-plan';

/**
 * The planes of a camera frame in memory: luma and the two half-size chroma planes (for NV12
 * U and V are interleaved in one plane: `chromaStep` 2).
 *
 * @example
 * ```ts
 * const yuv = await readYuvFrame(videoFrame); // null for RGB frames
 * ```
 */
export interface YuvFrame {
  width: number;
  height: number;
  data: Uint8Array;
  yOffset: number;
  yStride: number;
  uOffset: number;
  vOffset: number;
  chromaStride: number;
  chromaStep: number;
  /** R = l·(Y − y0) + rv·(V − 128); G = l·(Y − y0) − gu·(U − 128) − gv·(V − 128); B = l·(Y − y0) + bu·(U − 128). */
  coefficients: { y0: number; l: number; rv: number; gu: number; gv: number; bu: number };
}

/**
 * The YUV → RGB coefficients of a colour space: BT.709 when `matrix` is `bt709`, else BT.601;
 * full range when `fullRange`, else limited (Y 16–235, UV 16–240).
 *
 * @example
 * ```ts
 * const hd = yuvCoefficients({ matrix: 'bt709', fullRange: false });
 * ```
 */
export function yuvCoefficients(space: Pick<VideoColorSpaceInit, 'matrix' | 'fullRange'> | undefined): YuvFrame['coefficients'] {
  const bt709 = space?.matrix === 'bt709';
  const [kr, kb] = bt709 ? [0.2126, 0.0722] : [0.299, 0.114];
  const kg = 1 - kr - kb;
  const full = space?.fullRange === true;
  const [l, c] = full ? [1, 1] : [255 / 219, 255 / 224];
  return { y0: full ? 0 : 16, l, rv: 2 * (1 - kr) * c, gu: ((2 * kb * (1 - kb)) / kg) * c, gv: ((2 * kr * (1 - kr)) / kg) * c, bu: 2 * (1 - kb) * c };
}

/**
 * Copies an I420 or NV12 `VideoFrame`'s planes into memory; `null` for other pixel formats (RGB
 * frames, I420A, 10-bit) and frames with a crop or a display size that differs from the visible
 * size, which the caller then draws through a canvas instead.
 *
 * @example
 * ```ts
 * const yuv = await readYuvFrame(frame);
 * if (yuv) sampleYuvInto(yuv, plan, sink.values, layout);
 * ```
 */
export async function readYuvFrame(frame: VideoFrame): Promise<YuvFrame | null> {
  const rect = frame.visibleRect;
  if ((frame.format !== 'I420' && frame.format !== 'NV12') || !rect || rect.x !== 0 || rect.y !== 0) return null;
  if (frame.displayWidth !== rect.width || frame.displayHeight !== rect.height) return null;
  const data = new Uint8Array(frame.allocationSize());
  const layout = await frame.copyTo(data);
  const nv12 = frame.format === 'NV12';
  return {
    width: rect.width,
    height: rect.height,
    data,
    yOffset: layout[0].offset,
    yStride: layout[0].stride,
    uOffset: layout[1].offset,
    vOffset: nv12 ? layout[1].offset + 1 : layout[2].offset,
    chromaStride: layout[1].stride,
    chromaStep: nv12 ? 2 : 1,
    coefficients: yuvCoefficients(frame.colorSpace),
  };
}

/**
 * Per sample position along one axis of a plane: the two neighbouring indices (clamped to the
 * plane) and the weight of the second.
 */
function taps(positions: Float64Array, size: number, scale: number, shift: number): { lo: Int32Array; hi: Int32Array; t: Float64Array } {
  const lo = new Int32Array(positions.length);
  const hi = new Int32Array(positions.length);
  const t = new Float64Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const p = Math.min(Math.max(positions[i] * scale + shift, 0), size - 1);
    lo[i] = Math.floor(p);
    hi[i] = Math.min(lo[i] + 1, size - 1);
    t[i] = p - lo[i];
  }
  return { lo, hi, t };
}

const byte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Everything the per-frame loop reads, as typed arrays and numbers. */
interface YuvGrid {
  inside: Uint8Array;
  rowInside: Uint8Array;
  yRowLo: Int32Array;
  yRowHi: Int32Array;
  yTy: Float64Array;
  yColLo: Int32Array;
  yColHi: Int32Array;
  yTx: Float64Array;
  cRowLo: Int32Array;
  cRowHi: Int32Array;
  cTy: Float64Array;
  cColLo: Int32Array;
  cColHi: Int32Array;
  cTx: Float64Array;
}

function yuvGrid(yuv: YuvFrame, xs: Float64Array, ys: Float64Array): YuvGrid {
  const cw = (yuv.width + 1) >> 1;
  const ch = (yuv.height + 1) >> 1;
  const [yRows, yCols] = [taps(ys, yuv.height, 1, 0), taps(xs, yuv.width, 1, 0)];
  // chroma sits between the luma samples it covers: plane position = luma position / 2 − ¼
  const [cRows, cCols] = [taps(ys, ch, 0.5, -0.25), taps(xs, cw, 0.5, -0.25)];
  const rows = (taps: { lo: Int32Array; hi: Int32Array }, stride: number, offset: number) => [taps.lo.map((r) => offset + r * stride), taps.hi.map((r) => offset + r * stride)];
  const cols = (taps: { lo: Int32Array; hi: Int32Array }, step: number) => [taps.lo.map((c) => c * step), taps.hi.map((c) => c * step)];
  const [yRowLo, yRowHi] = rows(yRows, yuv.yStride, yuv.yOffset);
  const [yColLo, yColHi] = cols(yCols, 1);
  const [cRowLo, cRowHi] = rows(cRows, yuv.chromaStride, 0);
  const [cColLo, cColHi] = cols(cCols, yuv.chromaStep);
  return {
    inside: Uint8Array.from(xs, (x) => (Number.isNaN(x) ? 0 : 1)),
    rowInside: Uint8Array.from(ys, (y) => (Number.isNaN(y) ? 0 : 1)),
    yRowLo,
    yRowHi,
    yTy: yRows.t,
    yColLo,
    yColHi,
    yTx: yCols.t,
    cRowLo,
    cRowHi,
    cTy: cRows.t,
    cColLo,
    cColHi,
    cTx: cCols.t,
  };
}

/** The per-frame loop: typed arrays and numbers only (see region-sample's blend); outside samples keep the pad. */
function convert(yuv: YuvFrame, grid: YuvGrid, out: Int32Array | Float32Array, layout: OutputLayout): void {
  const { data, uOffset, vOffset } = yuv;
  const { y0, l, rv, gu, gv, bu } = yuv.coefficients;
  const { inside, rowInside, yRowLo, yRowHi, yTy, yColLo, yColHi, yTx, cRowLo, cRowHi, cTy, cColLo, cColHi, cTx } = grid;
  const { pixelStride, rowStride } = layout;
  const s0 = layout.slots[0];
  const s1 = layout.slots[1];
  const s2 = layout.slots[2];
  const g0 = layout.gains[0];
  const g1 = layout.gains[1];
  const g2 = layout.gains[2];
  const o0 = layout.offsets[0];
  const o1 = layout.offsets[1];
  const o2 = layout.offsets[2];
  const width = inside.length;
  for (let i = 0; i < rowInside.length; i++) {
    if (rowInside[i] === 0) continue;
    const ya = yRowLo[i];
    const yb = yRowHi[i];
    const yt = yTy[i];
    const ca = cRowLo[i];
    const cb = cRowHi[i];
    const ct = cTy[i];
    for (let j = 0, o = i * rowStride; j < width; j++, o += pixelStride) {
      if (inside[j] === 0) continue;
      const x0 = yColLo[j];
      const x1 = yColHi[j];
      const xt = yTx[j];
      const top = data[ya + x0] + (data[ya + x1] - data[ya + x0]) * xt;
      const bottom = data[yb + x0] + (data[yb + x1] - data[yb + x0]) * xt;
      const luma = l * (top + (bottom - top) * yt - y0);
      const u0 = cColLo[j];
      const u1 = cColHi[j];
      const ut = cTx[j];
      const a = uOffset + ca;
      const b = uOffset + cb;
      const uTop = data[a + u0] + (data[a + u1] - data[a + u0]) * ut;
      const u = uTop + (data[b + u0] + (data[b + u1] - data[b + u0]) * ut - uTop) * ct - 128;
      const c = vOffset + ca;
      const d = vOffset + cb;
      const vTop = data[c + u0] + (data[c + u1] - data[c + u0]) * ut;
      const v = vTop + (data[d + u0] + (data[d + u1] - data[d + u0]) * ut - vTop) * ct - 128;
      out[o + s0] = byte(luma + rv * v) * g0 + o0;
      out[o + s1] = byte(luma - gu * u - gv * v) * g1 + o1;
      out[o + s2] = byte(luma + bu * u) * g2 + o2;
    }
  }
}

/**
 * Samples a plan (a crop region or a whole-frame fit; samples outside keep the pad already
 * written) of a YUV frame as RGB into `out`, normalised and placed by `layout`.
 *
 * @example
 * ```ts
 * sampleYuvInto(yuv, regionPlan(region, yuv.width, yuv.height, 192, 192), sink.values, outputLayout(target));
 * ```
 */
export function sampleYuvInto(yuv: YuvFrame, plan: SamplePlan, out: Int32Array | Float32Array, layout: OutputLayout): void {
  convert(yuv, yuvGrid(yuv, plan.x.positions, plan.y.positions), out, layout);
}
