/**
 * The 21 hand landmarks of MediaPipe Hands in model output order, and the skeleton that joins
 * them, as plain data for drawing and for gesture features.
 */
import type { SkeletonEdge } from '../pose/keypoint-sets';

export { HAND_KEYPOINT_NAMES } from '../../core/hand-keypoints';

/**
 * MediaPipe's `HAND_CONNECTIONS`: the 21 edges of the hand skeleton (each finger from the
 * wrist or palm to its tip, and the palm's knuckle line), as pairs of indices into
 * {@link HAND_KEYPOINT_NAMES}.
 *
 * @example
 * ```ts
 * for (const [a, b] of HAND_CONNECTIONS) drawLine(hand.keypoints[a], hand.keypoints[b]);
 * ```
 */
export const HAND_CONNECTIONS: readonly SkeletonEdge[] = /* @__PURE__ */ Object.freeze(
  (
    [
      [0, 1], [1, 2], [2, 3], [3, 4],
      [0, 5], [5, 6], [6, 7], [7, 8],
      [5, 9], [9, 10], [10, 11], [11, 12],
      [9, 13], [13, 14], [14, 15], [15, 16],
      [13, 17], [0, 17], [17, 18], [18, 19], [19, 20],
    ] as [number, number][]
  ).map((edge) => Object.freeze(edge) as SkeletonEdge),
);
