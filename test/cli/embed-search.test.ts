import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-in-process';
import { SimilarityIndex, loadSimilarityIndex, saveSimilarityIndex } from '../../src/node/index';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { buildOnnxModel } from '../helpers/onnx-builder';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-embed-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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
    expect(parsed).not.toHaveProperty('output');
    // with --out the JSON names the contact sheet it wrote (it was left out)
    const withSheet = await cli('search', join(tmp, 'flipped-sample3.jpg'), '--index', index, '--json', '--out', join(tmp, 'json-sheets'));
    const { output } = JSON.parse(withSheet.out.join('\n')) as { output: string };
    expect(output).toBe(join(tmp, 'json-sheets', 'flipped-sample3.similar.png'));
    expect(existsSync(output)).toBe(true);
  });

  it('a run where no image can be embedded leaves the index as it was (exit 1, nothing written)', async () => {
    const index = join(tmp, 'index');
    const before = { manifest: readFileSync(join(index, 'manifest.json'), 'utf8'), index: readFileSync(join(index, 'index.vpsi')) };
    const failed = await cli('embed', join(tmp, 'photos'), '--out', index, '--max-pixels', '100');
    expect(failed.code).toBe(1);
    expect(failed.err.filter((l) => l.includes('[INVALID_INPUT]'))).toHaveLength(10); // each photo, then the refusal
    expect(failed.err.at(-1)).toContain(`no image could be embedded (9 tried); nothing was written to '${index}'`);
    expect(readFileSync(join(index, 'manifest.json'), 'utf8')).toBe(before.manifest);
    expect(readFileSync(join(index, 'index.vpsi')).equals(before.index)).toBe(true);
  });

  it('an indexed photo deleted since: the search still answers, its tile is blank and a warning says the index is stale', async () => {
    const stale = join(tmp, 'stale');
    mkdirSync(join(stale, 'img'), { recursive: true });
    for (const name of ['chelsea.jpg', 'coffee.jpg']) copyFileSync(join(tmp, 'photos', name), join(stale, 'img', name));
    expect((await cli('embed', join(stale, 'img'), '--out', join(stale, 'index'))).code).toBe(0);
    const gone = join(stale, 'img', 'coffee.jpg');
    rmSync(gone);
    const found = await cli('search', fixturePhoto('coffee'), '--index', join(stale, 'index'), '--top', '2', '--out', join(stale, 'sheets'));
    expect(found.code).toBe(0);
    expect(found.out[0]).toBe(` 1. 1.0000  ${gone}`); // the query is the deleted photo itself
    expect(found.err).toEqual([expect.stringMatching(new RegExp(`^visionpipe: warning: ${gone}, in the index, cannot be read now \\(.*\\); its tile is blank`))]);
    expect((await sharp(join(stale, 'sheets', 'coffee.similar.png')).metadata()).width).toBe(8 + 3 * 208);
    // an indexed photo grown past --max-pixels since: the sheet does not decode it (the query would be refused)
    await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#808080' } }).jpeg().toFile(gone);
    const limited = await cli('search', fixturePhoto('chelsea'), '--index', join(stale, 'index'), '--top', '2', '--out', join(stale, 'limited'), '--max-pixels', '1000000');
    expect(limited.code).toBe(0);
    expect(limited.err).toEqual([`visionpipe: warning: ${gone}, in the index, has more than 1000000 pixels (--max-pixels); its tile is blank`]);
  });

  it('the model an index names is checked as --model is: an unknown id or a card with files outside its folder is a bad index, never read', async () => {
    const bad = join(tmp, 'bad-model');
    const write = (name: string, model: unknown): string => {
      const folder = join(bad, name);
      cpSync(join(tmp, 'index'), folder, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(folder, 'manifest.json'), JSON.stringify({ ...manifest, model }));
      return folder;
    };
    const card = join(bad, 'escaping.card.json');
    mkdirSync(bad, { recursive: true });
    writeFileSync(card, JSON.stringify({ id: 'mine', task: 'image-feature-extraction', family: 'pooled-output', format: 'tfjs', input: { width: 224, height: 224 }, labels: [], location: { url: '../../../../etc/passwd' } }));
    const cases: [string, unknown, RegExp][] = [
      ['unknown-id', 'no-such-model', /manifest\.json names the model 'no-such-model', which is not in the catalogue/],
      ['inline-card', { id: 'x', task: 'image-feature-extraction', family: 'pooled-output', format: 'tfjs', input: { width: 224, height: 224 }, labels: [], location: { url: '/etc/passwd' } }, /'model' must be a catalogue id or \{ "card": "<path of a model card>" \}/],
      ['escaping-card', { card }, /manifest\.json names the model card .*escaping\.card\.json: the path "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" named in .* climbs out with \.\./],
      // a model for another task was a usage error (exit 2, INVALID_OPTION)
      ['detector-id', 'yolov5s-coco', /manifest\.json names the model 'yolov5s-coco', which is for object-detection, not embeddings/],
    ];
    for (const [name, model, message] of cases) {
      const result = await cli('search', fixturePhoto('coffee'), '--index', write(name, model));
      expect(result.code, name).toBe(1);
      expect(result.err.join('\n'), name).toMatch(message);
      expect(result.err.join('\n'), name).toContain('[INVALID_INPUT]');
    }
  });

  it('an index entry whose path is no string is a bad index (INVALID_INPUT), not a TypeError of the contact sheet', async () => {
    const folder = join(tmp, 'numeric-path');
    cpSync(join(tmp, 'index'), folder, { recursive: true });
    const index = await loadSimilarityIndex<{ path: unknown }>(join(folder, 'index.vpsi'));
    const crafted = new SimilarityIndex<{ path: unknown }>(index.dim);
    for (const id of index.ids()) crafted.add(id, index.get(id).vector, { path: 123 });
    await saveSimilarityIndex(crafted as SimilarityIndex, join(folder, 'index.vpsi'));
    const result = await cli('search', fixturePhoto('coffee'), '--index', folder, '--out', join(tmp, 'numeric-sheets'));
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/index\.vpsi: entry '.*' has the path 123; paths are strings.*\[INVALID_INPUT\]/);
  });

  it('a named pipe in an index folder (its manifest, its index file, an entry\'s photo) is refused or left blank, never waited on (search hung)', async () => {
    const folder = (name: string): string => {
      const path = join(tmp, 'fifo', name);
      cpSync(join(tmp, 'index'), path, { recursive: true });
      return path;
    };
    const pipes = [folder('manifest'), folder('index')];
    rmSync(join(pipes[0], 'manifest.json'));
    execFileSync('mkfifo', [join(pipes[0], 'manifest.json')]);
    rmSync(join(pipes[1], 'index.vpsi'));
    execFileSync('mkfifo', [join(pipes[1], 'index.vpsi')]);
    for (const [index, message] of [[pipes[0], /manifest\.json' is a named pipe, not a file \[INVALID_INPUT\]/], [pipes[1], /index\.vpsi is a named pipe, not a file \[INVALID_INPUT\]/]] as const) {
      const result = await cli('search', fixturePhoto('coffee'), '--index', index);
      expect(result.code, index).toBe(1);
      expect(result.err.join('\n'), index).toMatch(message);
    }
    // a card the manifest names is the index's file, not the user's pipe: refused, not waited on
    const named = folder('card');
    const cardFifo = join(tmp, 'fifo', 'card.json');
    execFileSync('mkfifo', [cardFifo]);
    const manifest = JSON.parse(readFileSync(join(named, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(named, 'manifest.json'), JSON.stringify({ ...manifest, model: { card: cardFifo } }));
    const cardResult = await cli('search', fixturePhoto('coffee'), '--index', named);
    expect(cardResult.code).toBe(1);
    expect(cardResult.err.join('\n')).toMatch(/names the model card .*card\.json: is a named pipe, not a model card file \[INVALID_INPUT\]/);
    const entry = folder('entry');
    const fifo = join(tmp, 'fifo', 'photo.jpg');
    execFileSync('mkfifo', [fifo]);
    const index = await loadSimilarityIndex<{ path: string }>(join(entry, 'index.vpsi'));
    const first = index.ids()[0];
    const { vector } = index.get(first);
    index.remove(first);
    index.add(first, vector, { path: fifo });
    await saveSimilarityIndex(index as SimilarityIndex, join(entry, 'index.vpsi'));
    const sheet = await cli('search', fixturePhoto('coffee'), '--index', entry, '--top', '9', '--out', join(tmp, 'fifo', 'sheets'));
    expect(sheet.code).toBe(0);
    expect(sheet.err).toEqual([`visionpipe: warning: ${fifo}, in the index, cannot be read now ('${fifo}' is a named pipe, not a file); its tile is blank — run visionpipe embed again to refresh the index`]);
  });

  it("an index made with the user's own card names the card's file; search reads the card again", async () => {
    const card = join(tmp, 'own', 'features.card.json');
    mkdirSync(join(tmp, 'own'));
    const own = { id: 'my-features', task: 'image-feature-extraction', family: 'layer-features', format: 'tfjs-packed', location: { package: 'nsfwjs', version: '4.4.0', path: 'dist/models/mobilenet_v2/model.min.js' }, input: { width: 224, height: 224, fit: 'stretch', normalization: 'unit' }, outputs: ['block_13_expand_relu'], labels: [] };
    writeFileSync(card, JSON.stringify(own));
    const index = join(tmp, 'own', 'index');
    const embedded = await cli('embed', join(tmp, 'photos', 'chelsea.jpg'), join(tmp, 'photos', 'coffee.jpg'), '--out', index, '--model', card);
    expect(embedded.code).toBe(0);
    expect(embedded.out.join('\n')).toContain('(my-features)');
    expect((JSON.parse(readFileSync(join(index, 'manifest.json'), 'utf8')) as { model: unknown }).model).toEqual({ card });
    const found = await cli('search', join(tmp, 'flipped-chelsea.jpg'), '--index', index, '--top', '1');
    expect(found.code).toBe(0);
    expect(found.out[0]).toMatch(/chelsea\.jpg$/);
  });

  it('never overwrites an input: the contact sheet takes the next free name where its own is the query (a link) or an indexed photo; embed refuses an input where the index goes', async () => {
    const guard = join(tmp, 'guard');
    mkdirSync(join(guard, 'sheets'), { recursive: true });
    const query = join(guard, 'q.jpg');
    copyFileSync(join(tmp, 'photos', 'chelsea.jpg'), query);
    const before = readFileSync(query);
    symlinkSync(query, join(guard, 'sheets', 'q.similar.png'));
    const found = await cli('search', query, '--index', join(tmp, 'index'), '--top', '1', '--out', join(guard, 'sheets'));
    expect(found.code).toBe(0);
    expect(found.out.at(-1)).toBe(`contact sheet → ${join(guard, 'sheets', 'q-2.similar.png')}`);
    expect(readFileSync(query).equals(before)).toBe(true);
    // photos named as the index's files, in the --out folder: refused before any work
    const named = join(guard, 'named');
    mkdirSync(named);
    copyFileSync(join(tmp, 'photos', 'coffee.jpg'), join(named, 'manifest.json'));
    const embedded = await cli('embed', join(named, 'manifest.json'), '--out', named);
    expect(embedded.code).toBe(2);
    expect(embedded.err.join('\n')).toContain(`--out would write '${join(named, 'manifest.json')}', which is one of the inputs`);
    expect(readFileSync(join(named, 'manifest.json')).equals(readFileSync(join(tmp, 'photos', 'coffee.jpg')))).toBe(true);
  });

  it('an image whose embedding is all zeros fails alone: embed indexes the others, search --json prints its error', async () => {
    // features = ReLU(pixel - 0.5): a black image has none
    const folder = join(tmp, 'zero');
    mkdirSync(folder);
    writeFileSync(join(folder, 'relu.onnx'), buildOnnxModel({
      inputs: [{ name: 'images', dims: [1, 3, 32, 32] }],
      outputs: [{ name: 'features', dims: [1, 3, 32, 32] }],
      initializers: [{ name: 'half', dims: [], values: [0.5] }],
      nodes: [{ op: 'Sub', inputs: ['images', 'half'], outputs: ['shifted'] }, { op: 'Relu', inputs: ['shifted'], outputs: ['features'] }],
    }));
    const card = join(folder, 'relu.card.json');
    writeFileSync(card, JSON.stringify({ id: 'relu', task: 'image-feature-extraction', family: 'pooled-output', format: 'onnx', input: { width: 32, height: 32, normalization: 'unit', layout: 'nchw' }, labels: [], location: { url: 'relu.onnx' } }));
    const black = join(folder, 'black.png');
    await sharp({ create: { width: 40, height: 40, channels: 3, background: '#000' } }).png().toFile(black);
    const index = join(folder, 'index');
    const embedded = await cli('embed', black, fixturePhoto('chelsea'), fixturePhoto('coffee'), '--out', index, '--model', card);
    expect(embedded.code).toBe(1);
    expect(embedded.err).toEqual([`visionpipe: ${black}: the model's embedding of this image is all zeros (its features are all zero, as a blank image can give): it has no direction to compare by cosine similarity [INVALID_INPUT]`]);
    expect(embedded.out.join('\n')).toContain('indexed 2 image(s)');
    const searched = await cli('search', black, '--index', index, '--json');
    expect(searched.code).toBe(1);
    expect(JSON.parse(searched.out.join('\n'))).toEqual({ query: black, error: { code: 'INVALID_INPUT', message: expect.stringContaining('is all zeros') } });
    const found = await cli('search', fixturePhoto('coffee'), '--index', index, '--top', '1');
    expect(found.code).toBe(0);
    expect(found.out[0]).toMatch(/coffee\.\w+$/);
  });

  it('says what is missing: embed without --out, search without --index or with a folder that is no index', async () => {
    expect((await cli('embed', fixturePhoto('coffee'))).code).toBe(2);
    // no images at all is a usage error (exit 2), as search without its query is
    expect((await cli('embed', '--out', join(tmp, 'nothing'))).code).toBe(2);
    expect((await cli('map', '--out', join(tmp, 'nothing', 'map.png'))).code).toBe(2);
    expect((await cli('search', fixturePhoto('coffee'))).code).toBe(2);
    const noIndex = await cli('search', fixturePhoto('coffee'), '--index', tmp + '/nothing');
    expect(noIndex.code).toBe(1);
    expect(noIndex.err.join('\n')).toContain('manifest.json');
    expect((await cli('embed', fixturePhoto('coffee'), '--out', tmp, '--top', '3')).code).toBe(2);
    expect(existsSync(join(tmp, 'nothing'))).toBe(false);
  });
});
