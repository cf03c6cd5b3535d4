/**
 * A small, careful timing harness for comparing competitors in ONE process run.
 *
 * - every competitor is warmed up first (JIT, wasm kernels, caches);
 * - then `rounds` rounds; in each round every competitor runs `perRound` timed calls, in an
 *   order that rotates from round to round, so slow drift of the machine (thermal, other
 *   processes) hits every competitor alike;
 * - each call is timed on its own with `performance.now()` (sub-microsecond in Node);
 * - a full GC (when node runs with `--expose-gc`) between rounds, outside the timed
 *   region, so one competitor's garbage is not collected on another one's clock;
 * - reported: median, p90, min and mean of all samples, and the ratio to a reference
 *   competitor as the median over rounds of (round median / reference's round median),
 *   which cancels drift between rounds.
 */
import { performance } from 'node:perf_hooks';

/** One competitor: a function timed per call (sync or async). */
export interface Competitor {
  name: string;
  fn: () => unknown;
}

/** How long to measure. */
export interface Plan {
  warmup: number;
  rounds: number;
  perRound: number;
}

/** Statistics of one competitor, in milliseconds. */
export interface Stats {
  name: string;
  samples: number;
  median: number;
  p90: number;
  min: number;
  mean: number;
  /** Median over rounds of (this round median / reference round median); 1 for the reference. */
  ratio: number;
  /** This competitor's median in each round (for ratios against another competitor: {@link pairedRatio}). */
  rounds?: number[];
}

/** Median over rounds of a's round median / b's, for two competitors of one {@link compare} run. */
export function pairedRatio(a: Stats, b: Stats): number {
  const [ra, rb] = [a.rounds, b.rounds];
  if (!ra || !rb || ra.length !== rb.length) throw new Error(`${a.name} and ${b.name} were not timed in one compare run`);
  return median(ra.map((m, r) => m / rb[r]));
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether a full GC runs between rounds (node --expose-gc). */
export const gcBetweenRounds = typeof gc === 'function';

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median of numbers (NaN for none). */
export function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Promise<unknown>).then === 'function';
}

async function timeOnce(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  const out = fn();
  if (isPromise(out)) await out;
  return performance.now() - t0;
}

/**
 * Times the competitors interleaved; `reference` names the one ratios are taken against
 * (default: the first).
 */
export async function compare(competitors: readonly Competitor[], plan: Plan, reference?: string): Promise<Stats[]> {
  for (const c of competitors) {
    for (let i = 0; i < plan.warmup; i++) {
      const out = c.fn();
      if (isPromise(out)) await out;
    }
  }
  const all = competitors.map(() => [] as number[]);
  const perRound = competitors.map(() => [] as number[]);
  const n = competitors.length;
  for (let r = 0; r < plan.rounds; r++) {
    gc?.();
    for (let j = 0; j < n; j++) {
      const k = (j + r) % n;
      const samples: number[] = [];
      for (let i = 0; i < plan.perRound; i++) samples.push(await timeOnce(competitors[k].fn));
      all[k].push(...samples);
      perRound[k].push(median(samples));
    }
  }
  const refIndex = Math.max(0, reference ? competitors.findIndex((c) => c.name === reference) : 0);
  return competitors.map((c, k) => {
    const sorted = [...all[k]].sort((a, b) => a - b);
    const ratios = perRound[k].map((m, r) => m / perRound[refIndex][r]);
    return {
      name: c.name,
      samples: sorted.length,
      median: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      min: sorted[0],
      mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
      ratio: median(ratios),
      rounds: perRound[k],
    };
  });
}
