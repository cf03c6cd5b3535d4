import { createStore, del, get, set } from 'idb-keyval';
import { VisionError, describeError } from '../../core/errors';
import { SimilarityIndex } from './similarity-index';

/** The IndexedDB database and object store that hold saved indexes. */
const DATABASE = 'visionpipe';
const STORE = 'similarity-indexes';

function store(): ReturnType<typeof createStore> {
  if (typeof indexedDB === 'undefined') throw new VisionError('BACKEND_UNAVAILABLE', 'IndexedDB is not available here (browsers only; in Node use saveSimilarityIndex from visionpipe/node)');
  return createStore(DATABASE, STORE);
}

async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof VisionError) throw error;
    throw new VisionError('INVALID_INPUT', `IndexedDB could not ${what}: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Saves an index in the browser's IndexedDB (database `visionpipe`, store
 * `similarity-indexes`) under `key`, replacing what was saved there.
 *
 * @example
 * ```ts
 * await saveIndexToIndexedDB(index, 'my-photos');
 * ```
 */
export function saveIndexToIndexedDB(index: SimilarityIndex, key: string): Promise<void> {
  return guarded(`save the index '${key}'`, () => set(key, index.toBytes(), store()));
}

/**
 * Loads an index saved with {@link saveIndexToIndexedDB}; `null` when nothing is saved under `key`.
 *
 * @example
 * ```ts
 * const index = (await loadIndexFromIndexedDB<{ name: string }>('my-photos')) ?? new SimilarityIndex(1280);
 * ```
 */
export function loadIndexFromIndexedDB<M = unknown>(key: string): Promise<SimilarityIndex<M> | null> {
  return guarded(`load the index '${key}'`, async () => {
    const bytes = await get<Uint8Array>(key, store());
    return bytes === undefined ? null : SimilarityIndex.fromBytes<M>(bytes);
  });
}

/**
 * Deletes the index saved under `key` (nothing happens when there is none).
 *
 * @example
 * ```ts
 * await deleteIndexFromIndexedDB('my-photos');
 * ```
 */
export function deleteIndexFromIndexedDB(key: string): Promise<void> {
  return guarded(`delete the index '${key}'`, () => del(key, store()));
}
