/**
 * Line widths, font sizes and text labels scaled to the drawn image, so that overlays read
 * the same on a 320-pixel thumbnail and a 4K frame.
 */
import { VisionError } from '../core/errors';
import type { ImageSize } from '../core/types';
import type { Canvas2D } from './canvas2d';
import { checkPositive } from './checks';
import { shownValue } from '../core/shown-value';
import { textColorOn } from './colors';
import type { DrawTransform } from './transform';
import { optionNames } from '../core/known-options';

/**
 * Sizes of lines and text, in canvas pixels. Unset values scale with the drawn image:
 * line width `max(2, round(0.003 × (w + h) / 2))`, font size `max(11, round(0.02 × (w + h) / 2))`.
 *
 * @example
 * ```ts
 * drawDetections(ctx, detections, { lineWidth: 3, fontSize: 16, fontFamily: 'monospace' });
 * ```
 */
export interface StyleOptions {
  lineWidth?: number;
  fontSize?: number;
  /** CSS font family; default `'sans-serif'`. */
  fontFamily?: string;
}

/**
 * The names of {@link StyleOptions}, for the drawing helpers' option checks.
 *
 * @example
 * ```ts
 * const NAMES = optionNames<MyDrawOptions>()([...STYLE_OPTION_NAMES, 'color']);
 * ```
 */
export const STYLE_OPTION_NAMES = /* @__PURE__ */ optionNames<StyleOptions>()(['lineWidth', 'fontSize', 'fontFamily']);

/**
 * Style values after defaults and scaling.
 *
 * @example
 * ```ts
 * const { lineWidth, font } = resolveStyle({}, { width: 640, height: 480 });
 * ```
 */
export interface ResolvedStyle {
  lineWidth: number;
  fontSize: number;
  /** A full CSS font string, e.g. `'16px sans-serif'`. */
  font: string;
  /** Padding around label text, in canvas pixels. */
  padding: number;
}

/**
 * Resolves line width and font for an image drawn at `drawn` size on the canvas. Throws
 * `INVALID_OPTION` for a size that is not a finite number > 0 or a font family that is not a string.
 *
 * @example
 * ```ts
 * const style = resolveStyle({ fontSize: 14 }, { width: 1280, height: 720 });
 * ctx.font = style.font;
 * ```
 */
export function resolveStyle(options: StyleOptions, drawn: ImageSize): ResolvedStyle {
  checkPositive(options.lineWidth, 'lineWidth');
  checkPositive(options.fontSize, 'fontSize');
  if (options.fontFamily !== undefined && typeof options.fontFamily !== 'string') {
    throw new VisionError('INVALID_OPTION', `fontFamily is ${shownValue(options.fontFamily)}; it must be a CSS font family string such as 'sans-serif'`);
  }
  const base = (Math.abs(drawn.width) + Math.abs(drawn.height)) / 2;
  const lineWidth = options.lineWidth ?? Math.max(2, Math.round(base * 0.003));
  const fontSize = options.fontSize ?? Math.max(11, Math.round(base * 0.02));
  const family = options.fontFamily ?? 'sans-serif';
  return { lineWidth, fontSize, font: `${fontSize}px ${family}`, padding: Math.max(2, Math.round(fontSize * 0.25)) };
}

/**
 * The size of the image on the canvas: `imageSize` through the transform, or the canvas.
 *
 * @example
 * ```ts
 * const drawn = drawnSize(ctx, t, result.imageSize);
 * ```
 */
export function drawnSize(ctx: Canvas2D, t: DrawTransform, imageSize: ImageSize | undefined): ImageSize {
  if (!imageSize) return { width: ctx.canvas.width, height: ctx.canvas.height };
  return { width: imageSize.width * Math.abs(t.scaleX), height: imageSize.height * Math.abs(t.scaleY) };
}

/**
 * A rectangle on the canvas, in canvas pixels.
 *
 * @example
 * ```ts
 * const r: OverlayRect | undefined = drawStats(ctx, stats); // undefined: nothing to show
 * ```
 */
export interface OverlayRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where {@link drawLabel} puts a label: `above` sits on top of `(x, y)` (moving inside, below
 * `y`, when there is no room above); `below` hangs under `(x, y)`.
 *
 * @example
 * ```ts
 * drawLabel(ctx, 'cup 0.91', 40, 120, '#ff3838', style, 'above');
 * ```
 */
export type LabelAnchor = 'above' | 'below';

/**
 * The rectangle a label of `text` takes at `(x, y)`, kept inside the canvas (its bottom edge too).
 *
 * @example
 * ```ts
 * const r = labelRect(ctx, 'person 0.93', box.x1, box.y1, style, 'above');
 * ```
 */
export function labelRect(ctx: Canvas2D, text: string, x: number, y: number, style: ResolvedStyle, anchor: LabelAnchor): OverlayRect {
  ctx.save();
  ctx.font = style.font;
  const width = Math.ceil(ctx.measureText(text).width) + 2 * style.padding;
  ctx.restore();
  const height = style.fontSize + 2 * style.padding;
  const wanted = anchor === 'above' && y - height >= 0 ? y - height : y;
  const top = Math.max(0, Math.min(wanted, ctx.canvas.height - height)); // never past the bottom edge either
  const left = Math.max(0, Math.min(x, ctx.canvas.width - width));
  return { x: Math.round(left), y: Math.round(top), width, height };
}

/**
 * Draws `text` on a filled background of `background` (text in black or white, whichever
 * reads better) and returns the rectangle it covers.
 *
 * @example
 * ```ts
 * drawLabel(ctx, '#7 person 0.88', 10, 50, colorFor(7), resolveStyle({}, { width: 640, height: 480 }));
 * ```
 */
export function drawLabel(
  ctx: Canvas2D,
  text: string,
  x: number,
  y: number,
  background: string,
  style: ResolvedStyle,
  anchor: LabelAnchor = 'above',
): OverlayRect {
  const rect = labelRect(ctx, text, x, y, style, anchor);
  ctx.save();
  ctx.fillStyle = background;
  ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
  ctx.font = style.font;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillStyle = textColorOn(background);
  ctx.fillText(text, rect.x + style.padding, rect.y + rect.height / 2);
  ctx.restore();
  return rect;
}
