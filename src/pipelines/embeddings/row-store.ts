/**
 * The rows of a {@link SimilarityIndex} and the matrix–vector product a search needs. Rows start
 * in a plain `Float32Array`. Once they fill {@link SIMD_FROM_BYTES} — where WebAssembly SIMD is
 * available and the dimension is a multiple of 4 — they move into a WebAssembly memory and a
 * 304-byte SIMD kernel (`scripts/dot-kernel.wat`) scores them four lanes at a time. Every
 * WebAssembly memory reserves ~10 GiB of address space in V8, so thousands of small indexes
 * would exhaust it (and tfjs's wasm backend could no longer start): small indexes never make one.
 * In JavaScript a dimension that is a multiple of 4 is scored by a loop that repeats the kernel's
 * float32 arithmetic exactly, so moving the rows changes no score.
 */
import { VisionError, describeError } from '../../core/errors';
import { DOT_KERNEL_WASM_BASE64 } from './dot-kernel-wasm';
import { scoresFloat64, scoresLikeKernel } from './dot-kernel-js';

const PAGE = 65536;

/**
 * The most bytes a WebAssembly memory holds (65536 pages of 64 KiB): the rows, one query and one
 * score per row must fit, in either store, so that any index can move into WebAssembly memory.
 *
 * @example
 * ```ts
 * WASM_MEMORY_BYTES; // 4294967296
 * ```
 */
export const WASM_MEMORY_BYTES = 2 ** 32;

/**
 * Bytes of rows from which they move into WebAssembly memory. Measured (Node 20, 2 cores): the
 * SIMD kernel scores 1 MiB of rows in ~25 µs, the JavaScript loop in ~280 µs; below 1 MiB the loop
 * stays under a third of a millisecond per search, so an index that small gains nothing worth
 * the address space a WebAssembly memory reserves.
 *
 * @example
 * ```ts
 * SIMD_FROM_BYTES / (1280 * 4); // ≈ 205 rows of 1280 values
 * ```
 */
export const SIMD_FROM_BYTES = 2 ** 20;

/**
 * Whether creating a WebAssembly memory has failed (the address space was exhausted). V8 collects
 * garbage and retries before it gives up, ~1 s each time, so the stores that share a record stop
 * trying after the first failure and keep their rows in JavaScript.
 *
 * @example
 * ```ts
 * const record: MemoryRecord = { refused: false };
 * ```
 */
export interface MemoryRecord {
  refused: boolean;
}

/**
 * Where a {@link RowStore} stops and switches, and the {@link MemoryRecord} it shares (tests pass
 * their own; the defaults are {@link WASM_MEMORY_BYTES}, {@link SIMD_FROM_BYTES} and one record
 * for the whole process).
 *
 * @example
 * ```ts
 * const limits: RowStoreLimits = { maxBytes: 64 * 65536, simdFromBytes: 0, memory: { refused: false } };
 * ```
 */
export interface RowStoreLimits {
  /** Bytes the rows, a query and the scores may take; a multiple of 64 KiB, at most {@link WASM_MEMORY_BYTES}. */
  maxBytes?: number;
  /** Bytes of rows from which they move into WebAssembly memory. */
  simdFromBytes?: number;
  /** Where a failure to create a WebAssembly memory is remembered. */
  memory?: MemoryRecord;
}

type ScoresKernel = (matrix: number, rows: number, dim: number, query: number, out: number) => void;

let kernelModule: WebAssembly.Module | null | undefined;
/** The process's {@link MemoryRecord}: one failure, and no later store tries again. */
const processMemory: MemoryRecord = { refused: false };

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

/**
 * The most rows of `dim` values that fit in `maxBytes` with one query (`dim` values) and one score
 * per row after them: `floor((maxBytes − 4·dim) / (4·dim + 4))`.
 *
 * @example
 * ```ts
 * maxRows(65536); // 16382 (4 GiB of WebAssembly memory)
 * ```
 */
export function maxRows(dim: number, maxBytes = WASM_MEMORY_BYTES): number {
  return Math.floor((maxBytes - dim * 4) / (dim * 4 + 4));
}

/** `bytes` as "4 GiB" or "1.5 MiB". */
function shownBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${+(bytes / 2 ** 30).toFixed(2)} GiB` : `${+(bytes / 2 ** 20).toFixed(2)} MiB`;
}

/**
 * Rows of `dim` floats, growable up to {@link maxRows}, with `scores(count, query)`: the dot
 * product of each of the first `count` rows with the query. `matrix` is a view that changes when
 * the store grows.
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
  /** The most rows this store holds. */
  readonly maxRows: number;
  private capacity: number;
  private readonly maxBytes: number;
  private readonly simdFromBytes: number;
  private readonly memoryRecord: MemoryRecord;
  private memory: WebAssembly.Memory | null = null;
  private kernel: ScoresKernel | null = null;

  constructor(
    readonly dim: number,
    capacity: number,
    limits: RowStoreLimits = {},
  ) {
    this.maxBytes = limits.maxBytes ?? WASM_MEMORY_BYTES;
    this.simdFromBytes = limits.simdFromBytes ?? SIMD_FROM_BYTES;
    this.memoryRecord = limits.memory ?? processMemory;
    this.maxRows = maxRows(dim, this.maxBytes);
    this.capacity = Math.min(capacity, this.maxRows);
    this.matrix = new Float32Array(this.capacity * dim);
  }

  /** Whether the rows are in WebAssembly memory, scored by the SIMD kernel. */
  get simd(): boolean {
    return this.kernel !== null;
  }

  /**
   * Makes room for `rows` rows (doubling, up to {@link maxRows}), keeping the stored ones; moves
   * them into WebAssembly memory once they fill {@link SIMD_FROM_BYTES}. `INVALID_INPUT` past
   * {@link maxRows} or when the memory cannot be had.
   */
  reserve(rows: number): void {
    const { dim } = this;
    if (rows > this.maxRows) {
      throw new VisionError(
        'INVALID_INPUT',
        `the index cannot hold ${rows} vectors of ${dim} values: it holds at most ${this.maxRows} (${shownBytes(this.maxBytes)}, WebAssembly's memory limit, for the vectors, a query and a score per vector); split them into several indexes`,
      );
    }
    const capacity = rows > this.capacity ? Math.min(Math.max(rows, this.capacity * 2), this.maxRows) : this.capacity;
    if (!this.kernel && rows * dim * 4 >= this.simdFromBytes && this.moveToWasm(capacity)) return;
    if (capacity === this.capacity) return;
    try {
      if (this.memory) {
        const pages = Math.ceil(this.bytesFor(capacity) / PAGE) - this.memory.buffer.byteLength / PAGE;
        if (pages > 0) this.memory.grow(pages);
        this.matrix = new Float32Array(this.memory.buffer, 0, capacity * dim);
      } else {
        const grown = new Float32Array(capacity * dim);
        grown.set(this.matrix);
        this.matrix = grown;
      }
    } catch (error) {
      throw new VisionError('INVALID_INPUT', `the index could not grow to ${capacity} vectors of ${dim} values (${shownBytes(this.bytesFor(capacity))}): ${describeError(error)}; free memory or split the vectors into several indexes`, { cause: error });
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
    return dim % 4 === 0 ? scoresLikeKernel(this.matrix, count, dim, query) : scoresFloat64(this.matrix, count, dim, query);
  }

  /**
   * Moves the rows into a new WebAssembly memory of `capacity` rows with the kernel on it; false
   * (the rows stay where they are) without SIMD, for a dimension not a multiple of 4, or when
   * the memory cannot be created (remembered in the {@link MemoryRecord}).
   */
  private moveToWasm(capacity: number): boolean {
    const module = this.dim % 4 === 0 && !this.memoryRecord.refused ? simdModule() : null;
    if (!module) return false;
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: Math.ceil(this.bytesFor(capacity) / PAGE), maximum: this.maxBytes / PAGE });
      this.kernel = new WebAssembly.Instance(module, { env: { memory } }).exports.scores as ScoresKernel;
    } catch {
      this.memoryRecord.refused = true;
      return false;
    }
    const matrix = new Float32Array(memory.buffer, 0, capacity * this.dim);
    matrix.set(this.matrix);
    this.memory = memory;
    this.matrix = matrix;
    this.capacity = capacity;
    return true;
  }

  /** Bytes of memory for `capacity` rows plus the query and the scores after them. */
  private bytesFor(capacity: number): number {
    return capacity * this.dim * 4 + this.dim * 4 + capacity * 4;
  }
}
