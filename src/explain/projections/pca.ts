import { knownOptions } from '../../core/known-options';
import { optionsObject } from '../../pipelines/shared/options';
import { columnMean, featureScatter, sampleGram } from './scatter-matrix';
import { leadingEigenpairs } from './symmetric-eigen';
import { type VectorSet, checkVectorSet, integerOption } from './vector-set';

/** Options of {@link pca}. @example `pca(vectors, { components: 3 })` */
export interface PcaOptions {
  /** Principal components to keep, 1 … min(n, d). Default 2 (a map; 1 for 1-D vectors). */
  readonly components?: number;
}

/** The result of {@link pca}: the projection, the axes and how much of the spread each keeps. @example `const { projected, components, mean }: PcaResult = pca(vectors);` */
export interface PcaResult {
  /** One row of `components` coordinates per input vector: (x − mean) · component. */
  readonly projected: Float32Array[];
  /**
   * Unit principal axes (d values each), the largest variance first. The sign of an axis is
   * arbitrary in PCA; here the largest-magnitude coordinate of each axis is positive.
   */
  readonly components: Float32Array[];
  /** The mean vector that was subtracted (d values). */
  readonly mean: Float32Array;
  /** Variance along each axis (eigenvalue of the covariance, divided by n − 1 as numpy/scikit-learn do). */
  readonly explainedVariance: number[];
  /** Each axis's share of the total variance (0 … 1; sums to 1 when every axis is kept, except for identical points: no variance, every share 0). */
  readonly explainedVarianceRatio: number[];
}

/**
 * Exact principal component analysis of n vectors of dimension d: mean-centred, the leading
 * eigenvectors of the covariance (or, with fewer vectors than dimensions, of the Gram matrix),
 * equal to an SVD-based PCA up to the sign of each axis. Measured in Node on one core:
 * n = 5000, d = 1280 in 3–9 s (the covariance dominates; the leading axes by subspace iteration
 * take ≈ 0.5 s where ml-matrix's full decomposition of the 1280×1280 covariance took 14 s).
 *
 * Bad input (fewer than 2 vectors, ragged rows, non-finite values) is `INVALID_INPUT`; a
 * `components` count outside 1 … min(n, d), or options that are not an object, are `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * const { projected, explainedVarianceRatio } = pca(embeddings, { components: 2 });
 * console.log(projected[0], explainedVarianceRatio); // [x, y], e.g. [0.31, 0.12]
 * ```
 */
export function pca(vectors: VectorSet, options?: PcaOptions): PcaResult {
  const { components: wanted } = optionsObject(options, 'pca options', ['components']);
  knownOptions(options ?? {}, 'pca options', ['components']);
  const { count, dim } = checkVectorSet(vectors, 2, 'pca');
  // the default is at most what the vectors allow (1-D vectors: one axis)
  const k = integerOption(wanted, Math.min(2, count, dim), 1, Math.min(count, dim), 'pca: components');
  const mean = columnMean(vectors, dim);
  const axes = count < dim ? axesFromGram(vectors, mean, dim, k) : axesFromScatter(vectors, mean, dim, k);
  const components = axes.vectors.map((axis) => orientAxis(axis));
  const projected = vectors.map((row) => {
    const out = new Float32Array(k);
    components.forEach((axis, c) => {
      let sum = 0;
      for (let j = 0; j < dim; j++) sum += ((row[j] as number) - (mean[j] as number)) * (axis[j] as number);
      out[c] = sum;
    });
    return out;
  });
  const total = axes.total > 0 ? axes.total : 1;
  return {
    projected,
    components: components.map((axis) => Float32Array.from(axis)),
    mean: Float32Array.from(mean),
    explainedVariance: axes.values.map((value) => value / (count - 1)),
    explainedVarianceRatio: axes.values.map((value) => value / total),
  };
}

interface Axes {
  /** Eigenvalues of the scatter matrix Xcᵀ·Xc (clamped at 0), descending. */
  readonly values: number[];
  /** Unit axes in the d-dimensional space. */
  readonly vectors: Float64Array[];
  /** The scatter matrix's trace: the total variance × (n − 1). */
  readonly total: number;
}

function axesFromScatter(vectors: VectorSet, mean: Float64Array, dim: number, k: number): Axes {
  const scatter = featureScatter(vectors, mean, dim);
  const pairs = leadingEigenpairs(scatter, dim, k);
  return { values: Array.from(pairs.values, (v) => Math.max(v, 0)), vectors: pairs.vectors, total: trace(scatter, dim) };
}

/**
 * With n < d the n×n Gram matrix G = Xc·Xcᵀ is smaller and shares the non-zero eigenvalues:
 * an eigenvector u of G gives the axis Xcᵀ·u / √λ. Axes of zero variance (the centred rows span
 * at most n − 1 dimensions) are completed by any unit vectors orthogonal to the others.
 */
function axesFromGram(vectors: VectorSet, mean: Float64Array, dim: number, k: number): Axes {
  const gram = sampleGram(vectors, mean, dim);
  const pairs = leadingEigenpairs(gram, vectors.length, k);
  const largest = Math.max(pairs.values[0] as number, 0);
  const axes: Float64Array[] = [];
  const values: number[] = [];
  pairs.vectors.forEach((u, c) => {
    const value = pairs.values[c] as number;
    const axis = value > 1e-12 * largest ? liftToFeatures(vectors, mean, dim, u) : undefined;
    axes.push(axis ?? unitOrthogonalTo(axes, dim));
    values.push(axis ? value : 0);
  });
  return { values, vectors: axes, total: trace(gram, vectors.length) };
}

/** Xcᵀ·u normalised to unit length. */
function liftToFeatures(vectors: VectorSet, mean: Float64Array, dim: number, u: Float64Array): Float64Array {
  const axis = new Float64Array(dim);
  vectors.forEach((row, i) => {
    const weight = u[i] as number;
    for (let j = 0; j < dim; j++) axis[j] = (axis[j] as number) + weight * ((row[j] as number) - (mean[j] as number));
  });
  return normalise(axis);
}

/** The first standard basis vector that is not spanned by `axes`, made orthogonal to them. */
function unitOrthogonalTo(axes: readonly Float64Array[], dim: number): Float64Array {
  for (let e = 0; e < dim; e++) {
    const candidate = new Float64Array(dim);
    candidate[e] = 1;
    for (const axis of axes) {
      const projection = axis[e] as number;
      for (let j = 0; j < dim; j++) candidate[j] = (candidate[j] as number) - projection * (axis[j] as number);
    }
    let norm = 0;
    for (const v of candidate) norm += v * v;
    if (norm > 1e-12) return normalise(candidate);
  }
  return new Float64Array(dim);
}

/** Flips `axis` so that its largest-magnitude coordinate is positive (a deterministic sign). */
function orientAxis(axis: Float64Array): Float64Array {
  let at = 0;
  for (let j = 1; j < axis.length; j++) if (Math.abs(axis[j] as number) > Math.abs(axis[at] as number)) at = j;
  return (axis[at] as number) < 0 ? axis.map((v) => -v) : axis;
}

function normalise(vector: Float64Array): Float64Array {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  return norm > 0 ? vector.map((v) => v / norm) : vector;
}

function trace(matrix: Float64Array, size: number): number {
  let sum = 0;
  for (let i = 0; i < size; i++) sum += matrix[i * size + i] as number;
  return sum;
}
