import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { VisionError, describeError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { WASM_MEMORY_BYTES } from '../pipelines/embeddings/row-store';
import { SimilarityIndex } from '../pipelines/embeddings/similarity-index';
import { type AtomicFile, writeFilesAtomic } from './atomic-write';

/** Bytes read per call (Node's `readFile` stops at 2 GiB, and one read at 2 GiB − 1). */
const CHUNK_BYTES = 64 * 2 ** 20;
/**
 * The largest file the format can hold: "VPSI", version and header length (12 bytes), a header of
 * at most 2³² − 4 bytes (its length is a uint32, padded to 4), then the rows: at most 4 GiB.
 */
const MAX_FILE_BYTES = 12 + (2 ** 32 - 4) + WASM_MEMORY_BYTES;

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
 * Reads an index written by {@link saveSimilarityIndex}, in pieces into one array (so past the
 * 2 GiB that Node's `readFile` stops at); `INVALID_INPUT` when `path` is not a non-empty string,
 * the file cannot be read, is a named pipe or a device (refused, never waited on), is larger
 * than any index file (12 + (2³² − 4) + 2³² bytes) or than memory here allows, or is not an index.
 *
 * @example
 * ```ts
 * const index = await loadSimilarityIndex<{ path: string }>('photos.vpsi');
 * ```
 */
export async function loadSimilarityIndex<M = unknown>(path: string): Promise<SimilarityIndex<M>> {
  if (typeof path !== 'string' || path === '') throw new VisionError('INVALID_INPUT', `loadSimilarityIndex needs a file path (a non-empty string); got ${shownValue(path)}`);
  let bytes: Uint8Array;
  try {
    bytes = await readWhole(path);
  } catch (error) {
    if (error instanceof VisionError) throw error;
    throw new VisionError('INVALID_INPUT', `could not read the index file ${path}: ${describeError(error)}`, { cause: error });
  }
  return SimilarityIndex.fromBytes<M>(bytes);
}

/** The bytes of a file, read in {@link CHUNK_BYTES} pieces into one array of the size it has. */
async function readWhole(path: string): Promise<Uint8Array> {
  // without waiting for a writer: a named pipe is opened at once, then refused (open(path, 'r') waited forever)
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new VisionError('INVALID_INPUT', `the index file ${path} is ${info.isFIFO() ? 'a named pipe' : info.isDirectory() ? 'a folder' : 'a device or socket'}, not a file`);
    const { size } = info;
    if (size > MAX_FILE_BYTES) throw new VisionError('INVALID_INPUT', `the index file ${path} has ${size} bytes; an index file has at most ${MAX_FILE_BYTES} (a 12-byte prefix, a header of at most 2^32 - 4 bytes and 4 GiB of vectors)`);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(size);
    } catch (error) {
      throw new VisionError('INVALID_INPUT', `could not read the index file ${path}: its ${size} bytes do not fit in one array here (${describeError(error)}); load it where more memory is available`, { cause: error });
    }
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(bytes, offset, Math.min(CHUNK_BYTES, size - offset), offset);
      if (bytesRead === 0) break; // the file shrank meanwhile: decoding names what is missing
      offset += bytesRead;
    }
    return offset === size ? bytes : bytes.subarray(0, offset);
  } finally {
    await handle.close();
  }
}
