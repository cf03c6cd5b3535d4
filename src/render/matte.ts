/**
 * Compositing a person matte over what is on the canvas: background blur, background
 * replacement (a colour or a picture) and green screen. Draw the frame first (at the canvas's
 * size); these read the canvas, blend per pixel with the matte and write the result back.
 */
import { VisionError } from '../core/errors';
import { blurRgba } from './blur';
import type { Canvas2D, ImageDataLike, PixelArray } from './canvas2d';
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

/** The matte's value at each canvas pixel, 0–255 (resized bilinearly when the sizes differ). */
function matteAtCanvas(matte: MatteLike, width: number, height: number): ArrayLike<number> {
  if (!(matte.width > 0 && matte.height > 0)) throw new VisionError('INVALID_INPUT', `the matte is ${matte.width}×${matte.height}; it must have pixels`);
  const values = matte.toUint8Array();
  if (matte.width === width && matte.height === height) return values;
  return resample(values, matte.width, taps(width, matte.width, width / matte.width, 0), taps(height, matte.height, height / matte.height, 0));
}

/** A picture's pixels, resized bilinearly to cover `width`×`height` (centred), read pixel by pixel (no resized copy is made per frame). */
function coverPixels(image: ImageDataLike, width: number, height: number): (p: number, c: number) => number {
  if (!(image.width > 0 && image.height > 0) || image.data.length < image.width * image.height * 4) {
    throw new VisionError('INVALID_INPUT', `the background image is ${image.width}×${image.height} with ${image.data.length} values; it must be RGBA pixels of its size`);
  }
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

/**
 * Replaces the background of what is on the canvas using a matte: each pixel becomes
 * `a·frame + (1 − a)·background` with `a` the matte (0–1), alpha kept.
 *
 * @throws VisionError `INVALID_INPUT` for an empty matte or background picture; `INVALID_OPTION` for a negative blur.
 * @example
 * ```ts
 * ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
 * compositeMatte(ctx, result.alpha, { color: '#202830' });
 * ```
 */
export function compositeMatte(ctx: Canvas2D, matte: MatteLike, background: MatteBackground): void {
  const { width, height } = ctx.canvas;
  if (width === 0 || height === 0) return;
  const alpha = matteAtCanvas(matte, width, height);
  const frame = ctx.getImageData(0, 0, width, height);
  let backdrop: (p: number, c: number) => number;
  if ('blur' in background) {
    if (!(background.blur >= 0)) throw new VisionError('INVALID_OPTION', `blur is ${String(background.blur)}; it must be a radius ≥ 0 (pixels)`);
    const blurred = blurRgba(frame.data, width, height, background.blur);
    backdrop = (p, c) => blurred[p * 4 + c];
  } else if ('color' in background) {
    const { r, g, b } = parseColor(background.color);
    const rgb = [r, g, b];
    backdrop = (_, c) => rgb[c];
  } else {
    backdrop = coverPixels(background.image, width, height);
  }
  const data: PixelArray = frame.data;
  for (let p = 0; p < alpha.length; p++) {
    const a = alpha[p] / 255;
    if (a === 1) continue;
    for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.round(a * data[p * 4 + c] + (1 - a) * backdrop(p, c));
  }
  ctx.putImageData(frame, 0, 0);
}

/**
 * Blurs the background behind the person (the frame must already be on the canvas).
 *
 * @throws VisionError `INVALID_OPTION` for a negative radius; `INVALID_INPUT` for an empty matte.
 * @example
 * ```ts
 * drawBackgroundBlur(ctx, result.alpha, { radius: 12 });
 * ```
 */
export function drawBackgroundBlur(ctx: Canvas2D, matte: MatteLike, options: { radius?: number } = {}): void {
  const radius = options.radius ?? 12;
  if (!(radius >= 0)) throw new VisionError('INVALID_OPTION', `radius is ${String(options.radius)}; it must be a blur radius ≥ 0 (pixels)`);
  compositeMatte(ctx, matte, { blur: radius });
}

/**
 * Puts a colour (CSS) or a picture (RGBA pixels, scaled to cover) behind the person.
 *
 * @example
 * ```ts
 * drawBackgroundReplace(ctx, result.alpha, beachPhoto); // or '#334455'
 * ```
 */
export function drawBackgroundReplace(ctx: Canvas2D, matte: MatteLike, background: string | ImageDataLike): void {
  compositeMatte(ctx, matte, typeof background === 'string' ? { color: background } : { image: background });
}

/**
 * Chroma-key green behind the person (default `#00b140`, broadcast green), for compositing
 * in video tools.
 *
 * @example
 * ```ts
 * drawGreenScreen(ctx, result.alpha);
 * ```
 */
export function drawGreenScreen(ctx: Canvas2D, matte: MatteLike, options: { color?: string } = {}): void {
  compositeMatte(ctx, matte, { color: options.color ?? '#00b140' });
}
