import { VisionError, describeError } from '../../core/errors';
import { shownValue } from '../../core/shown-value';
import { decodeIndex, encodeIndex } from './index-bytes';
import { RowStore } from './row-store';

/**
 * One search result: the id of a stored vector, its cosine similarity to the query (−1…1,
 * higher is closer) and the metadata stored with it.
 *
 * @example
 * ```ts
 * const [{ id, score, metadata }] = index.search(query, 1);
 * ```
 */
export interface SearchHit<M = unknown> {
  id: string;
  score: number;
  metadata: M | undefined;
}

const INITIAL_CAPACITY = 64;
/** Longest vector an index holds (the largest embeddings in use have a few thousand values). */
const MAX_DIM = 65536;

/**
 * Exact nearest-neighbour search by cosine similarity over a flat `Float32Array` matrix:
 * vectors are stored L2-normalised, one row each; the matrix grows by doubling and `remove`
 * moves the last row into the gap. A search scores every row (a matrix–vector product) and keeps
 * the k best — measured at 100k × 1280 in `npm run bench -- --only similarity`. Once the vectors
 * fill 1 MiB, where WebAssembly SIMD is available and the dimension is a multiple of 4, they move
 * into WebAssembly memory and a SIMD kernel scores them; before that (and elsewhere) a JavaScript
 * loop does, which for such dimensions gives the kernel's scores to the last bit. An index holds
 * at most `floor((4 GiB − 4·dim) / (4·dim + 4))` vectors (16382 of 65536 values; WebAssembly's
 * memory limit, in either store).
 * Metadata must be JSON-serialisable (`add` refuses anything else), so that
 * {@link SimilarityIndex.toBytes} can save it. The index keeps its JSON text, not the caller's
 * object: changing that object after `add`, or a metadata object that `get` or `search` returned
 * (each call returns a fresh copy, as JSON reads it back), changes nothing in the index.
 *
 * @example
 * ```ts
 * const index = new SimilarityIndex<{ path: string }>(1280);
 * index.add('cat', embedding, { path: 'cat.jpg' });
 * const hits = index.search(queryEmbedding, 5); // [{ id: 'cat', score: 0.93, metadata: { path: 'cat.jpg' } }, ...]
 * const copy = SimilarityIndex.fromBytes(index.toBytes());
 * ```
 */
export class SimilarityIndex<M = unknown> {
  private readonly store: RowStore;
  private rowIds: string[] = [];
  /** Each row's metadata as JSON text (`undefined`: none). */
  private rowMetadata: (string | undefined)[] = [];
  private rows = new Map<string, number>();

  /** `dim`: the length of every vector, an integer in [1, 65536]; `INVALID_OPTION` otherwise. */
  constructor(readonly dim: number) {
    if (!(Number.isInteger(dim) && dim > 0 && dim <= MAX_DIM)) {
      throw new VisionError('INVALID_OPTION', `dim is ${shownValue(dim)}; it must be an integer in [1, ${MAX_DIM}]`);
    }
    this.store = new RowStore(dim, INITIAL_CAPACITY);
  }

  /** The rows (a view that changes when the store grows). */
  private get matrix(): Float32Array {
    return this.store.matrix;
  }

  /** How many vectors the index holds. */
  get size(): number {
    return this.rowIds.length;
  }

  /**
   * Whether searches run the WebAssembly SIMD kernel: once the vectors fill 1 MiB, where SIMD is
   * available and the dimension is a multiple of 4 (else a JavaScript loop; for such dimensions
   * it gives the same scores).
   */
  get simd(): boolean {
    return this.store.simd;
  }

  /** The ids in storage order (which `remove` changes). */
  ids(): string[] {
    return [...this.rowIds];
  }

  /** Whether a vector with this id is stored. */
  has(id: string): boolean {
    return this.rows.has(id);
  }

  /** The stored (unit-length) vector and a copy of the metadata of an id; `INVALID_INPUT` for an unknown id. */
  get(id: string): { vector: Float32Array; metadata: M | undefined } {
    const row = this.rowOf(id);
    return { vector: this.matrix.slice(row * this.dim, (row + 1) * this.dim), metadata: this.metadataAt(row) };
  }

  /**
   * Stores a vector (normalised to unit length) under a new id. `INVALID_INPUT` when the id is
   * already there, the length is not `dim`, or a value is not finite, or the vector is all zeros,
   * or the metadata cannot be written as JSON (a cycle, a BigInt, a function). `null` metadata (and NaN or
   * ±Infinity, which JSON writes as null) is
   * none (read back as `undefined`, before and after {@link toBytes}). The metadata is kept as
   * its JSON text: later changes to the object do not reach the index.
   */
  add(id: string, vector: ArrayLike<number>, metadata?: M | null): void {
    this.insert(id, vector, metadata, false);
  }

  /** {@link add}; `saved`: a row read back from {@link toBytes}, kept bit for bit when it is a unit vector to float32 rounding (normalising it again would move it a step per save and load). */
  private insert(id: string, vector: ArrayLike<number>, metadata: M | null | undefined, saved: boolean): void {
    if (typeof id !== 'string') throw new VisionError('INVALID_INPUT', `id must be a string, got ${typeof id}`);
    if (this.rows.has(id)) throw new VisionError('INVALID_INPUT', `id '${id}' is already in the index; remove it first`);
    const unit = this.unitVector(vector, `vector of '${id}'`, saved);
    let written: string | undefined;
    try {
      written = JSON.stringify(metadata);
    } catch (error) {
      throw new VisionError('INVALID_INPUT', `metadata of '${id}' must be JSON-serialisable (toBytes saves it as JSON): ${describeError(error)}`, { cause: error });
    }
    // a function or symbol is not an error to JSON.stringify, but toBytes would save nothing of it
    if (metadata !== undefined && written === undefined) throw new VisionError('INVALID_INPUT', `metadata of '${id}' is ${shownValue(metadata)}; it must be JSON-serialisable (an object, array, string, number, boolean or null)`);
    const row = this.rowIds.length;
    this.store.reserve(row + 1);
    this.matrix.set(unit, row * this.dim);
    this.rowIds.push(id);
    // the saved form keeps no difference between null (NaN and ±Infinity are written as null) and none
    this.rowMetadata.push(written === 'null' ? undefined : written);
    this.rows.set(id, row);
  }

  /** Removes an id and its vector (the last row moves into its place); `INVALID_INPUT` for an unknown id. */
  remove(id: string): void {
    const row = this.rowOf(id);
    const last = this.rowIds.length - 1;
    if (row !== last) {
      this.matrix.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
      this.rowIds[row] = this.rowIds[last];
      this.rowMetadata[row] = this.rowMetadata[last];
      this.rows.set(this.rowIds[row], row);
    }
    this.rowIds.pop();
    this.rowMetadata.pop();
    this.rows.delete(id);
  }

  /**
   * The `k` stored vectors most similar to `query` by cosine similarity (−1…1: float32 rounding
   * can give 1.0000001, which is read as 1), best first (ties: the earlier row first). Exact:
   * every row is scored. `INVALID_INPUT` for a query of the wrong length, with a non-finite value
   * or all zeros; `INVALID_OPTION` unless k is a positive integer.
   */
  search(query: ArrayLike<number>, k = 5): SearchHit<M>[] {
    if (!(Number.isInteger(k) && k > 0)) throw new VisionError('INVALID_OPTION', `k is ${shownValue(k)}; it must be a positive integer`);
    const q = this.unitVector(query, 'query');
    const best = topRows(this.store.scores(this.rowIds.length, q), Math.min(k, this.rowIds.length));
    return best.map(({ row, score }) => ({ id: this.rowIds[row], score, metadata: this.metadataAt(row) }));
  }

  /** The index as bytes (a versioned binary format: a JSON header with ids and metadata, then the float32 rows). */
  toBytes(): Uint8Array {
    const metadata = this.rowMetadata.map((_, row) => this.metadataAt(row));
    return encodeIndex({ dim: this.dim, ids: this.rowIds, metadata, vectors: this.matrix.subarray(0, this.rowIds.length * this.dim) });
  }

  /** An index read from {@link SimilarityIndex.toBytes}'s bytes (or their `ArrayBuffer`, as `fetch` gives), its rows bit for bit; `INVALID_INPUT` when they are not such an index. */
  static fromBytes<M = unknown>(bytes: Uint8Array | ArrayBuffer): SimilarityIndex<M> {
    const decoded = decodeIndex(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes);
    try {
      const index = new SimilarityIndex<M>(decoded.dim);
      decoded.ids.forEach((id, i) => index.insert(id, decoded.vectors.subarray(i * decoded.dim, (i + 1) * decoded.dim), decoded.metadata[i] as M | undefined, true));
      return index;
    } catch (error) {
      // a dimension over the limit, an id twice, a zero or non-finite row: the bytes were altered
      if (!(error instanceof VisionError)) throw error;
      throw new VisionError('INVALID_INPUT', `not a valid saved similarity index: ${error.message}`, { cause: error });
    }
  }

  /** A fresh copy of a row's metadata, read from its JSON text. */
  private metadataAt(row: number): M | undefined {
    const text = this.rowMetadata[row];
    return text === undefined ? undefined : (JSON.parse(text) as M);
  }

  private rowOf(id: string): number {
    const row = this.rows.get(id);
    if (row === undefined) throw new VisionError('INVALID_INPUT', `id ${shownValue(id)} is not in the index`);
    return row;
  }

  /** The vector checked and scaled to length 1 as float32; `asSaved`: a float32 row already of length 1 (to 1e-6) is copied as it is. */
  private unitVector(vector: ArrayLike<number>, what: string, asSaved = false): Float32Array {
    if (!vector || typeof vector.length !== 'number') throw new VisionError('INVALID_INPUT', `${what} must be an array of ${this.dim} numbers`);
    if (vector.length !== this.dim) throw new VisionError('INVALID_INPUT', `${what} has ${vector.length} values; this index holds ${this.dim}-d vectors`);
    // divide by the largest |value| first: squaring 1e300 overflows and squaring 1e-200 underflows
    let largest = 0;
    for (let i = 0; i < vector.length; i++) {
      const v = vector[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new VisionError('INVALID_INPUT', `${what} has a non-finite value (${shownValue(v)}) at ${i}`);
      largest = Math.max(largest, Math.abs(v));
    }
    if (largest === 0) throw new VisionError('INVALID_INPUT', `${what} is all zeros; cosine similarity needs a non-zero vector`);
    let sum = 0;
    for (let i = 0; i < this.dim; i++) sum += (vector[i] / largest) ** 2;
    const norm = Math.sqrt(sum);
    if (asSaved && Math.abs(largest * norm - 1) <= 1e-6) return Float32Array.from(vector);
    const unit = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) unit[i] = vector[i] / largest / norm;
    return unit;
  }
}

/** The k rows with the highest scores clamped to −1…1, best first (a min-heap of k over one pass). */
function topRows(scores: ArrayLike<number>, k: number): { row: number; score: number }[] {
  const count = scores.length;
  const heapScores = new Float64Array(k);
  const heapRows = new Int32Array(k);
  let size = 0;
  // the heap's root is the worst kept: lower score, or equal score and later row
  const worse = (a: number, b: number) => heapScores[a] < heapScores[b] || (heapScores[a] === heapScores[b] && heapRows[a] > heapRows[b]);
  const swap = (a: number, b: number) => {
    const s = heapScores[a];
    heapScores[a] = heapScores[b];
    heapScores[b] = s;
    const r = heapRows[a];
    heapRows[a] = heapRows[b];
    heapRows[b] = r;
  };
  for (let row = 0; row < count; row++) {
    const score = Math.min(1, Math.max(-1, scores[row]));
    if (size < k) {
      heapScores[size] = score;
      heapRows[size] = row;
      for (let i = size++; i > 0 && worse(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
    } else if (score > heapScores[0]) {
      heapScores[0] = score;
      heapRows[0] = row;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < k && worse(l, m)) m = l;
        if (r < k && worse(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  }
  const out = Array.from({ length: size }, (_, i) => ({ row: heapRows[i], score: heapScores[i] }));
  return out.sort((a, b) => b.score - a.score || a.row - b.row);
}
