/**
 * Image inputs that are not plain files: a photo piped in as /dev/stdin (read once: the
 * annotated copy must not read the input again) and a device such as /dev/zero (refused,
 * not read without end).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/node-platform';
import { fixturePhoto } from '../helpers/photos';
import { ROOT, cli, ensureCliBuilt } from './cli-runner';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-image-inputs-'));

beforeAll(() => ensureCliBuilt(), 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI with `file` piped to its stdin through a shell pipe (`cat file | visionpipe …`). */
async function cliWithPipedStdin(file: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = 'file=$1; shift; cat "$file" | "$@"';
  try {
    const { stdout, stderr } = await run('sh', ['-c', script, 'sh', file, process.execPath, join(ROOT, 'bin/visionpipe.js'), ...args], { cwd: ROOT, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('image inputs that are not plain files', () => {
  it('a photo piped in as /dev/stdin is analysed and annotated from the one read', async () => {
    const out = join(tmp, 'stdin');
    const piped = await cliWithPipedStdin(fixturePhoto('chelsea'), ['segment', '/dev/stdin', '--out', out]);
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^\/dev\/stdin: person \d+\.\d% of pixels \(451×300, /);
    const written = await sharp(join(out, 'stdin.mask.png')).metadata();
    expect([written.width, written.height]).toEqual([451, 300]);
  }, 120_000);

  it("map and search read a piped photo once: map places it, search's sheet shows it (map read it twice and dropped it; search blanked the query's tile, blaming the index)", async () => {
    const mapped = await cliWithPipedStdin(fixturePhoto('chelsea'), ['map', fixturePhoto('astronaut'), fixturePhoto('coffee'), '/dev/stdin', '--out', join(tmp, 'map.png'), '--json']);
    expect(mapped.stderr).toBe('');
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toContain('/dev/stdin');
    const index = join(tmp, 'index');
    expect((await cli(['embed', fixturePhoto('astronaut'), fixturePhoto('coffee'), '--out', index], {}, 60_000)).code).toBe(0);
    const sheets = join(tmp, 'sheets');
    const searched = await cliWithPipedStdin(fixturePhoto('chelsea'), ['search', '/dev/stdin', '--index', index, '--out', sheets]);
    expect(searched.stderr).toBe('');
    expect(searched.code).toBe(0);
    // the query's tile (the first, 200² at 8, 8) is the photo: many colours, not the blank tile's one grey
    const { data, info } = await sharp(join(sheets, 'stdin.similar.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const colours = new Set<number>();
    for (let y = 58; y < 158; y++) for (let x = 8; x < 208; x++) colours.add((data[(y * info.width + x) * 3] << 16) | (data[(y * info.width + x) * 3 + 1] << 8) | data[(y * info.width + x) * 3 + 2]);
    expect(colours.size).toBeGreaterThan(100);
  }, 180_000);

  it('a device is refused as INVALID_INPUT saying what it is, without reading it', async () => {
    await expect(decodeImageFile('/dev/zero')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: "cannot read image file '/dev/zero': is a device, not an image file" });
    const run = await cli(['segment', '/dev/zero', fixturePhoto('coffee')], {}, 60_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("/dev/zero: cannot read image file '/dev/zero': is a device, not an image file [INVALID_INPUT]");
    expect(run.stdout).toContain('coffee.jpg: person');
  }, 120_000);

  it('--json prints its array when no input names a file (stdout was empty)', async () => {
    const run = await cli(['detect', 'no-such-photo.jpg', '--json'], {}, 60_000);
    expect(run.code).toBe(1);
    const entries = JSON.parse(run.stdout) as { image: string; error: { code: string } }[];
    expect(entries).toEqual([{ image: 'no-such-photo.jpg', error: { code: 'INVALID_INPUT', message: 'no such file or folder' } }]);
  }, 120_000);
});
