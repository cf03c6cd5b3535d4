/**
 * Drawing poses: keypoints as dots and skeleton edges between them, skipping points that are
 * missing (NaN) or below a score threshold.
 */
import { VisionError } from '../core/errors';
import type { Keypoint } from '../core/types';
import type { Canvas2D } from './canvas2d';
import { checkColor, checkColorOption, checkContext, checkItem, checkOptionsObject, checkPositive, checkUnit } from './checks';
import { shownData, shownValue } from '../core/shown-value';
import { colorFor } from './colors';
import { defaultEdges } from './skeletons';
import { drawnSize, resolveStyle, type StyleOptions, STYLE_OPTION_NAMES } from './style';
import { type PlacementOptions, mapPoint, resolveTransform, PLACEMENT_OPTION_NAMES } from './transform';
import { optionNames } from '../core/known-options';

const OPTION_NAMES = /* @__PURE__ */ optionNames<KeypointDrawOptions>()([...PLACEMENT_OPTION_NAMES, ...STYLE_OPTION_NAMES, 'edges', 'threshold', 'radius', 'color', 'pointColor']);

/**
 * A pose for {@link drawKeypoints}: its keypoints (source-image pixels), optionally a track
 * ID or explicit colour. A bare keypoint array is accepted too.
 *
 * @example
 * ```ts
 * const pose: DrawablePose = { keypoints: [{ x: 10, y: 20, score: 0.9 }], trackId: 2 };
 * ```
 */
export interface DrawablePose {
  keypoints: readonly Keypoint[];
  trackId?: number | string;
  color?: string;
}

/**
 * Options of {@link drawKeypoints}.
 *
 * @example
 * ```ts
 * drawKeypoints(ctx, result.poses, { imageSize: result.imageSize, threshold: 0.4, radius: 4 });
 * ```
 */
export interface KeypointDrawOptions extends PlacementOptions, StyleOptions {
  /**
   * Edges as keypoint index pairs (e.g. `COCO_SKELETON`, `BLAZEPOSE_SKELETON`); default: the
   * COCO-17 skeleton for 17-point poses, BlazePose's for 33-point poses, none otherwise.
   */
  edges?: ReadonlyArray<readonly [number, number]>;
  /** Keypoints scoring below this are not drawn, nor their edges (default 0.3). Unscored points are drawn. */
  threshold?: number;
  /** Dot radius in canvas pixels (default 1.5 × line width). */
  radius?: number;
  /** Colour of a pose (fixed, or per pose); default by `trackId`, else by position in the list. */
  color?: string | ((pose: DrawablePose, index: number) => string);
  /** Colour of the dots; default the pose colour. */
  pointColor?: string;
}

/**
 * How much {@link drawKeypoints} drew.
 *
 * @example
 * ```ts
 * const { points, edges } = drawKeypoints(ctx, poses);
 * ```
 */
export interface KeypointDrawCount {
  points: number;
  edges: number;
}

function visible(k: Keypoint | undefined, threshold: number): k is Keypoint {
  if (!k || !Number.isFinite(k.x) || !Number.isFinite(k.y)) return false;
  return k.score === undefined || k.score >= threshold;
}

function checkEdges(edges: ReadonlyArray<readonly [number, number]>): void {
  if (!Array.isArray(edges)) throw new VisionError('INVALID_OPTION', 'edges must be an array of [from, to] keypoint index pairs');
  for (const edge of edges) {
    if (!Array.isArray(edge) || edge.length !== 2 || !edge.every((i) => Number.isInteger(i) && i >= 0)) {
      throw new VisionError('INVALID_OPTION', `edge ${shownData(edge)} is not a [from, to] pair of keypoint indices (integers ≥ 0)`);
    }
  }
}

const POSE_SHAPE = '{ keypoints: [...] } or a keypoint array';

/** The colour of pose `index`: its own, the option's (fixed or chosen per pose), else by track or position. */
function poseColor(pose: DrawablePose, index: number, options: KeypointDrawOptions): string {
  if (pose.color !== undefined) return checkColor(pose.color, `poses[${index}].color`);
  if (typeof options.color === 'function') return checkColor(options.color(pose, index), `options.color(poses[${index}])`);
  return options.color ?? colorFor(pose.trackId ?? index);
}

/** Throws `INVALID_OPTION` for an edge list, threshold, radius or colour drawKeypoints cannot use. */
function checkOptions(options: KeypointDrawOptions): void {
  if (options.edges) checkEdges(options.edges);
  checkUnit(options.threshold, 'threshold');
  checkPositive(options.radius, 'radius');
  checkColorOption(options.color, 'color');
  if (options.pointColor !== undefined) checkColor(options.pointColor, 'pointColor');
}

/**
 * Draws poses: skeleton edges between visible keypoints, then a dot per visible keypoint.
 * A keypoint is visible when its coordinates are finite and its score (if any) reaches
 * `threshold`; edges with an invisible or missing (null) end are skipped. Never throws for NaN.
 *
 * @throws VisionError `INVALID_INPUT` for a pose that is neither `{ keypoints: [...] }` nor a
 * keypoint array; `INVALID_OPTION` for bad edges, threshold, radius, sizes or colours.
 * @example
 * ```ts
 * const { poses, imageSize } = await poser.run(video);
 * drawKeypoints(ctx, poses, { imageSize });
 * ```
 */
export function drawKeypoints(
  ctx: Canvas2D,
  poses: ReadonlyArray<DrawablePose | readonly Keypoint[]>,
  options: KeypointDrawOptions = {},
): KeypointDrawCount {
  checkContext(ctx, 'drawKeypoints');
  checkOptionsObject(options, 'drawKeypoints', OPTION_NAMES);
  if (!Array.isArray(poses)) throw new VisionError('INVALID_INPUT', `poses must be an array, each ${POSE_SHAPE}; got ${shownValue(poses)}`);
  checkOptions(options);
  const threshold = options.threshold ?? 0.3;
  const t = resolveTransform(options, ctx.canvas);
  const style = resolveStyle(options, drawnSize(ctx, t, options.imageSize));
  const radius = options.radius ?? style.lineWidth * 1.5;
  const count: KeypointDrawCount = { points: 0, edges: 0 };
  const all = poses.map((item, index) => {
    if (!Array.isArray(item)) checkItem(item, `poses[${index}]`, POSE_SHAPE, 'keypoints');
    const pose: DrawablePose = Array.isArray(item) ? { keypoints: item } : (item as DrawablePose);
    return { keypoints: pose.keypoints, color: poseColor(pose, index, options) };
  });

  ctx.save();
  ctx.lineWidth = style.lineWidth;
  ctx.lineCap = 'round';
  for (const { keypoints, color } of all) {
    const edges = options.edges ?? defaultEdges(keypoints.length);
    ctx.strokeStyle = color;
    for (const [from, to] of edges) {
      const a = keypoints[from];
      const b = keypoints[to];
      if (!visible(a, threshold) || !visible(b, threshold)) continue;
      const p = mapPoint(t, a.x, a.y);
      const q = mapPoint(t, b.x, b.y);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      ctx.lineTo(q.x, q.y);
      ctx.stroke();
      count.edges++;
    }
    ctx.fillStyle = options.pointColor ?? color;
    for (const k of keypoints) {
      if (!visible(k, threshold)) continue;
      const p = mapPoint(t, k.x, k.y);
      ctx.beginPath();
      ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
      ctx.fill();
      count.points++;
    }
  }
  ctx.restore();
  return count;
}
