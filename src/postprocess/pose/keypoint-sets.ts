/**
 * Keypoint sets of the pose models — names in model output order — and their skeletons as
 * plain data (pairs of keypoint indices), for drawing and for tree-structured decoders.
 */

/**
 * The 17 COCO body keypoints in the order MoveNet, PoseNet and Keypoint R-CNN output them.
 *
 * @example
 * ```ts
 * COCO_KEYPOINTS.indexOf('left_hip'); // 11
 * ```
 */
export const COCO_KEYPOINTS: readonly string[] = /* @__PURE__ */ Object.freeze([
  'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
  'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
  'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
]);
import type { KeypointSetId } from '../../core/card-types';
export type { KeypointSetId } from '../../core/card-types';

/**
 * The 33 BlazePose landmarks (MediaPipe Pose topology) in model output order.
 *
 * @example
 * ```ts
 * BLAZEPOSE_KEYPOINTS[0]; // 'nose'
 * ```
 */
export const BLAZEPOSE_KEYPOINTS: readonly string[] = /* @__PURE__ */ Object.freeze([
  'nose', 'left_eye_inner', 'left_eye', 'left_eye_outer', 'right_eye_inner', 'right_eye', 'right_eye_outer',
  'left_ear', 'right_ear', 'mouth_left', 'mouth_right',
  'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
  'left_pinky', 'right_pinky', 'left_index', 'right_index', 'left_thumb', 'right_thumb',
  'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
  'left_heel', 'right_heel', 'left_foot_index', 'right_foot_index',
]);

/** An edge of a skeleton: indices of its two keypoints. @example `const [a, b]: SkeletonEdge = [5, 7];` */
export type SkeletonEdge = readonly [number, number];

const freezeEdges = (edges: [number, number][]): readonly SkeletonEdge[] => Object.freeze(edges.map((e) => Object.freeze(e) as SkeletonEdge));

/**
 * Lines to draw between the COCO-17 keypoints (face, arms, torso, legs).
 *
 * @example
 * ```ts
 * for (const [a, b] of COCO_SKELETON) line(pose.keypoints[a], pose.keypoints[b]);
 * ```
 */
export const COCO_SKELETON: readonly SkeletonEdge[] = freezeEdges([
  [0, 1], [0, 2], [1, 3], [2, 4], [5, 6], [5, 7], [7, 9], [6, 8], [8, 10],
  [5, 11], [6, 12], [11, 12], [11, 13], [13, 15], [12, 14], [14, 16],
]);

/**
 * Lines to draw between the 33 BlazePose landmarks (MediaPipe's POSE_CONNECTIONS).
 *
 * @example
 * ```ts
 * for (const [a, b] of BLAZEPOSE_SKELETON) line(pose.keypoints[a], pose.keypoints[b]);
 * ```
 */
export const BLAZEPOSE_SKELETON: readonly SkeletonEdge[] = freezeEdges([
  [0, 1], [1, 2], [2, 3], [3, 7], [0, 4], [4, 5], [5, 6], [6, 8], [9, 10],
  [11, 12], [11, 13], [13, 15], [15, 17], [15, 19], [15, 21], [17, 19],
  [12, 14], [14, 16], [16, 18], [16, 20], [16, 22], [18, 20],
  [11, 23], [12, 24], [23, 24], [23, 25], [24, 26], [25, 27], [26, 28],
  [27, 29], [28, 30], [29, 31], [30, 32], [27, 31], [28, 32],
]);

/**
 * PoseNet's part tree over COCO-17 as (parent, child) pairs, rooted at the nose, in the order of
 * the model's displacement channels (16 edges: forward displacements point parent → child,
 * backward ones child → parent).
 *
 * @example
 * ```ts
 * POSENET_TREE[0]; // [0, 1]: nose → left_eye
 * ```
 */
export const POSENET_TREE: readonly SkeletonEdge[] = freezeEdges([
  [0, 1], [1, 3], [0, 2], [2, 4], [0, 5], [5, 7], [7, 9], [5, 11],
  [11, 13], [13, 15], [0, 6], [6, 8], [8, 10], [6, 12], [12, 14], [14, 16],
]);

/**
 * A named keypoint set: names and skeleton. Pose results name their keypoints from it.
 *
 * @example
 * ```ts
 * const set = KEYPOINT_SETS['coco-17']; // { names, skeleton }
 * ```
 */
export interface KeypointSet {
  names: readonly string[];
  skeleton: readonly SkeletonEdge[];
}

/**
 * The keypoint sets by id.
 *
 * @example
 * ```ts
 * const { names, skeleton } = KEYPOINT_SETS['blazepose-33'];
 * ```
 */
export const KEYPOINT_SETS: Readonly<Record<KeypointSetId, KeypointSet>> = /* @__PURE__ */ Object.freeze({
  'coco-17': Object.freeze({ names: COCO_KEYPOINTS, skeleton: COCO_SKELETON }),
  'blazepose-33': Object.freeze({ names: BLAZEPOSE_KEYPOINTS, skeleton: BLAZEPOSE_SKELETON }),
});
