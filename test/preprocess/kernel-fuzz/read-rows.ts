/**
 * The frame rows a sampling kernel reads, worked out from its plans or its affine map, against
 * the rows of an 8-bit frame that were copied into the wasm memory for it: a stray read need not
 * change a result (a weight of 0, or bytes that happen to match), so the fuzz checks the rows
 * themselves.
 */
import type { AffineMatrix } from '../../../src/preprocess/rotated-region';
import type { SampleTarget } from '../../../src/preprocess/sampling/sample-output';
import type { SamplePlan } from '../../../src/preprocess/sampling/sample-plan';

/**
 * A problem where a kernel read frame rows that were not copied into the wasm memory for it.
 *
 * @example
 * ```ts
 * rowProblems([0, 31], [0, 30]); // ['the kernel reads frame rows 0–31, but only rows 0–30 were copied …']
 * ```
 */
export function rowProblems(read: [number, number] | undefined, copied: [number, number] | undefined): string[] {
  if (!read || !copied || (read[0] >= copied[0] && read[1] <= copied[1])) return [];
  return [`the kernel reads frame rows ${read[0]}–${read[1]}, but only rows ${copied[0]}–${copied[1]} were copied into the wasm memory (out-of-bounds read)`];
}

/**
 * The frame rows [first, last] that the bilinear samples of these plans read: each inside row's floor and the row below, clamped into the frame as the grid clamps them.
 *
 * @example
 * ```ts
 * const problems = rowProblems(planRows(plans, frame.height), test.takeCopiedRows());
 * ```
 */
export function planRows(plans: readonly SamplePlan[], height: number): [number, number] | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const plan of plans) {
    for (const y of plan.y.positions) {
      if (Number.isNaN(y)) continue;
      const row = Math.min(Math.floor(y), Math.max(height - 2, 0));
      first = Math.min(first, row);
      last = Math.max(last, Math.min(row + 1, height - 1));
    }
  }
  return first <= last ? [first, last] : undefined;
}

/**
 * The frame rows [first, last] the affine kernel reads: rows floor(y) and floor(y) + 1 of each
 * output pixel whose four neighbours lie inside the frame, positions as the kernel computes them
 * (x = a·j + (b·i + c), y = d·j + (e·i + f)) — but for the output's very last pixel where the
 * kernel stores whole vectors (RGB NHWC), which it leaves to the JavaScript border loop.
 *
 * @example
 * ```ts
 * const problems = rowProblems(affineRows(matrix, target, frame.width, frame.height), test.takeCopiedRows());
 * ```
 */
export function affineRows(m: AffineMatrix, target: SampleTarget, width: number, height: number): [number, number] | undefined {
  const [a, b, c, d, e, f] = m;
  const vectorStores = target.layout !== 'nchw' && target.channelOrder !== 'bgr';
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < target.height; i++) {
    const rowX = b * i + c;
    const rowY = e * i + f;
    const columns = vectorStores && i === target.height - 1 ? target.width - 1 : target.width;
    for (let j = 0; j < columns; j++) {
      const x = a * j + rowX;
      const y = d * j + rowY;
      if (!(x >= 0 && x < width - 1 && y >= 0 && y < height - 1)) continue;
      first = Math.min(first, Math.floor(y));
      last = Math.max(last, Math.floor(y) + 1);
    }
  }
  return first <= last ? [first, last] : undefined;
}
