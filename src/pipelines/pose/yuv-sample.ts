/**
 * Camera frames (I420 / NV12 `VideoFrame`s) sampled straight from their YUV planes: one
 * `copyTo` of the planes (≈0.3 ms for 640×480), then only the model-size crop is converted to
 * RGB — a canvas would convert the whole frame first (≈1.8 ms). Same corner-aligned bilinear
 * geometry as `tf.image.cropAndResize`; colours by the frame's matrix (BT.601 or BT.709) and
 * range, rounded to 8 bits as a canvas gives them.
 */
import * as tf from '@tensorflow/tfjs';
import type { CropRegion } from '../../postprocess/pose/crop-region';
import type { ChannelAffine } from './capture-sample';

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

function coefficients(space: VideoColorSpace | undefined): YuvFrame['coefficients'] {
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
 * if (yuv) input = sampleYuvRegion(yuv, region, 192, 192, affine, 'int32');
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
    coefficients: coefficients(frame.colorSpace),
  };
}

/** Corner-aligned sample positions along one axis (pixel indices; NaN outside the image). */
function positions(min: number, max: number, size: number, out: number): Float64Array {
  const step = out > 1 ? ((max - min) * (size - 1)) / (out - 1) : 0;
  return Float64Array.from({ length: out }, (_, i) => {
    const v = out > 1 ? min * (size - 1) + i * step : 0.5 * (min + max) * (size - 1);
    return v < 0 || v > size - 1 ? Number.NaN : v;
  });
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

/** The per-frame loop: typed arrays and numbers only (see crop-sample's blend). */
function convert(yuv: YuvFrame, grid: YuvGrid, out: Int32Array | Float32Array, gains: readonly number[], offsets: readonly number[]): void {
  const { data, uOffset, vOffset } = yuv;
  const { y0, l, rv, gu, gv, bu } = yuv.coefficients;
  const { inside, rowInside, yRowLo, yRowHi, yTy, yColLo, yColHi, yTx, cRowLo, cRowHi, cTy, cColLo, cColHi, cTx } = grid;
  const g0 = gains[0];
  const g1 = gains[1];
  const g2 = gains[2];
  const o0 = offsets[0];
  const o1 = offsets[1];
  const o2 = offsets[2];
  const width = inside.length;
  for (let i = 0, o = 0; i < rowInside.length; i++) {
    const ya = yRowLo[i];
    const yb = yRowHi[i];
    const yt = yTy[i];
    const ca = cRowLo[i];
    const cb = cRowHi[i];
    const ct = cTy[i];
    for (let j = 0; j < width; j++, o += 3) {
      if (rowInside[i] === 0 || inside[j] === 0) {
        out[o] = o0;
        out[o + 1] = o1;
        out[o + 2] = o2;
        continue;
      }
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
      out[o] = byte(luma + rv * v) * g0 + o0;
      out[o + 1] = byte(luma - gu * u - gv * v) * g1 + o1;
      out[o + 2] = byte(luma + bu * u) * g2 + o2;
    }
  }
}

/**
 * Samples `region` (0–1 of the frame; may reach beyond it, which is black) of a YUV frame to
 * `outWidth` × `outHeight` RGB, normalised, as a `[1, outHeight, outWidth, 3]` tensor the
 * caller owns.
 *
 * @example
 * ```ts
 * const input = sampleYuvRegion(yuv, { xMin: 0, yMin: -0.17, xMax: 1, yMax: 1.17 }, 192, 192, { gains: [1, 1, 1], offsets: [0, 0, 0] }, 'int32');
 * ```
 */
export function sampleYuvRegion(yuv: YuvFrame, region: CropRegion, outWidth: number, outHeight: number, affine: ChannelAffine, dtype: 'int32' | 'float32'): tf.Tensor4D {
  const xs = positions(region.xMin, region.xMax, yuv.width, outWidth);
  const ys = positions(region.yMin, region.yMax, yuv.height, outHeight);
  const out = dtype === 'int32' ? new Int32Array(outWidth * outHeight * 3) : new Float32Array(outWidth * outHeight * 3);
  convert(yuv, yuvGrid(yuv, xs, ys), out, affine.gains, affine.offsets);
  return tf.tensor4d(out, [1, outHeight, outWidth, 3], dtype);
}
