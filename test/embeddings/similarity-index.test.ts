import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIndex } from '../../src/pipelines/embeddings/index-bytes';
import { SIMD_FROM_BYTES } from '../../src/pipelines/embeddings/row-store';
import { SimilarityIndex } from '../../src/pipelines/embeddings/similarity-index';
import { loadSimilarityIndex, saveSimilarityIndex } from '../../src/node/similarity-index-file';

/** A small seeded generator (mulberry32) so that failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const gaussianVectors = (count: number, dim: number, seed: number): Float64Array[] => {
  const next = random(seed);
  return Array.from({ length: count }, () => Float64Array.from({ length: dim }, () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next())));
};

/** The reference: cosine similarity in float64 of the raw vectors, every pair, sorted. */
function bruteForce(stored: Map<string, Float64Array>, query: Float64Array, k: number): { id: string; score: number }[] {
  const length = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return [...stored]
    .map(([id, v]) => ({ id, score: v.reduce((s, x, i) => s + x * query[i], 0) / (length(v) * length(query)) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

describe('SimilarityIndex', () => {
  it('a dimension that is not a multiple of 4 is scored by the JavaScript loop, as exactly', () => {
    for (const dim of [30, 1280]) {
      const index = new SimilarityIndex(dim);
      const stored = new Map<string, Float64Array>();
      gaussianVectors(300, dim, dim).forEach((v, n) => {
        index.add(`v${n}`, v);
        stored.set(`v${n}`, v);
      });
      expect(index.simd).toBe(dim % 4 === 0);
      for (const query of gaussianVectors(5, dim, 3)) {
        const hits = index.search(query, 5);
        const expected = bruteForce(stored, query, 5);
        expect(hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
        hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 5));
      }
    }
  });

  it('searches exactly: ids and scores equal brute-force cosine, also after removals and growth', () => {
    const dim = 48;
    // enough rows to fill SIMD_FROM_BYTES (5462 of 48 values) after the removals: the kernel scores them
    const count = Math.ceil((SIMD_FROM_BYTES / (dim * 4)) * 1.5) + 1;
    const vectors = gaussianVectors(count, dim, 7);
    const index = new SimilarityIndex<{ n: number }>(dim);
    const stored = new Map<string, Float64Array>();
    vectors.forEach((v, n) => {
      index.add(`v${n}`, v, { n });
      stored.set(`v${n}`, v);
    });
    for (let n = 0; n < count; n += 3) {
      index.remove(`v${n}`);
      stored.delete(`v${n}`);
    }
    expect(index.size).toBe(stored.size);
    for (const query of gaussianVectors(25, dim, 99)) {
      const hits = index.search(query, 10);
      const expected = bruteForce(stored, query, 10);
      expect(hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
      hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 5));
      expect(hits[0].metadata).toEqual({ n: Number(hits[0].id.slice(1)) });
    }
    expect(index.simd).toBe(true); // 48 is a multiple of 4 and the rows fill 1 MiB: the WebAssembly SIMD kernel scored these
    // k beyond the size returns everything, best first
    expect(index.search(vectors[1], 10_000)).toHaveLength(stored.size);
    expect(index.search(vectors[1], 1)[0]).toMatchObject({ id: 'v1' });
    expect(index.search(vectors[1], 1)[0].score).toBeCloseTo(1, 6);
  });

  it('scores stay within −1…1: a vector against itself (or its negation) never scores past 1 (JavaScript loop and SIMD kernel)', () => {
    // float32 rows and sums put 10 of these 1024 self-scores at 1.0000001 (SIMD) and 31 of 60 (7-d, JavaScript)
    for (const [dim, count] of [[7, 60], [256, SIMD_FROM_BYTES / 1024]]) {
      const index = new SimilarityIndex(dim);
      const vectors = gaussianVectors(count, dim, 11);
      vectors.forEach((v, n) => index.add(`v${n}`, v));
      expect(index.simd).toBe(dim === 256);
      let highest = -2;
      let lowest = 2;
      for (const v of vectors) {
        highest = Math.max(highest, index.search(v, 1)[0].score);
        lowest = Math.min(lowest, index.search(v.map((x) => -x), count).at(-1)!.score);
      }
      expect([highest, lowest]).toEqual([1, -1]);
    }
  });

  it('round-trips through bytes and a file (ids, metadata, vectors, search results)', async () => {
    const index = new SimilarityIndex<{ path: string } | undefined>(16);
    gaussianVectors(40, 16, 3).forEach((v, n) => index.add(`photo ${n} ✓`, v, n % 2 ? { path: `p${n}.jpg` } : undefined));
    index.remove('photo 5 ✓');
    const query = gaussianVectors(1, 16, 4)[0];
    const copy = SimilarityIndex.fromBytes<{ path: string } | undefined>(index.toBytes());
    expect(copy.ids()).toEqual(index.ids());
    expect(copy.search(query, 8)).toEqual(index.search(query, 8));
    expect(copy.get('photo 3 ✓')).toEqual(index.get('photo 3 ✓'));
    const folder = mkdtempSync(join(tmpdir(), 'vp-index-'));
    try {
      await saveSimilarityIndex(index, join(folder, 'photos.vpsi'));
      const loaded = await loadSimilarityIndex<{ path: string } | undefined>(join(folder, 'photos.vpsi'));
      expect(loaded.search(query, 8)).toEqual(index.search(query, 8));
      writeFileSync(join(folder, 'bad.vpsi'), 'not an index');
      await expect(loadSimilarityIndex(join(folder, 'bad.vpsi'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(loadSimilarityIndex(join(folder, 'missing.vpsi'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const bytes = index.toBytes();
    expect(() => SimilarityIndex.fromBytes(bytes.subarray(0, bytes.length - 4))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    const newer = bytes.slice();
    newer[4] = 9;
    expect(() => SimilarityIndex.fromBytes(newer)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('version 9') }));
  });

  it('save → load keeps every row bit for bit, cycle after cycle (rows of widely spread values moved a float32 step per load)', () => {
    const r = random(8);
    const index = new SimilarityIndex(128);
    for (let n = 0; n < 2000; n++) index.add(`v${n}`, Float64Array.from({ length: 128 }, () => (r() - 0.5) * Math.exp(20 * r())));
    const bytes = index.toBytes();
    let copy = SimilarityIndex.fromBytes(bytes);
    for (let cycle = 0; cycle < 3; cycle++) copy = SimilarityIndex.fromBytes(copy.toBytes());
    expect(Buffer.from(copy.toBytes()).equals(Buffer.from(bytes))).toBe(true);
    // a saved row that is not of length 1 (written by another tool) is still normalised
    const unnormalised = encodeIndex({ dim: 2, ids: ['a'], metadata: [undefined], vectors: Float32Array.of(3, 4) });
    expect(Array.from(SimilarityIndex.fromBytes(unnormalised).get('a').vector)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it('rejects wrong dimensions, non-finite and zero vectors, duplicate and unknown ids with VisionError', () => {
    const index = new SimilarityIndex(4);
    index.add('a', [1, 0, 0, 0]);
    const code = (c: string) => expect.objectContaining({ name: 'VisionError', code: c });
    expect(() => index.add('b', [1, 2, 3])).toThrow(code('INVALID_INPUT'));
    expect(() => index.add('b', [1, Number.NaN, 0, 0])).toThrow(code('INVALID_INPUT'));
    expect(() => index.add('b', [0, 0, 0, 0])).toThrow(code('INVALID_INPUT'));
    expect(() => index.add('a', [0, 1, 0, 0])).toThrow(code('INVALID_INPUT'));
    expect(() => index.search([1, 2], 1)).toThrow(code('INVALID_INPUT'));
    expect(() => index.search([Number.POSITIVE_INFINITY, 0, 0, 0], 1)).toThrow(code('INVALID_INPUT'));
    expect(() => index.search([1, 0, 0, 0], 0)).toThrow(code('INVALID_OPTION'));
    expect(() => index.remove('zzz')).toThrow(code('INVALID_INPUT'));
    expect(() => index.get('zzz')).toThrow(code('INVALID_INPUT'));
    expect(() => new SimilarityIndex(0)).toThrow(code('INVALID_OPTION'));
    // nothing was corrupted
    expect(index.size).toBe(1);
    expect(index.search([2, 0, 0, 0], 3)).toEqual([{ id: 'a', score: 1, metadata: undefined }]);
    index.remove('a');
    expect(index.search([1, 0, 0, 0], 3)).toEqual([]);
  });

  it('normalises vectors of huge and tiny values without overflow or underflow', () => {
    const index = new SimilarityIndex(4);
    index.add('big', Float64Array.of(1e300, 1e300, 0, 0));
    index.add('tiny', [1e-200, 0, 0, 0]);
    index.add('largest', [Number.MAX_VALUE, -Number.MAX_VALUE, 0, 0]);
    index.add('subnormal', [0, 0, Number.MIN_VALUE, 0]);
    expect(Array.from(index.get('big').vector)).toEqual([Math.fround(Math.SQRT1_2), Math.fround(Math.SQRT1_2), 0, 0]);
    expect(Array.from(index.get('tiny').vector)).toEqual([1, 0, 0, 0]);
    expect(Array.from(index.get('subnormal').vector)).toEqual([0, 0, 1, 0]);
    expect(index.search([1, 1, 0, 0], 1)[0]).toMatchObject({ id: 'big', score: expect.closeTo(1, 6) });
    expect(index.search(Float64Array.of(1e300, -1e300, 0, 0), 1)[0]).toMatchObject({ id: 'largest', score: expect.closeTo(1, 6) });
  });

  it('refuses metadata that JSON cannot write, a dimension over 65536, and quotes strings in messages', () => {
    const index = new SimilarityIndex(2);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => index.add('circ', [1, 0], circular)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/^metadata of 'circ' must be JSON-serialisable/) }));
    expect(() => index.add('big', [1, 0], { n: 10n })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(index.size).toBe(0);
    expect(() => index.toBytes()).not.toThrow();
    expect(() => new SimilarityIndex(1e9)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'dim is 1000000000; it must be an integer in [1, 65536]' }));
    expect(new SimilarityIndex(65536).dim).toBe(65536);
    expect(() => new SimilarityIndex('4' as unknown as number)).toThrow(/dim is "4"/);
    expect(() => index.search([1, 0], '2' as unknown as number)).toThrow(/k is "2"/);
  });

  it('refuses metadata that toBytes would silently drop (a function, a symbol), keeping the index unchanged', () => {
    const index = new SimilarityIndex(2);
    expect(() => index.add('fn', [1, 0], (() => 1) as unknown)).toThrow(expect.objectContaining({ name: 'VisionError', code: 'INVALID_INPUT', message: "metadata of 'fn' is a function; it must be JSON-serialisable (an object, array, string, number, boolean or null)" }));
    expect(() => index.add('sym', [1, 0], Symbol('s') as unknown)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(index.size).toBe(0);
    index.add('plain', [1, 0], null);
    index.add('none', [0, 1]);
    expect(SimilarityIndex.fromBytes(index.toBytes()).ids()).toEqual(['plain', 'none']);
    // NaN is written as null: it was null before saving and undefined after
    index.add('nan', [1, 1], Number.NaN);
    expect(index.get('nan').metadata).toBeUndefined();
    expect(SimilarityIndex.fromBytes(index.toBytes()).get('nan').metadata).toBeUndefined();
  });

  it('an index too large for one file (past the engine\'s 4 GiB byte-array limit) is INVALID_INPUT saying so, not a RangeError', () => {
    // 2^31 values claimed (8 GiB of float32): the allocation fails at once, nothing that size is made
    const vectors = { length: 2 ** 31 } as unknown as Float32Array;
    expect(() => encodeIndex({ dim: 65536, ids: ['a'], metadata: [null], vectors })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/^the index is too large to save as one file: 1 vectors of 65536 values .*split it into several indexes$/) }),
    );
  });

  it("fromBytes takes the bytes' ArrayBuffer (fetch's arrayBuffer()) and names what else it was given", () => {
    const index = new SimilarityIndex<{ path: string }>(2);
    index.add('a', [1, 0], { path: 'a.jpg' });
    const bytes = index.toBytes();
    const buffer = new Uint8Array(bytes).buffer;
    expect(SimilarityIndex.fromBytes<{ path: string }>(buffer).get('a').metadata).toEqual({ path: 'a.jpg' });
    // it said "the bytes do not start with VPSI"
    expect(() => SimilarityIndex.fromBytes('VPSI' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('the bytes are "VPSI"; allowed: a Uint8Array or ArrayBuffer') }));
  });

  it('fromBytes says the bytes are not a valid index when their header was altered (an id twice, a dimension over the limit)', () => {
    const index = new SimilarityIndex(2);
    index.add('a', [1, 0]);
    index.add('b', [0, 1]);
    const bytes = index.toBytes();
    const header = new TextDecoder().decode(bytes.subarray(12, 12 + new DataView(bytes.buffer).getUint32(8, true)));
    const twice = bytes.slice();
    twice.set(new TextEncoder().encode(header.replace('"b"', '"a"')), 12);
    expect(() => SimilarityIndex.fromBytes(twice)).toThrow(expect.objectContaining({ name: 'VisionError', code: 'INVALID_INPUT', message: "not a valid saved similarity index: id 'a' is already in the index; remove it first" }));
    const wide = new SimilarityIndex(1);
    wide.add('x', [1]);
    const one = wide.toBytes();
    // dim 1 → 65537 with count 0 and no rows: well-formed apart from the dimension
    const tooWide = new TextEncoder().encode(JSON.stringify({ dim: 65537, count: 0, ids: [], metadata: [] }).padEnd(one.length - 16, ' '));
    const altered = new Uint8Array(12 + tooWide.length);
    altered.set(one.subarray(0, 12));
    new DataView(altered.buffer).setUint32(8, tooWide.length, true);
    altered.set(tooWide, 12);
    expect(() => SimilarityIndex.fromBytes(altered)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/^not a valid saved similarity index: dim is 65537/) }));
    // a header that is JSON but no object (null, a number, an array)
    for (const json of ['null', '42', '[]']) {
      const text = new TextEncoder().encode(json.padEnd(8, ' '));
      const noObject = new Uint8Array(12 + text.length);
      noObject.set(one.subarray(0, 12));
      new DataView(noObject.buffer).setUint32(8, text.length, true);
      noObject.set(text, 12);
      expect(() => SimilarityIndex.fromBytes(noObject)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('the header is not a JSON object') }));
    }
  });

  it('null metadata is none, alike before and after saving', () => {
    const index = new SimilarityIndex<{ path: string }>(2);
    index.add('a', [1, 0], null);
    index.add('b', [0, 1], { path: 'b.jpg' });
    const copy = SimilarityIndex.fromBytes<{ path: string }>(index.toBytes());
    for (const each of [index, copy]) {
      expect(each.get('a').metadata).toBeUndefined();
      expect(each.search([1, 0], 2).map((hit) => hit.metadata)).toEqual([undefined, { path: 'b.jpg' }]);
    }
  });

  it('keeps a copy of the metadata: changing the caller\'s object or a returned one changes nothing, and toBytes still works', () => {
    const index = new SimilarityIndex<Record<string, unknown>>(2);
    const meta: Record<string, unknown> = { path: 'a.jpg', tags: ['cat'] };
    index.add('a', [1, 0], meta);
    meta.path = 'changed.jpg';
    (meta.tags as string[]).push('changed');
    const hit = index.search([1, 0], 1)[0].metadata!;
    expect(hit).toEqual({ path: 'a.jpg', tags: ['cat'] });
    hit.path = 'changed-through-a-hit';
    index.get('a').metadata!.path = 'changed-through-get';
    expect(index.get('a').metadata).toEqual({ path: 'a.jpg', tags: ['cat'] });
    meta.n = 10n; // neither a BigInt nor a cycle added to the caller's object reaches the index
    meta.self = meta;
    const copy = SimilarityIndex.fromBytes<Record<string, unknown>>(index.toBytes());
    expect(copy.get('a').metadata).toEqual({ path: 'a.jpg', tags: ['cat'] });
  });

  it('saveSimilarityIndex wraps write failures and a non-index in VisionError', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'vp-index-'));
    try {
      const index = new SimilarityIndex(2);
      await expect(saveSimilarityIndex(index, folder)).rejects.toMatchObject({ name: 'VisionError', code: 'INVALID_INPUT', message: expect.stringMatching(/could not write the index file .*EISDIR/) });
      await expect(saveSimilarityIndex(index, join(folder, 'missing', 'x.vpsi'))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/ENOENT/) });
      await expect(saveSimilarityIndex(null as unknown as SimilarityIndex, join(folder, 'x.vpsi'))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'saveSimilarityIndex needs a SimilarityIndex; got null' });
      await expect(saveSimilarityIndex(index, 5 as unknown as string)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
