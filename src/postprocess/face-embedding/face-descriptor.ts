/**
 * Decoding face-descriptor model outputs: unit-length embeddings, FaceRes's age distribution
 * and its gender sigmoid.
 */

/**
 * The vector scaled to unit length (Euclidean); an all-zero vector stays zero.
 *
 * @example
 * ```ts
 * l2Normalize(Float32Array.of(3, 4)); // Float32Array [0.6, 0.8]
 * ```
 */
export function l2Normalize(vector: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += (vector[i] as number) ** 2;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  return Float32Array.from(vector, (v) => v * scale);
}

/**
 * Age in years from FaceRes's softmax over 100 one-year bins, decoded as @vladmandic/human
 * does: the most likely bin, moved towards the likelier neighbour by 10 × its probability
 * tenths — `i ± p[i∓1…]` — and rounded to 0.1 year.
 *
 * @example
 * ```ts
 * const probabilities = new Float32Array(100); probabilities[30] = 0.8; probabilities[31] = 0.2;
 * decodeFaceResAge(probabilities); // 32
 * ```
 */
export function decodeFaceResAge(probabilities: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if ((probabilities[i] as number) > (probabilities[best] as number)) best = i;
  const below = (probabilities[best - 1] as number | undefined) ?? 0;
  const above = (probabilities[best + 1] as number | undefined) ?? 0;
  const tenths = below > above ? 10 * best - 100 * below : 10 * best + 100 * above;
  return Math.round(tenths) / 10;
}

/** A face's gender as the model estimates it, with its confidence. @example `const { gender, score }: GenderEstimate = decodeGender(0.2); // female, 0.6` */
export interface GenderEstimate {
  /** `female` when P(male) ≤ 0.5, else `male`. */
  readonly gender: 'female' | 'male';
  /** |P(male) − 0.5| × 2, in [0, 1]: 0 is a coin toss. */
  readonly score: number;
}

/**
 * Gender from a sigmoid output P(male), with the confidence |p − 0.5| × 2.
 *
 * @example
 * ```ts
 * decodeGender(0.9); // { gender: 'male', score: 0.8 }
 * ```
 */
export function decodeGender(probabilityMale: number): GenderEstimate {
  return { gender: probabilityMale <= 0.5 ? 'female' : 'male', score: Math.min(1, Math.abs(probabilityMale - 0.5) * 2) };
}
