/**
 * Cost matrices for matching tracks to detections: IoU distance (`1 − IoU`), gated by class
 * (a track never takes a detection of another class) and optionally fused with the detection
 * score as ByteTrack does (`1 − IoU · score`).
 */
import type { Box } from '../core/types';
import { linearAssignment, type AssignmentResult } from './linear-assignment';

/**
 * Intersection over union of two boxes; 0 when they do not overlap or a box is empty.
 *
 * @example
 * ```ts
 * boxIou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 5, y1: 0, x2: 15, y2: 10 }); // 1/3
 * ```
 */
export function boxIou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (!(w > 0 && h > 0)) return 0;
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Something that can be matched: a box and a class (tracks and detections alike).
 *
 * @example
 * ```ts
 * const item: Matchable = { box: { x1: 0, y1: 0, x2: 10, y2: 20 }, classId: 0 };
 * ```
 */
export interface Matchable {
  box: Box;
  classId: number;
}

/**
 * Row-major `tracks × detections` cost matrix: `1 − IoU`, or `1 − IoU · score` when
 * `scores` are given (ByteTrack's `fuse_score`); `Infinity` where the classes differ.
 *
 * @example
 * ```ts
 * const cost = iouDistance(trackBoxes, detections, detections.map((d) => d.score));
 * ```
 */
export function iouDistance(
  tracks: readonly Matchable[],
  detections: readonly Matchable[],
  scores?: readonly number[],
): Float64Array {
  const m = detections.length;
  const cost = new Float64Array(tracks.length * m);
  for (let i = 0; i < tracks.length; i++) {
    for (let j = 0; j < m; j++) {
      const t = tracks[i];
      const d = detections[j];
      if (t.classId !== d.classId) {
        cost[i * m + j] = Infinity;
        continue;
      }
      const sim = boxIou(t.box, d.box) * (scores ? scores[j] : 1);
      cost[i * m + j] = 1 - sim;
    }
  }
  return cost;
}

/**
 * Optimal IoU matching of tracks to detections: pairs need `cost < maxDistance`.
 *
 * @example
 * ```ts
 * const { matches } = associate(pool, highDetections, 0.8, true);
 * ```
 */
export function associate(
  tracks: readonly Matchable[],
  detections: ReadonlyArray<Matchable & { score: number }>,
  maxDistance: number,
  fuseScore: boolean,
): AssignmentResult {
  const scores = fuseScore ? detections.map((d) => d.score) : undefined;
  const cost = iouDistance(tracks, detections, scores);
  return linearAssignment(cost, tracks.length, detections.length, maxDistance);
}
