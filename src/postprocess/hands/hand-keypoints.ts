/**
 * The 21 hand landmarks of MediaPipe Hands in model output order, and the skeleton that joins
 * them, as plain data for drawing and for gesture features.
 */
import type { SkeletonEdge } from '../pose/keypoint-sets';

/**
 * The 21 MediaPipe hand landmark names, in the order the hand landmark models output them
 * (wrist, then four joints per finger from the thumb to the pinky, base to tip).
 *
 * @example
 * ```ts
 * HAND_KEYPOINT_NAMES.indexOf('index_finger_tip'); // 8
 * ```
 */
export const HAND_KEYPOINT_NAMES: readonly string[] = /* @__PURE__ */ Object.freeze([
  'wrist',
  'thumb_cmc', 'thumb_mcp', 'thumb_ip', 'thumb_tip',
  'index_finger_mcp', 'index_finger_pip', 'index_finger_dip', 'index_finger_tip',
  'middle_finger_mcp', 'middle_finger_pip', 'middle_finger_dip', 'middle_finger_tip',
  'ring_finger_mcp', 'ring_finger_pip', 'ring_finger_dip', 'ring_finger_tip',
  'pinky_mcp', 'pinky_pip', 'pinky_dip', 'pinky_tip',
]);

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
