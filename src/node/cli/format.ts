import type { Classification, Detection } from '../../core/types';
import type { Hand } from '../../pipelines/hands/hand-types';
import type { Pose } from '../../pipelines/pose/pose-types';

const num = (v: number, width: number): string => Math.round(v).toString().padStart(width);

/**
 * One table row for a detection: label, score and box `[x1 y1 x2 y2]` in pixels, then the
 * track ID in video mode.
 *
 * @example
 * ```ts
 * detectionRow(result.detections[0]); // '  person           0.87  [   12    40   200   380 ]'
 * detectionRow(tracked); // '  person           0.87  [   12    40   200   380 ]  #3'
 * ```
 */
export function detectionRow(d: Detection & { trackId?: number }): string {
  const { x1, y1, x2, y2 } = d.box;
  const track = d.trackId === undefined ? '' : `  #${d.trackId}`;
  return `  ${d.label.padEnd(16)} ${d.score.toFixed(2)}  [${[x1, y1, x2, y2].map((v) => num(v, 5)).join(' ')} ]${track}`;
}

/**
 * One table row for a class: label and probability.
 *
 * @example
 * ```ts
 * classRow({ label: 'Neutral', score: 0.97, classId: 2 }); // '  Neutral          0.970'
 * ```
 */
export function classRow(c: Classification): string {
  return `  ${c.label.padEnd(16)} ${c.score.toFixed(3)}`;
}

/**
 * The table of one person: a header (index, pose score, box, and in video its `#trackId`),
 * then name, x, y and score of each keypoint scoring at least `threshold`.
 *
 * @example
 * ```ts
 * poseRows(result.poses[0], 0, 0.3).forEach((line) => console.log(line));
 * ```
 */
export function poseRows(pose: Pose, index: number, threshold: number): string[] {
  const { x1, y1, x2, y2 } = pose.box;
  const visible = pose.keypoints.filter((k) => k.score >= threshold && Number.isFinite(k.x) && Number.isFinite(k.y));
  const track = pose.trackId === undefined ? '' : `  #${pose.trackId}`;
  const header = `  person ${index + 1}  score ${pose.score.toFixed(2)}  box [${[x1, y1, x2, y2].map((v) => num(v, 5)).join(' ')} ]  ${visible.length}/${pose.keypoints.length} keypoints ≥ ${threshold}${track}`;
  return [header, ...visible.map((k) => `    ${k.name.padEnd(16)} ${num(k.x, 5)} ${num(k.y, 5)}  ${k.score.toFixed(2)}`)];
}

/**
 * The share of each label's pixels in a label map, by label (background included).
 *
 * @example
 * ```ts
 * labelShares(new Uint8Array([0, 1, 1, 1]), ['background', 'person']); // { background: 0.25, person: 0.75 }
 * ```
 */
export function labelShares(categories: Uint8Array, labels: readonly string[]): Record<string, number> {
  const counts = new Array<number>(labels.length).fill(0);
  for (const c of categories) if (c < counts.length) counts[c]++;
  const total = Math.max(1, categories.length);
  return Object.fromEntries(labels.map((label, i) => [label, counts[i] / total]));
}

/**
 * The table of one hand: a header (index, handedness, score, box, the built-in gesture and its
 * score, the detector's box label, track ID in video mode), then name, x, y and z of its 21
 * keypoints.
 *
 * @example
 * ```ts
 * handRows(result.hands[0], 0, { label: 'victory', score: 0.97 }).forEach((line) => console.log(line));
 * ```
 */
export function handRows(hand: Hand, index: number, gesture: { label: string; score: number }): string[] {
  const { x1, y1, x2, y2 } = hand.box;
  const track = hand.trackId === undefined ? '' : `  #${hand.trackId}`;
  const box = `box [${[x1, y1, x2, y2].map((v) => num(v, 5)).join(' ')} ]`;
  const header = `  hand ${index + 1}  ${hand.handedness.label} ${hand.handedness.score.toFixed(2)}  score ${hand.score.toFixed(2)}  ${box}  gesture ${gesture.label} ${gesture.score.toFixed(2)}  (detector box: ${hand.label})${track}`;
  return [header, ...hand.keypoints.map((k) => `    ${k.name.padEnd(18)} ${num(k.x, 5)} ${num(k.y, 5)} ${num(k.z, 5)}`)];
}
