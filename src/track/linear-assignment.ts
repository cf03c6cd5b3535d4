/**
 * Optimal linear assignment (the Hungarian method with potentials and shortest augmenting
 * paths, O(n²·m) for n ≤ m) on a rectangular cost matrix, with an optional cost threshold
 * that leaves a row or column unmatched rather than pairing it at too high a cost.
 */
import { VisionError } from '../core/errors';

/**
 * The result of {@link linearAssignment}: matched `[row, col]` pairs in ascending row
 * order, and the rows and columns left unmatched (ascending).
 *
 * @example
 * ```ts
 * const { matches, unmatchedRows, unmatchedCols } = linearAssignment(cost, 3, 4, 0.8);
 * for (const [track, det] of matches) tracks[track].update(dets[det]);
 * ```
 */
export interface AssignmentResult {
  matches: Array<[row: number, col: number]>;
  unmatchedRows: number[];
  unmatchedCols: number[];
}

function checkArgs(cost: ArrayLike<number>, rows: number, cols: number, threshold: number): void {
  for (const [v, what] of [[rows, 'rows'], [cols, 'cols']] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new VisionError('INVALID_INPUT', `linearAssignment: ${what} must be a non-negative integer; got ${String(v)}`);
    }
  }
  if (cost == null || cost.length !== rows * cols) {
    throw new VisionError(
      'INVALID_INPUT',
      `linearAssignment: cost must hold rows × cols = ${rows * cols} numbers (row-major); got ${String(cost?.length)}`,
    );
  }
  if (typeof threshold !== 'number' || Number.isNaN(threshold) || threshold === -Infinity) {
    throw new VisionError('INVALID_OPTION', `linearAssignment: threshold must be a number or Infinity; got ${String(threshold)}`);
  }
  for (let i = 0; i < cost.length; i++) {
    const c = cost[i];
    if (typeof c !== 'number' || Number.isNaN(c) || c === -Infinity) {
      throw new VisionError('INVALID_INPUT', `linearAssignment: cost[${i}] is ${String(c)}; costs must be finite or +Infinity (forbidden)`);
    }
  }
}

/**
 * Minimum-cost assignment on a square-or-wide matrix `a` (n rows ≤ m cols, all finite):
 * returns, for each row, its column. Classic potentials formulation (e-maxx), 1-indexed.
 */
function hungarian(a: Float64Array, n: number, m: number): Int32Array {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row (1-based) assigned to column j, 0 = none
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      const row = (i0 - 1) * m;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = a[row + j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      // every entry is finite and the spread checked, so a column is always found; never spin if not
      if (j1 === 0) throw new VisionError('INVALID_INPUT', 'linearAssignment: the costs could not be compared (an overflow); scale them down');
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToCol = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j] !== 0) rowToCol[p[j] - 1] = j - 1;
  return rowToCol;
}

/**
 * Optimal assignment of rows to columns of a row-major `rows × cols` cost matrix.
 *
 * - Without a threshold: a minimum-cost matching of `min(rows, cols)` pairs among the
 *   finite entries (`Infinity` marks a forbidden pair; as many pairs as possible are
 *   matched first, then the cost is minimised).
 * - With a finite `threshold`: only pairs with `cost < threshold` may match, and the result
 *   maximises `Σ (threshold − cost)` over the matched pairs — the same optimum as `lapjv`
 *   with `extend_cost=True, cost_limit=threshold` used by ByteTrack: leaving a row and a
 *   column unmatched costs `threshold` in total.
 *
 * Exact, not greedy. O(k²·K) for k = min(rows, cols), K = max(rows, cols).
 *
 * @throws VisionError `INVALID_INPUT` for a wrong length or a NaN / −Infinity cost;
 *   `INVALID_OPTION` for a NaN threshold.
 *
 * @example
 * ```ts
 * // 2 tracks × 3 detections, IoU distances; pairs need distance < 0.8
 * const r = linearAssignment([0.1, 0.9, 0.5, 0.7, 0.2, 0.95], 2, 3, 0.8);
 * r.matches;       // [[0, 0], [1, 1]]
 * r.unmatchedCols; // [2]
 * ```
 */
export function linearAssignment(
  cost: ArrayLike<number>,
  rows: number,
  cols: number,
  threshold = Infinity,
): AssignmentResult {
  checkArgs(cost, rows, cols, threshold);
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  const at = (i: number, j: number): number => (transposed ? cost[j * cols + i] : cost[i * cols + j]);
  const a = new Float64Array(n * m);
  const bounded = Number.isFinite(threshold);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < cost.length; i++) {
    if (Number.isFinite(cost[i])) {
      lo = Math.min(lo, cost[i]);
      hi = Math.max(hi, cost[i]);
    }
  }
  if (bounded) {
    lo = Math.min(lo, threshold);
    hi = Math.max(hi, threshold);
  }
  // A forbidden pair costs more than any matching of allowed pairs could differ by.
  const forbidden = lo === Infinity ? 1 : (hi - lo + 1) * (n + 1);
  // the potentials add up differences of costs: the spread times the matrix size must stay finite
  if (lo !== Infinity && !Number.isFinite(forbidden * (m + 1) * (n + 1))) {
    throw new VisionError('INVALID_INPUT', `linearAssignment: costs${bounded ? ' and threshold' : ''} span ${lo} to ${hi}, too wide to add up for a ${rows}×${cols} matrix (overflow); scale them down`);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const c = at(i, j);
      if (bounded) a[i * m + j] = Math.min(c, threshold);
      else a[i * m + j] = Number.isFinite(c) ? c - lo : forbidden;
    }
  }
  const assigned = n > 0 ? hungarian(a, n, m) : new Int32Array(0);
  const rowMatched = new Uint8Array(rows);
  const colMatched = new Uint8Array(cols);
  const matches: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const j = assigned[i];
    if (j < 0) continue;
    const c = at(i, j);
    if (!(bounded ? c < threshold : Number.isFinite(c))) continue;
    const pair: [number, number] = transposed ? [j, i] : [i, j];
    matches.push(pair);
    rowMatched[pair[0]] = 1;
    colMatched[pair[1]] = 1;
  }
  matches.sort((x, y) => x[0] - y[0]);
  const unmatchedRows: number[] = [];
  const unmatchedCols: number[] = [];
  for (let i = 0; i < rows; i++) if (!rowMatched[i]) unmatchedRows.push(i);
  for (let j = 0; j < cols; j++) if (!colMatched[j]) unmatchedCols.push(j);
  return { matches, unmatchedRows, unmatchedCols };
}
