import { readFile } from 'node:fs/promises';
import { VisionError, describeError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { SimilarityIndex } from '../pipelines/embeddings/similarity-index';
import { type AtomicFile, writeFilesAtomic } from './atomic-write';

/**
 * An index as a file for {@link writeFilesAtomic}: its bytes, and the `INVALID_INPUT` error of
 * {@link saveSimilarityIndex} when it cannot be written. `INVALID_INPUT` at once when `index` is
 * not a {@link SimilarityIndex} or `path` is not a non-empty string.
 *
 * @example
 * ```ts
 * await writeFilesAtomic([similarityIndexFile(index, 'out/index.vpsi'), { path: 'out/manifest.json', data: manifest }]);
 * ```
 */
export function similarityIndexFile(index: SimilarityIndex, path: string): AtomicFile {
  if (index === null || typeof index !== 'object' || typeof (index as Partial<SimilarityIndex>).toBytes !== 'function') throw new VisionError('INVALID_INPUT', `saveSimilarityIndex needs a SimilarityIndex; got ${shownValue(index)}`);
  if (typeof path !== 'string' || path === '') throw new VisionError('INVALID_INPUT', `saveSimilarityIndex needs a file path (a non-empty string); got ${shownValue(path)}`);
  return {
    path,
    data: index.toBytes(),
    onError: (error) => new VisionError('INVALID_INPUT', `could not write the index file ${path}: ${describeError(error)}`, { cause: error }),
  };
}

/**
 * Writes an index to a file (the bytes of {@link SimilarityIndex.toBytes}), atomically (see
 * {@link writeFilesAtomic}): the bytes go to a temporary file beside `path`
 * (`<path>.<pid>.<random>.tmp`, flushed to disk), which is then renamed over `path`. A reader sees
 * the old index or the new one, never part of one; on any failure the temporary file is removed
 * and what stood at `path` is left as it was. `INVALID_INPUT` when `index` is not a
 * {@link SimilarityIndex} or the file cannot be written (a folder, a missing parent folder, no
 * permission, a full disk).
 *
 * @example
 * ```ts
 * await saveSimilarityIndex(index, 'photos.vpsi');
 * ```
 */
export async function saveSimilarityIndex(index: SimilarityIndex, path: string): Promise<void> {
  await writeFilesAtomic([similarityIndexFile(index, path)]);
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
