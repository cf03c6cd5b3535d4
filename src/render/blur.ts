/**
 * A fast approximate Gaussian blur of RGBA pixels: three box blurs along each axis (running
 * sums, mirrored edges), the classic stack for background blur without `ctx.filter`.
 */
import { VisionError } from '../core/errors';
import type { PixelArray } from './canvas2d';
import { shownValue } from '../core/shown-value';

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
 * The blur radius after checking it is a finite number ≥ 0; throws `INVALID_OPTION` naming
 * the option `name` otherwise (NaN and Infinity included).
 *
 * @example
 * ```ts
 * const radius = checkBlurRadius(options.radius ?? 12, 'radius');
 * ```
 */
export function checkBlurRadius(radius: unknown, name: string): number {
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius < 0) {
    throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(radius)}; it must be a finite blur radius ≥ 0 (pixels)`);
  }
  return radius;
}

/**
 * Blurs the RGB channels of `width`×`height` RGBA pixels into a new RGBA array (alpha copied):
 * three box passes of `radius` per axis, ≈ a Gaussian with σ ≈ `radius` (each box of width
 * 2r+1 adds r(r+1)/3 to the variance); 0 returns a copy.
 *
 * The radius along each axis is capped at that axis's length (rows: `width`, columns:
 * `height`): edges are mirrored once, and a box of radius r ≥ length already spans the whole
 * mirrored line (its first pass gives the line's mean, give or take one sample), so a larger
 * radius could only read past the mirror. Any radius ≥ max(width, height) thus blurs exactly
 * as max(width, height) does, and the cost never grows with the radius.
 *
 * @throws VisionError `INVALID_OPTION` for a radius that is not a finite number ≥ 0; `INVALID_INPUT`
 * for a width or height that is not a whole number > 0, or fewer than width × height × 4 values.
 * @example
 * ```ts
 * const soft = blurRgba(ctx.getImageData(0, 0, w, h).data, w, h, 12);
 * ```
 */
export function blurRgba(pixels: PixelArray, width: number, height: number, radius: number): Uint8ClampedArray<ArrayBuffer> {
  const r = Math.round(checkBlurRadius(radius, 'radius'));
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new VisionError('INVALID_INPUT', `the pixels are ${shownValue(width)}×${shownValue(height)}; width and height must be whole numbers > 0`);
  }
  const length = typeof pixels === 'object' && pixels !== null ? pixels.length : undefined;
  if (!(typeof length === 'number' && length >= width * height * 4)) {
    throw new VisionError('INVALID_INPUT', `pixels are ${length === undefined ? shownValue(pixels) : `${length} values`}; ${width}×${height} RGBA needs ${width * height * 4}`);
  }
  const n = width * height;
  const out = new Uint8ClampedArray(n * 4);
  const rx = Math.min(r, width);
  const ry = Math.min(r, height);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let c = 0; c < 4; c++) {
    for (let p = 0; p < n; p++) a[p] = pixels[p * 4 + c];
    if (c < 3 && r > 0) {
      for (let pass = 0; pass < 3; pass++) {
        boxPass(a, b, height, width, width, 1, rx);
        boxPass(b, a, width, height, 1, width, ry);
      }
    }
    for (let p = 0; p < n; p++) out[p * 4 + c] = a[p];
  }
  return out;
}
