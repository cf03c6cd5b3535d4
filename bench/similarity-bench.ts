/**
 * Exact similarity search at scale: `SimilarityIndex.search` (k = 5) over 100k random 1280-d
 * vectors (10k with --quick), against a plain brute force that scores every row and sorts them
 * all; build time of the index; every query's ids checked against float64 cosine of the raw vectors.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { SimilarityIndex } from '../src/node/index';
import type { Section } from './report';
import { compare } from './timing';

const DIM = 1280;
const K = 5;

/** Seeded uniform numbers in [-1, 1) (mulberry32), so that a run reproduces. */
function filler(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** The k rows closest to `query` by float64 cosine of the raw vectors, all rows sorted. */
function bruteForceTop(raw: Float32Array, count: number, query: Float32Array, k: number): number[] {
  let qq = 0;
  for (let i = 0; i < DIM; i++) qq += query[i] * query[i];
  const scores = new Float64Array(count);
  for (let row = 0; row < count; row++) {
    let d = 0;
    let vv = 0;
    for (let i = 0, o = row * DIM; i < DIM; i++, o++) {
      d += raw[o] * query[i];
      vv += raw[o] * raw[o];
    }
    scores[row] = d / Math.sqrt(vv * qq);
  }
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, k);
}

/** CPU milliseconds (user + system) of this process since `start`. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

/** The similarity-search section of `npm run bench` (`--only=similarity`). */
export async function similaritySections(quick: boolean): Promise<Section[]> {
  const count = quick ? 10_000 : 100_000;
  const next = filler(1);
  const raw = new Float32Array(count * DIM);
  for (let i = 0; i < raw.length; i++) raw[i] = next();
  const index = new SimilarityIndex(DIM);
  const buildStart = performance.now();
  const buildCpu = process.cpuUsage();
  for (let row = 0; row < count; row++) index.add(String(row), raw.subarray(row * DIM, (row + 1) * DIM));
  const buildMs = performance.now() - buildStart;
  const buildCpuMs = cpuMs(buildCpu);
  const queries = Array.from({ length: 20 }, () => Float32Array.from({ length: DIM }, next));
  let mismatches = 0;
  for (const query of queries) {
    const expected = bruteForceTop(raw, count, query, K).map(String);
    const found = index.search(query, K).map((h) => h.id);
    if (found.join() !== expected.join()) mismatches++;
  }
  // what a SIMD kernel gives: tfjs's wasm backend (XNNPACK) multiplying the same unit rows
  const unitRows = tf.tidy(() => {
    const m = tf.tensor2d(raw, [count, DIM]);
    return tf.div(m, tf.norm(m, 2, 1, true)) as tf.Tensor2D;
  });
  const tfSearch = async (query: Float32Array) => {
    const { values, indices } = tf.tidy(() => tf.topk(tf.squeeze(tf.matMul(unitRows, tf.tensor2d(query, [DIM, 1]))), K));
    const ids = await indices.data();
    tf.dispose([values, indices]);
    return ids;
  };
  // CPU time per query (process.cpuUsage): what a query costs when other processes share the cores
  const searchCpu = process.cpuUsage();
  for (const query of queries) index.search(query, K);
  const searchCpuMs = cpuMs(searchCpu) / queries.length;
  let tfMismatches = 0;
  for (const query of queries) {
    if ((await tfSearch(query)).join() !== bruteForceTop(raw, count, query, K).join()) tfMismatches++;
  }
  let q = 0;
  const stats = await compare(
    [
      { name: `SimilarityIndex.search k=${K}`, fn: () => index.search(queries[q++ % queries.length], K) },
      { name: `tfjs ${tf.getBackend()} matMul + topk (not used by the index)`, fn: () => tfSearch(queries[q++ % queries.length]) },
      { name: 'brute force, full sort (float64)', fn: () => bruteForceTop(raw, count, queries[q++ % queries.length], K) },
    ],
    { warmup: 2, rounds: quick ? 2 : 3, perRound: quick ? 3 : 5 },
  );
  unitRows.dispose();
  return [
    {
      id: 'similarity',
      title: `10. Exact similarity search: ${count.toLocaleString('en')} random ${DIM}-d vectors, k=${K}, one query at a time`,
      reference: stats[0].name,
      rows: stats,
      summary: {
        'build ms (add every vector)': buildMs,
        'build CPU ms': buildCpuMs,
        'index search CPU ms per query': searchCpuMs,
        'matrix MB': (count * DIM * 4) / 2 ** 20,
        'queries whose top-5 ids equal brute force': `${queries.length - mismatches} / ${queries.length}`,
        'tfjs queries whose top-5 equal brute force': `${queries.length - tfMismatches} / ${queries.length}`,
      },
      notes: ['tfjs row: informational, the matrix copied into a tensor (the index stays plain typed arrays, no backend)', 'brute force = float64 cosine of the raw vectors, every row sorted (the exactness reference)'],
    },
  ];
}
