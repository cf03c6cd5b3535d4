/**
 * Colours for overlays: a fixed 20-colour palette (the Ultralytics one, chosen for contrast
 * on photos), a stable colour per class or track, and CSS colour parsing for pixel blending.
 */
import { VisionError } from '../core/errors';
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

const NAMED: Record<string, string> = {
  black: '#000000', white: '#ffffff', red: '#ff0000', lime: '#00ff00', green: '#008000', blue: '#0000ff',
  yellow: '#ffff00', cyan: '#00ffff', aqua: '#00ffff', magenta: '#ff00ff', fuchsia: '#ff00ff', orange: '#ffa500',
  gray: '#808080', grey: '#808080', purple: '#800080', transparent: '#00000000',
};

function channel(text: string, max: number): number {
  const value = text.endsWith('%') ? (Number(text.slice(0, -1)) / 100) * max : Number(text);
  return Number.isFinite(value) ? Math.min(max, Math.max(0, value)) : Number.NaN;
}

/**
 * Parses a CSS colour in the forms overlays use — `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`,
 * `rgb()`/`rgba()` (comma or space separated) and a few names — for per-pixel blending.
 * Throws `INVALID_OPTION` for anything else (a non-string too), naming the colour `name`
 * (the option it came from; default `'colour'`).
 *
 * @example
 * ```ts
 * parseColor('#ff3838');              // { r: 255, g: 56, b: 56, a: 1 }
 * parseColor('rgba(0, 128, 255, .5)'); // { r: 0, g: 128, b: 255, a: 0.5 }
 * ```
 */
export function parseColor(color: string, name = 'colour'): Rgba {
  checkColor(color, name);
  const key = color.trim().toLowerCase();
  const text = (Object.hasOwn(NAMED, key) ? NAMED[key] : color).trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(text);
  if (hex) {
    let digits = hex[1];
    if (digits.length <= 4) digits = [...digits].map((d) => d + d).join('');
    const at = (i: number) => parseInt(digits.slice(i, i + 2), 16);
    return { r: at(0), g: at(2), b: at(4), a: digits.length === 8 ? at(6) / 255 : 1 };
  }
  const fn = /^rgba?\(([^)]*)\)$/.exec(text);
  if (fn) {
    const parts = fn[1].split(/[\s,/]+/).filter((p) => p.length > 0);
    if (parts.length === 3 || parts.length === 4) {
      const [r, g, b] = parts.slice(0, 3).map((p) => channel(p, 255));
      const a = parts.length === 4 ? channel(parts[3], 1) : 1;
      if ([r, g, b, a].every((v) => !Number.isNaN(v))) return { r, g, b, a };
    }
  }
  throw new VisionError(
    'INVALID_OPTION',
    `cannot parse ${name} "${color}"; allowed: #rgb, #rgba, #rrggbb, #rrggbbaa, rgb(r, g, b), rgba(r, g, b, a) or a basic name`,
  );
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
