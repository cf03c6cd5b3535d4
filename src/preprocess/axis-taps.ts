/**
 * Which source pixels each model-input pixel of one axis reads, and with what weights: the
 * resampling of a fit ({@link AxisFit}) as taps. Bilinear and nearest follow
 * `tf.image.resizeBilinear` / `resizeNearestNeighbor` with half-pixel centres (OpenCV's
 * `INTER_LINEAR` / `INTER_NEAREST_EXACT`); `antialias` widens the bilinear (triangle) filter by
 * the downscale factor as Pillow's and torchvision's antialiased resize do, so a large photo
 * shrunk to a model input is averaged instead of sampled (no aliasing).
 */
import type { AxisFit } from './geometry';

/**
 * The taps of one axis: output sample j reads `index[j·size + t]` with `weight[j·size + t]`
 * for t < size (unused taps weigh 0); `inside[j]` is 0 where j is pad.
 *
 * @example
 * ```ts
 * const taps: AxisTaps = { size: 2, index: Int32Array.of(0, 1), weight: Float32Array.of(0.5, 0.5), inside: Uint8Array.of(1) };
 * ```
 */
export interface AxisTaps {
  size: number;
  index: Int32Array;
  weight: Float32Array;
  inside: Uint8Array;
}

/**
 * How an axis is resampled: `bilinear`, `nearest`, or `antialias` (bilinear widened by the
 * downscale factor; plain bilinear where the axis is enlarged, as torchvision).
 *
 * @example
 * ```ts
 * const mode: ResampleMode = 'antialias';
 * ```
 */
export type ResampleMode = 'bilinear' | 'nearest' | 'antialias';

/** The source window and weights of resized sample i (Pillow's `precompute_coeffs`, torchvision's `_upsample_bilinear2d_aa`). */
function antialiasWindow(i: number, scale: number, span: number): { first: number; weights: number[] } {
  const center = scale * (i + 0.5);
  const first = Math.max(Math.trunc(center - scale + 0.5), 0);
  const end = Math.min(Math.trunc(center + scale + 0.5), span);
  const weights: number[] = [];
  let total = 0;
  for (let x = first; x < end; x++) {
    const w = Math.max(0, 1 - Math.abs((x - center + 0.5) / scale));
    weights.push(w);
    total += w;
  }
  return { first, weights: total > 0 ? weights.map((w) => w / total) : weights };
}

/**
 * The taps of one axis of a fit: output indices [offset, offset + resized) ∩ [0, out) read the
 * source span [from, from + span) resized to `resized` samples (edges clamped to the span); the
 * rest is pad. A negative `offset` cuts into the resized span (a crop after the resize).
 *
 * @example
 * ```ts
 * const taps = axisTaps({ from: 0, span: 1920, offset: 0, resized: 256 }, 256, 'antialias'); // 15 taps per sample
 * ```
 */
export function axisTaps({ from, span, offset, resized }: AxisFit, out: number, mode: ResampleMode): AxisTaps {
  const scale = span / resized;
  const widened = mode === 'antialias' && scale > 1;
  const size = mode === 'nearest' ? 1 : widened ? Math.ceil(2 * scale) + 2 : 2;
  const index = new Int32Array(out * size);
  const weight = new Float32Array(out * size);
  const inside = new Uint8Array(out);
  for (let j = Math.max(0, offset); j < Math.min(out, offset + resized); j++) {
    inside[j] = 1;
    const i = j - offset;
    const o = j * size;
    if (mode === 'nearest') {
      index[o] = from + Math.min(Math.floor((i + 0.5) * scale), span - 1);
      weight[o] = 1;
    } else if (widened) {
      const { first, weights } = antialiasWindow(i, scale, span);
      weights.forEach((w, t) => {
        index[o + t] = from + first + t;
        weight[o + t] = w;
      });
      for (let t = weights.length; t < size; t++) index[o + t] = from + first;
    } else {
      const s = Math.max(0, (i + 0.5) * scale - 0.5);
      const low = Math.min(Math.floor(s), span - 1);
      const fraction = s - Math.floor(s);
      index[o] = from + low;
      index[o + 1] = from + Math.min(low + 1, span - 1);
      weight[o] = 1 - fraction;
      weight[o + 1] = fraction;
    }
  }
  return { size, index, weight, inside };
}

/**
 * Whether a fit shrinks either axis (where `antialias` changes the samples).
 *
 * @example
 * ```ts
 * shrinks({ from: 0, span: 1920, offset: 0, resized: 256 }, { from: 0, span: 1080, offset: 0, resized: 144 }); // true
 * ```
 */
export function shrinks(x: AxisFit, y: AxisFit): boolean {
  return x.span > x.resized || y.span > y.resized;
}
