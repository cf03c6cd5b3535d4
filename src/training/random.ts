/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence, so
 * shuffles, splits and augmentations are reproducible. Returns numbers in [0, 1).
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const x = random(); // 0 ≤ x < 1, the same on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random generator from a seed or an existing generator (default: `Math.random`).
 *
 * @example
 * ```ts
 * const random = toRandom(7);
 * ```
 */
export function toRandom(seed: number | (() => number) | undefined): () => number {
  if (typeof seed === 'function') return seed;
  return seed === undefined ? Math.random : seededRandom(seed);
}

/**
 * A shuffled copy of `items` (Fisher–Yates); seeded when `seed` is given.
 *
 * @example
 * ```ts
 * const order = shuffle([0, 1, 2, 3], 1);
 * ```
 */
export function shuffle<T>(items: readonly T[], seed?: number | (() => number)): T[] {
  const random = toRandom(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Indices `0 … n-1` in a seeded random order.
 *
 * @example
 * ```ts
 * const order = permutation(100, 3);
 * ```
 */
export function permutation(n: number, seed?: number | (() => number)): number[] {
  return shuffle(Array.from({ length: n }, (_, i) => i), seed);
}
