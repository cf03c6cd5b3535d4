/**
 * `search --index` with a manifest.json that is not JSON: the error names the file and the line
 * and column where it stops being JSON, and never quotes it (JSON.parse's message quoted the
 * start of the file: a secrets file there reached the terminal).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/node/cli';
import { fixturePhoto } from '../helpers/photos';

const tmp = mkdtempSync(join(tmpdir(), 'vp-manifest-json-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('search: an index whose manifest.json is not JSON', () => {
  it('is INVALID_INPUT naming the file, line and column, without its content', async () => {
    const index = join(tmp, 'index');
    mkdirSync(index);
    writeFileSync(join(index, 'manifest.json'), '{"version": 1,\n AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['search', fixturePhoto('coffee'), '--index', index], (l) => out.push(l), (l) => err.push(l));
    expect(code).toBe(1);
    const said = err.join('\n');
    expect(said).toContain(`${join(index, 'manifest.json')} is not a visionpipe embed manifest (make one with visionpipe embed): it is not valid JSON (line 2, column 2) [INVALID_INPUT]`);
    expect(said).not.toContain('AWS_SECRET');
    expect(said).not.toContain('wJalr');
  });
});
