/**
 * I420 / NV12 camera frames built from RGB photos with the textbook BT.601 / BT.709 equations
 * (limited or full range, chroma averaged over 2 × 2 blocks), and their full-frame conversion
 * back to RGB as a browser canvas does it (chroma upsampled bilinearly, centred between the
 * luma samples), written independently of src/preprocess/sampling/yuv-sample.ts: the
 * reference for the YUV-plane samplers.
 */
import type { RawImage } from '../../src/node/index';
import type { YuvFrame } from '../../src/preprocess/sampling/yuv-sample';
import { yuvCoefficients } from '../../src/preprocess/sampling/yuv-sample';

export interface ColorSpace {
  matrix: 'bt601' | 'bt709';
  fullRange: boolean;
}

const KR_KB = { bt601: [0.299, 0.114], bt709: [0.2126, 0.0722] } as const;

/** Textbook decoding constants (ITU-R BT.601 / BT.709, limited range scaled by 255/219 and 255/224). */
const DECODE = {
  bt601: { y: 1.164383, rv: 1.596027, gu: 0.391762, gv: 0.812968, bu: 2.017232 },
  bt709: { y: 1.164383, rv: 1.792741, gu: 0.213249, gv: 0.532909, bu: 2.112402 },
  bt601full: { y: 1, rv: 1.402, gu: 0.344136, gv: 0.714136, bu: 1.772 },
  bt709full: { y: 1, rv: 1.5748, gu: 0.187324, gv: 0.468124, bu: 1.8556 },
};

const byte = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));

/** Encodes an RGB(A) photo as one I420 or NV12 buffer (even sizes only) with a YuvFrame describing it. */
export function encodeYuv(photo: RawImage, space: ColorSpace, format: 'I420' | 'NV12'): YuvFrame {
  const { width: w, height: h, channels: c, data } = photo;
  const [kr, kb] = KR_KB[space.matrix];
  const kg = 1 - kr - kb;
  const cw = w / 2;
  const ch = h / 2;
  const out = new Uint8Array(w * h + 2 * cw * ch);
  const pb = new Float64Array(w * h);
  const pr = new Float64Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = [data[i * c], data[i * c + 1], data[i * c + 2]];
    const y = kr * r + kg * g + kb * b;
    pb[i] = (b - y) / (2 * (1 - kb));
    pr[i] = (r - y) / (2 * (1 - kr));
    out[i] = byte(space.fullRange ? y : 16 + (219 / 255) * y);
  }
  const chromaScale = space.fullRange ? 1 : 224 / 255;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const at = [2 * y * w + 2 * x, 2 * y * w + 2 * x + 1, (2 * y + 1) * w + 2 * x, (2 * y + 1) * w + 2 * x + 1];
      const u = byte(128 + (chromaScale * at.reduce((s, k) => s + pb[k], 0)) / 4);
      const v = byte(128 + (chromaScale * at.reduce((s, k) => s + pr[k], 0)) / 4);
      if (format === 'I420') {
        out[w * h + y * cw + x] = u;
        out[w * h + cw * ch + y * cw + x] = v;
      } else {
        out[w * h + y * w + 2 * x] = u;
        out[w * h + y * w + 2 * x + 1] = v;
      }
    }
  }
  const nv12 = format === 'NV12';
  return {
    width: w,
    height: h,
    data: out,
    yOffset: 0,
    yStride: w,
    uOffset: w * h,
    vOffset: nv12 ? w * h + 1 : w * h + cw * ch,
    chromaStride: nv12 ? w : cw,
    chromaStep: nv12 ? 2 : 1,
    coefficients: yuvCoefficients({ matrix: space.matrix === 'bt709' ? 'bt709' : 'smpte170m', fullRange: space.fullRange }),
  };
}

/** The whole frame back to RGB (what a canvas gives a full readback), with the textbook constants. */
export function decodeYuv(yuv: YuvFrame, space: ColorSpace): RawImage {
  const { width: w, height: h, data } = yuv;
  const k = DECODE[`${space.matrix}${space.fullRange ? 'full' : ''}` as keyof typeof DECODE];
  const y0 = space.fullRange ? 0 : 16;
  const cw = w / 2;
  const ch = h / 2;
  const chroma = (offset: number, x: number, y: number): number => {
    const px = Math.min(Math.max(x / 2 - 0.25, 0), cw - 1);
    const py = Math.min(Math.max(y / 2 - 0.25, 0), ch - 1);
    const [x0, y0c] = [Math.floor(px), Math.floor(py)];
    const [x1, y1] = [Math.min(x0 + 1, cw - 1), Math.min(y0c + 1, ch - 1)];
    const at = (cx: number, cy: number): number => data[offset + cy * yuv.chromaStride + cx * yuv.chromaStep];
    const top = at(x0, y0c) * (1 - (px - x0)) + at(x1, y0c) * (px - x0);
    const bottom = at(x0, y1) * (1 - (px - x0)) + at(x1, y1) * (px - x0);
    return top * (1 - (py - y0c)) + bottom * (py - y0c) - 128;
  };
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const luma = k.y * (data[y * yuv.yStride + x] - y0);
      const u = chroma(yuv.uOffset, x, y);
      const v = chroma(yuv.vOffset, x, y);
      const o = (y * w + x) * 3;
      rgb[o] = byte(luma + k.rv * v);
      rgb[o + 1] = byte(luma - k.gu * u - k.gv * v);
      rgb[o + 2] = byte(luma + k.bu * u);
    }
  }
  return { data: rgb, width: w, height: h, channels: 3 };
}
