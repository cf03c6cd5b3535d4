import { baseUrl as pageBaseUrl } from '../core/base-url';
import { VisionError } from '../core/errors';
import { getPlatform } from '../core/platform';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const FETCHED = /^(https?|blob|data):/i;
const SEPARATOR = /[\\/]+/;
/** C0 controls and DEL: a URL parser drops tabs and newlines, so `.\t./` would climb as `../` once fetched. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A file path split into its start (`/`, `C:\`, `` for relative paths) and normalised folders. */
interface SplitPath {
  head: string;
  parts: string[];
}

function splitPath(path: string): SplitPath {
  const head = /^(?:[a-z]:)?[\\/]+/i.exec(path)?.[0] ?? (/^[a-z]:/i.exec(path)?.[0] ?? '');
  const parts: string[] = [];
  for (const part of path.slice(head.length).split(SEPARATOR)) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return { head, parts };
}

function escape(relative: string, base: string, root: string | undefined, why: string): VisionError {
  const inside = root === undefined ? `the folder of ${base}` : `the model root ${root}`;
  const shown = JSON.stringify(relative.length > 100 ? `${relative.slice(0, 100)}…` : relative);
  return new VisionError('INVALID_OPTION', `the path ${shown} named in ${base} ${why}; files a model names must stay inside ${inside} (give a wider model root to allow more)`);
}

function decodeOnce(relative: string, base: string, root: string | undefined): string {
  try {
    return decodeURIComponent(relative);
  } catch {
    throw escape(relative, base, root, 'has malformed %-encoding');
  }
}

/** Resolves in file-path mode: the result's folders must start with the root's. */
function resolvePath(base: string, relative: string, root: string | undefined): string {
  if (SCHEME.test(relative) || /^[\\/]/.test(relative)) throw escape(relative, base, root, 'is an absolute path or a URL');
  const folder = splitPath(base);
  folder.parts.pop();
  const top = root === undefined ? folder : splitPath(root);
  const within = top.head === folder.head && top.parts.every((part, i) => folder.parts[i] === part);
  if (!within) throw new VisionError('INVALID_OPTION', `the model root ${root} does not contain ${base}`);
  // A name is checked as written and %-decoded: a server (or a later URL step) may decode it.
  for (const form of [relative, decodeOnce(relative, base, root)]) {
    let depth = folder.parts.length;
    for (const part of form.split(SEPARATOR)) {
      if (part === '..') depth--;
      else if (part !== '' && part !== '.') depth++;
      if (depth < top.parts.length) throw escape(relative, base, root, 'climbs out with ..');
    }
  }
  const parts = [...folder.parts];
  for (const part of relative.split(SEPARATOR)) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  const separator = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  return folder.head + parts.join(separator);
}

/** Resolves in URL mode: same origin, under the root's (or the base's) URL folder. */
function resolveUrl(base: string, relative: string, root: string | undefined): string {
  let baseUrl: URL;
  let resolved: URL;
  let top: URL;
  try {
    baseUrl = new URL(base, pageBaseUrl());
    resolved = new URL(relative, baseUrl);
    top = new URL(root ?? './', baseUrl);
  } catch {
    throw escape(relative, base, root, 'does not resolve to a URL next to it');
  }
  const folder = top.pathname.endsWith('/') ? top.pathname : `${top.pathname}/`;
  if (top.origin !== baseUrl.origin || !baseUrl.pathname.startsWith(folder)) {
    throw new VisionError('INVALID_OPTION', `the model root ${root} does not contain ${base}`);
  }
  if (resolved.origin !== baseUrl.origin || resolved.origin === 'null') throw escape(relative, base, root, 'points to another origin');
  const decoded = decodeOnce(resolved.pathname, base, root);
  const parts = decoded.split(SEPARATOR);
  if (!resolved.pathname.startsWith(folder) || parts.includes('..') || parts.includes('.')) throw escape(relative, base, root, 'points outside');
  return resolved.href;
}

/**
 * Resolves a file named inside a model file (a weight shard of a tfjs manifest, a packed
 * shard, a card's `location.url`) against the naming file's location, and refuses it unless
 * it stays inside that file's folder — or inside `root` when the caller gives a wider model
 * root. Refused with `INVALID_OPTION`: absolute paths, other URL schemes (`file:`), another
 * origin, `..` that climbs out, the same written %-encoded (`%2e%2e`), and names with a control
 * character or a leading or trailing space (`.\t.` is `..` to a URL parser, which drops tabs and
 * newlines, and spaces at either end).
 *
 * @example
 * ```ts
 * resolveContained('https://cdn/x/model.json', 'group1-shard1of2.bin'); // 'https://cdn/x/group1-shard1of2.bin'
 * resolveContained('models/a/model.json', '../shared/w.bin', 'models'); // 'models/shared/w.bin'
 * resolveContained('models/a/model.json', '../../etc/passwd'); // throws INVALID_OPTION
 * ```
 */
export function resolveContained(base: string, relative: string, root?: string): string {
  if (typeof relative !== 'string' || relative.length === 0) {
    throw new VisionError('INVALID_OPTION', `${base} names a file with an empty or non-string path`);
  }
  if (CONTROL.test(relative)) throw escape(relative, base, root, 'has a control character (a tab or newline, which a URL parser drops)');
  // a URL parser also drops a leading or trailing space: ' ../x.bin' beside a page's model.json was '../x.bin' once fetched
  if (relative.trim() !== relative) throw escape(relative, base, root, 'starts or ends with a space (which a URL parser drops)');
  if (FETCHED.test(base)) return resolveUrl(base, relative, root);
  const paths = comparablePaths(base, root);
  return resolvePath(paths.base, relative, paths.root);
}

/** A `file:` URL as the local path it names; anything else as it is. */
const localPath = (path: string): string => (/^file:/i.test(path) ? decodeURIComponent(new URL(path).pathname) : path);

/**
 * The model path and root in one form: a `file:` URL root as a path and, where one of the two
 * is relative and the other absolute, both made absolute (Node's working directory).
 */
function comparablePaths(base: string, root: string | undefined): { base: string; root: string | undefined } {
  if (root === undefined) return { base, root };
  const rootPath = localPath(root);
  const absolute = getPlatform().absolutePath;
  if (splitPath(base).head === splitPath(rootPath).head || !absolute) return { base, root: rootPath };
  return { base: absolute(base), root: absolute(rootPath) };
}

/**
 * The local folder a file named inside `base` must stay in — `root` when given, else the
 * folder of `base` — for the check at read time that follows links (a lexical check cannot see
 * them); `undefined` for fetched URLs, which have no links.
 *
 * @example
 * ```ts
 * containmentFolder('models/a/model.json'); // 'models/a'
 * containmentFolder('https://cdn/x/model.json'); // undefined
 * ```
 */
export function containmentFolder(base: string, root?: string): string | undefined {
  if (FETCHED.test(base)) return undefined;
  if (root !== undefined) return localPath(root);
  const { head, parts } = splitPath(localPath(base));
  parts.pop();
  return head + parts.join('/') || '.';
}
