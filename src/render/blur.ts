/**
 * A fast approximate Gaussian blur of RGBA pixels: three box blurs along each axis (running
 * sums, mirrored edges), the classic stack for background blur without `ctx.filter`.
 */
import type { PixelArray } from './canvas2d';

/** One box pass of `radius` along rows (`step` 1) or columns (`step` = width) of one channel. */
function boxPass(src: Float32Array, dst: Float32Array, lines: number, length: number, lineStride: number, step: number, radius: number): void {
  const window = 2 * radius + 1;
  const at = (line: number, i: number): number => {
    const clamped = i < 0 ? -i - 1 : i >= length ? 2 * length - i - 1 : i;
    return src[line * lineStride + Math.min(Math.max(clamped, 0), length - 1) * step];
  };
  for (let line = 0; line < lines; line++) {
    let sum = 0;
    for (let i = -radius; i <= radius; i++) sum += at(line, i);
    for (let i = 0; i < length; i++) {
      dst[line * lineStride + i * step] = sum / window;
      sum += at(line, i + radius + 1) - at(line, i - radius);
    }
  }
}

/**
 * Blurs the RGB channels of `width`×`height` RGBA pixels into a new RGBA array (alpha copied):
 * three box passes of `radius` per axis, ≈ a Gaussian with σ ≈ `radius` (each box of width
 * 2r+1 adds r(r+1)/3 to the variance). The cost does not grow with the radius; 0 returns a copy.
 *
 * @example
 * ```ts
 * const soft = blurRgba(ctx.getImageData(0, 0, w, h).data, w, h, 12);
 * ```
 */
export function blurRgba(pixels: PixelArray, width: number, height: number, radius: number): Uint8ClampedArray<ArrayBuffer> {
  const n = width * height;
  const out = new Uint8ClampedArray(n * 4);
  const r = Math.max(0, Math.round(radius));
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let c = 0; c < 4; c++) {
    for (let p = 0; p < n; p++) a[p] = pixels[p * 4 + c];
    if (c < 3 && r > 0) {
      for (let pass = 0; pass < 3; pass++) {
        boxPass(a, b, height, width, width, 1, r);
        boxPass(b, a, width, height, 1, width, r);
      }
    }
    for (let p = 0; p < n; p++) out[p * 4 + c] = a[p];
  }
  return out;
}
