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

/** The matte's value at each canvas pixel, 0–255 (nearest sample when the sizes differ). */
function matteAtCanvas(matte: MatteLike, width: number, height: number): Uint8Array {
  if (!(matte.width > 0 && matte.height > 0)) throw new VisionError('INVALID_INPUT', `the matte is ${matte.width}×${matte.height}; it must have pixels`);
  const values = matte.toUint8Array();
  if (matte.width === width && matte.height === height) return values;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = Math.min(matte.height - 1, Math.floor(((y + 0.5) * matte.height) / height)) * matte.width;
    for (let x = 0; x < width; x++) out[y * width + x] = values[row + Math.min(matte.width - 1, Math.floor(((x + 0.5) * matte.width) / width))];
  }
  return out;
}

/** A picture's pixels sampled (nearest) to cover `width`×`height`, centred. */
function coverPixels(image: ImageDataLike, width: number, height: number): (p: number, c: number) => number {
  if (!(image.width > 0 && image.height > 0) || image.data.length < image.width * image.height * 4) {
    throw new VisionError('INVALID_INPUT', `the background image is ${image.width}×${image.height} with ${image.data.length} values; it must be RGBA pixels of its size`);
  }
  const scale = Math.max(width / image.width, height / image.height);
  const offsetX = (image.width * scale - width) / 2;
  const offsetY = (image.height * scale - height) / 2;
  const xs = Int32Array.from({ length: width }, (_, x) => Math.min(image.width - 1, Math.floor((x + 0.5 + offsetX) / scale)));
  const ys = Int32Array.from({ length: height }, (_, y) => Math.min(image.height - 1, Math.floor((y + 0.5 + offsetY) / scale)));
  return (p, c) => image.data[(ys[Math.floor(p / width)] * image.width + xs[p % width]) * 4 + c];
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
 * @example
 * ```ts
 * drawBackgroundBlur(ctx, result.alpha, { radius: 12 });
 * ```
 */
export function drawBackgroundBlur(ctx: Canvas2D, matte: MatteLike, options: { radius?: number } = {}): void {
  compositeMatte(ctx, matte, { blur: options.radius ?? 12 });
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
