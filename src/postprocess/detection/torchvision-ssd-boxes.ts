/**
 * SSD default boxes the torchvision way (`DefaultBoxGenerator`, as in `ssd300_vgg16` and
 * `ssdlite320_mobilenet_v3_large`), in input pixels. Computed with float32 rounding at the
 * same steps as torchvision so that the boxes match it to the last bit or two.
 */
import { VisionError } from '../../core/errors';
import { optionNames } from '../../core/known-options';
import { checkOptionNames, checkPositive } from '../validate';
import { checkAnchorCount } from './anchor-limit';
import type { DefaultBoxOptions } from '../../core/card-types';
export type { DefaultBoxOptions } from '../../core/card-types';

const f32 = Math.fround;

/** The default-box options of torchvision's `ssdlite320_mobilenet_v3_large`: 3234 boxes. @example `torchvisionDefaultBoxes(SSDLITE320_DEFAULT_BOXES)` */
export const SSDLITE320_DEFAULT_BOXES: Readonly<DefaultBoxOptions> = /* @__PURE__ */ Object.freeze({
  aspectRatios: Object.freeze(Array.from({ length: 6 }, () => Object.freeze([2, 3]))),
  minRatio: 0.2,
  maxRatio: 0.95,
  gridSizes: Object.freeze([[20, 20], [10, 10], [5, 5], [3, 3], [2, 2], [1, 1]] as const),
  imageWidth: 320,
  imageHeight: 320,
});

/**
 * Number of default boxes per cell at each level: `2 + 2 · ratios`.
 *
 * @example
 * ```ts
 * defaultBoxesPerLocation([[2], [2, 3]]); // [4, 6]
 * ```
 */
export function defaultBoxesPerLocation(aspectRatios: readonly (readonly number[])[]): number[] {
  return aspectRatios.map((r) => 2 + 2 * r.length);
}

function levelScales(o: DefaultBoxOptions): readonly number[] {
  const levels = o.aspectRatios.length;
  if (o.scales) {
    if (o.scales.length < levels + 1) {
      throw new VisionError('INVALID_OPTION', `torchvisionDefaultBoxes: scales needs ${levels + 1} entries (one per level plus one); got ${o.scales.length}`);
    }
    return o.scales;
  }
  const min = o.minRatio ?? 0.15;
  const max = o.maxRatio ?? 0.9;
  if (levels === 1) return [min, max];
  const scales = Array.from({ length: levels }, (_, k) => min + ((max - min) * k) / (levels - 1));
  scales.push(1);
  return scales;
}

/** `_generate_wh_pairs`: (w, h) per box of one cell, as float32 (torch.as_tensor). */
function whPairs(scales: readonly number[], ratios: readonly number[], k: number, clip: boolean): number[] {
  const s = scales[k];
  const sPrime = Math.sqrt(scales[k] * scales[k + 1]);
  const pairs = [s, s, sPrime, sPrime];
  for (const ar of ratios) {
    const sq = Math.sqrt(ar);
    const w = s * sq;
    const h = s / sq;
    pairs.push(w, h, h, w);
  }
  return pairs.map((v) => (clip ? Math.min(Math.max(f32(v), 0), 1) : f32(v)));
}

const DEFAULT_BOX_OPTION_NAMES = /* @__PURE__ */ optionNames<DefaultBoxOptions>()(['aspectRatios', 'minRatio', 'maxRatio', 'scales', 'steps', 'clip', 'gridSizes', 'imageWidth', 'imageHeight', 'format']);

function checkOptions(o: DefaultBoxOptions): void {
  checkOptionNames(o, 'torchvisionDefaultBoxes', DEFAULT_BOX_OPTION_NAMES);
  checkPositive(o.imageWidth, 'torchvisionDefaultBoxes: imageWidth');
  checkPositive(o.imageHeight, 'torchvisionDefaultBoxes: imageHeight');
  if (!Array.isArray(o.aspectRatios) || !Array.isArray(o.gridSizes) || o.aspectRatios.length !== o.gridSizes.length || o.aspectRatios.length === 0) {
    throw new VisionError('INVALID_OPTION', 'torchvisionDefaultBoxes: aspectRatios and gridSizes must be non-empty arrays with one entry per level');
  }
  if (o.steps !== undefined && o.steps.length !== o.aspectRatios.length) {
    throw new VisionError('INVALID_OPTION', `torchvisionDefaultBoxes: steps must have one entry per level (${o.aspectRatios.length}); got ${o.steps.length}`);
  }
  for (const g of o.gridSizes) {
    if (!Array.isArray(g) || g.length !== 2 || !g.every((v) => Number.isInteger(v) && v > 0)) {
      throw new VisionError('INVALID_OPTION', `torchvisionDefaultBoxes: each grid size must be [height, width] with positive integers; got ${String(g)}`);
    }
  }
  if (o.format !== undefined && o.format !== 'xyxy' && o.format !== 'cxcywh') {
    throw new VisionError('INVALID_OPTION', `torchvisionDefaultBoxes: format must be xyxy or cxcywh; got ${String(o.format)}`);
  }
}

/**
 * Generates SSD default boxes as torchvision's `DefaultBoxGenerator` does: per level, per
 * cell (row-major), the boxes `(s, s)`, `(s', s')` with `s' = sqrt(s_k · s_k+1)`, then
 * `(s·√r, s/√r)` and its transpose for each ratio `r`; centres at `(i + 0.5) / f_k`. Returns
 * a flat `Float32Array` N×4 in input pixels, xyxy by default (what `SSD.forward` decodes
 * against), not clipped to the image.
 *
 * @throws VisionError `INVALID_OPTION` for mismatched per-level arrays, non-positive sizes
 * or too few scales.
 *
 * @example
 * ```ts
 * const anchors = torchvisionDefaultBoxes(SSDLITE320_DEFAULT_BOXES); // 3234 × xyxy
 * ```
 */
export function torchvisionDefaultBoxes(options: DefaultBoxOptions): Float32Array {
  checkOptions(options);
  const scales = levelScales(options);
  const clip = options.clip ?? true;
  const width = options.imageWidth;
  const height = options.imageHeight;
  const perLevel = defaultBoxesPerLocation(options.aspectRatios);
  const total = options.gridSizes.reduce((sum, [h, w], k) => sum + h * w * perLevel[k], 0);
  checkAnchorCount(total, 'torchvisionDefaultBoxes');
  const out = new Float32Array(total * 4);
  const cxcywh = options.format === 'cxcywh';
  let o = 0;
  options.gridSizes.forEach(([gridH, gridW], k) => {
    const pairs = whPairs(scales, options.aspectRatios[k], k, clip);
    const fx = options.steps ? width / options.steps[k] : gridW;
    const fy = options.steps ? height / options.steps[k] : gridH;
    for (let y = 0; y < gridH; y++) {
      const cy = f32((y + 0.5) / f32(fy));
      for (let x = 0; x < gridW; x++) {
        const cx = f32((x + 0.5) / f32(fx));
        for (let p = 0; p < pairs.length; p += 2) {
          const w = pairs[p];
          const h = pairs[p + 1];
          if (cxcywh) {
            out[o++] = cx * width;
            out[o++] = cy * height;
            out[o++] = w * width;
            out[o++] = h * height;
          } else {
            const hw = f32(0.5 * w);
            const hh = f32(0.5 * h);
            out[o++] = f32(cx - hw) * width;
            out[o++] = f32(cy - hh) * height;
            out[o++] = f32(cx + hw) * width;
            out[o++] = f32(cy + hh) * height;
          }
        }
      }
    }
  });
  return out;
}
