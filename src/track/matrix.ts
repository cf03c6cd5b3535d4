/**
 * Small dense row-major matrix helpers for the Kalman filter (internal: not re-exported).
 * Matrices are `Float64Array`s of `rows * cols` numbers; sizes are passed explicitly.
 */

/**
 * `a (n×k) · b (k×m)` → a new n×m matrix.
 *
 * @example
 * ```ts
 * matMul(new Float64Array([1, 2]), new Float64Array([3, 4]), 1, 2, 1); // [11]
 * ```
 */
export function matMul(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const bRow = p * m;
      const oRow = i * m;
      for (let j = 0; j < m; j++) out[oRow + j] += aip * b[bRow + j];
    }
  }
  return out;
}

/**
 * Transpose of an n×m matrix (a new m×n matrix).
 *
 * @example
 * ```ts
 * transpose(new Float64Array([1, 2, 3]), 1, 3); // 3×1: [1, 2, 3]
 * ```
 */
export function transpose(a: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = a[i * m + j];
  return out;
}

/**
 * Replaces a square n×n matrix by `(A + Aᵀ) / 2` in place, removing the rounding asymmetry
 * that accumulates in covariance updates.
 *
 * @example
 * ```ts
 * symmetrize(cov, 8);
 * ```
 */
export function symmetrize(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
}

/**
 * Lower-triangular Cholesky factor `L` of a symmetric positive-definite n×n matrix
 * (`A = L Lᵀ`), or `null` when `A` is not positive definite.
 *
 * @example
 * ```ts
 * cholesky(new Float64Array([4, 2, 2, 3]), 2); // [2, 0, 1, 1.414…]
 * ```
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let p = 0; p < j; p++) sum -= l[i * n + p] * l[j * n + p];
      if (i === j) {
        if (!(sum > 0)) return null;
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j];
      }
    }
  }
  return l;
}

/**
 * Solves `A X = B` for X (n×m) given the Cholesky factor `L` of A (n×n), by forward and
 * back substitution. Returns a new n×m matrix.
 *
 * @example
 * ```ts
 * const x = choleskySolve(cholesky(s, 4)!, b, 4, 8);
 * ```
 */
export function choleskySolve(l: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  const x = new Float64Array(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let sum = x[i * m + c];
      for (let p = 0; p < i; p++) sum -= l[i * n + p] * x[p * m + c];
      x[i * m + c] = sum / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = x[i * m + c];
      for (let p = i + 1; p < n; p++) sum -= l[p * n + i] * x[p * m + c];
      x[i * m + c] = sum / l[i * n + i];
    }
  }
  return x;
}
