import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { VisionError, describeError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { SimilarityIndex } from '../pipelines/embeddings/similarity-index';

/**
 * Writes an index to a file (the bytes of {@link SimilarityIndex.toBytes}), atomically: the
 * bytes go to a temporary file beside `path` (`<path>.<pid>.<random>.tmp`, flushed to disk), which
 * is then renamed over `path`. A reader sees the old index or the new one, never part of one; on
 * any failure the temporary file is removed and what stood at `path` is left as it was.
 * `INVALID_INPUT` when `index` is not a {@link SimilarityIndex} or the file cannot be written (a
 * folder, a missing parent folder, no permission, a full disk).
 *
 * @example
 * ```ts
 * await saveSimilarityIndex(index, 'photos.vpsi');
 * ```
 */
export async function saveSimilarityIndex(index: SimilarityIndex, path: string): Promise<void> {
  if (index === null || typeof index !== 'object' || typeof (index as Partial<SimilarityIndex>).toBytes !== 'function') throw new VisionError('INVALID_INPUT', `saveSimilarityIndex needs a SimilarityIndex; got ${shownValue(index)}`);
  if (typeof path !== 'string' || path === '') throw new VisionError('INVALID_INPUT', `saveSimilarityIndex needs a file path (a non-empty string); got ${shownValue(path)}`);
  const bytes = index.toBytes();
  // beside the target, so the rename stays on one file system (and so is atomic)
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, bytes, { flag: 'wx', flush: true });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new VisionError('INVALID_INPUT', `could not write the index file ${path}: ${describeError(error)}`, { cause: error });
  }
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
