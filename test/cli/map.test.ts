// `visionpipe map`: real photos embedded and drawn as thumbnails on a 2-D map of the embedding
// space. A photo's mirrored copy must land next to it (its nearest point on the map), and the
// map must show each photo's thumbnail where `--json` says it is.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-in-process';
import { facePhoto, fixturePhoto } from '../helpers/photos';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-map-'));
const photos = join(tmp, 'photos');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Placed {
  file: string;
  x: number;
  y: number;
}

const nameOf = (p: Placed): string => p.file.split('/').pop()!;

function nearest(points: Placed[], of: string): string {
  const me = points.find((p) => nameOf(p) === of)!;
  const others = points.filter((p) => p !== me);
  return nameOf(others.reduce((best, p) => (Math.hypot(p.x - me.x, p.y - me.y) < Math.hypot(best.x - me.x, best.y - me.y) ? p : best)));
}

beforeAll(async () => {
  // six real photos (three face-api group photos, three scikit-image photos) and mirrored copies of two
  mkdirSync(photos);
  for (const n of [1, 3, 5] as const) copyFileSync(facePhoto(n), join(photos, `sample${n}.jpg`));
  for (const n of ['astronaut', 'chelsea', 'coffee'] as const) copyFileSync(fixturePhoto(n), join(photos, `${n}.jpg`));
  await sharp(join(photos, 'chelsea.jpg')).flop().toFile(join(photos, 'z-mirrored-chelsea.jpg'));
  await sharp(join(photos, 'sample3.jpg')).flop().toFile(join(photos, 'z-mirrored-sample3.jpg'));
});

describe('visionpipe map (real photos)', () => {
  it('PCA: each mirrored photo lands next to its original, and the PNG shows the thumbnails where they landed', async () => {
    const target = join(tmp, 'maps', 'pca.png');
    const result = await cli('map', photos, '--out', target, '--json');
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    const map = JSON.parse(result.out.join('\n')) as { method: string; width: number; height: number; points: Placed[] };
    expect(map.method).toBe('pca');
    expect(map.points).toHaveLength(8);
    expect(nearest(map.points, 'z-mirrored-chelsea.jpg')).toBe('chelsea.jpg');
    expect(nearest(map.points, 'z-mirrored-sample3.jpg')).toBe('sample3.jpg');
    const { width, height } = await sharp(target).metadata();
    expect([width, height]).toEqual([map.width, map.height]);
    // under each point: the photo's thumbnail, not the white background (a 9×9 patch at its centre)
    const { data, info } = await sharp(target).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    for (const p of map.points) {
      let ink = 0;
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const i = ((Math.round(p.y) + dy) * info.width + Math.round(p.x) + dx) * 3;
          if (data[i] + data[i + 1] + data[i + 2] < 3 * 245) ink++;
        }
      }
      expect(ink, nameOf(p)).toBeGreaterThan(40);
    }
    // and far from every point the canvas is background
    const corner = (4 * info.width + 4) * 3;
    expect([data[corner], data[corner + 1], data[corner + 2]]).toEqual([255, 255, 255]);
  });

  it('thumbnails keep the transparency of the photos (a transparent background was drawn black)', async () => {
    const icons = join(tmp, 'icons');
    mkdirSync(icons);
    for (const [i, colour] of ['#d03030', '#30a030', '#3050d0'].entries()) {
      const rgba = Buffer.alloc(120 * 120 * 4);
      for (let y = 30; y < 90; y++) for (let x = 30; x < 90; x++) Buffer.from(colour.slice(1).match(/../g)!.map((h) => parseInt(h, 16)).concat(255)).copy(rgba, (y * 120 + x) * 4);
      await sharp(rgba, { raw: { width: 120, height: 120, channels: 4 } }).png().toFile(join(icons, `icon${i}.png`));
    }
    const out = join(tmp, 'icons.png');
    expect((await cli('map', icons, '--out', out)).code).toBe(0);
    const { data, info } = await sharp(out).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let black = 0;
    for (let i = 0; i < info.width * info.height; i++) if (data[i * 3] === 0 && data[i * 3 + 1] === 0 && data[i * 3 + 2] === 0) black++;
    expect(black).toBeLessThan(100); // 22,002: each thumbnail's transparent part
  });

  it('UMAP (seeded) writes a map into a folder; bad use is a usage error or an input error', async () => {
    const folder = join(tmp, 'umap');
    const result = await cli('map', photos, '--out', folder, '--method', 'umap', '--seed', '7');
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toMatch(/mapped 8 image\(s\) with umap \(seed 7\)/);
    expect((await sharp(join(folder, 'map.png')).metadata()).width).toBe(1600);
    expect((await cli('map', photos)).code).toBe(2); // no --out
    expect((await cli('map', photos, '--out', join(tmp, 'x.png'), '--method', 'tsne')).code).toBe(2);
    const one = await cli('map', join(photos, 'coffee.jpg'), '--out', join(tmp, 'one.png'));
    expect(one.code).toBe(1);
    expect(one.err.join('\n')).toMatch(/at least 2 images/);
  });

  it('UMAP of its minimum, 3 photos, lays them on a line (umap gives them one axis)', async () => {
    const three = ['chelsea.jpg', 'coffee.jpg', 'sample1.jpg'].map((n) => join(photos, n));
    const result = await cli('map', ...three, '--out', join(tmp, 'three.png'), '--method', 'umap', '--json');
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    const { points } = JSON.parse(result.out.join('\n')) as { points: Placed[] };
    expect(points).toHaveLength(3);
    expect(new Set(points.map((p) => Math.round(p.y))).size).toBe(1);
    expect(new Set(points.map((p) => Math.round(p.x))).size).toBe(3);
  });

  it('--out is checked before any photo is embedded: a folder named .png gets map.png, a file in the way and --seed with pca are usage errors', async () => {
    const folder = join(tmp, 'folder.png');
    mkdirSync(folder);
    const two = ['chelsea.jpg', 'coffee.jpg'].map((n) => join(photos, n));
    const intoFolder = await cli('map', ...two, '--out', folder);
    expect(intoFolder.code).toBe(0);
    expect((await sharp(join(folder, 'map.png')).metadata()).width).toBe(1600);
    const inTheWay = await cli('map', ...two, '--out', join(photos, 'coffee.jpg', 'sub', 'm.png'));
    expect(inTheWay.code).toBe(2);
    expect(inTheWay.err.join('\n')).toContain("is a file, not a folder");
    const seeded = await cli('map', ...two, '--out', join(tmp, 'seeded.png'), '--seed', '3');
    expect(seeded.code).toBe(2);
    expect(seeded.err.join('\n')).toContain('--seed applies to --method umap');
  });
});

describe('visionpipe map never overwrites an input', () => {
  it('--out naming an input photo, or a folder whose map.png is an input, is a usage error (exit 2) naming it; the photo is unchanged', async () => {
    const folder = join(tmp, 'inputs-here');
    mkdirSync(folder);
    for (const [name, colour] of [['a.png', '#f00'], ['b.png', '#0f0'], ['map.png', '#00f']] as const) {
      await sharp({ create: { width: 8, height: 8, channels: 3, background: colour } }).png().toFile(join(folder, name));
    }
    const before = readFileSync(join(folder, 'b.png'));
    const named = await cli('map', folder, '--out', join(folder, 'b.png'));
    expect(named.code).toBe(2);
    expect(named.err.join('\n')).toMatch(/b\.png'.*one of the inputs.*\[INVALID_OPTION\]/);
    expect(readFileSync(join(folder, 'b.png')).equals(before)).toBe(true);
    const mapPng = readFileSync(join(folder, 'map.png'));
    const asFolder = await cli('map', folder, '--out', `${folder}/`);
    expect(asFolder.code).toBe(2);
    expect(asFolder.err.join('\n')).toMatch(/map\.png'.*one of the inputs/);
    expect(readFileSync(join(folder, 'map.png')).equals(mapPng)).toBe(true);
  });
});
