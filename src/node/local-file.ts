/**
 * Reading whole local files in Node without reading devices: `/dev/zero`, a disk or a terminal
 * never end (or never should be slurped), so they are refused before a byte is read. Pipes
 * are read to their end where a user names one (`cat card.json | visionpipe detect --model
 * /dev/stdin`), and refused where a model folder holds one: opening a named pipe with no writer
 * waits for one, holding a thread of Node's file pool for good.
 */
import { type Stats, constants } from 'node:fs';
import { type FileHandle, open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { VisionError } from '../core/errors';

/**
 * The error {@link readLocalFileChecked} throws for a device or socket, or a named pipe where
 * none is read; its message is `'<path>' is a device, not a file` (`a named pipe`). Callers that
 * say what the file should have been catch it by class and word their own message with `what`.
 *
 * @example
 * ```ts
 * try { await readLocalFileChecked('/dev/zero'); } catch (e) { if (e instanceof DeviceFileError) console.error(e.path, e.what); }
 * ```
 */
export class DeviceFileError extends Error {
  constructor(
    readonly path: string,
    /** What the file is instead: `a device` (or socket) or `a named pipe`. */
    readonly what: 'a device' | 'a named pipe' = 'a device',
  ) {
    super(`'${path}' is ${what}, not a file`);
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

/** Opens `path` for reading and refuses a device (checked on the opened file, so a link swapped in between cannot slip through). */
async function openChecked(path: string, flags: number): Promise<{ handle: FileHandle; info: Stats }> {
  const handle = await open(path, flags);
  const info = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (!isDeviceStats(info)) return { handle, info };
  await handle.close();
  throw new DeviceFileError(path);
}

/** Most bytes read from a pipe (it is read into memory): 1 GiB, twice the largest image the default pixel limit lets through uncompressed (a 16-bit RGBA TIFF). */
const MAX_PIPE_BYTES = 2 ** 30;

/** A pipe read to its end, or an `EFBIG` error once more than `limit` bytes came (`yes | visionpipe classify /dev/stdin` read until memory ran out). */
async function readPipe(handle: FileHandle, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(1 << 16);
  let total = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    total += bytesRead;
    if (total > limit) throw Object.assign(new Error(`more than ${limit} bytes came through the pipe (a pipe is read into memory; give a larger input as a file)`), { code: 'EFBIG' });
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
  }
}

/**
 * Reads a whole local file; a device or socket is refused with {@link DeviceFileError} before
 * it is read, and so is a named pipe unless `pipes` (a file the user names: an image, a card
 * on `/dev/stdin`), without opening it: a pipe with no writer is refused at once instead of
 * holding a thread of Node's file pool; a pipe is read up to `maxPipeBytes` (default 1 GiB), more
 * is an `EFBIG` error. File-system errors are thrown as Node gives them (with their `code`:
 * `ENOENT`, `EISDIR`, …).
 *
 * @example
 * ```ts
 * const weights = await readLocalFileChecked('models/my-yolo/group1-shard1of1.bin');
 * const card = (await readLocalFileChecked('/dev/stdin', { pipes: true })).toString('utf8');
 * ```
 */
export async function readLocalFileChecked(path: string, options: { pipes?: boolean; maxPipeBytes?: number } = {}): Promise<Buffer> {
  // stat does not open: a pipe the user named is opened as before, waiting for its writer
  const named = await stat(path);
  if (named.isFIFO() && !options.pipes) throw new DeviceFileError(path, 'a named pipe');
  const { handle, info } = await openChecked(path, named.isFIFO() ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    // a pipe swapped in since the stat, opened without waiting: refused, not read half-way
    if (info.isFIFO() && !named.isFIFO()) throw new DeviceFileError(path, 'a named pipe');
    return info.isFIFO() ? await readPipe(handle, options.maxPipeBytes ?? MAX_PIPE_BYTES) : await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Reads a JSON or text file of a model folder (`knn.json`, `captioner.json`, a tokenizer's
 * config) as UTF-8; a device or named pipe is `VisionError('MODEL_FORMAT')` naming the file,
 * unread. File-system errors are thrown as Node gives them.
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
    if (error instanceof DeviceFileError) throw new VisionError('MODEL_FORMAT', `${path}: is ${error.what}, not a model file`, { cause: error });
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
  if (inside === '') throw new VisionError('INVALID_OPTION', `${path} is the folder ${folder} itself, not a file in it`);
  // a name such as `..w.bin` is inside: only a `..` segment climbs out
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new VisionError('INVALID_OPTION', `${path} leads to ${real} (through a link), outside ${folder}; files a model names must stay inside its folder (give a wider model root to allow more)`);
  }
}
