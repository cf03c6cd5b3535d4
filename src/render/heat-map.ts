/**
 * Drawing a saliency heat map (e.g. `explain`'s) over the image on a 2D canvas: a colour map
 * with an alpha that follows the heat, blended into the canvas pixels.
 */
import { checkContext, checkOptionsObject } from './checks';
import { VisionError } from '../core/errors';
import type { Canvas2D } from './canvas2d';
import { optionNames } from '../core/known-options';
import { shownData } from '../core/shown-value';

const OPTION_NAMES = /* @__PURE__ */ optionNames<HeatMapDrawOptions>()(['colorMap', 'opacity', 'minValue', 'x', 'y']);

/**
 * What {@link drawHeatMap} needs of a heat map: its size and its values, one per pixel, 0–1
 * (row-major). visionpipe's `HeatMap` fits.
 *
 * @example
 * ```ts
 * const heat: HeatMapLike = { width: 2, height: 1, toFloat32Array: () => new Float32Array([0, 1]) };
 * ```
 */
export interface HeatMapLike {
  readonly width: number;
  readonly height: number;
  toFloat32Array(): Float32Array;
}

/**
 * A colour map: `jet` (blue → cyan → yellow → red), `hot` (black → red → yellow → white), or a
 * function from a value 0–1 to `[r, g, b]` 0–255.
 *
 * @example
 * ```ts
 * const greens: HeatColorMap = (v) => [0, Math.round(255 * v), 0];
 * ```
 */
export type HeatColorMap = 'jet' | 'hot' | ((value: number) => readonly [number, number, number]);

/**
 * Options of {@link drawHeatMap}.
 *
 * @example
 * ```ts
 * drawHeatMap(ctx, heatMap, { colorMap: 'hot', opacity: 0.7, minValue: 0.2 });
 * ```
 */
export interface HeatMapDrawOptions {
  /** Default `jet`. */
  colorMap?: HeatColorMap;
  /** Overlay opacity 0–1 where the heat is 1 (default 0.6); alpha scales with the value. */
  opacity?: number;
  /** Values below this (0–1) are not drawn (default 0). */
  minValue?: number;
  /** Where the map's top-left corner goes on the canvas (default 0, 0); the map is drawn 1:1. */
  x?: number;
  y?: number;
}

const clamp255 = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

/**
 * The `jet` colour map (MATLAB's): 0 → dark blue, 0.5 → green-yellow, 1 → dark red.
 *
 * @example
 * ```ts
 * jetColor(1); // [128, 0, 0]
 * ```
 */
export function jetColor(value: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, value));
  const channel = (offset: number) => clamp255(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - offset))));
  return [channel(3), channel(2), channel(1)];
}

/**
 * The `hot` colour map: 0 → black, 1/3 → red, 2/3 → yellow, 1 → white.
 *
 * @example
 * ```ts
 * hotColor(1); // [255, 255, 255]
 * ```
 */
export function hotColor(value: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, value));
  return [clamp255(v * 3 * 255), clamp255((v * 3 - 1) * 255), clamp255((v * 3 - 2) * 255)];
}

function colorMapOf(map: HeatColorMap | undefined): (value: number) => readonly [number, number, number] {
  if (map === undefined || map === 'jet') return jetColor;
  if (map === 'hot') return hotColor;
  if (typeof map === 'function') {
    return (value) => {
      const rgb = map(value);
      const isLevel = (c: unknown): boolean => typeof c === 'number' && !Number.isNaN(c);
      if (!Array.isArray(rgb) || !isLevel(rgb[0]) || !isLevel(rgb[1]) || !isLevel(rgb[2])) {
        throw new VisionError('INVALID_OPTION', `colorMap returned ${shownData(rgb)} for ${value}; it must return [r, g, b], numbers 0–255`);
      }
      return rgb;
    };
  }
  throw new VisionError('INVALID_OPTION', `colorMap '${String(map)}' is unknown; allowed: 'jet', 'hot' or a function value → [r, g, b]`);
}

/**
 * Blends a heat map over what is on the canvas, one canvas pixel per map pixel (draw the image
 * at its own size first): each pixel becomes `(1 − a)·canvas + a·colour(v)` with `a = opacity ×
 * v` for values `v ≥ minValue`, so cold regions stay clear (source-over: on a transparent
 * canvas the heat keeps its alpha `a`). Returns the pixels changed.
 *
 * @throws VisionError `INVALID_OPTION` for an opacity or minValue outside 0–1 or an unknown colour map; `INVALID_INPUT` for a map whose values are not width × height.
 * @example
 * ```ts
 * ctx.drawImage(photo, 0, 0);
 * const { heatMap } = await explain(classifier, photo);
 * drawHeatMap(ctx, heatMap, { opacity: 0.6 });
 * heatMap.close();
 * ```
 */
export function drawHeatMap(ctx: Canvas2D, heat: HeatMapLike, options: HeatMapDrawOptions = {}): number {
  checkContext(ctx, 'drawHeatMap');
  checkOptionsObject(options, 'drawHeatMap', OPTION_NAMES);
  const opacity = options.opacity ?? 0.6;
  const minValue = options.minValue ?? 0;
  if (!(opacity >= 0 && opacity <= 1)) throw new VisionError('INVALID_OPTION', `opacity is ${String(opacity)}; it must be in [0, 1]`);
  if (!(minValue >= 0 && minValue <= 1)) throw new VisionError('INVALID_OPTION', `minValue is ${String(minValue)}; it must be in [0, 1]`);
  const color = colorMapOf(options.colorMap);
  for (const axis of ['x', 'y'] as const) {
    const at = options[axis];
    if (at !== undefined && !(typeof at === 'number' && Number.isFinite(at))) throw new VisionError('INVALID_OPTION', `${axis} is ${String(at)}; it must be a finite number of canvas pixels`);
  }
  if (typeof heat !== 'object' || heat === null || typeof heat.toFloat32Array !== 'function' || !(Number.isInteger(heat.width) && Number.isInteger(heat.height))) {
    throw new VisionError('INVALID_INPUT', `drawHeatMap needs a heat map (a HeatMap from explain(), or { width, height, toFloat32Array() }); got ${heat === null ? 'null' : typeof heat}`);
  }
  const x0 = Math.round(options.x ?? 0);
  const y0 = Math.round(options.y ?? 0);
  // only the part of the map that lands on the canvas
  const left = Math.max(0, -x0);
  const top = Math.max(0, -y0);
  const width = Math.min(heat.width, ctx.canvas.width - x0) - left;
  const height = Math.min(heat.height, ctx.canvas.height - y0) - top;
  if (width <= 0 || height <= 0) return 0;
  const values = heat.toFloat32Array();
  if (!values || values.length !== heat.width * heat.height) {
    throw new VisionError('INVALID_INPUT', `the heat map's toFloat32Array() gave ${values?.length ?? String(values)} values; a ${heat.width}×${heat.height} map has ${heat.width * heat.height}`);
  }
  const image = ctx.getImageData(x0 + left, y0 + top, width, height);
  const px = image.data;
  let changed = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = values[(r + top) * heat.width + c + left];
      if (!(v >= minValue) || v <= 0) continue;
      const a = opacity * Math.min(1, v);
      const [cr, cg, cb] = color(v);
      const i = (r * width + c) * 4;
      // source-over: an opaque canvas pixel mixes; a (partly) transparent one takes the heat's alpha too
      const da = px[i + 3] / 255;
      const outA = a + da * (1 - a);
      const keep = (da * (1 - a)) / outA;
      px[i] = clamp255(px[i] * keep + cr * (a / outA));
      px[i + 1] = clamp255(px[i + 1] * keep + cg * (a / outA));
      px[i + 2] = clamp255(px[i + 2] * keep + cb * (a / outA));
      px[i + 3] = clamp255(outA * 255);
      changed++;
    }
  }
  ctx.putImageData(image, x0 + left, y0 + top);
  return changed;
}
