/**
 * Weighted boxes fusion as a single model's suppression step (`suppressCandidates` with method
 * `'wbf'`), with the candidates below a score left out of the fusion.
 */
import { iou } from './iou';
import type { DetectionCandidates } from '../detection/candidates';
import { weightedBoxesFusion } from './wbf';

/** The indices of the candidates whose score is at least (`strong`) or under (`weak`) `from`, each in candidate order. */
function splitByScore(scores: ArrayLike<number>, from: number): { strong: number[]; weak: number[] } {
  const strong: number[] = [];
  const weak: number[] = [];
  for (let i = 0; i < scores.length; i++) (scores[i] >= from ? strong : weak).push(i);
  return { strong, weak };
}

/**
 * Weighted boxes fusion of one model's candidates (pixel boxes, so no clipping); each fused box
 * reports the best candidate it absorbed as its index (`indices`, as `suppressCandidates` gives
 * them; keypoints are dropped). Agnostic: all share one label.
 *
 * Candidates scoring under `fuseFrom` take no part in the fusion — a fused score is its
 * cluster's mean, so weak members (a video tracker's low-score detections, decoded far below
 * the reporting threshold) would drag a confident object under it. They are kept as they are,
 * after the fused boxes, where no fused box or stronger weak candidate of their class covers
 * them by more than `iouThreshold` (greedy suppression).
 *
 * @example
 * ```ts
 * const kept = fuseCandidates(candidates, 0.55, 100, false, 0.5); // fuse the ≥ 0.5 ones; weaker ones only where nothing covers them
 * ```
 */
export function fuseCandidates(c: DetectionCandidates, iouThreshold: number, maxDetections: number, agnostic: boolean, fuseFrom = 0): DetectionCandidates & { indices: Int32Array } {
  const { strong, weak } = splitByScore(c.scores, fuseFrom);
  const label = (i: number): number => (agnostic ? 0 : c.classIds[i]);
  const boxesOf = (indices: number[]): Float32Array => {
    const out = new Float32Array(indices.length * 4);
    indices.forEach((i, n) => out.set(c.boxes.subarray(i * 4, i * 4 + 4), n * 4));
    return out;
  };
  const fused = weightedBoxesFusion(
    [{ boxes: boxesOf(strong), scores: Float32Array.from(strong, (i) => c.scores[i]), labels: Int32Array.from(strong, label) }],
    { iouThreshold, normalized: false },
  );
  const kept: { index: number; box: ArrayLike<number>; at: number; score: number }[] = [];
  for (let k = 0; k < fused.scores.length && kept.length < maxDetections; k++) {
    kept.push({ index: strong[fused.topIndices[k]], box: fused.boxes, at: k * 4, score: fused.scores[k] });
  }
  // weak candidates, best first: only where nothing already kept of their class covers them
  const weakByScore = [...weak].sort((a, b) => c.scores[b] - c.scores[a] || a - b);
  for (const i of weakByScore) {
    if (kept.length >= maxDetections) break;
    const covered = kept.some((k) => label(k.index) === label(i) && iou(k.box, k.at / 4, c.boxes, i) > iouThreshold);
    if (!covered) kept.push({ index: i, box: c.boxes, at: i * 4, score: c.scores[i] });
  }
  const boxes = new Float32Array(kept.length * 4);
  kept.forEach((k, n) => {
    for (let j = 0; j < 4; j++) boxes[n * 4 + j] = k.box[k.at + j];
  });
  const indices = Int32Array.from(kept, (k) => k.index);
  return { indices, boxes, scores: Float32Array.from(kept, (k) => k.score), classIds: Int32Array.from(indices, (i) => c.classIds[i]) };
}
