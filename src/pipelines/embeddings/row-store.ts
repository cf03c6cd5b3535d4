/**
 * The rows of a {@link SimilarityIndex} and the matrix–vector product a search needs. Where
 * WebAssembly SIMD is available and the dimension is a multiple of 4 the rows live in a
 * WebAssembly memory and a 304-byte SIMD kernel (`scripts/dot-kernel.wat`) scores them four
 * lanes at a time; otherwise they live in a plain `Float32Array` scored by a JavaScript loop.
 */
import { VisionError } from '../../core/errors';
import { DOT_KERNEL_WASM_BASE64 } from './dot-kernel-wasm';

const PAGE = 65536;

type ScoresKernel = (matrix: number, rows: number, dim: number, query: number, out: number) => void;

let kernelModule: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is missing (compiled once). */
function simdModule(): WebAssembly.Module | null {
  if (kernelModule !== undefined) return kernelModule;
  try {
    const bytes = Uint8Array.from(atob(DOT_KERNEL_WASM_BASE64), (c) => c.charCodeAt(0));
    kernelModule = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    kernelModule = null;
  }
  return kernelModule;
}

/** Dot product of row `offset` of `matrix` with `q` in JavaScript, four running sums. */
function dot(matrix: Float32Array, offset: number, q: Float32Array, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dim; i += 4) {
    s0 += matrix[offset + i] * q[i];
    s1 += matrix[offset + i + 1] * q[i + 1];
    s2 += matrix[offset + i + 2] * q[i + 2];
    s3 += matrix[offset + i + 3] * q[i + 3];
  }
  for (; i < dim; i++) s0 += matrix[offset + i] * q[i];
  return s0 + s1 + s2 + s3;
}

/**
 * Rows of `dim` floats, growable, with `scores(count, query)`: the dot product of each of the
 * first `count` rows with the query. `matrix` is a view that changes when the store grows.
 *
 * @example
 * ```ts
 * const store = new RowStore(1280, 64);
 * store.reserve(100);
 * store.matrix.set(unitVector, 0);
 * const scores = store.scores(1, query); // Float32Array(1)
 * ```
 */
export class RowStore {
  /** The rows, row-major; replaced by {@link reserve} when it grows. */
  matrix: Float32Array;
  /** Whether the SIMD kernel scores the rows. */
  readonly simd: boolean;
  private capacity: number;
  private readonly memory: WebAssembly.Memory | null;
  private readonly kernel: ScoresKernel | null;

  constructor(
    readonly dim: number,
    capacity: number,
  ) {
    this.capacity = capacity;
    const module = dim % 4 === 0 ? simdModule() : null;
    let memory: WebAssembly.Memory | null = null;
    let kernel: ScoresKernel | null = null;
    if (module) {
      try {
        memory = new WebAssembly.Memory({ initial: Math.ceil(this.bytesFor(capacity) / PAGE), maximum: PAGE });
        kernel = new WebAssembly.Instance(module, { env: { memory } }).exports.scores as ScoresKernel;
      } catch {
        memory = null;
        kernel = null;
      }
    }
    this.memory = memory;
    this.kernel = kernel;
    this.simd = kernel !== null;
    this.matrix = memory ? new Float32Array(memory.buffer, 0, capacity * dim) : new Float32Array(capacity * dim);
  }

  /** Makes room for `rows` rows (doubling), keeping the stored ones. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < rows) capacity *= 2;
    if (this.memory) {
      const pages = Math.ceil(this.bytesFor(capacity) / PAGE) - this.memory.buffer.byteLength / PAGE;
      if (pages > 0) {
        try {
          this.memory.grow(pages);
        } catch (error) {
          // WebAssembly memory stops at 4 GiB (65536 pages of 64 KiB)
          throw new VisionError('INVALID_INPUT', `the index cannot hold ${rows} rows of ${this.dim} values: its vectors would pass WebAssembly's 4 GiB; split it into several indexes`, { cause: error });
        }
      }
      this.matrix = new Float32Array(this.memory.buffer, 0, capacity * this.dim);
    } else {
      const grown = new Float32Array(capacity * this.dim);
      grown.set(this.matrix);
      this.matrix = grown;
    }
    this.capacity = capacity;
  }

  /** Dot products of the first `count` rows with `query` (a fresh array, or a view the next call overwrites). */
  scores(count: number, query: Float32Array): Float32Array | Float64Array {
    const { dim } = this;
    if (this.memory && this.kernel) {
      const queryAt = this.capacity * dim * 4;
      const outAt = queryAt + dim * 4;
      new Float32Array(this.memory.buffer, queryAt, dim).set(query);
      this.kernel(0, count, dim, queryAt, outAt);
      return new Float32Array(this.memory.buffer, outAt, count);
    }
    const out = new Float64Array(count);
    for (let row = 0; row < count; row++) out[row] = dot(this.matrix, row * dim, query, dim);
    return out;
  }

  /** Bytes of memory for `capacity` rows plus the query and the scores after them. */
  private bytesFor(capacity: number): number {
    return capacity * this.dim * 4 + this.dim * 4 + capacity * 4;
  }
}
