/**
 * Python's round() on a double: exact ties go to the even neighbour (Ultralytics computes sizes
 * with it). Only exact ties: 14.500000000000002 rounds to 15, as in Python. Never returns -0.
 *
 * @example
 * ```ts
 * roundHalfEven(2.5); // 2
 * roundHalfEven(3.5); // 4
 * ```
 */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  const rounded = diff === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(value);
  return rounded + 0;
}
