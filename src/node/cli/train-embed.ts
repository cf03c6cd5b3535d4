import { basename } from 'node:path';
import { VisionError } from '../../core/errors';
import { effectiveMaxPixels } from '../../core/image-input';
import type { FeatureExtractor } from '../../pipelines/embeddings/backbone';
import { DeviceFileError, readLocalFileChecked } from '../local-file';
import { checkImageHeader } from '../node-platform';
import { EmbeddingCache, cacheWriteReason } from './embedding-cache';
import type { InputFailure } from './inputs';
import { createProgress } from './progress';

/**
 * The embeddings of a dataset: `[N, dim]` row-major features, how many came from the cache,
 * and the files that could not be read or decoded.
 *
 * @example
 * ```ts
 * const { features, fromCache, failures } = await embedFiles(paths, backbone, cache);
 * ```
 */
export interface Embeddings {
  features: Float32Array;
  dim: number;
  fromCache: number;
  failures: InputFailure[];
}

async function readImage(path: string): Promise<Uint8Array> {
  const buffer = await readLocalFileChecked(path, { pipes: true }).catch((error: unknown) => {
    throw error instanceof DeviceFileError ? new VisionError('INVALID_INPUT', `is ${error.what}, not an image file`, { cause: error }) : error;
  });
  return new Uint8Array(buffer);
}

/**
 * Computes (or takes from the cache) the backbone features of every file, one image at a
 * time, with a progress bar on a terminal. Unreadable files, and images over the pixel limit
 * (the platform's `maxPixels`, checked from the header whether cached or not), are collected,
 * not thrown, so that all of them can be named at once. The cache is only a speed-up: when it
 * cannot be written, `warn` is called once (naming the folder and why) and the features are
 * computed without it.
 *
 * @example
 * ```ts
 * const { features, dim } = await embedFiles(['a.jpg', 'b.jpg'], backbone, new EmbeddingCache(cacheFolder(), 'mnv2', 1280), console.error);
 * ```
 */
export async function embedFiles(paths: readonly string[], backbone: FeatureExtractor, cache: EmbeddingCache, warn: (line: string) => void = () => undefined): Promise<Embeddings> {
  const dim = backbone.dim;
  const features = new Float32Array(paths.length * dim);
  const failures: InputFailure[] = [];
  const maxPixels = effectiveMaxPixels();
  let fromCache = 0;
  let writable = true;
  const progress = createProgress(paths.length, { unit: 'embeddings' });
  const store = async (key: string, computed: Float32Array): Promise<void> => {
    if (!writable) return;
    try {
      await cache.set(key, computed);
    } catch (error) {
      writable = false;
      progress.beforePrint();
      warn(`the embedding cache '${cache.root}' cannot be written (${cacheWriteReason(error)}); training goes on without caching embeddings (set VISIONPIPE_CACHE to a writable folder to keep them)`);
    }
  };
  try {
    for (const [i, path] of paths.entries()) {
      try {
        const bytes = await readImage(path);
        // checked from the header whether cached or not: a limit refuses the same images either way
        await checkImageHeader(bytes, 'image', 'image', maxPixels);
        const key = EmbeddingCache.key(bytes);
        const stored = await cache.get(key);
        if (stored) {
          features.set(stored, i * dim);
          fromCache++;
        } else {
          const { x } = await backbone.extractImages([{ image: bytes, label: 0 }]);
          let computed: Float32Array;
          try {
            computed = (await x.data()) as Float32Array;
          } finally {
            x.dispose();
          }
          features.set(computed, i * dim);
          await store(key, computed);
        }
      } catch (error) {
        const code = error instanceof VisionError ? error.code : ((error as NodeJS.ErrnoException).code ?? 'ERROR');
        failures.push({ image: path, code, message: (error as Error).message });
      }
      progress.tick(basename(path));
    }
  } finally {
    progress.stop();
  }
  return { features, dim, fromCache, failures };
}
