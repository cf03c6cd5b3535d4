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
 * unique within the run and never one of the inputs (compared by resolved path and, for files
 * that exist, by device and inode, so links and case-insensitive file systems are covered).
 * Inputs whose natural name is free keep it (first come first served); the others get the
 * next free `<stem>-2`, `<stem>-3`, … in input order. The rule is stated in `--help` (usage.ts) and the README.
 * Deterministic: the same inputs in the same order give the same names.
 *
 * @example
 * ```ts
 * outputNames(['a/x.jpg', 'b/x.jpg', 'x-2.jpg'], 'out', 'annotated').map((o) => o.path);
 * // ['out/x.annotated.png', 'out/x-3.annotated.png', 'out/x-2.annotated.png']
 * ```
 */
export function outputNames(files: readonly string[], outDir: string, suffix: string): OutputName[] {
  const taken = new Set(files.map((file) => resolve(file)));
  const inputKeys = new Set(files.map(fileKey).filter((key): key is string => key !== undefined));
  const target = (file: string, n: number): OutputName => {
    const stem = basename(file, extname(file));
    const name = n === 1 ? stem : `${stem}-${n}`;
    return { name, path: join(outDir, `${name}.${suffix}.${isVideoFile(file) ? 'mp4' : 'png'}`) };
  };
  const claim = (candidate: OutputName): boolean => {
    const resolved = resolve(candidate.path);
    const key = fileKey(candidate.path);
    if (taken.has(resolved) || (key !== undefined && inputKeys.has(key))) return false;
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
