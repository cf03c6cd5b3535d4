import { VisionError, throwIfAborted } from '../../core/errors';
import { shownValue } from '../../core/shown-value';
import { knownOptions } from '../../core/known-options';
import { optionsObject } from '../../pipelines/shared/options';
import { eventLoopCheckpoint } from '../../core/event-loop';
import { seededRandom } from './seeded-random';
import { type VectorSet, checkVectorSet, integerOption } from './vector-set';

/** Options of {@link umap}. @example `await umap(vectors, { seed: 1, neighbors: 10, minDist: 0.2 })` */
export interface UmapOptions {
  /** Output dimensions, 1 … n − 2. Default 2 (a map; 1 for 3 vectors). */
  readonly components?: number;
  /** Neighbours that define the local structure, 2 … n − 1. Default min(15, n − 1). */
  readonly neighbors?: number;
  /** How tightly points may pack in the map, 0 … 1 (exclusive of 1). Default 0.1. */
  readonly minDist?: number;
  /** Optimisation epochs; default chosen by umap-js from n (500 for small sets, 200 for large). */
  readonly epochs?: number;
  /** `cosine` (default: right for embeddings) or `euclidean` distance between vectors. */
  readonly metric?: 'cosine' | 'euclidean';
  /** Seed of every random choice: the same seed, vectors and options give the same map. Default 42. */
  readonly seed?: number;
  /** Called after each epoch with (epoch, total epochs). */
  readonly onProgress?: (epoch: number, epochs: number) => void;
  /** Cancels the work (`ABORTED`): checked before the neighbour search and between epochs, where the event loop gets a turn every ~50 ms so that timers and events can fire it; umap-js's neighbour search itself runs to its end. */
  readonly signal?: AbortSignal;
}

/** The result of {@link umap}. @example `const { projected }: UmapResult = await umap(vectors);` */
export interface UmapResult {
  /** One row of `components` coordinates per input vector. */
  readonly projected: Float32Array[];
}

/**
 * A non-linear 2-D (or k-D) map of vectors with UMAP (McInnes et al.) through `umap-js`
 * (PAIR-code, MIT): neighbours in the vector space stay neighbours on the map, so clusters of
 * similar images show as islands. Seeded, so a map is reproducible; asynchronous so that a page
 * stays responsive, with progress and an `AbortSignal`.
 *
 * Fewer than 3 vectors, ragged rows or non-finite values are `INVALID_INPUT`; options out of
 * range, or options that are not an object, are `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * const { projected } = await umap(embeddings, { seed: 7, onProgress: (e, n) => bar.update(e / n) });
 * drawScatter(ctx, projected.map((xy, i) => ({ x: xy[0], y: xy[1], image: thumbnails[i] })));
 * ```
 */
export async function umap(vectors: VectorSet, given?: UmapOptions): Promise<UmapResult> {
  const names = ['components', 'neighbors', 'minDist', 'epochs', 'metric', 'seed', 'onProgress', 'signal'];
  const options = optionsObject(given, 'umap options', names);
  knownOptions(options, 'umap options', names);
  const { count, dim } = checkVectorSet(vectors, 3, 'umap');
  // the default is at most what umap-js takes for this many vectors (3 vectors: one axis)
  const components = integerOption(options.components, Math.min(2, Math.max(1, count - 2)), 1, Math.max(1, count - 2), 'umap: components');
  const neighbors = integerOption(options.neighbors, Math.min(15, count - 1), 2, count - 1, 'umap: neighbors');
  const epochs = options.epochs === undefined ? undefined : integerOption(options.epochs, 0, 1, 10_000, 'umap: epochs');
  const minDist = options.minDist ?? 0.1;
  if (!(typeof minDist === 'number' && minDist >= 0 && minDist < 1)) throw new VisionError('INVALID_OPTION', `umap: minDist must be a number in [0, 1), got ${shownValue(options.minDist)}`);
  const metric = options.metric ?? 'cosine';
  if (metric !== 'cosine' && metric !== 'euclidean') {
    throw new VisionError('INVALID_OPTION', `umap: metric must be 'cosine' or 'euclidean', got '${String(metric)}'`);
  }
  const seed = integerOption(options.seed, 42, 0, 0xffffffff, 'umap: seed');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new VisionError('INVALID_OPTION', `umap: onProgress must be a function (epoch, epochs) => void, got ${shownValue(options.onProgress)}`);
  throwIfAborted(options.signal, 'umap');
  const rows = vectors.map((row) => (metric === 'cosine' ? unitRow(row, dim) : Array.from(row)));
  // loaded on first use, so that apps which never call umap() do not bundle umap-js (CommonJS, not tree-shakable)
  const UMAP = await loadUmap();
  const model = new UMAP({ nComponents: components, nNeighbors: neighbors, minDist, nEpochs: epochs, random: seededRandom(seed) });
  const total = model.initializeFit(rows);
  const checkpoint = eventLoopCheckpoint(options.signal, 'umap');
  for (let epoch = 0; epoch < total; epoch++) {
    await checkpoint();
    model.step();
    options.onProgress?.(epoch + 1, total);
  }
  return { projected: model.getEmbedding().map((point) => Float32Array.from(point)) };
}

/**
 * umap-js's `UMAP` class. umap-js is CommonJS: Node and rollup give its named export, esbuild's
 * bundles put it under `default` — take whichever is there.
 */
async function loadUmap(): Promise<typeof import('umap-js').UMAP> {
  const module = (await import('umap-js')) as typeof import('umap-js') & { default?: typeof import('umap-js') };
  const UMAP = module.UMAP ?? module.default?.UMAP;
  if (typeof UMAP !== 'function') throw new VisionError('BACKEND_UNAVAILABLE', 'umap: the umap-js module did not load (no UMAP class in it)');
  return UMAP;
}

/**
 * The row scaled to unit length: Euclidean distance between unit vectors is a monotone
 * function of cosine distance (‖a − b‖² = 2 − 2·cos), so UMAP's neighbours are the cosine ones.
 */
function unitRow(row: ArrayLike<number>, dim: number): number[] {
  let norm = 0;
  for (let j = 0; j < dim; j++) norm += (row[j] as number) ** 2;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return Array.from(row, (v) => v * scale);
}
