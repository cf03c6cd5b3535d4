import { lstatSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { VisionError } from '../../core/errors';

/**
 * Whether a path is a folder (false: some other file), undefined when it cannot be seen.
 *
 * @example
 * ```ts
 * isDirectory('out/'); // true, false (a file) or undefined (missing)
 * ```
 */
export function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch {
    return undefined; // missing (or unreadable)
  }
}

/**
 * Checks an output folder before any work: an existing file there — or in the path of a folder
 * still to be made (`--out photo.jpg/out`) — or a link to nothing is a usage error
 * (`INVALID_OPTION`), said once.
 * `name` is how the message names it (default `--out '<folder>'`).
 *
 * @throws VisionError `INVALID_OPTION` when the folder cannot be used or made.
 * @example
 * ```ts
 * checkOutFolder(args.out);
 * ```
 */
export function checkOutFolder(out: string | undefined, name = `--out '${out}'`): void {
  if (out === undefined) return;
  if (isDirectory(out) === false) throw new VisionError('INVALID_OPTION', `${name} is an existing file; --out takes a folder (made when missing)`);
  let missing = out; // the topmost folder still to be made
  while (dirname(missing) !== missing && isDirectory(dirname(missing)) === undefined) missing = dirname(missing);
  const blocker = dirname(missing);
  if (blocker !== missing && isDirectory(blocker) === false) throw new VisionError('INVALID_OPTION', `${name} cannot be made: '${blocker}' is a file, not a folder`);
  if (isLink(missing)) throw new VisionError('INVALID_OPTION', `${name} cannot be made: '${missing}' is a link that leads nowhere (to a missing file, or round in a loop)`);
}

/** Whether the path itself is there as a symbolic link (one that `stat` could not follow, where it is called). */
function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
