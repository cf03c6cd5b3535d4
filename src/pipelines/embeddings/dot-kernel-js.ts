/**
 * The JavaScript loops that score a `RowStore`'s rows when they are not in WebAssembly memory.
 * For a dimension that is a multiple of 4, {@link scoresLikeKernel} repeats the SIMD kernel's
 * float32 arithmetic (`scripts/dot-kernel.wat`) operation for operation, so a search gives the
 * same scores, to the last bit, whichever store holds the rows; other dimensions use
 * {@link scoresFloat64}.
 */
const f32 = Math.fround;

/**
 * Dot products of the first `rows` rows of `matrix` (`dim` floats each, dim a multiple of 4) with
 * `query`, bit for bit as the SIMD kernel computes them: float32 products and sums, two 4-lane
 * accumulators over 8 values per step, a last group of 4 into the first, then the lanes added
 * pairwise. (A float32 sum or product rounded from float64 is the float32 result: 53 ≥ 2·24 + 2.)
 *
 * @example
 * ```ts
 * const scores = scoresLikeKernel(Float32Array.of(1, 0, 0, 0, 0, 1, 0, 0), 2, 4, Float32Array.of(0.6, 0.8, 0, 0)); // ≈ [0.6, 0.8]
 * ```
 */
export function scoresLikeKernel(matrix: Float32Array, rows: number, dim: number, query: Float32Array): Float32Array {
  const out = new Float32Array(rows);
  for (let row = 0, o = 0; row < rows; row++, o += dim) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let b3 = 0;
    let i = 0;
    for (; i + 8 <= dim; i += 8) {
      a0 = f32(a0 + f32(matrix[o + i] * query[i]));
      a1 = f32(a1 + f32(matrix[o + i + 1] * query[i + 1]));
      a2 = f32(a2 + f32(matrix[o + i + 2] * query[i + 2]));
      a3 = f32(a3 + f32(matrix[o + i + 3] * query[i + 3]));
      b0 = f32(b0 + f32(matrix[o + i + 4] * query[i + 4]));
      b1 = f32(b1 + f32(matrix[o + i + 5] * query[i + 5]));
      b2 = f32(b2 + f32(matrix[o + i + 6] * query[i + 6]));
      b3 = f32(b3 + f32(matrix[o + i + 7] * query[i + 7]));
    }
    if (i < dim) {
      a0 = f32(a0 + f32(matrix[o + i] * query[i]));
      a1 = f32(a1 + f32(matrix[o + i + 1] * query[i + 1]));
      a2 = f32(a2 + f32(matrix[o + i + 2] * query[i + 2]));
      a3 = f32(a3 + f32(matrix[o + i + 3] * query[i + 3]));
    }
    out[row] = f32(f32(f32(a0 + b0) + f32(a1 + b1)) + f32(f32(a2 + b2) + f32(a3 + b3)));
  }
  return out;
}

/**
 * Dot products of the first `rows` rows of `matrix` (`dim` floats each, any dim) with `query`,
 * summed in float64 over four running sums.
 *
 * @example
 * ```ts
 * const scores = scoresFloat64(Float32Array.of(1, 0, 0, 0, 0, 1), 2, 3, Float32Array.of(0.6, 0.8, 0)); // ≈ [0.6, 0]
 * ```
 */
export function scoresFloat64(matrix: Float32Array, rows: number, dim: number, query: Float32Array): Float64Array {
  const out = new Float64Array(rows);
  for (let row = 0, o = 0; row < rows; row++, o += dim) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i + 3 < dim; i += 4) {
      s0 += matrix[o + i] * query[i];
      s1 += matrix[o + i + 1] * query[i + 1];
      s2 += matrix[o + i + 2] * query[i + 2];
      s3 += matrix[o + i + 3] * query[i + 3];
    }
    for (; i < dim; i++) s0 += matrix[o + i] * query[i];
    out[row] = s0 + s1 + s2 + s3;
  }
  return out;
}
