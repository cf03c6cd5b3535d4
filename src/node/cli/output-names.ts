import { statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { isVideoFile } from '../video/video-files';

function fileKey(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Tells whether a path is one of the input files: the same resolved path or, for files that
 * exist, the same device and inode (so links and case-insensitive file systems are covered).
 * Every CLI output is checked with it, so outputs never overwrite inputs.
 *
 * @example
 * ```ts
 * const isInput = inputMatcher(['photos/a.jpg', 'photos/b.png']);
 * isInput('./photos/b.png'); // true
 * ```
 */
export function inputMatcher(files: readonly string[]): (path: string) => boolean {
  const paths = new Set(files.map((file) => resolve(file)));
  const keys = new Set(files.map(fileKey).filter((key): key is string => key !== undefined));
  return (path) => {
    if (paths.has(resolve(path))) return true;
    const key = fileKey(path);
    return key !== undefined && keys.has(key);
  };
}

/**
 * Where one input's annotated copy goes: the file name's stem and the full path.
 *
 * @example
 * ```ts
 * const target: OutputName = { name: 'x-2', path: 'out/x-2.annotated.png' };
 * ```
 */
export interface OutputName {
  name: string;
  path: string;
}

/**
 * The annotated output of each input under `outDir` (`<stem>.<suffix>.png`, videos `.mp4`),
 * unique within the run and never one of the inputs ({@link inputMatcher}), nor one of the
 * other files the run `reads` (a `--background` image, a `--model` card), which get no output.
 * Inputs whose natural name is free keep it (first come first served); the others get the
 * next free `<stem>-2`, `<stem>-3`, … in input order. A stem too long for a file name with its
 * suffix (255 bytes, the limit of Linux, macOS and Windows file systems) is cut at a character
 * boundary. The rule is stated in `--help` (usage.ts) and the README.
 * Deterministic: the same inputs in the same order give the same names.
 *
 * @example
 * ```ts
 * outputNames(['a/x.jpg', 'b/x.jpg', 'x-2.jpg'], 'out', 'annotated').map((o) => o.path);
 * // ['out/x.annotated.png', 'out/x-3.annotated.png', 'out/x-2.annotated.png']
 * outputNames(['me.jpg'], 'out', 'matte', ['out/me.matte.png']).map((o) => o.path); // ['out/me-2.matte.png']
 * ```
 */
export function outputNames(files: readonly string[], outDir: string, suffix: string, reads: readonly string[] = []): OutputName[] {
  const isInput = inputMatcher([...files, ...reads]);
  const taken = new Set<string>();
  const target = (file: string, n: number): OutputName => {
    const counter = n === 1 ? '' : `-${n}`;
    const tail = `.${suffix}.${isVideoFile(file) ? 'mp4' : 'png'}`;
    const name = fitBytes(basename(file, extname(file)), MAX_NAME_BYTES - byteLength(counter + tail)) + counter;
    return { name, path: join(outDir, name + tail) };
  };
  const claim = (candidate: OutputName): boolean => {
    const resolved = resolve(candidate.path);
    if (taken.has(resolved) || isInput(candidate.path)) return false;
    taken.add(resolved);
    return true;
  };
  const natural = files.map((file) => {
    const candidate = target(file, 1);
    return claim(candidate) ? candidate : undefined;
  });
  return files.map((file, i) => {
    const claimed = natural[i];
    if (claimed) return claimed;
    for (let n = 2; ; n++) {
      const candidate = target(file, n);
      if (claim(candidate)) return candidate;
    }
  });
}

/** The longest file name (one path component) common file systems take, in UTF-8 bytes. */
const MAX_NAME_BYTES = 255;

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/** `text` cut to at most `max` UTF-8 bytes without splitting a character. */
function fitBytes(text: string, max: number): string {
  if (byteLength(text) <= max) return text;
  let fitted = '';
  let used = 0;
  for (const character of text) {
    used += byteLength(character);
    if (used > max) break;
    fitted += character;
  }
  return fitted;
}
