// saveSimilarityIndex writes atomically: a temporary file beside the target, renamed over it.
// A write that fails half-way (a full disk) or a rename that fails leaves the old index loadable
// and no temporary file behind. The failures are injected into node:fs/promises (the module the
// file code writes through); every other call goes to the real file system.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimilarityIndex } from '../../src/pipelines/embeddings/similarity-index';
import { loadSimilarityIndex, saveSimilarityIndex } from '../../src/node/similarity-index-file';
import { fsFaults, resetFsFaults } from '../helpers/fs-faults';

vi.mock('node:fs/promises', async (importOriginal) => (await import('../helpers/fs-faults')).faultyFsPromises(await importOriginal()));

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
});
