/**
 * Drawing masks as coloured translucent overlays, over the full frame or inside a box
 * (instance masks), in the browser and in Node.
 */
import { VisionError } from '../core/errors';
import { optionalBoolean } from '../core/optional-boolean';
import type { Box } from '../core/types';
import { type Canvas2D, type CreateScratchCanvas, defaultScratchCanvas } from './canvas2d';
import { checkColor, checkColorOption, checkContext, checkOptionsObject, checkUnit } from './checks';
import { shownValue } from '../core/shown-value';
import { colorFor, parseColor } from './colors';
import { type MaskPlacement, type MaskShading, blendMaskPixels, categoryShading, maskValues, paintScratch, regionSource, softShading } from './mask-pixels';
import { type DrawTransform, type PlacementOptions, mapBox, resolveTransform, PLACEMENT_OPTION_NAMES } from './transform';
import { optionNames } from '../core/known-options';

const OPTION_NAMES = /* @__PURE__ */ optionNames<MaskDrawOptions>()([...PLACEMENT_OPTION_NAMES, 'opacity', 'threshold', 'smoothing', 'composite', 'createCanvas', 'color', 'categoryColor']);

/**
 * What {@link drawMasks} needs of a mask: its size and its values, one byte per pixel
 * (binary 0/255, a probability scaled to 0–255, or — with `kind: 'category'` — a class
 * index). Optional `bounds` (mask pixels) say where the data is, so only that part is
 * drawn. visionpipe's `Mask` fits.
 *
 * @example
 * ```ts
 * const mask: MaskLike = { width: 2, height: 1, toUint8Array: () => new Uint8Array([0, 255]) };
 * ```
 */
export interface MaskLike {
  readonly width: number;
  readonly height: number;
  readonly kind?: string;
  readonly bounds?: Readonly<{ x: number; y: number; width: number; height: number }>;
  toUint8Array(): Uint8Array;
}

/**
 * A mask with where it goes and how it is coloured: `box` (source-image pixels) for a mask of
 * the box's own pixels, stretched over it (a 28×28 Mask R-CNN cell); a mask the size of the
 * frame (visionpipe's instance masks) covers the frame, whatever its box — so a pipeline's
 * `instances` can be drawn as they are.
 *
 * @example
 * ```ts
 * const overlay: MaskOverlay = { mask: instance.mask, classId: instance.classId };
 * const cell: MaskOverlay = { mask: mask28, box: { x1: 40, y1: 30, x2: 120, y2: 200 } };
 * ```
 */
export interface MaskOverlay {
  mask: MaskLike;
  box?: Box;
  color?: string;
  classId?: number;
  trackId?: number | string;
  label?: string;
}

/**
 * Options of {@link drawMasks}.
 *
 * @example
 * ```ts
 * drawMasks(ctx, overlays, { imageSize: result.imageSize, opacity: 0.4, threshold: 0.5 });
 * ```
 */
export interface MaskDrawOptions extends PlacementOptions {
  /** Overlay opacity 0–1 where the mask is fully set (default 0.5). */
  opacity?: number;
  /** Binarise at this probability (0–1): values above it are fully set, the others not drawn (as `Mask.area` counts). Default: soft, alpha ∝ value. */
  threshold?: number;
  /** Bilinear upsampling of low-resolution masks (default true); false: nearest pixel. */
  smoothing?: boolean;
  /**
   * `'pixels'`: blend with `getImageData`/`putImageData` (exact; fails on a tainted canvas).
   * `'canvas'`: paint a scratch canvas and `drawImage` it scaled (GPU-friendly). `'auto'`
   * (default): `'canvas'` when a scratch canvas can be made, else `'pixels'`.
   */
  composite?: 'auto' | 'pixels' | 'canvas';
  /** Makes scratch canvases; default `OffscreenCanvas`. In Node pass `@napi-rs/canvas`'s `createCanvas`. */
  createCanvas?: CreateScratchCanvas;
  /** A fixed colour, or one per overlay; overrides the per-class/track palette. */
  color?: string | ((overlay: MaskOverlay, index: number) => string);
  /**
   * Category masks: the colour of each class index, `undefined` to leave it undrawn. Default:
   * `colorFor(category)`, background (0) undrawn.
   */
  categoryColor?: (category: number) => string | undefined;
}

function isMaskLike(value: unknown): value is MaskLike {
  const v = value as Partial<MaskLike> | null;
  return !!v && typeof v === 'object' && typeof v.width === 'number' && typeof v.height === 'number' && typeof v.toUint8Array === 'function';
}

/** The mask's data region (its `bounds`, grown by a pixel for smooth edges), or all of it. */
function dataRegion(mask: MaskLike): MaskPlacement['region'] {
  const b = mask.bounds;
  const whole = { x: 0, y: 0, width: mask.width, height: mask.height };
  if (!b || ![b.x, b.y, b.width, b.height].every(Number.isInteger)) return whole;
  const x = Math.max(0, b.x - 1);
  const y = Math.max(0, b.y - 1);
  const x2 = Math.min(mask.width, b.x + b.width + 1);
  const y2 = Math.min(mask.height, b.y + b.height + 1);
  return x2 > x && y2 > y ? { x, y, width: x2 - x, height: y2 - y } : whole;
}

function shadingFor(overlay: MaskOverlay, index: number, options: MaskDrawOptions, opacity: number): MaskShading {
  if (overlay.mask.kind === 'category') {
    const pick = options.categoryColor ?? ((c: number) => (c === 0 ? undefined : colorFor(c)));
    return categoryShading((c) => {
      const color = pick(c);
      return color === undefined ? undefined : parseColor(color, `categoryColor(${c})`);
    }, opacity);
  }
  return softShading(parseColor(overlayColor(overlay, index, options), `the colour of masks[${index}]`), opacity, options.threshold);
}

function overlayColor(o: MaskOverlay, index: number, options: MaskDrawOptions): string {
  if (o.color) return o.color;
  if (typeof options.color === 'string') return options.color;
  if (typeof options.color === 'function') return options.color(o, index);
  if (o.trackId !== undefined) return colorFor(o.trackId);
  if (o.classId !== undefined && Number.isFinite(o.classId)) return colorFor(o.classId);
  if (o.label) return colorFor(o.label);
  return colorFor(index);
}

function checkOptions(options: MaskDrawOptions): void {
  const { threshold, composite } = options;
  checkUnit(options.opacity, 'opacity');
  optionalBoolean(options.smoothing, 'smoothing');
  checkColorOption(options.color, 'color');
  for (const name of ['categoryColor', 'createCanvas'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(options[name])}; it must be a function or left out`);
    }
  }
  if (threshold !== undefined && !(typeof threshold === 'number' && threshold >= 0 && threshold <= 1)) {
    throw new VisionError('INVALID_OPTION', `threshold is ${shownValue(threshold)}; it must be a number between 0 and 1 (a probability)`);
  }
  if (composite !== undefined && composite !== 'auto' && composite !== 'pixels' && composite !== 'canvas') {
    throw new VisionError('INVALID_OPTION', `composite is "${String(composite)}"; allowed: 'auto', 'pixels', 'canvas'`);
  }
}

/**
 * `t` followed by the context's own transformation: the pixel path writes canvas pixels
 * directly, where the drawing calls (and the scratch-canvas path) go through the context's
 * matrix. A rotated or skewed context cannot be followed pixel by pixel: `INVALID_OPTION`.
 */
function inCanvasPixels(ctx: Canvas2D, t: DrawTransform): DrawTransform {
  const m = ctx.getTransform?.();
  if (!m || (m.a === 1 && m.b === 0 && m.c === 0 && m.d === 1 && m.e === 0 && m.f === 0)) return t;
  if (m.b !== 0 || m.c !== 0) {
    throw new VisionError('INVALID_OPTION', "drawMasks: the context is rotated or skewed (getTransform() has b or c ≠ 0); composite 'pixels' (and a mirrored transform) can follow only a scale and a translation: reset the context's rotation, or use composite 'canvas'");
  }
  return { scaleX: t.scaleX * m.a, scaleY: t.scaleY * m.d, offsetX: t.offsetX * m.a + m.e, offsetY: t.offsetY * m.d + m.f };
}

/**
 * Draws masks as translucent colour overlays: where a mask is set, the canvas is blended with
 * the overlay colour at `opacity` (× the mask value for soft masks); elsewhere it is left
 * untouched. Category masks (`kind: 'category'`) get a colour per class. A mask with a `box`
 * is stretched over that box (e.g. a 28×28 Mask R-CNN cell), unless it has the frame's size;
 * one without covers the whole frame (`imageSize`, or the canvas), as visionpipe's full-frame
 * instance masks do — only their `bounds` are touched. Works on browser canvases, OffscreenCanvas (also in workers)
 * and `@napi-rs/canvas`. Overlays whose box is not finite are skipped; returns how many were
 * drawn. The masks stay owned by the caller (not closed).
 *
 * @example
 * ```ts
 * const { instances, imageSize } = await segmenter.run(frame);
 * drawMasks(ctx, instances, { imageSize }); // each instance's full-frame mask, coloured by class
 * drawDetections(ctx, instances, { imageSize });
 * ```
 */
export function drawMasks(ctx: Canvas2D, masks: ReadonlyArray<MaskLike | MaskOverlay>, options: MaskDrawOptions = {}): number {
  checkContext(ctx, 'drawMasks');
  checkOptionsObject(options, 'drawMasks', OPTION_NAMES);
  if (!Array.isArray(masks)) throw new VisionError('INVALID_INPUT', `masks must be an array of masks or { mask, box? } overlays, got ${typeof masks}`);
  checkOptions(options);
  const t = resolveTransform(options, ctx.canvas);
  const opacity = options.opacity ?? 0.5;
  const smoothing = options.smoothing ?? true;
  const make = options.createCanvas ?? defaultScratchCanvas();
  const composite = options.composite ?? 'auto';
  if (composite === 'canvas' && !make) {
    throw new VisionError('INVALID_OPTION', "composite 'canvas' needs a scratch canvas: pass createCanvas (e.g. @napi-rs/canvas's) where OffscreenCanvas is missing");
  }
  let drawn = 0;
  masks.forEach((item, index) => {
    const overlay: MaskOverlay = isMaskLike(item) ? { mask: item } : item;
    if (!overlay || !isMaskLike(overlay.mask)) {
      throw new VisionError('INVALID_INPUT', `masks[${index}] is neither a mask ({ width, height, toUint8Array() }) nor a { mask, box? } overlay`);
    }
    if (overlay.color !== undefined) checkColor(overlay.color, `masks[${index}].color`);
    const { mask } = overlay;
    const values = maskValues(mask, index);
    if (!values) return;
    const full = options.imageSize ?? (options.transform || options.scale !== undefined ? mask : ctx.canvas);
    const { box } = overlay;
    // a mask of the frame's size covers the frame: its box says where the object is, not where to stretch it
    const frameSized = mask.width === full.width && mask.height === full.height;
    if (box && !frameSized && (![box.x1, box.y1, box.x2, box.y2].every(Number.isFinite) || box.x2 <= box.x1 || box.y2 <= box.y1)) return;
    const source = box && !frameSized ? box : { x1: 0, y1: 0, x2: full.width, y2: full.height };
    const placement: MaskPlacement = { source, values, width: mask.width, height: mask.height, region: dataRegion(mask) };
    const shading = shadingFor(overlay, index, options, opacity);
    if (make && composite !== 'pixels' && t.scaleX > 0 && t.scaleY > 0) {
      const dest = mapBox(t, regionSource(placement));
      // thresholded after the upsampling, as the pixel path and torchvision do: painted at the size it is drawn
      const cut = options.threshold !== undefined && smoothing && !shading.nearest;
      const size = { width: Math.max(1, Math.round(dest.x2 - dest.x1)), height: Math.max(1, Math.round(dest.y2 - dest.y1)) };
      const scratch = paintScratch(make, placement, shading, cut ? size : undefined);
      ctx.save();
      ctx.imageSmoothingEnabled = smoothing && !shading.nearest && !cut;
      // 'low' is not bilinear on every canvas (@napi-rs/canvas: up to 16/255 too faint)
      if (ctx.imageSmoothingEnabled) ctx.imageSmoothingQuality = 'medium';
      ctx.drawImage(scratch, dest.x1, dest.y1, dest.x2 - dest.x1, dest.y2 - dest.y1);
      ctx.restore();
    } else {
      blendMaskPixels(ctx, inCanvasPixels(ctx, t), placement, shading, smoothing);
    }
    drawn++;
  });
  return drawn;
}
