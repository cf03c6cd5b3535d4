// Failures injected into node:fs/promises (the module visionpipe's Node writers go through), for
// tests of what a failed save leaves on disk. Every call that no fault matches goes to the real
// file system. A test file mocks the module with this helper's factory and sets the faults:
//
//   vi.mock('node:fs/promises', async (importOriginal) => (await import('../helpers/fs-faults')).faultyFsPromises(await importOriginal()));
//   import { fsFaults, resetFsFaults } from '../helpers/fs-faults';
//   fsFaults.write = { match: /manifest\.json/, share: 0.5, code: 'ENOSPC' }; // the file or its temporary
import type * as fsPromises from 'node:fs/promises';

type Fs = typeof fsPromises;

/** What to break. */
export interface FsFaults {
  /** writeFile to a path matching `match` writes this share of the bytes, then fails with `code`. */
  write?: { match: RegExp; share: number; code: string };
  /** rename to a destination matching `match` fails with `code` (nothing is moved). */
  rename?: { match: RegExp; code: string };
  /** Destinations of the renames that went through, in order. */
  renamed: string[];
}

/** The faults in force (shared by the mocked module and the test file). */
export const fsFaults: FsFaults = { renamed: [] };

/** No faults; the rename log emptied. */
export function resetFsFaults(): void {
  fsFaults.write = undefined;
  fsFaults.rename = undefined;
  fsFaults.renamed = [];
}

const failure = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: injected failure`), { code });

/** node:fs/promises with {@link fsFaults} applied to writeFile and rename (for a vi.mock factory). */
export function faultyFsPromises(actual: Fs): Fs & { default: Fs } {
  const writeFile: Fs['writeFile'] = async (path, data, options) => {
    const fault = fsFaults.write;
    if (fault === undefined || !fault.match.test(String(path))) return actual.writeFile(path, data, options);
    const bytes = typeof data === 'string' ? Buffer.from(data) : (data as Uint8Array);
    await actual.writeFile(path, bytes.subarray(0, Math.floor(bytes.byteLength * fault.share)), options);
    throw failure(fault.code);
  };
  const rename: Fs['rename'] = async (from, to) => {
    if (fsFaults.rename?.match.test(String(to))) throw failure(fsFaults.rename.code);
    await actual.rename(from, to);
    fsFaults.renamed.push(String(to));
  };
  return { ...actual, default: { ...actual, writeFile, rename }, writeFile, rename };
}
