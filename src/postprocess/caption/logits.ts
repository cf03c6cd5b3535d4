/**
 * Log-softmax of a score vector, computed stably (max subtracted first).
 *
 * @example
 * ```ts
 * const logp = logSoftmax(new Float32Array([1, 2, 3]));
 * ```
 */
export function logSoftmax(logits: Float32Array): Float32Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const logSum = max + Math.log(sum);
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - logSum;
  return out;
}

/**
 * CTRL / Hugging Face repetition penalty, in place: the score of every token already in
 * `sequence` is divided by `penalty` when positive and multiplied by it when negative.
 *
 * @example
 * ```ts
 * applyRepetitionPenalty(scores, [1, 7, 7], 1.2);
 * ```
 */
export function applyRepetitionPenalty(scores: Float32Array, sequence: readonly number[], penalty: number): Float32Array {
  if (penalty === 1) return scores;
  for (const id of new Set(sequence)) {
    if (id < 0 || id >= scores.length) continue;
    const s = scores[id];
    scores[id] = s < 0 ? s * penalty : s / penalty;
  }
  return scores;
}

/**
 * Index of the largest value (the first one on ties, like `torch.argmax`).
 *
 * @example
 * ```ts
 * argmax(new Float32Array([0.1, 0.7, 0.2])); // 1
 * ```
 */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
