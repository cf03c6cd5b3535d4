/**
 * Drawing hands: the 21-point hand skeleton of each hand and, optionally, its handedness
 * ("left 0.97") above the hand.
 */
import { VisionError } from '../core/errors';
import { optionalBoolean } from '../core/optional-boolean';
import type { Box, Keypoint } from '../core/types';
import type { Canvas2D } from './canvas2d';
import { checkColor, checkContext, checkItem, checkOptionsObject } from './checks';
import { shownValue } from '../core/shown-value';
import { colorFor } from './colors';
import { type KeypointDrawCount, type KeypointDrawOptions, drawKeypoints } from './keypoints';
import { HAND_EDGES } from './skeletons';
import { type ResolvedStyle, drawnSize, drawLabel, resolveStyle, STYLE_OPTION_NAMES } from './style';
import { type DrawTransform, mapPoint, resolveTransform, PLACEMENT_OPTION_NAMES } from './transform';
import { optionNames } from '../core/known-options';

const OPTION_NAMES = /* @__PURE__ */ optionNames<HandDrawOptions>()([...PLACEMENT_OPTION_NAMES, ...STYLE_OPTION_NAMES, 'labels', 'color', 'edges', 'threshold', 'radius', 'pointColor']);

/**
 * A hand for {@link drawHands}: 21 keypoints in MediaPipe order (source-image pixels) and,
 * optionally, its handedness, box and track ID — a `Hand` of the hand-landmark pipeline fits,
 * and so does a hand the gesture API takes (handedness a bare `'Left'`/`'Right'`, as
 * `generateHandPoses` makes them). Missing (null) or NaN keypoints are skipped.
 *
 * @example
 * ```ts
 * const hand: DrawableHand = { keypoints, handedness: { label: 'left', score: 0.97 }, trackId: 1 };
 * const generated: DrawableHand = { keypoints, handedness: 'Left' };
 * ```
 */
export interface DrawableHand {
  keypoints: readonly Keypoint[];
  /** `{ label, score? }` or a bare label; a label `left` (any case) is a left hand, anything else a right one. */
  handedness?: string | { readonly label: string; readonly score?: number };
  box?: Box;
  trackId?: number | string;
}

/**
 * Options of {@link drawHands}: those of `drawKeypoints` (edges default to the hand skeleton)
 * plus whether to label each hand with its handedness.
 *
 * @example
 * ```ts
 * drawHands(ctx, hands, { imageSize, labels: false });
 * ```
 */
export interface HandDrawOptions extends Omit<KeypointDrawOptions, 'color'> {
  /** Label each hand with "left 0.97" / "right 0.88" above its box. Default true. */
  labels?: boolean;
  /** Colour of every hand; default: left hands and right hands in two palette colours. */
  color?: string;
}

/** Palette colours of left and right hands (by handedness, so a hand keeps its colour as it moves). */
const LEFT_COLOR = colorFor(0);
const RIGHT_COLOR = colorFor(1);

const HAND_SHAPE = "{ keypoints: [21 points], handedness?: 'Left' | { label, score? } }";

/** A hand's handedness as label text and score (NaN when it has none); throws `INVALID_INPUT` for other forms. */
function handednessOf(hand: DrawableHand, index: number): { label: string; score: number } | undefined {
  const given: unknown = hand.handedness;
  if (given === undefined) return undefined;
  if (typeof given === 'string') return { label: given, score: Number.NaN };
  const { label, score } = (typeof given === 'object' && given !== null ? given : {}) as { label?: unknown; score?: unknown };
  if (typeof label !== 'string') {
    throw new VisionError('INVALID_INPUT', `hands[${index}].handedness is ${shownValue(given)}; allowed: a label such as 'Left' or 'Right', or { label, score? }, or leave it out`);
  }
  return { label, score: typeof score === 'number' ? score : Number.NaN };
}

/** The label text drawn above a hand: "left 0.97", or just the label when there is no finite score. */
const labelText = (h: { label: string; score: number }): string => (Number.isFinite(h.score) ? `${h.label} ${h.score.toFixed(2)}` : h.label);

/** Draws a hand's handedness label above its topmost finite keypoint, left-aligned with its leftmost one. */
function drawHandLabel(ctx: Canvas2D, hand: DrawableHand, text: string, color: string, t: DrawTransform, style: ResolvedStyle): void {
  const finite = hand.keypoints.filter((k) => !!k && Number.isFinite(k.x) && Number.isFinite(k.y));
  if (finite.length === 0) return;
  const top = finite.reduce((a, b) => (b.y < a.y ? b : a));
  const left = Math.min(...finite.map((k) => k.x));
  const at = mapPoint(t, left, top.y);
  drawLabel(ctx, text, at.x, at.y - style.lineWidth * 2, color, style);
}

/**
 * Draws hands: each hand's skeleton (MediaPipe's 21 connections) and joints, coloured by
 * handedness, and its handedness label above it ("left 0.97", or just the label when the hand
 * has no score). Returns how many joints and edges were drawn.
 *
 * @throws VisionError `INVALID_INPUT` for a hand that is not `{ keypoints: [...] }` or a
 * handedness that is neither a label nor `{ label, score? }`; `INVALID_OPTION` for a colour
 * that is not a string (and the options `drawKeypoints` refuses).
 * @example
 * ```ts
 * const { hands, imageSize } = await handLandmarker.run(video);
 * drawHands(ctx, hands, { imageSize });
 * ```
 */
export function drawHands(ctx: Canvas2D, hands: readonly DrawableHand[], options: HandDrawOptions = {}): KeypointDrawCount {
  checkContext(ctx, 'drawHands');
  checkOptionsObject(options, 'drawHands', OPTION_NAMES);
  optionalBoolean(options.labels, 'labels');
  if (!Array.isArray(hands)) throw new VisionError('INVALID_INPUT', `hands must be an array of ${HAND_SHAPE}, got ${shownValue(hands)}`);
  if (options.color !== undefined) checkColor(options.color, 'color');
  const handed = hands.map((hand: DrawableHand, i) => {
    checkItem(hand, `hands[${i}]`, HAND_SHAPE, 'keypoints');
    return handednessOf(hand, i);
  });
  const colorOf = (i: number): string => options.color ?? (/^left$/i.test(handed[i]?.label ?? '') ? LEFT_COLOR : RIGHT_COLOR);
  const count = drawKeypoints(
    ctx,
    hands.map((hand, i) => ({ keypoints: hand.keypoints, trackId: hand.trackId, color: colorOf(i) })),
    { edges: HAND_EDGES, ...options, color: undefined, labels: undefined } as KeypointDrawOptions,
  );
  if (options.labels === false) return count;
  const t = resolveTransform(options, ctx.canvas);
  const style = resolveStyle(options, drawnSize(ctx, t, options.imageSize));
  hands.forEach((hand, i) => {
    const h = handed[i];
    if (h?.label) drawHandLabel(ctx, hand, labelText(h), colorOf(i), t, style);
  });
  return count;
}
