import { describe, it, expect } from 'vitest';
import { linearAssignment } from '../../src/track';
import { isVisionError } from '../../src/core/errors';
import { mulberry32 } from './helpers';

/** Best value over all partial injective matchings: Σ (threshold − cost) over pairs with cost < threshold. */
function bruteBenefit(cost: number[], n: number, m: number, threshold: number): number {
  let best = 0;
  const usedCols = new Array<boolean>(m).fill(false);
  const go = (i: number, acc: number): void => {
    if (i === n) {
      best = Math.max(best, acc);
      return;
    }
    go(i + 1, acc); // row i unmatched
    for (let j = 0; j < m; j++) {
      const c = cost[i * m + j];
      if (usedCols[j] || !(c < threshold)) continue;
      usedCols[j] = true;
      go(i + 1, acc + threshold - c);
      usedCols[j] = false;
    }
  };
  go(0, 0);
  return best;
}

/** Minimum total cost over all matchings of min(n, m) pairs (every permutation / injection). */
function bruteMinCost(cost: number[], n: number, m: number): number {
  const k = Math.min(n, m);
  let best = Infinity;
  const used = new Array<boolean>(Math.max(n, m)).fill(false);
  const at = (i: number, j: number) => (n <= m ? cost[i * m + j] : cost[j * m + i]);
  const big = Math.max(n, m);
  const go = (i: number, acc: number): void => {
    if (i === k) {
      best = Math.min(best, acc);
      return;
    }
    for (let j = 0; j < big; j++) {
      if (used[j]) continue;
      used[j] = true;
      go(i + 1, acc + at(i, j));
      used[j] = false;
    }
  };
  go(0, 0);
  return best;
}

function checkValid(r: ReturnType<typeof linearAssignment>, n: number, m: number): void {
  const rows = new Set(r.matches.map(([i]) => i));
  const cols = new Set(r.matches.map(([, j]) => j));
  expect(rows.size).toBe(r.matches.length);
  expect(cols.size).toBe(r.matches.length);
  expect(r.matches.length + r.unmatchedRows.length).toBe(n);
  expect(r.matches.length + r.unmatchedCols.length).toBe(m);
  for (const i of r.unmatchedRows) expect(rows.has(i)).toBe(false);
  for (const j of r.unmatchedCols) expect(cols.has(j)).toBe(false);
}

describe('linearAssignment', () => {
  it('matches the brute-force optimum on random square matrices n ≤ 6', () => {
    const rand = mulberry32(1);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + (trial % 6);
      const cost = Array.from({ length: n * n }, () => Math.round(rand() * 100) / 10);
      const r = linearAssignment(cost, n, n);
      checkValid(r, n, n);
      expect(r.matches.length).toBe(n);
      const total = r.matches.reduce((s, [i, j]) => s + cost[i * n + j], 0);
      expect(total).toBeCloseTo(bruteMinCost(cost, n, n), 9);
    }
  });

  it('matches the brute-force optimum on random rectangular matrices (wide and tall)', () => {
    const rand = mulberry32(2);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rand() * 6);
      const m = 1 + Math.floor(rand() * 6);
      const cost = Array.from({ length: n * m }, () => rand() * 5 - 1);
      const r = linearAssignment(cost, n, m);
      checkValid(r, n, m);
      expect(r.matches.length).toBe(Math.min(n, m));
      const total = r.matches.reduce((s, [i, j]) => s + cost[i * m + j], 0);
      expect(total).toBeCloseTo(bruteMinCost(cost, n, m), 9);
    }
  });

  it('with a threshold, maximises Σ(threshold − cost) and never pairs at cost ≥ threshold', () => {
    const rand = mulberry32(3);
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + Math.floor(rand() * 6);
      const m = 1 + Math.floor(rand() * 6);
      const threshold = 0.8;
      const cost = Array.from({ length: n * m }, () => (rand() < 0.1 ? Infinity : rand()));
      const r = linearAssignment(cost, n, m, threshold);
      checkValid(r, n, m);
      for (const [i, j] of r.matches) expect(cost[i * m + j]).toBeLessThan(threshold);
      const benefit = r.matches.reduce((s, [i, j]) => s + threshold - cost[i * m + j], 0);
      expect(benefit).toBeCloseTo(bruteBenefit(cost, n, m, threshold), 9);
    }
  });

  it('prefers two good pairs over one excellent pair plus a poor one (not greedy)', () => {
    // Greedy would take (0,0)=0.0 first and then be left with (1,1)=0.9 > threshold.
    const cost = [0.0, 0.3, 0.3, 0.9];
    const r = linearAssignment(cost, 2, 2, 0.8);
    expect(r.matches).toEqual([[0, 1], [1, 0]]);
  });

  it('documents its example', () => {
    const r = linearAssignment([0.1, 0.9, 0.5, 0.7, 0.2, 0.95], 2, 3, 0.8);
    expect(r.matches).toEqual([[0, 0], [1, 1]]);
    expect(r.unmatchedCols).toEqual([2]);
    expect(r.unmatchedRows).toEqual([]);
  });

  it('treats Infinity as forbidden and still matches as many pairs as possible', () => {
    const r = linearAssignment([Infinity, 5, 1, Infinity], 2, 2);
    expect(r.matches).toEqual([[0, 1], [1, 0]]);
    const none = linearAssignment([Infinity, Infinity], 1, 2);
    expect(none.matches).toEqual([]);
    expect(none.unmatchedRows).toEqual([0]);
  });

  it('handles empty matrices', () => {
    expect(linearAssignment([], 0, 3, 0.5)).toEqual({ matches: [], unmatchedRows: [], unmatchedCols: [0, 1, 2] });
    expect(linearAssignment([], 2, 0)).toEqual({ matches: [], unmatchedRows: [0, 1], unmatchedCols: [] });
  });

  it('rejects a wrong length, NaN costs and a NaN threshold', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isVisionError(e) ? e.code : 'other';
      }
      return undefined;
    };
    expect(code(() => linearAssignment([1, 2, 3], 2, 2))).toBe('INVALID_INPUT');
    expect(code(() => linearAssignment([1, NaN, 3, 4], 2, 2))).toBe('INVALID_INPUT');
    expect(code(() => linearAssignment([1, 2, 3, 4], 2, 2, NaN))).toBe('INVALID_OPTION');
    expect(code(() => linearAssignment([1], 1.5, 1))).toBe('INVALID_INPUT');
    // costs whose differences overflow were a loop that never ended; strings were NaN arithmetic
    expect(code(() => linearAssignment([1e308, -1e308, 1e308, 1e308], 2, 2))).toBe('INVALID_INPUT');
    expect(code(() => linearAssignment([1e308, -1e308, Infinity, Infinity], 2, 2))).toBe('INVALID_INPUT');
    expect(code(() => linearAssignment([-1e308, 0, 0, 0], 2, 2, 1e308))).toBe('INVALID_INPUT');
    expect(code(() => linearAssignment([1, 'inf' as never, 3, 4], 2, 2))).toBe('INVALID_INPUT');
    // wide but addable spreads still work
    expect(linearAssignment([1e300, -1e300, 0, 1e300], 2, 2).matches).toEqual([[0, 1], [1, 0]]);
  });
});
