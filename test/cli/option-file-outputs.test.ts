/**
 * Files that options name are inputs too: an output never lands on the `--background` image of
 * `matte` (it was overwritten), nor on a `--model` card (`classify`, `embed`, `map`) or the card
 * an index's manifest names (`search`). Batch outputs take the next free `<name>-2`; the fixed
 * names of `embed` and `map` are refused (usage error) before any work.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-in-process';
import { NSFW_MOBILENET_V2 } from '../../src/models/catalog';
import { MOBILENET_V2_FEATURES } from '../../src/models/embedding-cards';
import { fixturePhoto } from '../helpers/photos';

const tmp = mkdtempSync(join(tmpdir(), 'vp-option-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A folder under tmp holding `file` (a JSON card or bytes) at `name`; returns the file's path. */
function place(folder: string, name: string, content: string | Buffer): string {
  mkdirSync(join(tmp, folder), { recursive: true });
  const path = join(tmp, folder, name);
  writeFileSync(path, content);
  return path;
}

describe('outputs never land on a file an option names', () => {
  it('matte: the --background image in the --out folder keeps its bytes; the matte gets the next name', async () => {
    const photo = join(tmp, 'me.jpg');
    copyFileSync(fixturePhoto('astronaut'), photo);
    const red = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const background = place('matte-out', 'me.matte.png', red);
    const run = await cli('matte', photo, '--out', join(tmp, 'matte-out'), '--background', background, '--json');
    expect(run.code).toBe(0);
    expect(readFileSync(background).equals(red)).toBe(true);
    const [entry] = JSON.parse(run.out.join('\n')) as { output: string }[];
    expect(entry.output).toBe(join(tmp, 'matte-out', 'me-2.matte.png'));
    expect((await sharp(entry.output).metadata()).width).toBe(512);
  });

  it('classify: a --model card named as the output stays; the annotated copy gets the next name', async () => {
    const card = place('classify-out', 'chelsea.annotated.png', JSON.stringify(NSFW_MOBILENET_V2));
    const before = readFileSync(card);
    const run = await cli('classify', fixturePhoto('chelsea'), '--model', card, '--out', join(tmp, 'classify-out'));
    expect(run.code).toBe(0);
    expect(readFileSync(card).equals(before)).toBe(true);
    expect(run.out.join('\n')).toContain(`→ ${join(tmp, 'classify-out', 'chelsea-2.annotated.png')}`);
  });

  it('embed: a --model card where the index goes is refused before any work', async () => {
    const card = place('embed-out', 'manifest.json', JSON.stringify(MOBILENET_V2_FEATURES));
    const run = await cli('embed', fixturePhoto('coffee'), '--model', card, '--out', join(tmp, 'embed-out'));
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).toContain(`--out would write '${card}', which is one of the inputs (the images, the --model card)`);
    expect(JSON.parse(readFileSync(card, 'utf8'))).toEqual(JSON.parse(JSON.stringify(MOBILENET_V2_FEATURES)));
    expect(existsSync(join(tmp, 'embed-out', 'index.vpsi'))).toBe(false);
  });

  it('search: the card the index was made with, where the contact sheet goes, stays', async () => {
    const card = place('sheets', 'coffee.similar.png', JSON.stringify(MOBILENET_V2_FEATURES));
    const before = readFileSync(card);
    const index = join(tmp, 'index');
    expect((await cli('embed', fixturePhoto('chelsea'), fixturePhoto('coffee'), '--model', card, '--out', index)).code).toBe(0);
    const found = await cli('search', fixturePhoto('coffee'), '--index', index, '--top', '1', '--out', join(tmp, 'sheets'));
    expect(found.code).toBe(0);
    expect(found.out.at(-1)).toBe(`contact sheet → ${join(tmp, 'sheets', 'coffee-2.similar.png')}`);
    expect(readFileSync(card).equals(before)).toBe(true);
  });

  it('map: a --model card at the map’s path is refused before any work', async () => {
    const card = place('maps', 'map.png', JSON.stringify(MOBILENET_V2_FEATURES));
    const before = readFileSync(card);
    const run = await cli('map', fixturePhoto('chelsea'), fixturePhoto('coffee'), '--model', card, '--out', join(tmp, 'maps'));
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).toContain(`--out would write the map to '${card}', which is one of the inputs (the images, the --model card)`);
    expect(readFileSync(card).equals(before)).toBe(true);
  });
});
