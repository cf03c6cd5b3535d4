/**
 * Colours for overlays: a fixed 20-colour palette (the Ultralytics one, chosen for contrast
 * on photos), a stable colour per class or track, and CSS colour parsing for pixel blending
 * (culori's CSS Color 4 parser, so the colours a canvas takes in those forms work where visionpipe
 * blends pixels).
 */
import { VisionError } from '../core/errors';
import { rgb as toRgb } from 'culori/css';
import { checkColor } from './checks';

/**
 * The overlay palette: 20 saturated colours as `#rrggbb`, indexed by class ID or track ID.
 *
 * @example
 * ```ts
 * const personColor = PALETTE[0]; // '#ff3838'
 * ```
 */
export const PALETTE: readonly string[] = /* @__PURE__ */ Object.freeze([
  '#ff3838', '#ff9d97', '#ff701f', '#ffb21d', '#cfd231', '#48f90a', '#92cc17', '#3ddb86', '#1a9334', '#00d4bb',
  '#2c99a8', '#00c2ff', '#344593', '#6473ff', '#0018ec', '#8438ff', '#520085', '#cb38ff', '#ff95c8', '#ff37c7',
]);

/**
 * A stable palette colour for a key: a non-negative integer maps to `PALETTE[key % 20]`; any
 * other number or a string is hashed, so the same key always gets the same colour.
 *
 * @example
 * ```ts
 * colorFor(0);        // '#ff3838' (class 0)
 * colorFor('person'); // the same colour on every frame
 * ```
 */
export function colorFor(key: number | string): string {
  if (typeof key === 'number' && Number.isInteger(key) && key >= 0) return PALETTE[key % PALETTE.length];
  const text = String(key);
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return PALETTE[(hash >>> 0) % PALETTE.length];
}

/**
 * An RGBA colour with channels 0–255 and alpha 0–1.
 *
 * @example
 * ```ts
 * const c: Rgba = { r: 255, g: 56, b: 56, a: 1 };
 * ```
 */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** What `parseColor` reads, for messages. */
const CSS_COLOR_FORMS = '#rgb, #rgba, #rrggbb, #rrggbbaa, a CSS colour name, transparent, rgb()/rgba(), hsl()/hsla(), hwb(), lab(), lch(), oklab(), oklch() or color()';

/** One channel of culori's 0–1 result as a 0–255 byte, clipped to sRGB as the 2-D canvas does; a missing (`none`) channel is 0. */
const byte = (value: number | undefined): number => Math.round(Math.min(1, Math.max(0, value ?? 0)) * 255);

/**
 * Parses a CSS colour in the CSS Color 4 forms: hex (`#rgb` … `#rrggbbaa`), the 148
 * CSS names and `transparent`, `rgb()`/`rgba()`, `hsl()`/`hsla()`, `hwb()`, `lab()`, `lch()`,
 * `oklab()`, `oklch()` and `color()` (culori's CSS Color 4 parser), case-insensitive — into
 * sRGB bytes for per-pixel blending. Colours outside sRGB are clipped to it, channels rounded
 * to whole levels as a canvas stores them. Throws `INVALID_OPTION` for anything else (a
 * non-string, `currentcolor`, a system colour, CSS Color 5's `color-mix()` and relative
 * colours, `calc()` inside a colour), naming the colour `name` (the option it came
 * from; default `'colour'`).
 *
 * @example
 * ```ts
 * parseColor('#ff3838');                // { r: 255, g: 56, b: 56, a: 1 }
 * parseColor('rgba(0, 128, 255, .5)');  // { r: 0, g: 128, b: 255, a: 0.5 }
 * parseColor('hsl(120 100% 25% / 50%)'); // { r: 0, g: 128, b: 0, a: 0.5 }
 * ```
 */
export function parseColor(color: string, name = 'colour'): Rgba {
  checkColor(color, name);
  const parsed = toRgb(color.trim().toLowerCase());
  if (parsed === undefined || ![parsed.r, parsed.g, parsed.b, parsed.alpha ?? 1].every((v) => v === undefined || Number.isFinite(v))) {
    throw new VisionError('INVALID_OPTION', `cannot parse ${name} "${color}"; allowed: ${CSS_COLOR_FORMS}`);
  }
  return { r: byte(parsed.r), g: byte(parsed.g), b: byte(parsed.b), a: Math.min(1, Math.max(0, parsed.alpha ?? 1)) };
}

/**
 * Black or white, whichever reads better on a background colour (by its luminance).
 *
 * @example
 * ```ts
 * ctx.fillStyle = textColorOn('#ffb21d'); // '#000000'
 * ```
 */
export function textColorOn(background: string): string {
  const { r, g, b } = parseColor(background);
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000000' : '#ffffff';
}
