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

/**
 * Whether the 4 box numbers at `offset`, `offset + stride`, … of `data` are all finite: every
 * decoder drops a candidate whose box holds NaN or ±Infinity (a model fed absurd input, a
 * broken export), and the detection pipeline drops any that still gets through.
 *
 * @example
 * ```ts
 * if (!boxIsFinite(boxes, k * 4)) continue; // candidate k's xyxy box holds NaN or Infinity
 * ```
 */
export function boxIsFinite(data: ArrayLike<number>, offset: number, stride = 1): boolean {
  return (
    Number.isFinite(data[offset]) &&
    Number.isFinite(data[offset + stride]) &&
    Number.isFinite(data[offset + 2 * stride]) &&
    Number.isFinite(data[offset + 3 * stride])
  );
}
