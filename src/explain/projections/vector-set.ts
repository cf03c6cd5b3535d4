import { VisionError } from '../../core/errors';

/**
 * A set of n vectors of one dimension d, one row per vector (for example the embeddings of
 * `pipeline('image-feature-extraction')`). Any array-like rows work: `Float32Array`,
 * `Float64Array` or plain `number[]`.
 *
 * @example
 * ```ts
 * const vectors: VectorSet = [new Float32Array([0, 1]), new Float32Array([1, 0])];
 * ```
 */
export type VectorSet = ReadonlyArray<ArrayLike<number>>;

/** The shape of a validated {@link VectorSet}: `count` rows of `dim` finite numbers. @example `const { count, dim }: VectorSetShape = checkVectorSet(rows, 2, 'pca');` */
export interface VectorSetShape {
  readonly count: number;
  readonly dim: number;
}

/**
 * Checks that `vectors` holds at least `minCount` rows of one positive dimension, every value
 * finite and within float32's range; throws `INVALID_INPUT` naming the first bad row otherwise.
 *
 * @example
 * ```ts
 * const { count, dim } = checkVectorSet(vectors, 2, 'pca');
 * ```
 */
export function checkVectorSet(vectors: VectorSet, minCount: number, what: string): VectorSetShape {
  if (!Array.isArray(vectors)) {
    throw new VisionError('INVALID_INPUT', `${what}: vectors must be an array of rows (Float32Array or number[]), got ${typeof vectors}`);
  }
  if (vectors.length < minCount) {
    throw new VisionError('INVALID_INPUT', `${what}: needs at least ${minCount} vectors, got ${vectors.length}`);
  }
  const dim = vectors[0]?.length ?? 0;
  if (!Number.isInteger(dim) || dim < 1) {
    throw new VisionError('INVALID_INPUT', `${what}: vectors must have at least one dimension, row 0 has ${String(dim)}`);
  }
  // an index loop: forEach skips the holes of a sparse array ([a, , c])
  for (let i = 0; i < vectors.length; i++) {
    const row = vectors[i];
    if (row?.length !== dim) {
      throw new VisionError('INVALID_INPUT', `${what}: every vector must have ${dim} values like row 0, row ${i} has ${String(row?.length)}`);
    }
    for (let j = 0; j < dim; j++) {
      // results are float32: a value past its range would come back infinite (and its square overflow the scatter)
      if (typeof row[j] !== 'number' || !Number.isFinite(Math.fround(row[j]))) {
        throw new VisionError('INVALID_INPUT', `${what}: vectors must hold finite numbers within float32's range (|v| ≤ 3.4e38), row ${i} has ${String(row[j])} at index ${j}`);
      }
    }
  }
  return { count: vectors.length, dim };
}

/**
 * Checks an integer option against an inclusive range; throws `INVALID_OPTION` otherwise.
 *
 * @example
 * ```ts
 * const k = integerOption(options.components, 2, 1, 10, 'pca: components');
 * ```
 */
export function integerOption(value: number | undefined, fallback: number, min: number, max: number, what: string): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < min || chosen > max) {
    throw new VisionError('INVALID_OPTION', `${what} must be an integer from ${min} to ${max}, got ${value === undefined ? `the default ${fallback}` : String(value)}`);
  }
  return chosen;
}
