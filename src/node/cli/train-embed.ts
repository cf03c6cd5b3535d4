import { basename } from 'node:path';
import { VisionError } from '../../core/errors';
import type { FeatureExtractor } from '../../pipelines/embeddings/backbone';
import { DeviceFileError, readLocalFileChecked } from '../local-file';
import { EmbeddingCache } from './embedding-cache';
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

async function embedOne(path: string, backbone: FeatureExtractor, cache: EmbeddingCache): Promise<{ features: Float32Array; cached: boolean }> {
  const bytes = new Uint8Array(
    await readLocalFileChecked(path).catch((error: unknown) => {
      throw error instanceof DeviceFileError ? new VisionError('INVALID_INPUT', 'is a device, not an image file', { cause: error }) : error;
    }),
  );
  const key = EmbeddingCache.key(bytes);
  const stored = await cache.get(key);
  if (stored) return { features: stored, cached: true };
  const { x } = await backbone.extractImages([{ image: bytes, label: 0 }]);
  try {
    const features = (await x.data()) as Float32Array;
    await cache.set(key, features);
    return { features, cached: false };
  } finally {
    x.dispose();
  }
}

/**
 * Computes (or takes from the cache) the backbone features of every file, one image at a
 * time, with a progress bar on a terminal. Unreadable files are collected, not thrown, so
 * that all of them can be named at once.
 *
 * @example
 * ```ts
 * const { features, dim } = await embedFiles(['a.jpg', 'b.jpg'], backbone, new EmbeddingCache(cacheFolder(), 'mnv2', 1280));
 * ```
 */
export async function embedFiles(paths: readonly string[], backbone: FeatureExtractor, cache: EmbeddingCache): Promise<Embeddings> {
  const dim = backbone.dim;
  const features = new Float32Array(paths.length * dim);
  const failures: InputFailure[] = [];
  let fromCache = 0;
  const progress = createProgress(paths.length, { unit: 'embeddings' });
  try {
    for (const [i, path] of paths.entries()) {
      try {
        const one = await embedOne(path, backbone, cache);
        features.set(one.features, i * dim);
        if (one.cached) fromCache++;
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
