// writeFileAtomic / writeFilesAtomic: temporary files beside the targets, flushed, renamed over
// them in the order given. A write that fails half-way (a full disk) leaves the old files and no
// temporary; a rename that fails removes the temporaries not yet renamed. The failures are
// injected into node:fs/promises (test/helpers/fs-faults.ts); everything else is the real disk.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic, writeFilesAtomic } from '../../src/node/atomic-write';
import { fsFaults, resetFsFaults } from '../helpers/fs-faults';

vi.mock('node:fs/promises', async (importOriginal) => (await import('../helpers/fs-faults')).faultyFsPromises(await importOriginal()));

describe('writeFileAtomic', () => {
  let folder: string;
  const at = (name: string): string => join(folder, name);
  const text = (name: string): string => readFileSync(at(name), 'utf8');

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'vp-atomic-write-'));
  });

  afterEach(() => {
    resetFsFaults();
    rmSync(folder, { recursive: true, force: true });
  });

  it('a write, and a write over an existing file, leave only the target with the new contents', async () => {
    await writeFileAtomic(at('a.json'), '{"v":1}');
    expect(readdirSync(folder)).toEqual(['a.json']);
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 251);
    await writeFileAtomic(at('a.json'), bytes);
    expect(readdirSync(folder)).toEqual(['a.json']);
    expect(new Uint8Array(readFileSync(at('a.json')))).toEqual(bytes);
    // both times the target was replaced whole, by a rename, never written into
    expect(fsFaults.renamed).toEqual([at('a.json'), at('a.json')]);
  });

  it('a write that fails half-way (a full disk) leaves the old file intact and no temporary file', async () => {
    writeFileSync(at('a.json'), 'old contents');
    fsFaults.write = { match: /a\.json/, share: 0.5, code: 'ENOSPC' }; // the temporary file or the target
    await expect(writeFileAtomic(at('a.json'), 'new contents that do not fit')).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readdirSync(folder)).toEqual(['a.json']);
    expect(text('a.json')).toBe('old contents');
  });

  it('a rename that fails leaves the old file and removes the written temporary file', async () => {
    writeFileSync(at('a.json'), 'old contents');
    fsFaults.rename = { match: /a\.json$/, code: 'EIO' };
    await expect(writeFileAtomic(at('a.json'), 'new contents')).rejects.toMatchObject({ code: 'EIO' });
    expect(readdirSync(folder)).toEqual(['a.json']);
    expect(text('a.json')).toBe('old contents');
  });
});

describe('writeFilesAtomic', () => {
  let folder: string;
  const at = (name: string): string => join(folder, name);
  const text = (name: string): string => readFileSync(at(name), 'utf8');

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'vp-atomic-write-'));
    writeFileSync(at('weights.bin'), 'old weights');
    writeFileSync(at('model.json'), 'old model');
  });

  afterEach(() => {
    resetFsFaults();
    rmSync(folder, { recursive: true, force: true });
  });

  const save = (): Promise<void> =>
    writeFilesAtomic([
      { path: at('weights.bin'), data: 'new weights' },
      { path: at('model.json'), data: 'new model' },
    ]);

  it('writes every file, renaming them in the order given (the file that names the others last)', async () => {
    await save();
    expect(fsFaults.renamed).toEqual([at('weights.bin'), at('model.json')]);
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);
    expect([text('weights.bin'), text('model.json')]).toEqual(['new weights', 'new model']);
  });

  it('a write that fails in the last file renames nothing: every old file stays, no temporary file', async () => {
    fsFaults.write = { match: /model\.json/, share: 0.5, code: 'ENOSPC' };
    await expect(save()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(fsFaults.renamed).toEqual([]);
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);
    expect([text('weights.bin'), text('model.json')]).toEqual(['old weights', 'old model']);
  });

  it('a rename that fails after the first one keeps the later file old and removes its temporary file', async () => {
    fsFaults.rename = { match: /model\.json$/, code: 'EIO' };
    await expect(save()).rejects.toMatchObject({ code: 'EIO' });
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);
    expect([text('weights.bin'), text('model.json')]).toEqual(['new weights', 'old model']);
  });

  it("throws what the failing file's onError makes of the file system's error", async () => {
    fsFaults.write = { match: /model\.json/, share: 0, code: 'ENOSPC' };
    const onError = (error: unknown): Error => new Error(`model.json: ${(error as Error).message}`);
    const weightsError = vi.fn((error: unknown) => error);
    await expect(
      writeFilesAtomic([
        { path: at('weights.bin'), data: 'new weights', onError: weightsError },
        { path: at('model.json'), data: 'new model', onError },
      ]),
    ).rejects.toThrow(/^model\.json: ENOSPC/);
    expect(weightsError).not.toHaveBeenCalled();
    expect(readdirSync(folder).sort()).toEqual(['model.json', 'weights.bin']);
    expect([text('weights.bin'), text('model.json')]).toEqual(['old weights', 'old model']);
  });
});
