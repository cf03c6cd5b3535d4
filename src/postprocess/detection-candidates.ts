import { VisionError } from '../core/errors';

/**
 * Decoded but not yet suppressed detections, as flat typed arrays: `boxes` N×4 xyxy in
 * model-input pixels, `scores` and `classIds` of length N. Every detector decoder produces
 * this; NMS and coordinate mapping take it from there.
 *
 * @example
 * ```ts
 * const c: DetectionCandidates = { boxes: new Float32Array([0, 0, 10, 10]), scores: new Float32Array([0.9]), classIds: new Int32Array([0]) };
 * ```
 */
export interface DetectionCandidates {
  boxes: Float32Array;
  scores: Float32Array;
  classIds: Int32Array;
}

/**
 * Decodes CenterNet's in-graph top-k output `[1, N, 6]` (`x1, y1, x2, y2, score, class` in
 * input pixels) keeping candidates with `score >= threshold` and a finite class in
 * `[0, numClasses)`.
 *
 * @example
 * ```ts
 * const candidates = decodeCenterNet(outputs['tower_0/detections'].data, { threshold: 0.3, numClasses: 80 });
 * ```
 */
export function decodeCenterNet(rows: ArrayLike<number>, options: { threshold: number; numClasses: number }): DetectionCandidates {
  if (rows.length % 6 !== 0) {
    throw new VisionError('INVALID_INPUT', `CenterNet output has ${rows.length} values; expected N×6 (x1, y1, x2, y2, score, class)`);
  }
  const n = rows.length / 6;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const score = rows[i * 6 + 4];
    const cls = rows[i * 6 + 5];
    if (score >= options.threshold && Number.isInteger(cls) && cls >= 0 && cls < options.numClasses) keep.push(i);
  }
  const boxes = new Float32Array(keep.length * 4);
  const scores = new Float32Array(keep.length);
  const classIds = new Int32Array(keep.length);
  keep.forEach((row, k) => {
    for (let j = 0; j < 4; j++) boxes[k * 4 + j] = rows[row * 6 + j];
    scores[k] = rows[row * 6 + 4];
    classIds[k] = rows[row * 6 + 5];
  });
  return { boxes, scores, classIds };
}
