// saveSimilarityIndex writes atomically: a temporary file beside the target, renamed over it.
// A write that fails half-way (a full disk) or a rename that fails leaves the old index loadable
// and no temporary file behind. The failures are injected into node:fs/promises (the module the
// file code writes through); every other call goes to the real file system.
// loadSimilarityIndex reads in pieces, so a file past readFile's 2 GiB loads: here readFile stops
// at a few bytes instead, and reads through a file handle return short pieces.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimilarityIndex } from '../../src/pipelines/embeddings/similarity-index';
import { loadSimilarityIndex, saveSimilarityIndex } from '../../src/node/similarity-index-file';
import { fsFaults, resetFsFaults } from '../helpers/fs-faults';

/** Files over `readFileCap` bytes are refused by readFile as Node refuses files over 2 GiB; a handle's read returns at most `pieceCap` bytes. */
const reads = vi.hoisted(() => ({ readFileCap: Number.POSITIVE_INFINITY, pieceCap: Number.POSITIVE_INFINITY, pieces: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const faulty = (await import('../helpers/fs-faults')).faultyFsPromises(actual);
  const readFile = (async (path: string, options?: null) => {
    const { size } = await actual.stat(path);
    if (size > reads.readFileCap) throw Object.assign(new RangeError(`File size (${size}) is greater than 2 GiB`), { code: 'ERR_FS_FILE_TOO_LARGE' });
    return actual.readFile(path, options);
  }) as typeof actual.readFile;
  const open = (async (path: string, flags?: string) => {
    const handle = await actual.open(path, flags);
    const read = handle.read.bind(handle) as (buffer: Uint8Array, offset: number, length: number, position: number) => ReturnType<FileHandle['read']>;
    return Object.assign(handle, {
      read: (buffer: Uint8Array, offset: number, length: number, position: number) => {
        reads.pieces++;
        return read(buffer, offset, Math.min(length, reads.pieceCap), position);
      },
    });
  }) as typeof actual.open;
  return { ...faulty, readFile, open, default: { ...faulty.default, readFile, open } };
});

/** Every write fails half-way with ENOSPC (a full disk), or every rename with `code`. */
const ANY = /./;

const vectors = (count: number, dim: number, offset: number): Float32Array[] =>
  Array.from({ length: count }, (_, n) => Float32Array.from({ length: dim }, (_, i) => Math.sin(n * 7 + i * 3 + offset)));

function indexOf(count: number, offset: number): SimilarityIndex<{ n: number }> {
  const index = new SimilarityIndex<{ n: number }>(8);
  vectors(count, 8, offset).forEach((v, n) => index.add(`item ${n}`, v, { n }));
  return index;
}

describe('saveSimilarityIndex writes atomically', () => {
  let folder: string;
  const target = (): string => join(folder, 'photos.vpsi');
  const query = vectors(1, 8, 99)[0];

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'vp-index-file-'));
  });

  afterEach(() => {
    Object.assign(reads, { readFileCap: Number.POSITIVE_INFINITY, pieceCap: Number.POSITIVE_INFINITY, pieces: 0 });
    resetFsFaults();
    rmSync(folder, { recursive: true, force: true });
  });

  it('a save, and a save over an existing index, leave only the index file', async () => {
    await saveSimilarityIndex(indexOf(20, 0), target());
    expect(readdirSync(folder)).toEqual(['photos.vpsi']);
    const newer = indexOf(30, 1);
    await saveSimilarityIndex(newer, target());
    expect(readdirSync(folder)).toEqual(['photos.vpsi']);
    const loaded = await loadSimilarityIndex<{ n: number }>(target());
    expect(loaded.size).toBe(30);
    expect(loaded.search(query, 5)).toEqual(newer.search(query, 5));
  });

  it('a write that fails half-way (a full disk) leaves the old index loadable and no temporary file', async () => {
    const old = indexOf(20, 0);
    await saveSimilarityIndex(old, target());
    fsFaults.write = { match: ANY, share: 0.5, code: 'ENOSPC' };
    await expect(saveSimilarityIndex(indexOf(200, 1), target())).rejects.toMatchObject({
      name: 'VisionError',
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^could not write the index file .*photos\.vpsi: ENOSPC/),
    });
    resetFsFaults();
    expect(readdirSync(folder)).toEqual(['photos.vpsi']);
    const loaded = await loadSimilarityIndex<{ n: number }>(target());
    expect(loaded.size).toBe(20);
    expect(loaded.search(query, 5)).toEqual(old.search(query, 5));
  });

  it('a rename that fails leaves the old index and removes the written temporary file', async () => {
    const old = indexOf(20, 0);
    await saveSimilarityIndex(old, target());
    fsFaults.rename = { match: ANY, code: 'EIO' };
    await expect(saveSimilarityIndex(indexOf(30, 1), target())).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/EIO/) });
    resetFsFaults();
    expect(readdirSync(folder)).toEqual(['photos.vpsi']);
    expect((await loadSimilarityIndex(target())).size).toBe(20);
  });

  it('a folder at the target path is refused (EISDIR) and left alone, with no temporary file beside it', async () => {
    mkdirSync(join(folder, 'taken.vpsi'));
    await expect(saveSimilarityIndex(indexOf(3, 0), join(folder, 'taken.vpsi'))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/EISDIR/) });
    expect(readdirSync(folder)).toEqual(['taken.vpsi']);
    expect(readdirSync(join(folder, 'taken.vpsi'))).toEqual([]);
  });

  it('loadSimilarityIndex reads in pieces into one array: a file past the size where readFile stops loads', async () => {
    const index = indexOf(300, 2);
    await saveSimilarityIndex(index, target());
    reads.readFileCap = 1024; // standing in for Node's 2 GiB
    reads.pieceCap = 1000;
    const loaded = await loadSimilarityIndex<{ n: number }>(target());
    expect(loaded.ids()).toEqual(index.ids());
    expect(loaded.search(query, 5)).toEqual(index.search(query, 5));
    expect(reads.pieces).toBeGreaterThanOrEqual(Math.ceil(readFileSync(target()).length / 1000));
  });

  it('loadSimilarityIndex refuses a file larger than any index before reading it; a truncated or garbage file keeps its message', async () => {
    const huge = join(folder, 'huge.vpsi');
    writeFileSync(huge, 'VPSI');
    truncateSync(huge, 2 ** 33 + 9); // sparse: 12 + (2^32 - 4) + 2^32 bytes is the largest index file
    await expect(loadSimilarityIndex(huge)).rejects.toMatchObject({
      name: 'VisionError',
      code: 'INVALID_INPUT',
      message: `the index file ${huge} has 8589934601 bytes; an index file has at most 8589934600 (a 12-byte prefix, a header of at most 2^32 - 4 bytes and 4 GiB of vectors)`,
    });
    expect(reads.pieces).toBe(0);
    await saveSimilarityIndex(indexOf(20, 0), target());
    const bytes = readFileSync(target());
    let cut: unknown;
    try {
      SimilarityIndex.fromBytes(bytes.subarray(0, bytes.length - 4));
    } catch (error) {
      cut = error;
    }
    truncateSync(target(), bytes.length - 4);
    await expect(loadSimilarityIndex(target())).rejects.toMatchObject({ code: 'INVALID_INPUT', message: (cut as Error).message });
    expect((cut as Error).message).toMatch(/^not a visionpipe similarity index \(version 1\): expected 160 float32 values after the header, found 159$/);
    truncateSync(target(), 3);
    await expect(loadSimilarityIndex(target())).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'not a visionpipe similarity index (version 1): the bytes do not start with VPSI' });
    await expect(loadSimilarityIndex(folder)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: `the index file ${folder} is a folder, not a file` });
    await expect(loadSimilarityIndex('' as string)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'loadSimilarityIndex needs a file path (a non-empty string); got ""' });
  });
});
