// `visionpipe embed --out <folder>` over a folder indexed before: when writing the new index or
// manifest fails (a full disk, injected into node:fs/promises by test/helpers/fs-faults.ts), the
// folder keeps the previous index and manifest, and `search` still finds in it what it found.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../helpers/cli-in-process';
import { fsFaults, resetFsFaults } from '../helpers/fs-faults';
import { fixturePhoto } from '../helpers/photos';

vi.mock('node:fs/promises', async (importOriginal) => (await import('../helpers/fs-faults')).faultyFsPromises(await importOriginal()));

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-embed-atomic-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => resetFsFaults());

describe('visionpipe embed writes its folder atomically', () => {
  it('a failure while writing the manifest or the index leaves the previous index folder searchable', async () => {
    const index = join(tmp, 'index');
    const first = await cli('embed', fixturePhoto('coffee'), fixturePhoto('chelsea'), '--out', index);
    expect(first.code).toBe(0);
    const before = { manifest: readFileSync(join(index, 'manifest.json'), 'utf8'), index: readFileSync(join(index, 'index.vpsi')) };
    const search = async (): Promise<string[]> => {
      const found = await cli('search', fixturePhoto('chelsea'), '--index', index, '--json');
      expect(found.code).toBe(0);
      return (JSON.parse(found.out.join('\n')) as { neighbours: { path: string }[] }).neighbours.map((n) => n.path);
    };
    const neighbours = await search();
    expect(neighbours.map((p) => p.split('/').pop())).toEqual(['chelsea.jpg', 'coffee.jpg']);

    const cases = [
      { file: /manifest\.json/, error: /^visionpipe: ENOSPC: injected failure$/ },
      { file: /index\.vpsi/, error: /^visionpipe: could not write the index file .*index\.vpsi: ENOSPC.* \[INVALID_INPUT\]$/ },
    ];
    for (const { file, error } of cases) {
      fsFaults.write = { match: file, share: 0.5, code: 'ENOSPC' };
      const again = await cli('embed', fixturePhoto('astronaut'), fixturePhoto('coffee'), fixturePhoto('chelsea'), '--out', index);
      resetFsFaults();
      expect(again.code).toBe(1);
      expect(again.err).toEqual([expect.stringMatching(error)]);
      expect(readdirSync(index).sort()).toEqual(['index.vpsi', 'manifest.json']);
      expect(readFileSync(join(index, 'manifest.json'), 'utf8')).toBe(before.manifest);
      expect(readFileSync(join(index, 'index.vpsi')).equals(before.index)).toBe(true);
      expect(await search()).toEqual(neighbours);
    }
  }, 120_000);
});
