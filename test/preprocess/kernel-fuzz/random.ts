/**
 * The kernel fuzz's randomness: its seed (KERNEL_FUZZ_SEED picks another set of cases), a small
 * seeded generator, the seed of each case (so that a case reruns alone, whatever ran before it),
 * and the sizes of frames, outputs and planes drawn from it — often tiny or degenerate, where
 * kernels tend to go wrong.
 */
import { Rng } from '../../fuzz/mutate';

/**
 * The fuzz's seed; KERNEL_FUZZ_SEED picks another set of cases.
 *
 * @example
 * ```ts
 * // KERNEL_FUZZ_SEED=7 npx vitest run test/preprocess/sampler-fuzz.test.ts
 * const r = new Random(SEED);
 * ```
 */
export const SEED = Number(process.env.KERNEL_FUZZ_SEED ?? 20261205) >>> 0;

/**
 * The file fuzz's seeded generator (mulberry32, uniform numbers in [0, 1)) and the draws made from them.
 *
 * @example
 * ```ts
 * const r = new Random(caseSeed('region', 0));
 * const side = r.chance(0.2) ? r.int(1, 3) : r.pick([224, 320]);
 * ```
 */
export class Random {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  next(): number {
    return this.rng.next();
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo + 1) * this.next());
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(items.length * this.next())];
  }

  logUniform(lo: number, hi: number): number {
    return lo * (hi / lo) ** this.next();
  }
}

/**
 * The seed of case k of a kind: the fuzz's seed, the kind and k mixed (murmur3's finaliser).
 *
 * @example
 * ```ts
 * const params = affineCase(new Random(caseSeed('affine', 17)));
 * ```
 */
export function caseSeed(kind: string, k: number): number {
  let h = SEED ^ Math.imul(k + 1, 0x9e3779b1);
  for (const ch of kind) h = Math.imul(h ^ ch.charCodeAt(0), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A side of 1…max px: often tiny (1–3), often small (≤ 24), else anywhere.
 *
 * @example
 * ```ts
 * const length = side(r, 300_000);
 * ```
 */
export function side(r: Random, max: number): number {
  const u = r.next();
  return u < 0.15 ? r.int(1, 3) : u < 0.35 ? r.int(1, 24) : r.int(1, max);
}

/**
 * A width and height of 1…max px, a fifth of them degenerate shapes (1×1, 1×N, N×1, 2×2, 2×1, 1×2).
 *
 * @example
 * ```ts
 * const [width, height] = size(r, 700);
 * ```
 */
export function size(r: Random, max: number): [number, number] {
  if (!r.chance(0.2)) return [side(r, max), side(r, max)];
  const n = r.int(2, max);
  return r.pick<[number, number]>([[1, 1], [1, n], [n, 1], [2, 2], [2, 1], [1, 2]]);
}
