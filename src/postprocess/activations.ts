/**
 * Activations and ranking on raw model outputs: softmax, sigmoid, top-k.
 * Computed in double precision, returned as `Float32Array` (the dtype models emit).
 */
import { VisionError } from '../core/errors';
import { checkCount } from './validate';

/**
 * Numerically stable softmax (the row maximum is subtracted before `exp`), like
 * `torch.softmax`. Without `axisLength` the whole array is one distribution; with it, the
 * flat array is read as rows of `axisLength` values (row-major `[rows, axisLength]`) and
 * each row is normalised on its own. A row holding `NaN` or `+Infinity` comes out `NaN`,
 * as in torch.
 *
 * @param logits - raw scores, flat.
 * @param axisLength - length of the last axis; must divide `logits.length`. Default: all.
 * @returns probabilities, same length as `logits`.
 * @throws VisionError `INVALID_OPTION` when `axisLength` is not a positive integer dividing the length.
 *
 * @example
 * ```ts
 * softmax([1, 2, 3]);            // Float32Array [0.090, 0.245, 0.665]
 * softmax([0, 0, 5, 5], 2);      // two rows: [0.5, 0.5, 0.5, 0.5]
 * ```
 */
export function softmax(logits: ArrayLike<number>, axisLength?: number): Float32Array {
  const n = logits.length;
  const row = axisLength ?? n;
  if (axisLength !== undefined && (!Number.isInteger(axisLength) || axisLength <= 0 || n % axisLength !== 0)) {
    throw new VisionError(
      'INVALID_OPTION',
      `softmax: axisLength must be a positive integer that divides logits.length (${n}); got ${String(axisLength)}`,
    );
  }
  const out = new Float32Array(n);
  if (n === 0) return out;
  const tmp = new Float64Array(row);
  for (let start = 0; start < n; start += row) {
    let max = -Infinity;
    for (let i = 0; i < row; i++) {
      const v = logits[start + i];
      if (v > max || v !== v) max = v;
      if (max !== max) break;
    }
    let sum = 0;
    for (let i = 0; i < row; i++) {
      const e = Math.exp(logits[start + i] - max);
      tmp[i] = e;
      sum += e;
    }
    for (let i = 0; i < row; i++) out[start + i] = tmp[i] / sum;
  }
  return out;
}

function sigmoidScalar(x: number): number {
  // Two branches so exp never overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * The logistic function `1 / (1 + e^-x)`, overflow-safe for large |x|. A number gives a
 * number; an array gives a new `Float32Array`.
 *
 * @example
 * ```ts
 * sigmoid(0);             // 0.5
 * sigmoid([-100, 0, 2]);  // Float32Array [0, 0.5, 0.8808]
 * ```
 */
export function sigmoid(x: number): number;
export function sigmoid(x: ArrayLike<number>): Float32Array;
export function sigmoid(x: number | ArrayLike<number>): number | Float32Array {
  if (typeof x === 'number') return sigmoidScalar(x);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = sigmoidScalar(x[i]);
  return out;
}

/**
 * The `k` best entries of an array, best first.
 *
 * @example
 * ```ts
 * const { indices, values } = topK([0.1, 0.7, 0.2], 2); // [1, 2], [0.7, 0.2]
 * ```
 */
export interface TopKResult {
  /** Positions in the input, by descending value; equal values in ascending position. */
  indices: number[];
  /** The values at those positions. */
  values: number[];
}

/** Whether entry (va, ia) ranks strictly before (vb, ib): higher value, then lower index. */
function before(va: number, ia: number, vb: number, ib: number): boolean {
  return va > vb || (va === vb && ia < ib);
}

/**
 * The `k` largest values and their positions, in descending order; ties go to the lower
 * index (deterministic, unlike some `topk` kernels). `NaN` entries are skipped. With `k`
 * larger than the number of entries, all of them are returned. Runs in O(n log k).
 *
 * @throws VisionError `INVALID_OPTION` when `k` is not a non-negative integer (or Infinity).
 *
 * @example
 * ```ts
 * const { indices, values } = topK(softmax(logits), 5);
 * topK([0.1, 0.7, 0.7, 0.2], 2); // { indices: [1, 2], values: [0.7, 0.7] }
 * ```
 */
export function topK(scores: ArrayLike<number>, k: number): TopKResult {
  checkCount(k, 'topK: k');
  const n = scores.length;
  const cap = Math.min(k, n);
  if (cap === 0) return { indices: [], values: [] };
  // Min-heap (worst entry at the root) of at most `cap` indices.
  const heap = new Int32Array(cap);
  let size = 0;
  const worse = (a: number, b: number): boolean => before(scores[b], b, scores[a], a);
  const siftDown = (from: number): void => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) return;
      const r = l + 1;
      const c = r < size && worse(heap[r], heap[l]) ? r : l;
      if (!worse(heap[c], heap[i])) return;
      const t = heap[c];
      heap[c] = heap[i];
      heap[i] = t;
      i = c;
    }
  };
  for (let idx = 0; idx < n; idx++) {
    const v = scores[idx];
    if (v !== v) continue;
    if (size < cap) {
      let i = size++;
      heap[i] = idx;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(heap[i], heap[p])) break;
        const t = heap[p];
        heap[p] = heap[i];
        heap[i] = t;
        i = p;
      }
    } else if (before(v, idx, scores[heap[0]], heap[0])) {
      heap[0] = idx;
      siftDown(0);
    }
  }
  const indices = Array.from(heap.subarray(0, size));
  indices.sort((a, b) => (before(scores[a], a, scores[b], b) ? -1 : 1));
  return { indices, values: indices.map((i) => scores[i]) };
}
