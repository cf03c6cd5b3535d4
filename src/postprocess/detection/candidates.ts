/**
 * Decoded but not yet suppressed detections, as flat typed arrays: `boxes` N×4 xyxy in
 * model-input pixels, `scores` and `classIds` of length N. Every detector family's decoder
 * produces this (candidates only: suppression runs once, afterwards, in `suppressCandidates`);
 * coordinate mapping takes it from there.
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
