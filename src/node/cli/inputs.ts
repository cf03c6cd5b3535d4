import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/**
 * File extensions a folder argument picks up (case-insensitive).
 *
 * @example
 * ```ts
 * IMAGE_EXTENSIONS.includes('webp'); // true
 * ```
 */
export const IMAGE_EXTENSIONS: readonly string[] = ['jpg', 'jpeg', 'png', 'webp'];

/**
 * An input that could not be processed: the file (or argument) and why.
 *
 * @example
 * ```ts
 * const failure: InputFailure = { image: 'a.jpg', code: 'INVALID_INPUT', message: 'no such file' };
 * ```
 */
export interface InputFailure {
  image: string;
  code: string;
  message: string;
  /** For an argument that named nothing: how many files the arguments before it gave (where it stands among the files). */
  position?: number;
}

/**
 * The image files the arguments name, in argument order (globs and folders sorted, duplicates
 * dropped), and the arguments that named nothing.
 *
 * @example
 * ```ts
 * const { files, failures } = await expandInputs(['photos/*.jpg']);
 * ```
 */
export interface ExpandedInputs {
  files: string[];
  failures: InputFailure[];
}

const isImage = (name: string): boolean => IMAGE_EXTENSIONS.includes(extname(name).slice(1).toLowerCase());

/**
 * A folder's entry as what it is once symbolic links are followed.
 *
 * @example
 * ```ts
 * const entry: FolderEntry = { name: 'cat.jpg', kind: 'file' };
 * ```
 */
export interface FolderEntry {
  name: string;
  /** `other`: a device, pipe or socket; `broken`: a link to nothing (or to what cannot be reached). */
  kind: 'file' | 'dir' | 'other' | 'broken';
}

/**
 * The entries of a folder, symbolic links followed: a link to an image counts as an image
 * file, a link to a folder as a folder, a link to nothing as `broken`.
 *
 * @example
 * ```ts
 * const images = (await folderEntries('photos')).filter((e) => e.kind === 'file');
 * ```
 */
export async function folderEntries(folder: string): Promise<FolderEntry[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return Promise.all(
    entries.map(async (entry): Promise<FolderEntry> => {
      const target = entry.isSymbolicLink() ? await stat(join(folder, entry.name)).catch(() => undefined) : entry;
      if (!target) return { name: entry.name, kind: 'broken' };
      return { name: entry.name, kind: target.isFile() ? 'file' : target.isDirectory() ? 'dir' : 'other' };
    }),
  );
}

async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/**
 * A glob as its folder part — the leading segments without glob syntax, `..` included — and the
 * pattern below it: tinyglobby drops matches that lead back through the folder it starts in
 * (`../*\/x.jpg` run in `a/` missed `../a/x.jpg`), so it is started in that folder instead.
 */
function splitGlob(pattern: string): { folder: string; rest: string } {
  const segments = pattern.split('/');
  const firstDynamic = segments.findIndex((segment) => isDynamicPattern(segment));
  const folder = segments.slice(0, firstDynamic).join('/');
  return { folder: folder === '' && pattern.startsWith('/') ? '/' : folder, rest: segments.slice(firstDynamic).join('/') };
}

/** The files a glob matches, named with the folder part as written (`../b/x.jpg`). */
async function globFiles(pattern: string, cwd: string): Promise<string[] | InputFailure> {
  const { folder, rest } = splitGlob(pattern);
  if (/(^|[/{,])\.\.(?=$|[/},])/.test(rest)) {
    return { image: pattern, code: 'INVALID_INPUT', message: "'..' is allowed only before the pattern's first wildcard or brace (write ../a/*.jpg ../b/*.jpg, not {../a,../b}/*.jpg)" };
  }
  const matches = await glob(rest, { cwd: resolve(cwd, folder), onlyFiles: true, expandDirectories: false });
  if (matches.length === 0) return { image: pattern, code: 'INVALID_INPUT', message: 'no files match this pattern' };
  return matches.map((match) => (folder === '' ? match : join(folder, match))).sort();
}

/** A folder's images, and a failure for each link among them that leads nowhere (an image the user meant, now missing). */
async function folderImages(arg: string, cwd: string): Promise<{ files: string[]; failures: InputFailure[] }> {
  const entries = await folderEntries(isAbsolute(arg) ? arg : join(cwd, arg)).catch((error: NodeJS.ErrnoException) => error);
  if (entries instanceof Error) {
    // an unreadable folder is one failed input: the others are still processed
    const why = entries.code === 'EACCES' || entries.code === 'EPERM' ? 'permission denied' : entries.message;
    return { files: [], failures: [{ image: arg, code: 'INVALID_INPUT', message: `folder cannot be read (${why})` }] };
  }
  const named = (kind: FolderEntry['kind']) => entries.filter((e) => e.kind === kind && isImage(e.name)).map((e) => join(arg, e.name)).sort();
  const files = named('file');
  const failures = named('broken').map((image): InputFailure => ({ image, code: 'INVALID_INPUT', message: 'a link to no file (broken symbolic link)' }));
  if (files.length === 0 && failures.length === 0) failures.push({ image: arg, code: 'INVALID_INPUT', message: `folder has no images (${IMAGE_EXTENSIONS.join(', ')})` });
  return { files, failures };
}

async function expandOne(arg: string, cwd: string): Promise<{ files: string[]; failures: InputFailure[] }> {
  // not join(cwd, arg): it normalises 'e/*/..' to 'e', and the folder e was read instead of the pattern refused
  const kind = await kindOf(isAbsolute(arg) ? arg : `${cwd}${sep}${arg}`);
  if (kind === 'file') return { files: [arg], failures: [] };
  if (kind === 'dir') return folderImages(arg, cwd);
  const globbed = isDynamicPattern(arg) ? await globFiles(arg, cwd) : { image: arg, code: 'INVALID_INPUT' as const, message: 'no such file or folder' };
  return Array.isArray(globbed) ? { files: globbed, failures: [] } : { files: [], failures: [globbed] };
}

/**
 * Expands CLI inputs: a file stays as given; a folder means its jpg/jpeg/png/webp files (not
 * recursive; links to files count, a link to nothing is a failure; an unreadable folder is a failure); anything with glob syntax
 * (`*`, `?`, `{a,b}`, `**`) is expanded with tinyglobby against `cwd` (`..` only in the folder
 * part before the first wildcard or brace). A file named more than once (by any spelling of its path, or through
 * a symbolic link) is kept once, where first named. An argument that names nothing becomes a failure, so the other
 * inputs can still be processed.
 *
 * @example
 * ```ts
 * const { files, failures } = await expandInputs(['photos/*.jpg', 'more/', 'one.png']);
 * ```
 */
export async function expandInputs(args: readonly string[], cwd: string = process.cwd()): Promise<ExpandedInputs> {
  const files: string[] = [];
  const failures: InputFailure[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const expanded = await expandOne(arg, cwd);
    failures.push(...expanded.failures.map((failure) => ({ ...failure, position: files.length })));
    for (const file of expanded.files) {
      // one file named twice (`a.jpg ./a.jpg`, a glob and a name, a link to it) is analysed once, where first named
      const key = await realpath(resolve(cwd, file)).catch(() => resolve(cwd, file));
      if (!seen.has(key)) files.push(file);
      seen.add(key);
    }
  }
  return { files, failures };
}
