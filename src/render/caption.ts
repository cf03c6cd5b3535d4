/**
 * A caption bar: word-wrapped text on a translucent band across the top or bottom of the
 * canvas (image captioning results, status messages).
 */
import { checkColor, checkContext, checkOptionsObject } from './checks';
import { VisionError } from '../core/errors';
import type { Canvas2D } from './canvas2d';
import { type OverlayRect, resolveStyle } from './style';
import { optionNames } from '../core/known-options';

const OPTION_NAMES = /* @__PURE__ */ optionNames<CaptionOptions>()(['position', 'fontSize', 'fontFamily', 'color', 'background', 'maxLines']);

/**
 * Options of {@link drawCaption}. Sizes are canvas pixels; the font scales with the canvas
 * unless `fontSize` is set.
 *
 * @example
 * ```ts
 * drawCaption(ctx, 'a cup of coffee on a saucer', { position: 'top', maxLines: 2 });
 * ```
 */
export interface CaptionOptions {
  /** Default `'bottom'`. */
  position?: 'top' | 'bottom';
  fontSize?: number;
  /** Default `'sans-serif'`. */
  fontFamily?: string;
  /** Text colour; default white. */
  color?: string;
  /** Band colour; default `'rgba(0, 0, 0, 0.6)'`. */
  background?: string;
  /** Lines before the text is cut with an ellipsis (default 3). */
  maxLines?: number;
}

/**
 * Greedy word wrap of `text` into lines no wider than `maxWidth` with the context's current
 * font; the last allowed line ends in `…` when text is cut. A word longer than a line is
 * kept whole on its own line.
 *
 * @example
 * ```ts
 * ctx.font = '16px sans-serif';
 * const lines = wrapText(ctx, caption, canvas.width - 16, 2);
 * ```
 */
export function wrapText(ctx: Pick<Canvas2D, 'measureText'>, text: string, maxWidth: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let current = '';
  let i = 0;
  for (; i < words.length; i++) {
    const candidate = current ? `${current} ${words[i]}` : words[i];
    if (!current || ctx.measureText(candidate).width <= maxWidth) {
      current = candidate;
      continue;
    }
    lines.push(current);
    current = words[i];
    if (lines.length === maxLines) break;
  }
  if (lines.length < maxLines && current) {
    lines.push(current);
    return lines;
  }
  let last = lines[maxLines - 1];
  while (last.length > 1 && ctx.measureText(`${last}…`).width > maxWidth) last = last.slice(0, -1).trimEnd();
  lines[maxLines - 1] = `${last}…`;
  return lines;
}

/**
 * Draws a caption band across the canvas and returns the rectangle it covers, or
 * `undefined` when the text is empty.
 *
 * @example
 * ```ts
 * const { text } = await captioner.run(image);
 * drawCaption(ctx, text);
 * ```
 */
export function drawCaption(ctx: Canvas2D, text: string, options: CaptionOptions = {}): OverlayRect | undefined {
  checkContext(ctx, 'drawCaption');
  checkOptionsObject(options, 'drawCaption', OPTION_NAMES);
  if (typeof text !== 'string') throw new VisionError('INVALID_INPUT', `caption text must be a string, got ${typeof text}`);
  const maxLines = options.maxLines ?? 3;
  if (!(Number.isInteger(maxLines) && maxLines >= 1)) throw new VisionError('INVALID_OPTION', `maxLines is ${maxLines}; it must be an integer ≥ 1`);
  const position = options.position ?? 'bottom';
  if (position !== 'top' && position !== 'bottom') throw new VisionError('INVALID_OPTION', `position is "${String(position)}"; allowed: 'top', 'bottom'`);
  if (!text.trim()) return undefined;
  const { width, height } = ctx.canvas;
  const style = resolveStyle({ fontSize: options.fontSize, fontFamily: options.fontFamily }, { width, height });
  const fontSize = options.fontSize ?? Math.round(style.fontSize * 1.2);
  const font = `${fontSize}px ${options.fontFamily ?? 'sans-serif'}`;
  const pad = Math.max(4, Math.round(fontSize * 0.4));
  const lineHeight = Math.round(fontSize * 1.25);

  ctx.save();
  ctx.font = font;
  const lines = wrapText(ctx, text, width - 2 * pad, maxLines);
  const bandHeight = lines.length * lineHeight + 2 * pad;
  const rect: OverlayRect = { x: 0, y: position === 'top' ? 0 : height - bandHeight, width, height: bandHeight };
  ctx.fillStyle = options.background === undefined ? 'rgba(0, 0, 0, 0.6)' : checkColor(options.background, 'background');
  ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
  ctx.fillStyle = options.color === undefined ? '#ffffff' : checkColor(options.color, 'color');
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  lines.forEach((line, i) => ctx.fillText(line, pad, rect.y + pad + i * lineHeight + lineHeight / 2));
  ctx.restore();
  return rect;
}
