/**
 * Outlines of masks: Suzuki–Abe border following (the algorithm behind OpenCV's
 * `findContours`), outer borders only (`RETR_EXTERNAL`).
 */
import { VisionError } from '../../core/errors';
import type { Mask } from '../../core/mask';
import { checkMaskPixels, checkMaskThreshold } from '../../core/mask-checks';
import { shownValue } from '../../core/shown-value';
import { optionNames } from '../../core/known-options';
import { checkOptionNames } from '../validate';

/**
 * A closed outline as `[x, y]` pixel coordinates (the centres of the border pixels), in the
 * order OpenCV gives them: from the top-left pixel, counter-clockwise on screen.
 *
 * @example
 * ```ts
 * const square: Polygon = [[0, 0], [0, 9], [9, 9], [9, 0]];
 * ```
 */
export type Polygon = [number, number][];

/** Options of {@link maskToPolygons}. @example `maskToPolygons(mask, { approximation: 'simple' })` */
export interface ContourOptions {
  /**
   * `none` (every border pixel, OpenCV `CHAIN_APPROX_NONE`) or `simple` (only the ends of
   * horizontal, vertical and diagonal runs, `CHAIN_APPROX_SIMPLE`). Default `simple`.
   */
  approximation?: 'none' | 'simple';
  /** Probability masks: pixels above it are inside. Default 0.5. */
  threshold?: number;
}

const CONTOUR_OPTION_NAMES = /* @__PURE__ */ optionNames<ContourOptions>()(['approximation', 'threshold']);

function checkContourOptions(options: ContourOptions, fn: string): void {
  checkOptionNames(options, fn, CONTOUR_OPTION_NAMES);
  if (options.approximation !== undefined && options.approximation !== 'none' && options.approximation !== 'simple') {
    throw new VisionError('INVALID_OPTION', `${fn}: approximation is ${String(options.approximation)}; it must be 'none' or 'simple'`);
  }
}

// Neighbour offsets (dy, dx) in clockwise order on screen, starting to the right.
const DY = [0, 1, 1, 1, 0, -1, -1, -1];
const DX = [1, 1, 0, -1, -1, -1, 0, 1];

function direction(dy: number, dx: number): number {
  for (let d = 0; d < 8; d++) if (DY[d] === dy && DX[d] === dx) return d;
  return -1;
}

/** Keeps the points where the chain turns (cyclically), as CHAIN_APPROX_SIMPLE. */
function simplify(points: Polygon): Polygon {
  const n = points.length;
  if (n < 3) return points;
  const dirs = points.map((p, k) => {
    const q = points[(k + 1) % n];
    return direction(q[1] - p[1], q[0] - p[0]);
  });
  return points.filter((_, k) => dirs[k] !== dirs[(k - 1 + n) % n]);
}

/**
 * Outer borders of a binary image (non-zero = inside, row-major `width`×`height`), with
 * OpenCV's `findContours(RETR_EXTERNAL, CHAIN_APPROX_NONE | SIMPLE)` semantics: one outline
 * per connected component (8-connectivity) that is not inside another's hole, holes ignored,
 * a single pixel gives a one-point outline. Outlines come in OpenCV's order (last found
 * first). Golden-tested against `cv2.findContours`.
 *
 * @throws VisionError `INVALID_INPUT` when `data` does not have `width × height` values; `INVALID_OPTION`
 * for an option name it does not take or an unknown approximation.
 * @example
 * ```ts
 * const outlines = findContours(bytes, 640, 480, { approximation: 'none' });
 * ```
 */
export function findContours(data: ArrayLike<number>, width: number, height: number, options: ContourOptions = {}): Polygon[] {
  checkContourOptions(options, 'findContours');
  if (typeof (data as { length?: unknown } | null)?.length !== 'number') throw new VisionError('INVALID_INPUT', `findContours: data is ${shownValue(data)}; it must be the mask's values, row by row`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0 || data.length !== width * height) {
    throw new VisionError('INVALID_INPUT', `findContours: ${data.length} values for a ${shownValue(width)}×${shownValue(height)} image`);
  }
  checkMaskPixels(width, height, 'findContours');
  if (width === 0 || height === 0) return []; // no pixels (a 2^31 × 0 frame still made a padded buffer of 2^32)
  const w = width + 2;
  const h = height + 2;
  const f = new Int32Array(w * h); // 1 = unvisited foreground, ±NBD = border labels, 0 = background
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) f[(y + 1) * w + x + 1] = data[y * width + x] ? 1 : 0;
  // Border number → is it a hole border, and its parent border (1 = the frame).
  const isHole: boolean[] = [true, true];
  const parent: number[] = [0, 0];
  const outlines: Polygon[] = [];
  let nbd = 1;
  for (let i = 1; i < h - 1; i++) {
    let lnbd = 1;
    for (let j = 1; j < w - 1; j++) {
      const p = i * w + j;
      const v = f[p];
      let startDir = -1; // direction from (i, j) to (i2, j2)
      let hole = false;
      if (v === 1 && f[p - 1] === 0) startDir = 4;
      else if (v >= 1 && f[p + 1] === 0) {
        startDir = 0;
        hole = true;
        if (v > 1) lnbd = v;
      }
      if (startDir >= 0) {
        nbd++;
        isHole[nbd] = hole;
        parent[nbd] = hole === isHole[lnbd] ? parent[lnbd] : lnbd;
        const points = follow(f, w, i, j, startDir, nbd);
        if (!hole && parent[nbd] === 1) outlines.push(points.map(([y, x]) => [x - 1, y - 1]));
      }
      if (f[p] !== 1 && f[p] !== 0) lnbd = Math.abs(f[p]);
    }
  }
  outlines.reverse();
  return options.approximation === 'none' ? outlines : outlines.map(simplify);
}

/** Steps 3.1–3.5 of Suzuki & Abe (1985): follows one border, labelling it, and returns its pixels as [y, x]. */
function follow(f: Int32Array, w: number, i: number, j: number, startDir: number, nbd: number): [number, number][] {
  // 3.1: clockwise from (i2, j2) around (i, j) for a non-zero pixel.
  let d1 = -1;
  for (let k = 0; k < 8; k++) {
    const d = (startDir + k) % 8;
    if (f[(i + DY[d]) * w + j + DX[d]] !== 0) {
      d1 = d;
      break;
    }
  }
  if (d1 < 0) {
    f[i * w + j] = -nbd;
    return [[i, j]];
  }
  const i1 = i + DY[d1];
  const j1 = j + DX[d1];
  let i3 = i;
  let j3 = j;
  let back = d1; // direction from (i3, j3) to (i2, j2)
  const points: [number, number][] = [];
  for (;;) {
    points.push([i3, j3]);
    // 3.3: counter-clockwise from the element after (i2, j2).
    let d4 = -1;
    let rightExamined = false;
    for (let k = 1; k <= 8; k++) {
      const d = (back - k + 8) % 8;
      if (f[(i3 + DY[d]) * w + j3 + DX[d]] !== 0) {
        d4 = d;
        break;
      }
      if (d === 0) rightExamined = true;
    }
    const q = i3 * w + j3;
    // 3.4
    if (rightExamined) f[q] = -nbd;
    else if (f[q] === 1) f[q] = nbd;
    const i4 = i3 + DY[d4];
    const j4 = j3 + DX[d4];
    // 3.5
    if (i4 === i && j4 === j && i3 === i1 && j3 === j1) return points;
    back = (d4 + 4) % 8;
    i3 = i4;
    j3 = j4;
  }
}

/**
 * Outlines of a {@link Mask} (binary, probability > `threshold`, or non-background category
 * pixels) in mask pixels, as OpenCV's `findContours(RETR_EXTERNAL, …)` — one polygon per
 * separate part. Only the mask's data bounds are scanned.
 *
 * @throws VisionError `DISPOSED` for a closed mask.
 * @example
 * ```ts
 * for (const polygon of maskToPolygons(instance.mask)) drawPolygon(ctx, polygon);
 * ```
 */
export function maskToPolygons(mask: Mask, options: ContourOptions = {}): Polygon[] {
  checkContourOptions(options, 'maskToPolygons');
  // checked for every kind (a binary or category mask ignores it, but 'x' or 2 is no threshold)
  if (options.threshold !== undefined) checkMaskThreshold(options.threshold, 'threshold');
  const { x, y, width, height } = mask.bounds;
  const full = mask.kind === 'probability' ? mask.toFloat32Array() : mask.toUint8Array();
  const cut = mask.kind === 'probability' ? (options.threshold ?? 0.5) : 0;
  const region = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) region[r * width + c] = full[(y + r) * mask.width + x + c] > cut ? 1 : 0;
  return findContours(region, width, height, options).map((polygon) => polygon.map(([px, py]) => [px + x, py + y]));
}
