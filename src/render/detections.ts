/**
 * Drawing detections: box outlines in a stable colour per class (or per track), labels with
 * class, score and track ID on a solid background, and the landmarks that come with a box.
 */
import { VisionError } from '../core/errors';
import { optionalBoolean } from '../core/optional-boolean';
import type { Box, Keypoint } from '../core/types';
import type { Canvas2D } from './canvas2d';
import { checkColor, checkColorOption, checkContext, checkItem, checkOptionsObject, checkPositive, checkUnit } from './checks';
import { shownValue } from '../core/shown-value';
import { colorFor, parseColor } from './colors';
import { drawLabel, drawnSize, resolveStyle, type StyleOptions, STYLE_OPTION_NAMES } from './style';
import { type PlacementOptions, mapBox, mapPoint, resolveTransform, PLACEMENT_OPTION_NAMES } from './transform';
import { optionNames } from '../core/known-options';

const OPTION_NAMES = /* @__PURE__ */ optionNames<DetectionDrawOptions>()([...PLACEMENT_OPTION_NAMES, ...STYLE_OPTION_NAMES, 'showLabels', 'showScores', 'showTrackIds', 'colorBy', 'color', 'fillOpacity', 'minScore', 'formatLabel', 'showKeypoints', 'keypointRadius']);

/**
 * What {@link drawDetections} needs of a detection: a `Detection` from a pipeline fits, and
 * so does a tracked one (`trackId`) or a hand-made `{ box }`.
 *
 * @example
 * ```ts
 * const d: DrawableDetection = { box: { x1: 10, y1: 10, x2: 90, y2: 60 }, label: 'cup', score: 0.9 };
 * ```
 */
export interface DrawableDetection {
  box: Box;
  label?: string;
  classId?: number;
  score?: number;
  trackId?: number | string;
  keypoints?: readonly Keypoint[];
}

/**
 * Options of {@link drawDetections}; placement (`imageSize`, `scale`, `transform`, `fit`)
 * and style (`lineWidth`, `fontSize`, `fontFamily`) as everywhere in render.
 *
 * @example
 * ```ts
 * drawDetections(ctx, detections, { imageSize: result.imageSize, showScores: false, fillOpacity: 0.15 });
 * ```
 */
export interface DetectionDrawOptions extends PlacementOptions, StyleOptions {
  /** Draw a label per box (default true). */
  showLabels?: boolean;
  /** Put the score in the label (default true). */
  showScores?: boolean;
  /** Put `#trackId` in the label (default true). */
  showTrackIds?: boolean;
  /** Colour per class, per track, or per track when the detection has one (`'auto'`, default). */
  colorBy?: 'auto' | 'class' | 'track';
  /** A fixed colour, or a function choosing one per detection; overrides `colorBy`. */
  color?: string | ((detection: DrawableDetection, index: number) => string);
  /** Opacity 0–1 of a fill inside each box in its colour (default 0: outline only). */
  fillOpacity?: number;
  /** Skip detections scoring below this, 0–1 (default 0). */
  minScore?: number;
  /** Custom label text; return `''` for no label. */
  formatLabel?: (detection: DrawableDetection) => string;
  /** Draw `keypoints` that come with detections (default true). */
  showKeypoints?: boolean;
  /** Radius of those keypoints in canvas pixels (default: the line width, at least 2). */
  keypointRadius?: number;
}

const DETECTION_SHAPE = '{ box, label?, score?, trackId?, keypoints? }';

/**
 * The label {@link drawDetections} writes by default: `#track label score`, each part
 * present when known and enabled.
 *
 * @example
 * ```ts
 * detectionLabel({ box, label: 'person', score: 0.873, trackId: 4 }); // '#4 person 0.87'
 * ```
 */
export function detectionLabel(d: DrawableDetection, options: Pick<DetectionDrawOptions, 'showScores' | 'showTrackIds'> = {}): string {
  const parts: string[] = [];
  if (options.showTrackIds !== false && d.trackId !== undefined) parts.push(`#${d.trackId}`);
  if (d.label) parts.push(d.label);
  else if (d.classId !== undefined && Number.isFinite(d.classId)) parts.push(`class ${d.classId}`);
  if (options.showScores !== false && typeof d.score === 'number' && Number.isFinite(d.score)) parts.push(d.score.toFixed(2));
  return parts.join(' ');
}

/** The last colour string {@link parsedColor} parsed: one colour given for every box of every frame is parsed once. */
let lastParsedColor: string | undefined;

/**
 * A given colour, parsed before anything is drawn (a colour the label's text colour could not be
 * found for failed half-way).
 */
function parsedColor(value: unknown, name: string): string {
  const given = checkColor(value, name);
  if (given !== lastParsedColor) {
    parseColor(given, name);
    lastParsedColor = given;
  }
  return given;
}

/**
 * The colour {@link drawDetections} gives a detection: by track when tracked (`colorBy`
 * `'auto'` or `'track'`), otherwise by class ID (or label, or position in the list).
 *
 * @example
 * ```ts
 * detectionColor({ box, classId: 0 }, 0);             // PALETTE[0]
 * detectionColor({ box, classId: 0, trackId: 3 }, 0); // PALETTE[3]
 * ```
 */
export function detectionColor(d: DrawableDetection, index: number, options: Pick<DetectionDrawOptions, 'color' | 'colorBy'> = {}): string {
  const { color, colorBy = 'auto' } = options;
  if (typeof color === 'function') return parsedColor(color(d, index), `options.color(detections[${index}])`);
  if (color !== undefined) return parsedColor(color, 'color');
  if (colorBy !== 'class' && d.trackId !== undefined) return colorFor(d.trackId);
  if (d.classId !== undefined && Number.isFinite(d.classId)) return colorFor(d.classId);
  if (d.label) return colorFor(d.label);
  return colorFor(index);
}

function isFiniteBox(box: Box | undefined): box is Box {
  return !!box && Number.isFinite(box.x1) && Number.isFinite(box.y1) && Number.isFinite(box.x2) && Number.isFinite(box.y2);
}

const COLOR_BY = ['auto', 'class', 'track'];

/** Throws `INVALID_OPTION` for an option drawDetections cannot use (sizes and placement are checked where they are resolved). */
function checkOptions(options: DetectionDrawOptions): void {
  checkUnit(options.fillOpacity, 'fillOpacity');
  checkUnit(options.minScore, 'minScore');
  checkPositive(options.keypointRadius, 'keypointRadius');
  checkColorOption(options.color, 'color');
  if (options.colorBy !== undefined && !COLOR_BY.includes(options.colorBy)) {
    throw new VisionError('INVALID_OPTION', `colorBy is ${shownValue(options.colorBy)}; allowed: 'auto', 'class', 'track'`);
  }
  for (const name of ['showLabels', 'showScores', 'showTrackIds', 'showKeypoints'] as const) optionalBoolean(options[name], name);
  if (options.formatLabel !== undefined && typeof options.formatLabel !== 'function') {
    throw new VisionError('INVALID_OPTION', `formatLabel is ${shownValue(options.formatLabel)}; it must be a function of a detection returning its label text`);
  }
}

/** Throws `INVALID_INPUT` unless detection `index` is an object whose keypoints, if any, are an array. */
function checkDetection(d: DrawableDetection, index: number): void {
  checkItem(d, `detections[${index}]`, DETECTION_SHAPE);
  if (d.keypoints !== undefined && !Array.isArray(d.keypoints)) {
    throw new VisionError('INVALID_INPUT', `detections[${index}].keypoints is ${shownValue(d.keypoints)}; it must be an array of { x, y } points or left out`);
  }
}

/**
 * Draws detections on a 2D canvas (browser, OffscreenCanvas or `@napi-rs/canvas`): outlined
 * boxes, labels on a solid background, and landmarks. Boxes are in pixels of the original
 * image; pass `imageSize` (or `scale`/`transform`) when the canvas has another size.
 * Earlier detections (pipelines list them best first) are drawn on top of later ones.
 * Detections with non-finite coordinates are skipped. Returns how many boxes were drawn.
 *
 * @throws VisionError `INVALID_INPUT` for a detection that is not an object (or whose
 * `keypoints` are not an array); `INVALID_OPTION` for an option out of range or a colour
 * that is not a string.
 * @example
 * ```ts
 * const result = await detector.run(video);
 * ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
 * drawDetections(ctx, result.detections, { imageSize: result.imageSize });
 * ```
 */
export function drawDetections(ctx: Canvas2D, detections: readonly DrawableDetection[], options: DetectionDrawOptions = {}): number {
  checkContext(ctx, 'drawDetections');
  checkOptionsObject(options, 'drawDetections', OPTION_NAMES);
  if (!Array.isArray(detections)) {
    throw new VisionError('INVALID_INPUT', `detections must be an array, each ${DETECTION_SHAPE}; got ${shownValue(detections)}`);
  }
  checkOptions(options);
  const t = resolveTransform(options, ctx.canvas);
  const style = resolveStyle(options, drawnSize(ctx, t, options.imageSize));
  const radius = options.keypointRadius ?? Math.max(2, style.lineWidth);
  const minScore = options.minScore ?? 0;
  const drawn: { d: DrawableDetection; box: Box; color: string }[] = [];
  detections.forEach((d, index) => {
    checkDetection(d, index);
    if (!isFiniteBox(d.box)) return;
    if (typeof d.score === 'number' && !(d.score >= minScore)) return;
    const box = mapBox(t, d.box);
    // a box with no part on the canvas is not drawn: its label, pinned to the edge, read as an object there
    if (box.x2 < 0 || box.y2 < 0 || box.x1 > ctx.canvas.width || box.y1 > ctx.canvas.height) return;
    drawn.push({ d, box, color: detectionColor(d, index, options) });
  });

  // Drawn in reverse (the list is best first) so the best detection's box and label end on top.
  drawn.reverse();
  ctx.save();
  ctx.lineWidth = style.lineWidth;
  ctx.lineJoin = 'miter';
  for (const { d, box, color } of drawn) {
    const w = box.x2 - box.x1;
    const h = box.y2 - box.y1;
    if (options.fillOpacity) {
      ctx.globalAlpha = options.fillOpacity;
      ctx.fillStyle = color;
      ctx.fillRect(box.x1, box.y1, w, h);
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = color;
    ctx.strokeRect(box.x1, box.y1, w, h);
    if (options.showKeypoints !== false && d.keypoints) {
      ctx.fillStyle = color;
      for (const k of d.keypoints) {
        if (!k || !Number.isFinite(k.x) || !Number.isFinite(k.y)) continue;
        const p = mapPoint(t, k.x, k.y);
        ctx.beginPath();
        ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
  ctx.restore();

  if (options.showLabels !== false) {
    for (const { d, box, color } of drawn) {
      const text = options.formatLabel ? options.formatLabel(d) : detectionLabel(d, options);
      if (text) drawLabel(ctx, text, box.x1 - style.lineWidth / 2, box.y1 - style.lineWidth / 2, color, style);
    }
  }
  return drawn.length;
}
