/**
 * Drawing face meshes: the tessellation as thin lines, contour parts (lips, eyes, eyebrows, face
 * oval) in the face's colour, and irises as circles. The connection tables are the caller's
 * (render/ imports only core/): pass `FACE_MESH_CONNECTIONS` or a subset of its parts.
 */
import { VisionError } from '../core/errors';
import { optionalBoolean } from '../core/optional-boolean';
import type { Keypoint } from '../core/types';
import type { Canvas2D } from './canvas2d';
import { checkColor, checkContext, checkItem, checkOptionsObject } from './checks';
import { shownValue } from '../core/shown-value';
import { colorFor } from './colors';
import { drawnSize, resolveStyle, type StyleOptions, STYLE_OPTION_NAMES } from './style';
import { type DrawTransform, type PlacementOptions, mapPoint, resolveTransform, PLACEMENT_OPTION_NAMES } from './transform';
import { optionNames } from '../core/known-options';

const OPTION_NAMES = /* @__PURE__ */ optionNames<FaceMeshDrawOptions>()([...PLACEMENT_OPTION_NAMES, ...STYLE_OPTION_NAMES, 'color', 'tesselationColor', 'irisCircles']);

/** Iris centre and its 4 edge points in MediaPipe's 478-point layout (the person's right, then left). */
const IRISES = [
  [468, 469, 470, 471, 472],
  [473, 474, 475, 476, 477],
] as const;

/**
 * A face for {@link drawFaceMesh}: its points in source-image pixels (MediaPipe order), and
 * optionally a track ID or colour.
 *
 * @example
 * ```ts
 * const face: DrawableFace = { points: result.faces[0].points, trackId: 1 };
 * ```
 */
export interface DrawableFace {
  points: readonly Keypoint[];
  trackId?: number;
  color?: string;
}

/**
 * Options of {@link drawFaceMesh}.
 *
 * @example
 * ```ts
 * drawFaceMesh(ctx, faces, FACE_MESH_CONNECTIONS, { imageSize, tesselationColor: 'rgba(255,255,255,0.3)' });
 * ```
 */
export interface FaceMeshDrawOptions extends PlacementOptions, StyleOptions {
  /** Colour of a face's contours (default by `trackId`, else by position). */
  color?: string;
  /** Colour of the part named `tesselation` (default translucent light grey). */
  tesselationColor?: string;
  /** Draw each iris (478-point faces) as a circle through its edge points. Default true. */
  irisCircles?: boolean;
}

/** How much {@link drawFaceMesh} drew. @example `const { lines, irises } = drawFaceMesh(ctx, faces, connections);` */
export interface FaceMeshDrawCount {
  lines: number;
  irises: number;
}

type Edges = ReadonlyArray<readonly [number, number]>;

function checkConnections(connections: Readonly<Record<string, Edges>>): void {
  if (typeof connections !== 'object' || connections === null) throw new VisionError('INVALID_OPTION', 'connections must be an object of part name → [from, to] pairs (e.g. FACE_MESH_CONNECTIONS)');
  for (const [part, edges] of Object.entries(connections)) {
    if (!Array.isArray(edges) || !edges.every((e) => Array.isArray(e) && e.length === 2 && e.every((i) => Number.isInteger(i) && i >= 0))) {
      throw new VisionError('INVALID_OPTION', `connections.${part} must be an array of [from, to] point-index pairs (integers ≥ 0)`);
    }
  }
}

const finite = (p: Keypoint | null | undefined): p is Keypoint => !!p && Number.isFinite(p.x) && Number.isFinite(p.y);

const FACE_SHAPE = '{ points: [...], trackId?, color? }';

/** Throws `INVALID_OPTION` for an option colour that is not a string. */
function checkColors(options: FaceMeshDrawOptions): void {
  if (options.color !== undefined) checkColor(options.color, 'color');
  if (options.tesselationColor !== undefined) checkColor(options.tesselationColor, 'tesselationColor');
}

/** The colour of face `index` after checking the face is `{ points: [...] }`. */
function faceColor(face: DrawableFace, index: number, options: FaceMeshDrawOptions): string {
  checkItem(face, `faces[${index}]`, FACE_SHAPE, 'points');
  if (face.color !== undefined) return checkColor(face.color, `faces[${index}].color`);
  return options.color ?? colorFor(face.trackId ?? index);
}

/** The mean canvas distance from an iris centre to its ring points; NaN when a ring point is missing or NaN. */
function irisRadius(points: readonly Keypoint[], ring: readonly number[], centre: { x: number; y: number }, t: DrawTransform): number {
  let sum = 0;
  for (const i of ring) {
    const k = points[i];
    if (!finite(k)) return Number.NaN;
    const q = mapPoint(t, k.x, k.y);
    sum += Math.hypot(q.x - centre.x, q.y - centre.y);
  }
  return sum / ring.length;
}

/**
 * Draws faces: for each part of `connections` a line per edge whose both points exist (the
 * `tesselation` part thin and grey, the others in the face's colour), then the irises as
 * circles (an iris with a missing ring point is left out). Never throws for missing (null)
 * or NaN points: partial meshes draw what they have.
 *
 * @throws VisionError `INVALID_INPUT` for a face that is not `{ points: [...] }`;
 * `INVALID_OPTION` for bad connections, colours that are not strings, sizes or placement.
 * @example
 * ```ts
 * const { faces, imageSize } = await landmarker.run(video);
 * drawFaceMesh(ctx, faces, FACE_MESH_CONNECTIONS, { imageSize });
 * ```
 */
export function drawFaceMesh(ctx: Canvas2D, faces: readonly DrawableFace[], connections: Readonly<Record<string, Edges>>, options: FaceMeshDrawOptions = {}): FaceMeshDrawCount {
  checkContext(ctx, 'drawFaceMesh');
  checkOptionsObject(options, 'drawFaceMesh', OPTION_NAMES);
  if (!Array.isArray(faces)) throw new VisionError('INVALID_INPUT', `faces must be an array, each ${FACE_SHAPE}; got ${shownValue(faces)}`);
  checkConnections(connections);
  checkColors(options);
  optionalBoolean(options.irisCircles, 'irisCircles');
  const t = resolveTransform(options, ctx.canvas);
  const style = resolveStyle(options, drawnSize(ctx, t, options.imageSize));
  const colors = faces.map((face, index) => faceColor(face, index, options));
  const count: FaceMeshDrawCount = { lines: 0, irises: 0 };
  ctx.save();
  ctx.lineCap = 'round';
  faces.forEach((face, index) => {
    const color = colors[index];
    for (const [part, edges] of Object.entries(connections)) {
      const mesh = part === 'tesselation';
      ctx.strokeStyle = mesh ? (options.tesselationColor ?? 'rgba(224, 224, 224, 0.5)') : color;
      ctx.lineWidth = mesh ? Math.max(style.lineWidth / 3, 0.5) : style.lineWidth;
      ctx.beginPath();
      for (const [from, to] of edges) {
        const a = face.points[from];
        const b = face.points[to];
        if (!finite(a) || !finite(b)) continue;
        const p = mapPoint(t, a.x, a.y);
        const q = mapPoint(t, b.x, b.y);
        ctx.moveTo(p.x, p.y);
        ctx.lineTo(q.x, q.y);
        count.lines++;
      }
      ctx.stroke();
    }
    if (options.irisCircles === false || face.points.length < 478) return;
    ctx.strokeStyle = color;
    ctx.lineWidth = style.lineWidth;
    for (const [centre, ...ring] of IRISES) {
      const c = face.points[centre];
      if (!finite(c)) continue;
      const p = mapPoint(t, c.x, c.y);
      const radius = irisRadius(face.points, ring, p, t);
      if (!(radius > 0)) continue;
      ctx.beginPath();
      ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
      ctx.stroke();
      count.irises++;
    }
  });
  ctx.restore();
  return count;
}
