import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/node/cli';
import { facePhoto, fixturePhoto } from '../helpers/photos';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-embed-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

describe('visionpipe embed / search (real photos)', () => {
  it('indexes photos, finds a flipped photo’s original first and draws a contact sheet', async () => {
    // nine real photos: the six face-api group photos and three scikit-image photos (committed fixtures)
    const photos = join(tmp, 'photos');
    const names = [1, 2, 3, 4, 5, 6].map((n) => `sample${n}.jpg`).concat('astronaut.jpg', 'chelsea.jpg', 'coffee.jpg');
    mkdirSync(photos);
    [1, 2, 3, 4, 5, 6].forEach((n) => copyFileSync(facePhoto(n as 1), join(photos, `sample${n}.jpg`)));
    (['astronaut', 'chelsea', 'coffee'] as const).forEach((n) => copyFileSync(fixturePhoto(n), join(photos, `${n}.jpg`)));
    const index = join(tmp, 'index');
    const embedded = await cli('embed', photos, '--out', index);
    expect(embedded.err).toEqual([]);
    expect(embedded.code).toBe(0);
    expect(embedded.out.join('\n')).toContain('indexed 9 image(s), 1536-d');
    const manifest = JSON.parse(readFileSync(join(index, 'manifest.json'), 'utf8')) as { model: string; files: { path: string }[] };
    expect(manifest.model).toBe('mobilenet-v2-features');
    expect(manifest.files.map((f) => f.path.split('/').pop()).sort()).toEqual([...names].sort());

    for (const original of ['sample3.jpg', 'chelsea.jpg']) {
      const query = join(tmp, `flipped-${original}`);
      await sharp(join(photos, original)).flop().jpeg({ quality: 80 }).toFile(query);
      const found = await cli('search', query, '--index', index, '--top', '3', '--out', join(tmp, 'sheets'));
      expect(found.code).toBe(0);
      expect(found.out).toHaveLength(4);
      expect(found.out[0]).toMatch(new RegExp(` 1\\. 0\\.\\d{4}  .*/photos/${original}$`));
      const sheet = join(tmp, 'sheets', `flipped-${original.replace('.jpg', '')}.similar.png`);
      expect(found.out[3]).toContain(sheet);
      const { width, height } = await sharp(sheet).metadata();
      expect([width, height]).toEqual([8 + 4 * 208, 8 + 200 + 36 + 8]);
      // the query's and the first neighbour's thumbnails are pictures, not blank tiles
      const { data } = await sharp(sheet).extract({ left: 8, top: 8, width: 408, height: 200 }).greyscale().raw().toBuffer({ resolveWithObject: true });
      expect(data.filter((v) => v < 200).length).toBeGreaterThan(408 * 200 * 0.2);
    }
    const json = await cli('search', join(tmp, 'flipped-sample3.jpg'), '--index', index, '--json');
    const parsed = JSON.parse(json.out.join('\n')) as { neighbours: { rank: number; score: number; path: string }[] };
    expect(parsed.neighbours).toHaveLength(5);
    expect(parsed.neighbours[0].path).toMatch(/sample3\.jpg$/);
    expect(parsed.neighbours.map((n) => n.score)).toEqual([...parsed.neighbours.map((n) => n.score)].sort((a, b) => b - a));
  });

  it('says what is missing: embed without --out, search without --index or with a folder that is no index', async () => {
    expect((await cli('embed', fixturePhoto('coffee'))).code).toBe(2);
    expect((await cli('search', fixturePhoto('coffee'))).code).toBe(2);
    const noIndex = await cli('search', fixturePhoto('coffee'), '--index', tmp + '/nothing');
    expect(noIndex.code).toBe(1);
    expect(noIndex.err.join('\n')).toContain('manifest.json');
    expect((await cli('embed', fixturePhoto('coffee'), '--out', tmp, '--top', '3')).code).toBe(2);
    expect(existsSync(join(tmp, 'nothing'))).toBe(false);
  });
});
