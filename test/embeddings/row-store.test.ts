// The rows of a SimilarityIndex: they start in a plain Float32Array and move into WebAssembly
// memory (the SIMD kernel) only once they fill SIMD_FROM_BYTES; both stores give the same scores
// to the bit; the store holds as many rows as fit in WebAssembly's 4 GiB (here: a smaller limit)
// and says so past it; a failure to create a WebAssembly memory is tried once, not per store.
import { afterEach, describe, expect, it } from 'vitest';
import { type MemoryRecord, RowStore, SIMD_FROM_BYTES, maxRows } from '../../src/pipelines/embeddings/row-store';
import { SimilarityIndex } from '../../src/pipelines/embeddings/similarity-index';
import { seededRandom } from '../../src/training/random';

/** Seeded values in [-1, 1). */
function random(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() * 2 - 1;
}

const unit = (v: Float32Array): Float32Array => {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

/** A store with `rows` random unit rows, in JavaScript (`simd` false) or WebAssembly memory. */
function filled(dim: number, rows: number, simd: boolean): RowStore {
  const store = new RowStore(dim, 4, { simdFromBytes: simd ? 0 : Number.POSITIVE_INFINITY, memory: { refused: false } });
  store.reserve(rows);
  const next = random(dim * 1000 + rows);
  for (let row = 0; row < rows; row++) store.matrix.set(unit(Float32Array.from({ length: dim }, next)), row * dim);
  return store;
}

const PAGE = 65536;
const RealMemory = WebAssembly.Memory;

/**
 * Counts the WebAssembly memories created from now on (`refuse`: each creation throws, as V8 does
 * when the address space is exhausted). vi.spyOn cannot wrap this built-in class: its instances
 * would lose their buffer.
 */
function countMemories(refuse = false): { created: number } {
  const count = { created: 0 };
  WebAssembly.Memory = class extends RealMemory {
    constructor(descriptor: WebAssembly.MemoryDescriptor) {
      count.created++;
      if (refuse) throw new RangeError('WebAssembly.Memory(): could not allocate memory');
      super(descriptor);
    }
  };
  return count;
}

describe('RowStore', () => {
  afterEach(() => {
    WebAssembly.Memory = RealMemory;
  });

  it('an index makes no WebAssembly memory until its vectors fill SIMD_FROM_BYTES; moving there changes no score or order', () => {
    const count = countMemories();
    const many = Array.from({ length: 50 }, () => new SimilarityIndex(128));
    expect(many.every((index) => !index.simd)).toBe(true);
    expect(count.created).toBe(0);

    const dim = 64;
    const below = SIMD_FROM_BYTES / (dim * 4) - 1; // one row short of the threshold
    const index = new SimilarityIndex(dim);
    const next = random(5);
    const vector = () => Float32Array.from({ length: dim }, next);
    for (let n = 0; n < below; n++) index.add(`v${n}`, vector());
    const query = vector();
    const before = index.search(query, index.size);
    expect(index.simd).toBe(false);
    expect(count.created).toBe(0);
    index.add('last', vector());
    expect(index.simd).toBe(true);
    expect(count.created).toBe(1);
    const after = index.search(query, index.size);
    expect(after.filter((hit) => hit.id !== 'last')).toEqual(before);
    expect(index.get('v7')).toEqual({ vector: expect.any(Float32Array), metadata: undefined });
  });

  it('JavaScript and the SIMD kernel give the same scores to the bit, for every dimension that is a multiple of 4', () => {
    for (const dim of [4, 8, 12, 20, 48, 128, 1284]) {
      const rows = 37;
      const js = filled(dim, rows, false);
      const simd = filled(dim, rows, true);
      expect([js.simd, simd.simd]).toEqual([false, true]);
      expect(simd.matrix.subarray(0, rows * dim)).toEqual(js.matrix.subarray(0, rows * dim));
      const next = random(dim);
      for (let q = 0; q < 5; q++) {
        const query = unit(Float32Array.from({ length: dim }, next));
        expect(Array.from(js.scores(rows, query))).toEqual(Array.from(simd.scores(rows, query)));
      }
    }
  });

  it('holds as many rows as fit with a query and the scores (no doubling past the limit), then refuses naming the true limit', () => {
    const dim = 64;
    const maxBytes = 64 * PAGE; // 4 MiB standing in for WebAssembly's 4 GiB
    const most = maxRows(dim, maxBytes);
    expect(most).toBe(16130); // floor((4 MiB − 256) / 260)
    expect(maxRows(65536)).toBe(16382);
    expect(maxRows(1280)).toBe(838204);
    for (const simdFromBytes of [0, Number.POSITIVE_INFINITY]) {
      const store = new RowStore(dim, 64, { maxBytes, simdFromBytes, memory: { refused: false } });
      store.reserve(8193); // doubling from 8192 would ask for 16384 rows: more than fit
      store.reserve(most);
      expect(store.simd).toBe(simdFromBytes === 0);
      expect(store.matrix.length).toBe(most * dim);
      store.matrix.fill(0.125, (most - 1) * dim);
      const scores = store.scores(most, new Float32Array(dim).fill(1));
      expect([scores[0], scores[most - 1]]).toEqual([0, 8]);
      expect(() => store.reserve(most + 1)).toThrow(
        expect.objectContaining({ name: 'VisionError', code: 'INVALID_INPUT', message: expect.stringContaining(`cannot hold 16131 vectors of 64 values: it holds at most 16130 (4 MiB,`) }),
      );
      expect(store.scores(most, new Float32Array(dim).fill(1))[most - 1]).toBe(8); // nothing lost
    }
  });

  it('a WebAssembly memory that cannot be created is tried once: later stores stay in JavaScript without trying, and score alike', () => {
    const count = countMemories(true);
    const record: MemoryRecord = { refused: false };
    const stores = [0, 1, 2].map(() => new RowStore(8, 4, { simdFromBytes: 0, memory: record }));
    stores.forEach((store) => store.reserve(3));
    expect(count.created).toBe(1);
    expect(record.refused).toBe(true);
    expect(stores.map((store) => store.simd)).toEqual([false, false, false]);
    WebAssembly.Memory = RealMemory;
    const js = filled(8, 3, false);
    const query = unit(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    stores[0].matrix.set(js.matrix);
    expect(stores[0].scores(3, query)).toEqual(js.scores(3, query));
    // a fresh record tries again
    const again = new RowStore(8, 4, { simdFromBytes: 0, memory: { refused: false } });
    again.reserve(1);
    expect(again.simd).toBe(true);
  });
});
