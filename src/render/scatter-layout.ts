/**
 * Where the points of a scatter plot land on a canvas: the data's extent fitted into the canvas
 * less a margin, one scale for both axes (distances on the map keep their proportions).
 */
import { checkOptionsObject, optionNames } from '../core/known-options';
import { optionalBoolean } from '../core/optional-boolean';
import { VisionError } from '../core/errors';
import type { ImageSize } from '../core/types';

/** A point of data space (e.g. a row of a PCA or UMAP projection). @example `const p: ScatterCoordinate = { x: projected[0][0], y: projected[0][1] };` */
export interface ScatterCoordinate {
  readonly x: number;
  readonly y: number;
}

/** Options of {@link fitScatter}. @example `fitScatter(points, size, { margin: 16, flipY: false })` */
export interface ScatterFitOptions {
  /** Canvas pixels kept free on every side (default 32). */
  readonly margin?: number;
  /** Draw larger y higher up, as plots do (default true); false keeps the canvas's y-down. */
  readonly flipY?: boolean;
}

/** The fitted layout: canvas positions in the order of the points, and the data→canvas scale. @example `const { positions, scale }: ScatterLayout = drawScatter(ctx, points);` */
export interface ScatterLayout {
  /** Canvas pixel position of each point. */
  readonly positions: ScatterCoordinate[];
  /** Canvas pixels per data unit (the same on both axes). */
  readonly scale: number;
}

const SCATTER_FIT_OPTION_NAMES = /* @__PURE__ */ optionNames<ScatterFitOptions>()(['margin', 'flipY']);

/**
 * Fits points into a canvas of `size`: the bounding box of the points is scaled uniformly to fit
 * inside the margin and centred. A single point, or points that all coincide, land in the centre.
 * Non-finite coordinates are `INVALID_INPUT`; a margin that leaves no room is `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * const { positions } = fitScatter([{ x: 0, y: 0 }, { x: 1, y: 1 }], { width: 200, height: 100 }, { margin: 10 });
 * // positions: [{ x: 60, y: 90 }, { x: 140, y: 10 }]
 * ```
 */
export function fitScatter(points: readonly ScatterCoordinate[], size: ImageSize, options: ScatterFitOptions = {}): ScatterLayout {
  checkOptionsObject(options, 'fitScatter', SCATTER_FIT_OPTION_NAMES);
  optionalBoolean(options.flipY, 'flipY');
  const margin = options.margin ?? 32;
  if (!(Number.isFinite(margin) && margin >= 0 && 2 * margin < Math.min(size.width, size.height))) {
    throw new VisionError('INVALID_OPTION', `scatter margin is ${margin}; it must be ≥ 0 and leave room inside the ${size.width}×${size.height} canvas`);
  }
  if (!Array.isArray(points)) throw new VisionError('INVALID_INPUT', `scatter points must be an array of { x, y }, got ${typeof points}`);
  points.forEach((p, i) => {
    if (!Number.isFinite(p?.x) || !Number.isFinite(p?.y)) {
      throw new VisionError('INVALID_INPUT', `scatter point ${i} is (${String(p?.x)}, ${String(p?.y)}); coordinates must be finite numbers`);
    }
  });
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const { x, y } of points) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const innerWidth = size.width - 2 * margin;
  const innerHeight = size.height - 2 * margin;
  const spanX = maxX - minX;
  const spanY = maxY - minY;
  const scale = Math.min(spanX > 0 ? innerWidth / spanX : Infinity, spanY > 0 ? innerHeight / spanY : Infinity);
  const fitted = Number.isFinite(scale) ? scale : 1;
  const centreX = (minX + maxX) / 2;
  const centreY = (minY + maxY) / 2;
  const flip = options.flipY ?? true ? -1 : 1;
  const positions = points.map(({ x, y }) => ({
    x: size.width / 2 + (x - centreX) * fitted,
    y: size.height / 2 + flip * (y - centreY) * fitted,
  }));
  return { positions, scale: fitted };
}
