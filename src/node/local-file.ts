/**
 * Reading whole local files in Node without reading devices: `/dev/zero`, a disk or a terminal
 * never end (or never should be slurped), so they are refused before a byte is read. Pipes
 * are read to their end (`cat card.json | visionpipe detect --model /dev/stdin`).
 */
import type { Stats } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { VisionError } from '../core/errors';

/**
 * The error {@link readLocalFileChecked} throws for a device or socket; its message is
 * `'<path>' is a device, not a file`. Callers that say what the file should have been catch it
 * by class and word their own message.
 *
 * @example
 * ```ts
 * try { await readLocalFileChecked('/dev/zero'); } catch (e) { if (e instanceof DeviceFileError) console.error(e.path); }
 * ```
 */
export class DeviceFileError extends Error {
  constructor(readonly path: string) {
    super(`'${path}' is a device, not a file`);
    this.name = 'DeviceFileError';
  }
}

/**
 * Whether a file's stats are those of a character or block device or a socket: reading one
 * may never end. Regular files, folders and pipes are not devices.
 *
 * @example
 * ```ts
 * isDeviceStats(statSync('/dev/zero')); // true
 * ```
 */
export function isDeviceStats(info: Stats): boolean {
  return info.isCharacterDevice() || info.isBlockDevice() || info.isSocket();
}

/**
 * Reads a whole local file; a device or socket is refused with {@link DeviceFileError} before
 * it is read (checked on the opened file, so a link swapped in between cannot slip through).
 * File-system errors are thrown as Node gives them (with their `code`: `ENOENT`, `EISDIR`, …).
 *
 * @example
 * ```ts
 * const text = (await readLocalFileChecked('models/my-yolo.card.json')).toString('utf8');
 * ```
 */
export async function readLocalFileChecked(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    if (isDeviceStats(await handle.stat())) throw new DeviceFileError(path);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Reads a JSON or text file of a model folder (`knn.json`, `captioner.json`, a tokenizer's
 * config) as UTF-8; a device is `VisionError('MODEL_FORMAT')` naming the file, unread.
 * File-system errors are thrown as Node gives them.
 *
 * @example
 * ```ts
 * const saved = JSON.parse(await readModelFileText('my-model/knn.json'));
 * ```
 */
export async function readModelFileText(path: string): Promise<string> {
  try {
    return (await readLocalFileChecked(path)).toString('utf8');
  } catch (error) {
    if (error instanceof DeviceFileError) throw new VisionError('MODEL_FORMAT', `${path}: is a device, not a model file`, { cause: error });
    throw error;
  }
}

/**
 * Refuses a file that, links followed, is not inside `folder` (links followed too):
 * `INVALID_OPTION`, as a path that climbs out with `..` is. A missing file is left to the read
 * that follows (its `ENOENT`).
 *
 * @throws VisionError `INVALID_OPTION` when the file leads outside the folder.
 * @example
 * ```ts
 * await checkRealPathWithin('models/a/weights.bin', 'models/a');
 * ```
 */
export async function checkRealPathWithin(path: string, folder: string): Promise<void> {
  let real: string;
  let top: string;
  try {
    [real, top] = await Promise.all([realpath(path), realpath(folder)]);
  } catch {
    return;
  }
  const inside = relative(top, real);
  // a name such as `..w.bin` is inside: only a `..` segment climbs out
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new VisionError('INVALID_OPTION', `${path} leads to ${real} (through a link), outside ${folder}; files a model names must stay inside its folder (give a wider model root to allow more)`);
  }
}
