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

/**
 * The first index where two typed arrays differ bit for bit (-1 when they are identical, the
 * shorter length when only the lengths differ). As strict as `toEqual` on typed arrays (which
 * also tells 0 from -0) but a byte compare: `toEqual` walks a 300 000-value array in seconds.
 */
export function firstBitDifference(a: ArrayBufferView, b: ArrayBufferView): number {
  const bytesA = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const bytesB = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (bytesA.equals(bytesB)) return -1;
  const width = 'BYTES_PER_ELEMENT' in a ? (a.BYTES_PER_ELEMENT as number) : 1;
  const shorter = Math.min(bytesA.length, bytesB.length);
  for (let i = 0; i < shorter; i++) if (bytesA[i] !== bytesB[i]) return Math.floor(i / width);
  return shorter / width;
}
