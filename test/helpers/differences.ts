/** Test helper: how far two equally long arrays of numbers are apart, value by value. */

/** Mean and largest absolute difference between `a` and `b` (same length). */
export function absoluteDifferences(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / a.length, max };
}
