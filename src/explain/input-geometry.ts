import type { InputTransform } from '../core/types';

/**
 * A half-open pixel span `[from, to)` on one axis.
 *
 * @example
 * ```ts
 * const span: Span = { from: 16, to: 48 };
 * ```
 */
export interface Span {
  from: number;
  to: number;
}

/**
 * Where an image-pixel span lands in the model input on one axis (`input = (image − crop) ×
 * scale + pad`), rounded to whole input pixels and clipped to the input; at least one pixel
 * when it overlaps the input at all, empty (`to ≤ from`) when it was cropped away.
 *
 * @example
 * ```ts
 * const xs = spanToInput({ from: 0, to: 64 }, t.cropX, t.scaleX, t.padX, t.inputWidth);
 * ```
 */
export function spanToInput(span: Span, crop: number, scale: number, pad: number, size: number): Span {
  const a = (span.from - crop) * scale + pad;
  const b = (span.to - crop) * scale + pad;
  if (b <= 0 || a >= size) return { from: 0, to: 0 };
  const from = Math.min(size - 1, Math.max(0, Math.round(a)));
  const to = Math.min(size, Math.max(from + 1, Math.round(b)));
  return { from, to };
}

/**
 * The image pixels on one axis whose centres the model input sees (`input = (image − crop) ×
 * scale + pad` within `[0, size]`, as {@link inputMapToImage} reads them): all of them under a
 * resize or letterbox, the middle under a centre crop.
 *
 * @example
 * ```ts
 * visibleSpan(80, 8, 0.5, 0, 32); // { from: 8, to: 72 }: a 64-px centre crop of 80 px
 * ```
 */
export function visibleSpan(length: number, crop: number, scale: number, pad: number, size: number): Span {
  const from = Math.max(0, Math.ceil(crop - pad / scale - 0.5));
  const to = Math.min(length, Math.floor(crop + (size - pad) / scale - 0.5) + 1);
  return { from, to: Math.max(from, to) };
}

/**
 * The start of each patch of `size` stepping by `stride` so that the patches cover `[0, length)`
 * (the last one ends at the edge).
 *
 * @example
 * ```ts
 * patchStarts(100, 40, 20); // [0, 20, 40, 60]
 * ```
 */
export function patchStarts(length: number, size: number, stride: number): number[] {
  const starts: number[] = [];
  for (let start = 0; ; start += stride) {
    if (start + size >= length) {
      starts.push(Math.max(0, length - size));
      break;
    }
    starts.push(start);
  }
  return [...new Set(starts)];
}

/**
 * Resamples a map laid over the model input (`mapWidth`×`mapHeight` cells covering the whole
 * input, e.g. a Grad-CAM grid) onto the source image's pixels: each image pixel centre goes
 * through the input transform (resize, letterbox, crop) and reads the map bilinearly. Image
 * pixels the input never saw (cropped away) get 0.
 *
 * @example
 * ```ts
 * const perPixel = inputMapToImage(cam, 7, 7, transform); // sourceWidth × sourceHeight values
 * ```
 */
export function inputMapToImage(values: ArrayLike<number>, mapWidth: number, mapHeight: number, t: InputTransform): Float32Array {
  const out = new Float32Array(t.sourceWidth * t.sourceHeight);
  const cellX = mapWidth / t.inputWidth;
  const cellY = mapHeight / t.inputHeight;
  const column = (x: number) => ((x + 0.5 - t.cropX) * t.scaleX + t.padX) * cellX - 0.5;
  for (let y = 0; y < t.sourceHeight; y++) {
    const v = ((y + 0.5 - t.cropY) * t.scaleY + t.padY) * cellY - 0.5;
    if (v < -0.5 || v > mapHeight - 0.5) continue;
    const clampedV = Math.min(Math.max(v, 0), mapHeight - 1);
    const y0 = Math.floor(clampedV);
    const y1 = Math.min(y0 + 1, mapHeight - 1);
    const fy = clampedV - y0;
    for (let x = 0; x < t.sourceWidth; x++) {
      const u = column(x);
      if (u < -0.5 || u > mapWidth - 0.5) continue;
      const clampedU = Math.min(Math.max(u, 0), mapWidth - 1);
      const x0 = Math.floor(clampedU);
      const x1 = Math.min(x0 + 1, mapWidth - 1);
      const fx = clampedU - x0;
      const top = values[y0 * mapWidth + x0] * (1 - fx) + values[y0 * mapWidth + x1] * fx;
      const bottom = values[y1 * mapWidth + x0] * (1 - fx) + values[y1 * mapWidth + x1] * fx;
      out[y * t.sourceWidth + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
