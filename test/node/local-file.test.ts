// checkRealPathWithin: a file a model names must, links followed, stay inside its folder; a
// file whose name merely starts with two dots is inside.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRealPathWithin } from '../../src/node/local-file';
import { expectVisionError, tempDir } from '../runtime/helpers';

const dir = tempDir('local-file');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkRealPathWithin', () => {
  it('takes files named ..w.bin or ...bin inside the folder, and refuses links to the parent or beside it', async () => {
    const folder = join(dir, 'model');
    mkdirSync(folder);
    for (const name of ['..w.bin', '...bin']) writeFileSync(join(folder, name), 'W');
    await expect(checkRealPathWithin(join(folder, '..w.bin'), folder)).resolves.toBeUndefined();
    await expect(checkRealPathWithin(join(folder, '...bin'), folder)).resolves.toBeUndefined();
    symlinkSync(join(folder, '..w.bin'), join(folder, 'link.bin'));
    await expect(checkRealPathWithin(join(folder, 'link.bin'), folder)).resolves.toBeUndefined();
    writeFileSync(join(dir, '..w.bin'), 'OUT');
    symlinkSync(join(dir, '..w.bin'), join(folder, 'out.bin'));
    symlinkSync(dir, join(folder, 'parent'));
    expect((await expectVisionError(checkRealPathWithin(join(folder, 'out.bin'), folder), 'INVALID_OPTION')).message).toContain('(through a link), outside');
    await expectVisionError(checkRealPathWithin(join(folder, 'parent'), folder), 'INVALID_OPTION');
    // the folder itself (a card's location.url '.'): said so, not "through a link, outside"
    expect((await expectVisionError(checkRealPathWithin(join(folder, '.'), folder), 'INVALID_OPTION')).message).toBe(`${join(folder, '.')} is the folder ${folder} itself, not a file in it`);
  });
});
