/**
 * Drawing hands: the 21-point hand skeleton of each hand and, optionally, its handedness
 * ("left 0.97") above the hand.
 */
import { VisionError } from '../core/errors';
import type { Box, Keypoint } from '../core/types';
import type { Canvas2D } from './canvas2d';
import { colorFor } from './colors';
import { type KeypointDrawCount, type KeypointDrawOptions, drawKeypoints } from './keypoints';
import { HAND_EDGES } from './skeletons';
import { drawnSize, drawLabel, resolveStyle } from './style';
import { mapPoint, resolveTransform } from './transform';

/**
 * A hand for {@link drawHands}: 21 keypoints in MediaPipe order (source-image pixels) and,
 * optionally, its handedness, box and track ID — a `Hand` of the hand-landmark pipeline fits.
 *
 * @example
 * ```ts
 * const hand: DrawableHand = { keypoints, handedness: { label: 'left', score: 0.97 }, trackId: 1 };
 * ```
 */
export interface DrawableHand {
  keypoints: readonly Keypoint[];
  handedness?: { label: string; score: number };
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

/**
 * Draws hands: each hand's skeleton (MediaPipe's 21 connections) and joints, coloured by
 * handedness, and its handedness label above it. Returns how many joints and edges were drawn.
 *
 * @example
 * ```ts
 * const { hands, imageSize } = await handLandmarker.run(video);
 * drawHands(ctx, hands, { imageSize });
 * ```
 */
export function drawHands(ctx: Canvas2D, hands: readonly DrawableHand[], options: HandDrawOptions = {}): KeypointDrawCount {
  if (!Array.isArray(hands)) throw new VisionError('INVALID_INPUT', `hands must be an array of { keypoints, handedness }, got ${typeof hands}`);
  const colorOf = (hand: DrawableHand): string => options.color ?? (hand.handedness?.label === 'left' ? LEFT_COLOR : RIGHT_COLOR);
  const count = drawKeypoints(
    ctx,
    hands.map((hand) => ({ keypoints: hand.keypoints, trackId: hand.trackId, color: colorOf(hand) })),
    { edges: HAND_EDGES, ...options, color: undefined },
  );
  if (options.labels === false) return count;
  const t = resolveTransform(options, ctx.canvas);
  const style = resolveStyle(options, drawnSize(ctx, t, options.imageSize));
  for (const hand of hands) {
    const points: readonly Keypoint[] = Array.isArray(hand.keypoints) ? hand.keypoints : [];
    const finite = points.filter((k) => Number.isFinite(k.x) && Number.isFinite(k.y));
    if (!hand.handedness || finite.length === 0) continue;
    const top = finite.reduce((a, b) => (b.y < a.y ? b : a));
    const left = Math.min(...finite.map((k) => k.x));
    const at = mapPoint(t, left, top.y);
    drawLabel(ctx, `${hand.handedness.label} ${hand.handedness.score.toFixed(2)}`, at.x, at.y - style.lineWidth * 2, colorOf(hand), style);
  }
  return count;
}
