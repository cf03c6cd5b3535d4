import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * One file for {@link writeFilesAtomic}: where it goes, its contents, and (optionally) the error
 * to throw when it cannot be written or renamed into place (by default the file system's own).
 *
 * @example
 * ```ts
 * const manifest: AtomicFile = { path: 'index/manifest.json', data: JSON.stringify({ version: 1 }) };
 * ```
 */
export interface AtomicFile {
  path: string;
  data: string | Uint8Array;
  onError?: (error: unknown) => unknown;
}

/** A fresh name beside `path` (same folder, so the rename stays on one file system and is atomic). */
function temporaryPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * Writes several files so that none is ever seen half-written: each goes to a temporary file
 * beside its target (`<path>.<pid>.<random>.tmp`, created exclusively and flushed to disk), and
 * only when all of them are written are they renamed over their targets, in the order given.
 * Put last the file a reader opens first (the one that names the others): a failure while
 * writing leaves every target as it was; a crash between two renames (a moment) leaves the
 * earlier files new and the later ones old. On any failure the temporaries not yet renamed are
 * removed, and the error is the file system's (or what that file's `onError` returns).
 *
 * @example
 * ```ts
 * // weights first, then the model.json that names them
 * await writeFilesAtomic([{ path: 'my-model/weights.bin', data: weights }, { path: 'my-model/model.json', data: json }]);
 * ```
 */
export async function writeFilesAtomic(files: readonly AtomicFile[]): Promise<void> {
  const temporaries = files.map((file) => temporaryPath(file.path));
  let renamed = 0;
  let current: AtomicFile | undefined;
  try {
    for (const [i, file] of files.entries()) {
      current = file;
      await writeFile(temporaries[i], file.data, { flag: 'wx', flush: true });
    }
    for (const [i, file] of files.entries()) {
      current = file;
      await rename(temporaries[i], file.path);
      renamed = i + 1;
    }
  } catch (error) {
    await Promise.all(temporaries.slice(renamed).map((t) => rm(t, { force: true }).catch(() => undefined)));
    throw current?.onError ? current.onError(error) : error;
  }
}

/**
 * Writes a file atomically (see {@link writeFilesAtomic}): a reader sees the old contents or the
 * new ones, never part of them; on failure the old file is left as it was, no temporary file
 * stays behind, and the file system's error is thrown.
 *
 * @example
 * ```ts
 * await writeFileAtomic('my-model/training.json', JSON.stringify(summary));
 * ```
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return writeFilesAtomic([{ path, data }]);
}
