/**
 * A scatter plot of images: each point of a projection drawn as its thumbnail (or a coloured
 * dot) with an optional label — "what the model sees" as a map of the pictures themselves.
 */
import { checkColor, checkContext, checkOptionsObject } from './checks';
import { VisionError, describeError } from '../core/errors';
import type { RawImage } from '../core/image-input';
import { type Canvas2D, type CreateScratchCanvas, type ImageDataLike, defaultScratchCanvas } from './canvas2d';
import { PALETTE } from './colors';
import { putRawImage } from './raw-image';
import { type ScatterFitOptions, type ScatterLayout, fitScatter } from './scatter-layout';
import { type StyleOptions, drawLabel, resolveStyle } from './style';
import { optionNames } from '../core/known-options';

const OPTION_NAMES = /* @__PURE__ */ optionNames<ScatterOptions>()(['thumbnailSize', 'dotRadius', 'background', 'createCanvas', 'margin', 'flipY', 'lineWidth', 'fontSize', 'fontFamily']);

/**
 * A thumbnail: anything the canvas can draw (`ImageBitmap`, a canvas, an `<img>`, a
 * `@napi-rs/canvas` canvas or image in Node — anything with a size that `drawImage` accepts),
 * or pixels in memory (`ImageData`-like RGBA, or a {@link RawImage}).
 *
 * @example
 * ```ts
 * const thumb: ScatterImage = await createImageBitmap(file, { resizeWidth: 64 });
 * ```
 */
export type ScatterImage = { readonly width: number; readonly height: number } | ImageDataLike | RawImage;

/** One point of a scatter plot, in data coordinates. @example `const p: ScatterPoint = { x: 0.2, y: -1, image: thumbnail, label: 'cat.jpg' };` */
export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  /** Drawn centred on the point; without it the point is a dot. */
  readonly image?: ScatterImage;
  /** Dot colour, and the frame around a thumbnail (default: no frame). Default dot colour: the palette's first. */
  readonly color?: string;
  /** Text drawn under the point. */
  readonly label?: string;
}

/** Options of {@link drawScatter}. @example `drawScatter(ctx, points, { thumbnailSize: 64, background: '#fff', createCanvas })` */
export interface ScatterOptions extends ScatterFitOptions, StyleOptions {
  /** Longest side of a thumbnail in canvas pixels (default 48). */
  readonly thumbnailSize?: number;
  /** Dot radius in canvas pixels (default 5). */
  readonly dotRadius?: number;
  /** Fills the canvas with this CSS colour first (default: draw over what is there). */
  readonly background?: string;
  /** Makes canvases for pixel thumbnails (default `OffscreenCanvas`; in Node pass `@napi-rs/canvas`'s `createCanvas`). */
  readonly createCanvas?: CreateScratchCanvas;
}

/**
 * Draws points (e.g. a PCA or UMAP projection of image embeddings) fitted into the canvas: each
 * as its thumbnail, aspect kept, centred where the point lands, or as a dot; labels under them.
 * The margin defaults to half a thumbnail (plus 4 px) so thumbnails stay inside. Returns the
 * layout, so a click can be mapped back to the nearest point.
 *
 * @example
 * ```ts
 * const { projected } = pca(embeddings);
 * const layout = drawScatter(ctx, projected.map(([x, y], i) => ({ x, y, image: thumbnails[i], label: names[i] })), {
 *   background: '#fff',
 * });
 * canvas.onclick = (e) => showNeighbours(nearestIndex(layout.positions, e.offsetX, e.offsetY));
 * ```
 */
export function drawScatter(ctx: Canvas2D, points: readonly ScatterPoint[], options: ScatterOptions = {}): ScatterLayout {
  checkContext(ctx, 'drawScatter');
  checkOptionsObject(options, 'drawScatter', OPTION_NAMES);
  const thumbnailSize = positiveOption(options.thumbnailSize, 48, 'thumbnailSize');
  const dotRadius = positiveOption(options.dotRadius, 5, 'dotRadius');
  const size = { width: ctx.canvas.width, height: ctx.canvas.height };
  const anyImage = Array.isArray(points) && points.some((p) => p?.image !== undefined);
  const margin = options.margin ?? Math.ceil((anyImage ? thumbnailSize / 2 : dotRadius) + 4);
  const layout = fitScatter(points, size, { margin, flipY: options.flipY });
  const style = resolveStyle(options, size);
  const makeCanvas = options.createCanvas ?? defaultScratchCanvas();
  if (options.background !== undefined) {
    ctx.save();
    ctx.fillStyle = checkColor(options.background, 'background');
    ctx.fillRect(0, 0, size.width, size.height);
    ctx.restore();
  }
  const footprints = points.map((point, i) => {
    const at = layout.positions[i] as { x: number; y: number };
    if (point.image === undefined) return drawDot(ctx, at, dotRadius, point.color ?? (PALETTE[0] as string));
    return drawThumbnail(ctx, point.image, at, thumbnailSize, point.color, makeCanvas, i);
  });
  points.forEach((point, i) => {
    if (point.label === undefined || point.label === '') return;
    const at = layout.positions[i] as { x: number; y: number };
    const halfHeight = footprints[i] as number;
    ctx.save();
    ctx.font = style.font;
    const textWidth = ctx.measureText(point.label).width;
    ctx.restore();
    const labelHeight = style.fontSize + 2 * style.padding;
    const fitsBelow = at.y + halfHeight + 2 + labelHeight <= size.height;
    const x = at.x - textWidth / 2 - style.padding;
    // under the point, or above it where the canvas ends first
    if (fitsBelow) drawLabel(ctx, point.label, x, at.y + halfHeight + 2, point.color ?? '#202020', style, 'below');
    else drawLabel(ctx, point.label, x, at.y - halfHeight - 2, point.color ?? '#202020', style, 'above');
  });
  return layout;
}

/** Draws a filled dot; returns its half height. */
function drawDot(ctx: Canvas2D, at: { x: number; y: number }, radius: number, color: string): number {
  ctx.save();
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(at.x, at.y, radius, 0, 2 * Math.PI);
  ctx.fill();
  ctx.restore();
  return radius;
}

/** Draws a thumbnail centred at `at`, longest side `size`, framed in `frame` when given; returns its half height. */
function drawThumbnail(
  ctx: Canvas2D,
  image: ScatterImage,
  at: { x: number; y: number },
  size: number,
  frame: string | undefined,
  makeCanvas: CreateScratchCanvas | undefined,
  index: number,
): number {
  const { width, height } = image;
  if (!(Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0)) {
    throw new VisionError('INVALID_INPUT', `scatter point ${index}: image has size ${String(width)}×${String(height)}; it must be at least 1×1`);
  }
  const fit = size / Math.max(width, height);
  const w = width * fit;
  const h = height * fit;
  const x = Math.round(at.x - w / 2);
  const y = Math.round(at.y - h / 2);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  const drawable = drawableOf(image, makeCanvas, index);
  try {
    ctx.drawImage(drawable, x, y, Math.round(w), Math.round(h));
  } catch (error) {
    ctx.restore();
    // the canvas's own TypeError for what it cannot draw (plain data, a bare { width, height })
    throw new VisionError('INVALID_INPUT', `scatter point ${index}: the canvas cannot draw its image (${describeError(error)}); give an image, canvas, bitmap or video frame, or pixels { data, width, height[, channels] }`, { cause: error });
  }
  if (frame !== undefined) {
    ctx.strokeStyle = frame;
    ctx.lineWidth = 2;
    ctx.strokeRect(x - 1, y - 1, Math.round(w) + 2, Math.round(h) + 2);
  }
  ctx.restore();
  return h / 2;
}

/** A drawable for `drawImage`: pixel data is put on a scratch canvas first. */
function drawableOf(image: ScatterImage, makeCanvas: CreateScratchCanvas | undefined, index: number): unknown {
  if (!isPixelData(image)) return image;
  if (!makeCanvas) {
    throw new VisionError('INVALID_OPTION', `scatter point ${index}: pixel thumbnails need a canvas to draw through; pass createCanvas (in Node: @napi-rs/canvas's createCanvas)`);
  }
  const scratch = makeCanvas(image.width, image.height);
  const scratchCtx = scratch.getContext('2d');
  if (!scratchCtx) throw new VisionError('INVALID_OPTION', 'createCanvas returned a canvas without a 2d context');
  if ('channels' in image) {
    putRawImage(scratchCtx, image);
  } else {
    if (image.data.length !== image.width * image.height * 4) {
      throw new VisionError('INVALID_INPUT', `scatter point ${index}: image data has ${image.data.length} values; RGBA ${image.width}×${image.height} needs ${image.width * image.height * 4}`);
    }
    const pixels = scratchCtx.createImageData(image.width, image.height);
    for (let i = 0; i < image.data.length; i++) pixels.data[i] = image.data[i] as number;
    scratchCtx.putImageData(pixels, 0, 0);
  }
  return scratch;
}

/** Pixels in memory (a typed array or array `data`), as opposed to a drawable (a Node canvas has a `data()` method). */
function isPixelData(image: ScatterImage): image is ImageDataLike | RawImage {
  const data = (image as { data?: unknown }).data;
  return typeof data === 'object' && data !== null && typeof (data as { length?: unknown }).length === 'number';
}

function positiveOption(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (!(Number.isFinite(chosen) && chosen > 0)) throw new VisionError('INVALID_OPTION', `${name} is ${String(value)}; it must be a finite number > 0 (canvas pixels)`);
  return chosen;
}
