/**
 * Compositing a person matte over what is on the canvas: background blur, background
 * replacement (a colour or a picture) and green screen. Draw the frame first (at the canvas's
 * size); these read the canvas, blend per pixel with the matte and write the result back.
 */
import { checkContext, checkOptionsObject } from './checks';
import { VisionError } from '../core/errors';
import { blurRgba, checkBlurRadius } from './blur';
import type { Canvas2D, ImageDataLike, PixelArray } from './canvas2d';
import { shownValue, typeName } from '../core/shown-value';
import { parseColor } from './colors';

/**
 * What the compositors need of a matte: its size and its values as bytes (0 = background,
 * 255 = person). visionpipe's `Mask` (the `alpha` of a video-matting result) fits.
 *
 * @example
 * ```ts
 * const matte: MatteLike = result.alpha;
 * ```
 */
export interface MatteLike {
  readonly width: number;
  readonly height: number;
  toUint8Array(): Uint8Array;
}

/**
 * Where the background comes from: the frame blurred, a CSS colour, or a picture (RGBA pixels
 * of any size, scaled to cover the canvas and centred).
 *
 * @example
 * ```ts
 * const backdrop: MatteBackground = { image: ctxOther.getImageData(0, 0, 640, 480) };
 * ```
 */
export type MatteBackground = { blur: number } | { color: string } | { image: ImageDataLike };

/**
 * Bilinear taps (half-pixel centres, edges clamped) of `outSize` positions over `inSize` source
 * pixels, for output position o at source `(o + 0.5 + offset) / scale − 0.5`.
 */
function taps(outSize: number, inSize: number, scale: number, offset: number): { i0: Int32Array; i1: Int32Array; w: Float32Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const at = Math.min(Math.max((o + 0.5 + offset) / scale - 0.5, 0), inSize - 1);
    i0[o] = Math.floor(at);
    i1[o] = Math.min(i0[o] + 1, inSize - 1);
    w[o] = at - i0[o];
  }
  return { i0, i1, w };
}

/** A one-value-per-pixel plane resized bilinearly by the taps. */
function resample(values: ArrayLike<number>, width: number, xs: ReturnType<typeof taps>, ys: ReturnType<typeof taps>): Float32Array {
  const out = new Float32Array(xs.i0.length * ys.i0.length);
  for (let y = 0, p = 0; y < ys.i0.length; y++) {
    const top = ys.i0[y] * width;
    const bottom = ys.i1[y] * width;
    const wy = ys.w[y];
    for (let x = 0; x < xs.i0.length; x++, p++) {
      const wx = xs.w[x];
      const upper = values[top + xs.i0[x]] + (values[top + xs.i1[x]] - values[top + xs.i0[x]]) * wx;
      const lower = values[bottom + xs.i0[x]] + (values[bottom + xs.i1[x]] - values[bottom + xs.i0[x]]) * wx;
      out[p] = upper + (lower - upper) * wy;
    }
  }
  return out;
}

/** Throws `INVALID_INPUT` unless `matte` is a matte with pixels whose bytes match its size; returns the bytes. */
function matteBytes(matte: MatteLike): Uint8Array {
  if (typeof matte !== 'object' || matte === null || typeof matte.toUint8Array !== 'function') {
    throw new VisionError('INVALID_INPUT', `matte is ${shownValue(matte)}; it must be a mask { width, height, toUint8Array() } such as a matting result's alpha`);
  }
  const { width, height } = matte;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new VisionError('INVALID_INPUT', `the matte is ${width}×${height}; it must have pixels (whole numbers > 0)`);
  }
  if ((matte as { kind?: unknown }).kind === 'category') {
    throw new VisionError('INVALID_INPUT', "the matte is a category mask (class ids, not how much is person): pass a probability or binary mask, such as a segmentation's confidenceMasks[i]");
  }
  const values = matte.toUint8Array();
  if (!(values instanceof Uint8Array)) throw new VisionError('INVALID_INPUT', `the matte's toUint8Array() returned ${typeName(values)}; it must return a Uint8Array`);
  if (values.length !== width * height) {
    throw new VisionError('INVALID_INPUT', `the matte's toUint8Array() gave ${values.length} values; a ${width}×${height} matte has ${width * height}`);
  }
  return values;
}

/** The matte's value at each canvas pixel, 0–255 (resized bilinearly when the sizes differ). */
function matteAtCanvas(matte: MatteLike, values: Uint8Array, width: number, height: number): ArrayLike<number> {
  if (matte.width === width && matte.height === height) return values;
  return resample(values, matte.width, taps(width, matte.width, width / matte.width, 0), taps(height, matte.height, height / matte.height, 0));
}

const PICTURE = 'a picture { data, width, height }: RGBA pixels, width × height × 4 values, width and height whole numbers > 0';

/** A picture's side if it is a whole number > 0, else 0. */
const side = (value: unknown): number => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0);

/** Throws `INVALID_INPUT` unless `image` is RGBA pixels of its size. */
function checkImage(image: unknown, name: string): asserts image is ImageDataLike {
  if (typeof image !== 'object' || image === null) throw new VisionError('INVALID_INPUT', `${name} is ${shownValue(image)}; it must be ${PICTURE}`);
  const { data, width, height } = image as Record<string, unknown>;
  const length = typeof data === 'object' && data !== null ? (data as { length?: unknown }).length : undefined;
  if (side(width) === 0 || side(height) === 0 || !(typeof length === 'number' && length >= side(width) * side(height) * 4)) {
    throw new VisionError('INVALID_INPUT', `${name} is ${String(width)}×${String(height)} with ${String(length)} values; it must be ${PICTURE}`);
  }
}

/** A picture's pixels, resized bilinearly to cover `width`×`height` (centred), read pixel by pixel (no resized copy is made per frame). */
function coverPixels(image: ImageDataLike, width: number, height: number): (p: number, c: number) => number {
  const scale = Math.max(width / image.width, height / image.height);
  const xs = taps(width, image.width, scale, (image.width * scale - width) / 2);
  const ys = taps(height, image.height, scale, (image.height * scale - height) / 2);
  const { data } = image;
  return (p, c) => {
    const y = Math.floor(p / width);
    const x = p - y * width;
    const top = ys.i0[y] * image.width;
    const bottom = ys.i1[y] * image.width;
    const l = xs.i0[x];
    const r = xs.i1[x];
    const wx = xs.w[x];
    const upper = data[(top + l) * 4 + c] + (data[(top + r) * 4 + c] - data[(top + l) * 4 + c]) * wx;
    const lower = data[(bottom + l) * 4 + c] + (data[(bottom + r) * 4 + c] - data[(bottom + l) * 4 + c]) * wx;
    return upper + (lower - upper) * ys.w[y];
  };
}

/** The background's channel `c` (0–2 colour, 3 alpha; 0–255) at canvas pixel `p`, made from the frame's pixels once they are read. */
type Backdrop = (frame: PixelArray, width: number, height: number) => (p: number, c: number) => number;

function blurBackdrop(radius: unknown, name: string): Backdrop {
  const r = checkBlurRadius(radius, name);
  return (frame, width, height) => {
    const blurred = blurRgba(frame, width, height, r);
    return (p, c) => blurred[p * 4 + c];
  };
}

function colorBackdrop(color: unknown, name: string): Backdrop {
  const { r, g, b, a } = parseColor(color as string, name);
  const rgba = [r, g, b, a * 255];
  return () => (_, c) => rgba[c];
}

function imageBackdrop(image: unknown, name: string): Backdrop {
  checkImage(image, name);
  return (_, width, height) => coverPixels(image, width, height);
}

/** The backdrop a {@link MatteBackground} asks for; throws `INVALID_INPUT` for anything else. */
function backdropOf(background: MatteBackground): Backdrop {
  if (typeof background === 'object' && background !== null) {
    // exactly one of them: { blur, color } drew the blur and dropped the colour
    const names = Object.keys(background).filter((key) => (background as Record<string, unknown>)[key] !== undefined);
    if (names.length > 1 || (names.length === 1 && !['blur', 'color', 'image'].includes(names[0]))) {
      throw new VisionError('INVALID_OPTION', `background has ${names.join(', ')}; it must be exactly one of { blur: radius }, { color: '#rrggbb' } or { image: { data, width, height } }`);
    }
    if ('blur' in background) return blurBackdrop(background.blur, 'blur');
    if ('color' in background) return colorBackdrop(background.color, 'color');
    if ('image' in background) return imageBackdrop(background.image, 'image');
  }
  throw new VisionError('INVALID_INPUT', `background is ${shownValue(background)}; it must be { blur: radius }, { color: '#rrggbb' } or { image: { data, width, height } }`);
}

/**
 * Blends the canvas with the backdrop through the matte (checked first, even on an empty
 * canvas): the person (the canvas, weighted by the matte) over the backdrop, alpha included
 * (Porter–Duff "over" on straight colours, the person's alpha `a·frame alpha`). Opaque canvas
 * over an opaque backdrop is `a·frame + (1 − a)·background`; a see-through backdrop (`transparent`, a colour with alpha)
 * leaves the background see-through — a cut-out.
 */
function blend(ctx: Canvas2D, matte: MatteLike, backdrop: Backdrop): void {
  const values = matteBytes(matte);
  const { width, height } = ctx.canvas;
  if (width === 0 || height === 0) return;
  const alpha = matteAtCanvas(matte, values, width, height);
  const frame = ctx.getImageData(0, 0, width, height);
  const data: PixelArray = frame.data;
  const behind = backdrop(data, width, height);
  for (let p = 0; p < alpha.length; p++) {
    const a = alpha[p] / 255;
    const at = p * 4;
    if (a === 1 && data[at + 3] === 255) continue; // the person, opaque: nothing shows through
    const behindAlpha = behind(p, 3);
    if (data[at + 3] === 255 && behindAlpha === 255) {
      // both opaque (a camera frame over a colour, a picture or its blur): the plain blend, per frame
      for (let c = 0; c < 3; c++) data[at + c] = Math.round(a * data[at + c] + (1 - a) * behind(p, c));
      continue;
    }
    const front = (a * data[at + 3]) / 255;
    // what the person leaves uncovered, a see-through frame pixel included, shows the backdrop
    const back = ((1 - front) * behindAlpha) / 255;
    const covered = front + back;
    for (let c = 0; c < 3; c++) data[at + c] = covered > 0 ? Math.round((front * data[at + c] + back * behind(p, c)) / covered) : 0;
    data[at + 3] = Math.round(covered * 255);
  }
  ctx.putImageData(frame, 0, 0);
}

/**
 * Replaces the background of what is on the canvas using a matte: each pixel of an opaque
 * frame becomes `a·frame + (1 − a)·background` with `a` the matte (0–1). Transparency is
 * composited too (the person over the background): `{ color: 'transparent' }` cuts the person
 * out (the canvas's alpha becomes the matte), `rgba(…, 0.5)` leaves the background half see-through.
 * The canvas is read back (`getImageData`) on every call: in a browser, get its context with
 * `{ willReadFrequently: true }` for live video.
 *
 * @throws VisionError `INVALID_INPUT` for a missing, empty or category matte, background or background
 * picture; `INVALID_OPTION` for a background setting other than exactly one of blur, color and
 * image, a blur that is not a finite radius ≥ 0 or a colour that does not parse.
 * @example
 * ```ts
 * ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
 * compositeMatte(ctx, result.alpha, { color: '#202830' }); // { color: 'transparent' }: a cut-out
 * ```
 */
export function compositeMatte(ctx: Canvas2D, matte: MatteLike, background: MatteBackground): void {
  checkContext(ctx, 'compositeMatte');
  blend(ctx, matte, backdropOf(background));
}

/**
 * Blurs the background behind the person (the frame must already be on the canvas). The
 * radius (default 12) is capped per axis at the canvas's size, as {@link blurRgba} explains:
 * larger radii blur the same, at the same cost.
 *
 * @throws VisionError `INVALID_OPTION` for a radius that is not a finite number ≥ 0;
 * `INVALID_INPUT` for a missing or empty matte.
 * @example
 * ```ts
 * drawBackgroundBlur(ctx, result.alpha, { radius: 12 });
 * ```
 */
export function drawBackgroundBlur(ctx: Canvas2D, matte: MatteLike, options: { radius?: number } = {}): void {
  checkContext(ctx, 'drawBackgroundBlur');
  checkOptionsObject(options, 'drawBackgroundBlur', ['radius']);
  blend(ctx, matte, blurBackdrop(options.radius ?? 12, 'radius'));
}

/**
 * Puts a colour (CSS) or a picture (RGBA pixels, scaled to cover) behind the person.
 *
 * @throws VisionError `INVALID_OPTION` for a colour that does not parse; `INVALID_INPUT` for a
 * background that is neither a string nor a picture, and for a missing or empty matte.
 * @example
 * ```ts
 * drawBackgroundReplace(ctx, result.alpha, beachPhoto); // or '#334455'
 * ```
 */
export function drawBackgroundReplace(ctx: Canvas2D, matte: MatteLike, background: string | ImageDataLike): void {
  checkContext(ctx, 'drawBackgroundReplace');
  blend(ctx, matte, replacement(background));
}

function replacement(background: unknown): Backdrop {
  if (typeof background === 'string') return colorBackdrop(background, 'background');
  if (typeof background !== 'object' || background === null) {
    throw new VisionError('INVALID_INPUT', `background is ${shownValue(background)}; it must be a CSS colour string or ${PICTURE}`);
  }
  return imageBackdrop(background, 'background');
}

/**
 * Chroma-key green behind the person (default `#00b140`, broadcast green), for compositing
 * in video tools.
 *
 * @throws VisionError `INVALID_OPTION` for a colour that is not a CSS colour string `parseColor` reads.
 * @example
 * ```ts
 * drawGreenScreen(ctx, result.alpha);
 * ```
 */
export function drawGreenScreen(ctx: Canvas2D, matte: MatteLike, options: { color?: string } = {}): void {
  checkContext(ctx, 'drawGreenScreen');
  checkOptionsObject(options, 'drawGreenScreen', ['color']);
  blend(ctx, matte, colorBackdrop(options.color ?? '#00b140', 'color'));
}
