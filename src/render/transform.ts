/**
 * Mapping result coordinates (pixels of the original image) onto the canvas drawn on, which
 * may be a different size: explicit transforms, a uniform scale, or fitting the image into
 * the canvas the way CSS `object-fit` does.
 */
import { VisionError } from '../core/errors';
import type { Box, ImageSize } from '../core/types';
import { optionNames } from '../core/known-options';
import { shownData } from '../core/shown-value';

/**
 * How an image is fitted into a canvas: `fill` stretches to the canvas (aspect not kept),
 * `contain` keeps the aspect and letterboxes, `cover` keeps the aspect and crops (centred).
 *
 * @example
 * ```ts
 * const fit: FitMode = 'contain';
 * ```
 */
export type FitMode = 'contain' | 'cover' | 'fill';

/**
 * Source-image pixels → canvas pixels: `canvasX = x * scaleX + offsetX` (likewise for y).
 *
 * @example
 * ```ts
 * const half: DrawTransform = { scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 0 };
 * ```
 */
export interface DrawTransform {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

/**
 * The transform that maps the identity (canvas pixels are image pixels).
 *
 * @example
 * ```ts
 * drawDetections(ctx, detections, { transform: IDENTITY_TRANSFORM });
 * ```
 */
export const IDENTITY_TRANSFORM: Readonly<DrawTransform> = /* @__PURE__ */ Object.freeze({ scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0 });

/**
 * What {@link fitTransform} takes: the source image size, the canvas size, and the fit.
 *
 * @example
 * ```ts
 * const spec: FitSpec = { sourceWidth: 1280, sourceHeight: 853, canvasWidth: 640, canvasHeight: 427, fit: 'contain' };
 * ```
 */
export interface FitSpec {
  sourceWidth: number;
  sourceHeight: number;
  canvasWidth: number;
  canvasHeight: number;
  /** Default `'contain'`. */
  fit?: FitMode;
}

function requirePositive(value: number, name: string): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new VisionError('INVALID_OPTION', `${name} is ${value}; it must be a finite number > 0`);
  }
}

/**
 * The transform that fits a `sourceWidth × sourceHeight` image into a canvas, centred, like
 * CSS `object-fit`. Draw the frame with the same numbers so overlays line up:
 * `ctx.drawImage(frame, t.offsetX, t.offsetY, w * t.scaleX, h * t.scaleY)`.
 *
 * @example
 * ```ts
 * const t = fitTransform({ sourceWidth: 1280, sourceHeight: 720, canvasWidth: 640, canvasHeight: 640, fit: 'contain' });
 * // t = { scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 140 }
 * ```
 */
export function fitTransform(spec: FitSpec): DrawTransform {
  const { sourceWidth, sourceHeight, canvasWidth, canvasHeight } = spec;
  const fit = spec.fit ?? 'contain';
  requirePositive(sourceWidth, 'sourceWidth');
  requirePositive(sourceHeight, 'sourceHeight');
  requirePositive(canvasWidth, 'canvasWidth');
  requirePositive(canvasHeight, 'canvasHeight');
  const sx = canvasWidth / sourceWidth;
  const sy = canvasHeight / sourceHeight;
  if (fit === 'fill') return { scaleX: sx, scaleY: sy, offsetX: 0, offsetY: 0 };
  if (fit !== 'contain' && fit !== 'cover') {
    throw new VisionError('INVALID_OPTION', `fit is "${String(fit)}"; allowed: 'contain', 'cover', 'fill'`);
  }
  const s = fit === 'contain' ? Math.min(sx, sy) : Math.max(sx, sy);
  return { scaleX: s, scaleY: s, offsetX: (canvasWidth - sourceWidth * s) / 2, offsetY: (canvasHeight - sourceHeight * s) / 2 };
}

/**
 * Where an overlay goes on the canvas. Precedence: `transform`, then `scale`, then
 * `imageSize` fitted into the canvas with `fit`; with none of them, canvas pixels are image
 * pixels.
 *
 * @example
 * ```ts
 * drawDetections(ctx, result.detections, { imageSize: result.imageSize, fit: 'contain' });
 * ```
 */
export interface PlacementOptions {
  /** An explicit source → canvas transform (e.g. from {@link fitTransform}). */
  transform?: DrawTransform;
  /** A uniform scale, source → canvas, with no offset. */
  scale?: number;
  /** The size of the image the results refer to; fitted into the canvas with `fit`. */
  imageSize?: ImageSize;
  /** How `imageSize` fits the canvas; default `'fill'` (the frame drawn over the whole canvas). */
  fit?: FitMode;
}

/**
 * The names of {@link PlacementOptions}, for the drawing helpers' option checks.
 *
 * @example
 * ```ts
 * const NAMES = optionNames<MyDrawOptions>()([...PLACEMENT_OPTION_NAMES, 'color']);
 * ```
 */
export const PLACEMENT_OPTION_NAMES = /* @__PURE__ */ optionNames<PlacementOptions>()(['transform', 'scale', 'imageSize', 'fit']);

/**
 * The transform a set of placement options means for a canvas of a given size; throws
 * `INVALID_OPTION` for a non-finite or non-positive scale or size. A 0-pixel canvas (as a
 * browser canvas before a video's metadata) takes the identity: nothing it draws shows.
 *
 * @example
 * ```ts
 * const t = resolveTransform({ imageSize: { width: 1280, height: 853 } }, { width: 640, height: 427 });
 * ```
 */
export function resolveTransform(options: PlacementOptions, canvas: ImageSize): DrawTransform {
  const { transform, scale, imageSize } = options;
  if (transform) {
    const values = [transform.scaleX, transform.scaleY, transform.offsetX, transform.offsetY];
    if (!values.every(Number.isFinite) || transform.scaleX === 0 || transform.scaleY === 0) {
      throw new VisionError('INVALID_OPTION', `transform ${shownData(transform)} must have finite values and non-zero scales`);
    }
    return transform;
  }
  if (scale !== undefined) {
    requirePositive(scale, 'scale');
    return { scaleX: scale, scaleY: scale, offsetX: 0, offsetY: 0 };
  }
  if (imageSize) {
    requirePositive(imageSize.width, 'imageSize.width');
    requirePositive(imageSize.height, 'imageSize.height');
    // a canvas with no pixels yet (a browser canvas before the video's metadata): nothing shows
    if (!(canvas.width > 0 && canvas.height > 0)) return IDENTITY_TRANSFORM;
    return fitTransform({
      sourceWidth: imageSize.width,
      sourceHeight: imageSize.height,
      canvasWidth: canvas.width,
      canvasHeight: canvas.height,
      fit: options.fit ?? 'fill',
    });
  }
  return IDENTITY_TRANSFORM;
}

/**
 * A point in source-image pixels mapped to canvas pixels.
 *
 * @example
 * ```ts
 * const { x, y } = mapPoint(t, keypoint.x, keypoint.y);
 * ```
 */
export function mapPoint(t: DrawTransform, x: number, y: number): { x: number; y: number } {
  return { x: x * t.scaleX + t.offsetX, y: y * t.scaleY + t.offsetY };
}

/**
 * A box in source-image pixels mapped to canvas pixels (corners re-ordered if a scale is
 * negative, i.e. a mirrored selfie view).
 *
 * @example
 * ```ts
 * const onCanvas = mapBox(t, detection.box);
 * ```
 */
export function mapBox(t: DrawTransform, box: Box): Box {
  const a = mapPoint(t, box.x1, box.y1);
  const b = mapPoint(t, box.x2, box.y2);
  return { x1: Math.min(a.x, b.x), y1: Math.min(a.y, b.y), x2: Math.max(a.x, b.x), y2: Math.max(a.y, b.y) };
}

/**
 * A canvas point mapped back to source-image pixels (for clicks on an overlay).
 *
 * @example
 * ```ts
 * const p = unmapPoint(t, event.offsetX, event.offsetY);
 * ```
 */
export function unmapPoint(t: DrawTransform, x: number, y: number): { x: number; y: number } {
  return { x: (x - t.offsetX) / t.scaleX, y: (y - t.offsetY) / t.scaleY };
}
