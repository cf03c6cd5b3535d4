/**
 * The pixel work of `drawMasks`: a colour/alpha table per mask value (soft, thresholded or
 * per category), the region of a mask that holds data, per-pixel blending with
 * `getImageData`/`putImageData`, and painting a scratch canvas for the `drawImage` path.
 */
import { VisionError } from '../core/errors';
import { typeName } from '../core/shown-value';
import type { Box } from '../core/types';
import type { Canvas2D, CreateScratchCanvas } from './canvas2d';
import type { Rgba } from './colors';
import { type DrawTransform, mapBox } from './transform';

/**
 * Colour and alpha for each mask value 0–255, and whether to sample the nearest mask pixel
 * (category masks) rather than interpolate.
 *
 * @example
 * ```ts
 * const shading = softShading(parseColor('#ff3838'), 0.5, undefined);
 * ```
 */
export interface MaskShading {
  /** `rgb[3v .. 3v+2]`: the colour for value `v`. */
  rgb: Uint8Array;
  /** `alpha[v]`: the opacity 0–1 for value `v`. */
  alpha: Float32Array;
  nearest: boolean;
}

/**
 * Shading of a binary/probability mask: one colour, alpha ∝ value (or full above `threshold`,
 * nothing at or below it, as `Mask.area` and `toRle` count).
 *
 * @example
 * ```ts
 * const s = softShading({ r: 255, g: 0, b: 0, a: 1 }, 0.5, 0.5);
 * ```
 */
export function softShading(color: Rgba, opacity: number, threshold: number | undefined): MaskShading {
  const rgb = new Uint8Array(256 * 3);
  const alpha = new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    rgb.set([color.r, color.g, color.b], v * 3);
    const level = threshold === undefined ? v / 255 : v > threshold * 255 ? 1 : 0;
    alpha[v] = opacity * color.a * level;
  }
  return { rgb, alpha, nearest: false };
}

/**
 * Shading of a category mask (a class index per pixel): a colour per class, `undefined`
 * leaving that class undrawn (by default the background, class 0).
 *
 * @example
 * ```ts
 * const s = categoryShading((c) => (c === 0 ? undefined : parseColor(colorFor(c))), 0.6);
 * ```
 */
export function categoryShading(colorOf: (category: number) => Rgba | undefined, opacity: number): MaskShading {
  const rgb = new Uint8Array(256 * 3);
  const alpha = new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    const c = colorOf(v);
    if (!c) continue;
    rgb.set([c.r, c.g, c.b], v * 3);
    alpha[v] = opacity * c.a;
  }
  return { rgb, alpha, nearest: true };
}

/**
 * A mask's values and where they go: the mask spans `source` (source-image pixels); only
 * `region` (mask pixels) holds data worth drawing.
 *
 * @example
 * ```ts
 * const p: MaskPlacement = { source: box, values, width: 28, height: 28, region: { x: 0, y: 0, width: 28, height: 28 } };
 * ```
 */
export interface MaskPlacement {
  source: Box;
  values: Uint8Array;
  width: number;
  height: number;
  region: { x: number; y: number; width: number; height: number };
}

/**
 * A mask's bytes after checking they match its size; `undefined` for an empty (0-pixel)
 * mask. Throws `INVALID_INPUT` for a non-integer size or a wrong byte count.
 *
 * @example
 * ```ts
 * const values = maskValues(mask, 0);
 * ```
 */
export function maskValues(mask: { width: number; height: number; toUint8Array(): Uint8Array }, index: number): Uint8Array | undefined {
  const { width, height } = mask;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new VisionError('INVALID_INPUT', `masks[${index}] has size ${width}×${height}; width and height must be non-negative integers`);
  }
  if (width === 0 || height === 0) return undefined;
  const values = mask.toUint8Array();
  if (!(values instanceof Uint8Array)) throw new VisionError('INVALID_INPUT', `masks[${index}].toUint8Array() returned ${typeName(values)}; it must return a Uint8Array`);
  if (values.length !== width * height) {
    throw new VisionError('INVALID_INPUT', `masks[${index}].toUint8Array() gave ${values.length} values; a ${width}×${height} mask has ${width * height}`);
  }
  return values;
}

/**
 * The source-image rectangle covered by a placement's region.
 *
 * @example
 * ```ts
 * const onSource = regionSource(placement);
 * ```
 */
export function regionSource(p: MaskPlacement): Box {
  const sx = (p.source.x2 - p.source.x1) / p.width;
  const sy = (p.source.y2 - p.source.y1) / p.height;
  const { x, y, width, height } = p.region;
  return { x1: p.source.x1 + x * sx, y1: p.source.y1 + y * sy, x2: p.source.x1 + (x + width) * sx, y2: p.source.y1 + (y + height) * sy };
}

function sample(p: MaskPlacement, u: number, v: number, nearest: boolean): number {
  const { width: w, height: h, values } = p;
  if (nearest) {
    const x = Math.min(w - 1, Math.max(0, Math.floor(u + 0.5)));
    const y = Math.min(h - 1, Math.max(0, Math.floor(v + 0.5)));
    return values[y * w + x];
  }
  const cu = Math.min(w - 1, Math.max(0, u));
  const cv = Math.min(h - 1, Math.max(0, v));
  const x0 = Math.floor(cu);
  const y0 = Math.floor(cv);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const fx = cu - x0;
  const fy = cv - y0;
  const top = values[y0 * w + x0] * (1 - fx) + values[y0 * w + x1] * fx;
  const bottom = values[y1 * w + x0] * (1 - fx) + values[y1 * w + x1] * fx;
  return Math.round(top * (1 - fy) + bottom * fy);
}

/**
 * Blends one mask into the canvas pixel by pixel (source-over, unpremultiplied): every canvas
 * pixel whose centre lies in the mask region gets the shading of the sampled mask value.
 *
 * @example
 * ```ts
 * blendMaskPixels(ctx, IDENTITY_TRANSFORM, placement, softShading(parseColor('#ff3838'), 0.5, undefined), true);
 * ```
 */
export function blendMaskPixels(ctx: Canvas2D, t: DrawTransform, p: MaskPlacement, shading: MaskShading, smoothing: boolean): void {
  const dest = mapBox(t, regionSource(p));
  const px0 = Math.max(0, Math.floor(dest.x1));
  const py0 = Math.max(0, Math.floor(dest.y1));
  const px1 = Math.min(ctx.canvas.width, Math.ceil(dest.x2));
  const py1 = Math.min(ctx.canvas.height, Math.ceil(dest.y2));
  if (px1 <= px0 || py1 <= py0) return;
  const image = ctx.getImageData(px0, py0, px1 - px0, py1 - py0);
  const data = image.data;
  const { source } = p;
  const su = p.width / (source.x2 - source.x1);
  const sv = p.height / (source.y2 - source.y1);
  const nearest = shading.nearest || !smoothing;
  const { rgb, alpha } = shading;
  for (let py = py0; py < py1; py++) {
    const cy = py + 0.5;
    if (cy < dest.y1 || cy >= dest.y2) continue;
    const v = ((cy - t.offsetY) / t.scaleY - source.y1) * sv - 0.5;
    for (let px = px0; px < px1; px++) {
      const cx = px + 0.5;
      if (cx < dest.x1 || cx >= dest.x2) continue;
      const value = sample(p, ((cx - t.offsetX) / t.scaleX - source.x1) * su - 0.5, v, nearest);
      const a = alpha[value];
      if (a <= 0) continue;
      const i = ((py - py0) * image.width + (px - px0)) * 4;
      const da = data[i + 3] / 255;
      const outA = a + da * (1 - a);
      const keep = (da * (1 - a)) / outA;
      const add = a / outA;
      data[i] = Math.round(rgb[value * 3] * add + data[i] * keep);
      data[i + 1] = Math.round(rgb[value * 3 + 1] * add + data[i + 1] * keep);
      data[i + 2] = Math.round(rgb[value * 3 + 2] * add + data[i + 2] * keep);
      data[i + 3] = Math.round(outA * 255);
    }
  }
  ctx.putImageData(image, px0, py0);
}

/**
 * Paints a mask region's shading into a new scratch canvas, to be scaled onto the target with
 * `drawImage`: one pixel per mask pixel, or — `size` given — the region sampled bilinearly at
 * that size first (a thresholded mask must be cut after its upsampling: `drawImage` would
 * smooth its 0/1 alpha into a soft edge; draw such a scratch without smoothing).
 *
 * @example
 * ```ts
 * const scratch = paintScratch(createCanvas, placement, shading);
 * ctx.drawImage(scratch, x, y, w, h);
 * ```
 */
export function paintScratch(make: CreateScratchCanvas, p: MaskPlacement, shading: MaskShading, size?: { width: number; height: number }): unknown {
  const { x: rx, y: ry, width: rw, height: rh } = p.region;
  const [sw, sh] = size ? [size.width, size.height] : [rw, rh];
  const scratch = make(sw, sh);
  const sctx = scratch.getContext('2d');
  if (!sctx) throw new VisionError('INVALID_OPTION', 'createCanvas returned a canvas without a 2d context');
  const image = sctx.createImageData(sw, sh);
  const out = image.data;
  for (let y = 0; y < sh; y++) {
    const v = ry + ((y + 0.5) * rh) / sh - 0.5;
    for (let x = 0; x < sw; x++) {
      const value = size ? sample(p, rx + ((x + 0.5) * rw) / sw - 0.5, v, false) : p.values[(ry + y) * p.width + rx + x];
      const o = (y * sw + x) * 4;
      out[o] = shading.rgb[value * 3];
      out[o + 1] = shading.rgb[value * 3 + 1];
      out[o + 2] = shading.rgb[value * 3 + 2];
      out[o + 3] = Math.round(shading.alpha[value] * 255);
    }
  }
  sctx.putImageData(image, 0, 0);
  return scratch;
}
