import { readFile, writeFile } from 'node:fs/promises';
import { VisionError, describeError } from '../core/errors';
import { SimilarityIndex } from '../pipelines/embeddings/similarity-index';

/**
 * Writes an index to a file (the bytes of {@link SimilarityIndex.toBytes}).
 *
 * @example
 * ```ts
 * await saveSimilarityIndex(index, 'photos.vpsi');
 * ```
 */
export async function saveSimilarityIndex(index: SimilarityIndex, path: string): Promise<void> {
  await writeFile(path, index.toBytes());
}

/**
 * Reads an index written by {@link saveSimilarityIndex}; `INVALID_INPUT` when the file cannot be
 * read or is not an index.
 *
 * @example
 * ```ts
 * const index = await loadSimilarityIndex<{ path: string }>('photos.vpsi');
 * ```
 */
export async function loadSimilarityIndex<M = unknown>(path: string): Promise<SimilarityIndex<M>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new VisionError('INVALID_INPUT', `could not read the index file ${path}: ${describeError(error)}`, { cause: error });
  }
  return SimilarityIndex.fromBytes<M>(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
