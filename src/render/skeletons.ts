/**
 * Default skeleton edges for drawing. render/ may import only core/, so these are render's
 * own copies of postprocess/pose's `COCO_SKELETON` and `BLAZEPOSE_SKELETON` and of
 * postprocess/hands' `HAND_CONNECTIONS` (a test keeps them equal); the public constants are
 * those of postprocess.
 */

const freeze = (edges: [number, number][]): ReadonlyArray<readonly [number, number]> =>
  Object.freeze(edges.map((e) => Object.freeze(e) as readonly [number, number]));

/**
 * COCO-17 skeleton (16 edges), drawn by default for 17-keypoint poses.
 *
 * @example
 * ```ts
 * const edges = keypoints.length === 17 ? COCO_EDGES : [];
 * ```
 */
export const COCO_EDGES = freeze([
  [0, 1], [0, 2], [1, 3], [2, 4], [5, 6], [5, 7], [7, 9], [6, 8], [8, 10],
  [5, 11], [6, 12], [11, 12], [11, 13], [13, 15], [12, 14], [14, 16],
]);

/**
 * BlazePose-33 skeleton (MediaPipe's POSE_CONNECTIONS), drawn by default for 33-keypoint poses.
 *
 * @example
 * ```ts
 * const edges = keypoints.length === 33 ? BLAZEPOSE_EDGES : [];
 * ```
 */
export const BLAZEPOSE_EDGES = freeze([
  [0, 1], [1, 2], [2, 3], [3, 7], [0, 4], [4, 5], [5, 6], [6, 8], [9, 10],
  [11, 12], [11, 13], [13, 15], [15, 17], [15, 19], [15, 21], [17, 19],
  [12, 14], [14, 16], [16, 18], [16, 20], [16, 22], [18, 20],
  [11, 23], [12, 24], [23, 24], [23, 25], [24, 26], [25, 27], [26, 28],
  [27, 29], [28, 30], [29, 31], [30, 32], [27, 31], [28, 32],
]);

/**
 * MediaPipe hand skeleton (21 edges of `HAND_CONNECTIONS`), drawn by default for 21-keypoint hands.
 *
 * @example
 * ```ts
 * const edges = keypoints.length === 21 ? HAND_EDGES : [];
 * ```
 */
export const HAND_EDGES = freeze([
  [0, 1], [1, 2], [2, 3], [3, 4], [0, 5], [5, 6], [6, 7], [7, 8],
  [5, 9], [9, 10], [10, 11], [11, 12], [9, 13], [13, 14], [14, 15], [15, 16],
  [13, 17], [0, 17], [17, 18], [18, 19], [19, 20],
]);

/**
 * The edges drawn for a pose with `count` keypoints when none are given: COCO-17,
 * BlazePose-33 or the 21-point hand, none for other layouts.
 *
 * @example
 * ```ts
 * defaultEdges(17).length; // 16
 * ```
 */
export function defaultEdges(count: number): ReadonlyArray<readonly [number, number]> {
  if (count === 17) return COCO_EDGES;
  if (count === 33) return BLAZEPOSE_EDGES;
  if (count === 21) return HAND_EDGES;
  return [];
}
