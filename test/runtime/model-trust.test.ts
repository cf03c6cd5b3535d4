/**
 * Files from models are data, never code, and never a way out of their folder: hostile packed
 * modules (code in the export, in the prelude, after the bundle), tfjs manifests whose shard
 * paths climb out (`../`, absolute, `file://`, %-encoded, backslashes, another origin), model
 * cards pointing outside, and files holding a secret that must never appear in an error.
 * Every fixture is generated into a temp dir here.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaptionTokenizer, loadClassifierFolder, loadModel, loadPackedModel } from '../../src/node/index';
import { loadCaptionFolder } from '../../src/node/cli/caption-model';
import { readModelCard } from '../../src/node/cli/model-arg';
import { resolveContained } from '../../src/runtime/contained-path';
import { MODELS, expectVisionError, serveStatic, tempDir, type StaticServer } from './helpers';

const SECRET = 'TOPSECRET-7f3a9c';
let dir = '';
let server: StaticServer;
let marker = '';

function blazefaceJson(paths: string[]): string {
  const json = JSON.parse(readFileSync(MODELS.blazeface(), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  json.weightsManifest[0].paths = paths;
  return JSON.stringify(json);
}

/** The real nsfw model.min.js with `edit` applied to its text. */
function editedPacked(name: string, edit: (text: string) => string): string {
  const path = join(dir, 'packed', name, 'model.min.js');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, edit(readFileSync(MODELS.nsfw(), 'utf8')));
  copyFileSync(join(dirname(MODELS.nsfw()), 'group1-shard1of1.min.js'), join(dirname(path), 'group1-shard1of1.min.js'));
  return path;
}

beforeAll(async () => {
  dir = tempDir('model-trust');
  marker = join(dir, 'code-ran');
  for (const sub of ['models/m', 'shared', 'cards', 'knn', 'caption']) mkdirSync(join(dir, sub), { recursive: true });
  const secretText = `root:x:0:0:${SECRET}:/root:/bin/bash\n`;
  for (const file of ['secret.txt', 'secret.json', 'knn/knn.json', 'caption/captioner.json', 'models/m/secret-model.json']) writeFileSync(join(dir, file), secretText);
  copyFileSync(MODELS.blazeface().replace(/\.json$/, '.bin'), join(dir, 'shared', 'blazeface.bin'));
  copyFileSync(MODELS.blazeface().replace(/\.json$/, '.bin'), join(dir, 'models', 'm', 'blazeface.bin'));
  const escapes: Record<string, string> = {
    dotdot: '../../secret.txt',
    absolute: join(dir, 'secret.txt'),
    fileUrl: `file://${join(dir, 'secret.txt')}`,
    encoded: '%2e%2e/%2e%2e/secret.txt',
    encodedSlash: '..%2f..%2fsecret.txt',
    backslash: '..\\..\\secret.txt',
    otherOrigin: '//example.invalid/secret.txt',
    httpUrl: 'http://example.invalid/secret.txt',
    deepThenUp: 'a/../../../secret.txt',
  };
  for (const [name, path] of Object.entries(escapes)) writeFileSync(join(dir, 'models', 'm', `${name}.json`), blazefaceJson([path]));
  writeFileSync(join(dir, 'models', 'm', 'shared.json'), blazefaceJson(['../../shared/blazeface.bin']));
  writeFileSync(join(dir, 'models', 'm', 'inside.json'), blazefaceJson(['./sub/../blazeface.bin']));
  server = await serveStatic(dir);
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ESCAPING = ['dotdot', 'absolute', 'fileUrl', 'encoded', 'encodedSlash', 'backslash', 'otherOrigin', 'httpUrl', 'deepThenUp'];

describe('packed models are parsed, never run', () => {
  it('loads the real nsfwjs MobileNetV2 without evaluating it, to the same weights', async () => {
    const files = await loadPackedModel({ model: MODELS.nsfw() });
    const weights = files.weights as Uint8Array[];
    expect(weights).toHaveLength(1);
    // The shard's base64 string, cut out of the text independently of the parser.
    const shardText = readFileSync(join(dirname(MODELS.nsfw()), 'group1-shard1of1.min.js'), 'utf8');
    const base64 = /exports="([A-Za-z0-9+/=]+)"/.exec(shardText)?.[1] ?? '';
    expect(Buffer.from(weights[0]).equals(Buffer.from(base64, 'base64'))).toBe(true);
    // The weights are uint8-quantised: one byte per value of the manifest's shapes.
    const manifest = (files.json as { weightsManifest: { weights: { shape: number[] }[] }[] }).weightsManifest;
    expect(weights[0].byteLength).toBe(manifest[0].weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0));
  });

  const hostile: Record<string, (text: string) => string> = {
    'code in the exported value': (t) => t.replace('a.exports={', `a.exports={pwn:require("fs").writeFileSync(${JSON.stringify(marker)},"x"),`),
    'code in the prelude': (t) => t.replace('!function(e){', `!function(e){require("fs").writeFileSync(${JSON.stringify(marker)},"x");`),
    'code after the bundle': (t) => `${t};require("fs").writeFileSync(${JSON.stringify(marker)},"x");`,
    'a second statement in the module body': (t) => t.replace(/\},\{\}\]\},\{\},\[1\]\)\(1\)\}\);?\s*$/, `;require("fs").writeFileSync(${JSON.stringify(marker)},"x")},{}]},{},[1])(1)});`),
    'a plain script': () => `require("fs").writeFileSync(${JSON.stringify(marker)},"x"); module.exports = {}`,
    'a template string': (t) => t.replace('keras_version:"2.2.4"', 'keras_version:`${process.exit(3)}`'),
  };
  for (const [what, edit] of Object.entries(hostile)) {
    it(`refuses ${what} with MODEL_FORMAT and runs nothing`, async () => {
      const path = editedPacked(what.replace(/\W+/g, '-'), edit);
      await expectVisionError(loadModel(path, { backend: 'cpu' }), 'MODEL_FORMAT');
      expect(existsSync(marker)).toBe(false);
    });
  }

  it('refuses a shard that exports code instead of base64', async () => {
    const path = editedPacked('shard-code', (t) => t);
    writeFileSync(join(dirname(path), 'group1-shard1of1.min.js'), readFileSync(join(dirname(MODELS.nsfw()), 'group1-shard1of1.min.js'), 'utf8').replace('h.exports="', 'h.exports=require("fs").writeFileSync(' + JSON.stringify(marker) + ',"x")+"'));
    await expectVisionError(loadPackedModel({ model: path }), 'MODEL_FORMAT');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a manifest that names one shard twice, before reading it again (300 repeats were each read and decoded: 2.7 GB)', async () => {
    const path = editedPacked('repeated-shard', (t) => t.replace('paths:["group1-shard1of1"]', 'paths:["group1-shard1of1","group1-shard1of1"]'));
    await expect(loadPackedModel({ model: path })).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(/model\.min\.js: the manifest names the shard .*group1-shard1of1\.min\.js more than once$/) });
    // a manifest that needs fewer bytes than its shard holds is refused naming the packed model (it said model.json)
    const shorter = editedPacked('short-manifest', (t) => t.replace(/shape:\[(\d+)\]/, (_, n: string) => `shape:[${Number(n) - 1}]`));
    await expect(loadPackedModel({ model: shorter })).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(/model\.min\.js: its shards hold more than the \d+ bytes its manifest needs/) });
  });

  it('no source file evaluates code: no new Function, eval or require of model files in src/', () => {
    const root = new URL('../../src/', import.meta.url).pathname;
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const code = readFileSync(join(root, file), 'utf8');
      expect(code, file).not.toMatch(/new Function\s*\(|\beval\s*\(|\bFunction\s*\(\s*['"`]/);
    }
  });
});

describe('shard paths stay in the model folder', () => {
  for (const name of ESCAPING) {
    it(`file: refuses a manifest path that escapes (${name}) before reading anything`, async () => {
      const error = await expectVisionError(loadModel(join(dir, 'models', 'm', `${name}.json`), { backend: 'cpu' }), 'INVALID_OPTION');
      expect(error.message).toContain('must stay inside');
      expect(error.message).not.toContain(SECRET);
    });
    it(`http: refuses a manifest path that escapes (${name}) without requesting it`, async () => {
      const before = server.requests.length;
      const error = await expectVisionError(loadModel(`${server.url}/models/m/${name}.json`, { backend: 'cpu' }), 'INVALID_OPTION');
      expect(error.message).not.toContain(SECRET);
      expect(server.requests.slice(before)).toEqual([`/models/m/${name}.json`]);
    });
  }

  it('a path inside the folder loads; a wider modelRoot lets a manifest name ../shared', async () => {
    (await loadModel(join(dir, 'models', 'm', 'inside.json'), { backend: 'cpu' })).dispose();
    await expectVisionError(loadModel(join(dir, 'models', 'm', 'shared.json'), { backend: 'cpu' }), 'INVALID_OPTION');
    (await loadModel(join(dir, 'models', 'm', 'shared.json'), { backend: 'cpu', modelRoot: dir })).dispose();
    (await loadModel(`${server.url}/models/m/shared.json`, { backend: 'cpu', modelRoot: `${server.url}/` })).dispose();
    await expectVisionError(loadModel(join(dir, 'models', 'm', 'dotdot.json'), { backend: 'cpu', modelRoot: join(dir, 'shared') }), 'INVALID_OPTION');
    // a relative model path under an absolute root, a relative root, a file: URL root (each was "the model root … does not contain …")
    const relativeModel = relative(process.cwd(), join(dir, 'models', 'm', 'shared.json'));
    expect(isAbsolute(relativeModel)).toBe(false);
    (await loadModel(relativeModel, { backend: 'cpu', modelRoot: dir })).dispose();
    (await loadModel(join(dir, 'models', 'm', 'shared.json'), { backend: 'cpu', modelRoot: relative(process.cwd(), dir) })).dispose();
    (await loadModel(relativeModel, { backend: 'cpu', modelRoot: pathToFileURL(dir).href })).dispose();
    await expectVisionError(loadModel(relativeModel, { backend: 'cpu' }), 'INVALID_OPTION');
    await expectVisionError(loadModel(relative(process.cwd(), join(dir, 'models', 'm', 'dotdot.json')), { backend: 'cpu', modelRoot: join(dir, 'models') }), 'INVALID_OPTION');
  });

  it('a shard that is a link to a file outside the folder is refused before it is read; a link inside it loads', async () => {
    const linked = join(dir, 'linked');
    mkdirSync(join(linked, 'real'), { recursive: true });
    copyFileSync(MODELS.blazeface().replace(/\.json$/, '.bin'), join(linked, 'real', 'blazeface.bin'));
    writeFileSync(join(linked, 'out.json'), blazefaceJson(['out.bin']));
    symlinkSync(join(dir, 'shared', 'blazeface.bin'), join(linked, 'out.bin')); // the right bytes, but outside
    const error = await expectVisionError(loadModel(join(linked, 'out.json'), { backend: 'cpu' }), 'INVALID_OPTION');
    expect(error.message).toContain(`leads to ${join(dir, 'shared', 'blazeface.bin')} (through a link), outside ${linked}`);
    writeFileSync(join(linked, 'in.json'), blazefaceJson(['in.bin']));
    symlinkSync(join(linked, 'real', 'blazeface.bin'), join(linked, 'in.bin'));
    (await loadModel(join(linked, 'in.json'), { backend: 'cpu' })).dispose();
    // a wider model root takes the outside file in
    (await loadModel(join(linked, 'out.json'), { backend: 'cpu', modelRoot: dir })).dispose();
    // a card whose model file is a link out of the card's folder
    mkdirSync(join(dir, 'cards'), { recursive: true });
    symlinkSync(join(dir, 'models', 'm', 'inside.json'), join(dir, 'cards', 'linked-model.json'));
    writeFileSync(join(dir, 'cards', 'linked.json'), JSON.stringify({ id: 'l', task: 'object-detection', family: 'centernet', format: 'tfjs', input: { width: 512, height: 512 }, labels: [], location: { url: 'linked-model.json' } }));
    await expectVisionError(readModelCard(join(dir, 'cards', 'linked.json')), 'INVALID_OPTION');
    expect((await readModelCard(join(dir, 'cards', 'linked.json'), { modelRoot: dir })).location).toEqual({ url: join(dir, 'cards', 'linked-model.json') });
  });

  it('a manifest naming one shard many times, or shards larger than it needs, is refused without holding them all', async () => {
    writeFileSync(join(dir, 'models', 'm', 'repeated.json'), blazefaceJson(Array.from({ length: 250 }, () => 'blazeface.bin')));
    expect((await expectVisionError(loadModel(join(dir, 'models', 'm', 'repeated.json'), { backend: 'cpu' }), 'MODEL_FORMAT')).message).toContain('names the shard');
    const shard = readFileSync(join(dir, 'models', 'm', 'blazeface.bin'));
    writeFileSync(join(dir, 'models', 'm', 'big.bin'), Buffer.concat([shard, Buffer.alloc(8)]));
    writeFileSync(join(dir, 'models', 'm', 'big.json'), blazefaceJson(['big.bin']));
    expect((await expectVisionError(loadModel(join(dir, 'models', 'm', 'big.json'), { backend: 'cpu' }), 'MODEL_FORMAT')).message).toContain(`hold more than the ${shard.byteLength} bytes its manifest needs`);
  });

  it('resolves URLs only within the origin and folder', () => {
    expect(resolveContained('https://cdn.example/m/model.json', 'w.bin')).toBe('https://cdn.example/m/w.bin');
    expect(resolveContained('https://cdn.example/m/model.json?v=2', 'sub/w.bin')).toBe('https://cdn.example/m/sub/w.bin');
    for (const path of ['../w.bin', '%2E%2E/w.bin', '//evil.example/m/w.bin', 'https://evil.example/m/w.bin', 'file:///etc/passwd', 'sub/..%2f..%2fw.bin', 'sub%5c..%5c..%5cw.bin']) {
      expect(() => resolveContained('https://cdn.example/m/model.json', path), path).toThrow(/must stay inside/);
    }
    expect(() => resolveContained('data:application/json,{}', 'w.bin')).toThrow(/must stay inside/);
    expect(resolveContained('https://cdn.example/a/m/model.json', '../w.bin', 'https://cdn.example/a/')).toBe('https://cdn.example/a/w.bin');
    expect(() => resolveContained('https://cdn.example/a/m/model.json', 'w.bin', 'https://other.example/a/')).toThrow(/does not contain/);
  });

  it('refuses names with a control character: a URL parser drops tabs and newlines, so .\\t. climbed out as .. once a page fetched it', () => {
    // what a browser's fetch made of the path the check had let through
    expect(new URL('/models/m/.\t./.\t./private/secret', 'https://example.com/app/').pathname).toBe('/private/secret');
    for (const path of ['.\t./.\t./private/secret', '.\n./.\r./x.bin', 'w\u0000.bin', 'w\u007f.bin']) {
      expect(() => resolveContained('/models/m/model.json', path), JSON.stringify(path)).toThrow(/has a control character .*must stay inside/);
      expect(() => resolveContained('https://cdn.example/m/model.json', path), JSON.stringify(path)).toThrow(/has a control character/);
    }
    // and leading or trailing spaces, which it drops too: beside a page's own model.json ' ../x.bin' was fetched as '../x.bin'
    expect(new URL(' ../x.bin', 'https://example.com/app/index.html').pathname).toBe('/x.bin');
    for (const path of [' ../x.bin', 'x.bin ', '\u00a0../x.bin']) {
      expect(() => resolveContained('model.json', path), JSON.stringify(path)).toThrow(/starts or ends with a space .*must stay inside/);
    }
  });
});

describe('model cards point only into their folder', () => {
  const card = (name: string, location: Record<string, string>): string => {
    const path = join(dir, 'cards', `${name}.json`);
    const spec = { id: name, task: 'object-detection', family: 'centernet', format: 'tfjs', input: { width: 512, height: 512 }, labels: [], location };
    writeFileSync(path, JSON.stringify(spec));
    return path;
  };

  it('refuses a location.url that climbs out, is absolute, or is a file: URL', async () => {
    const urls = ['../secret.json', join(dir, 'secret.json'), `file://${join(dir, 'secret.json')}`, '%2e%2e/secret.json', '..\\secret.json', 'javascript:alert(1)'];
    for (const [i, url] of urls.entries()) {
      const error = await expectVisionError(readModelCard(card(`escape-${i}`, { url })), 'INVALID_OPTION');
      expect(error.message).not.toContain(SECRET);
    }
  });

  it('refuses a package location whose path climbs out of the package', async () => {
    await expectVisionError(readModelCard(card('pkg-escape', { package: 'nsfwjs', version: '4.4.0', path: '../../../secret.json' })), 'INVALID_OPTION');
    await expectVisionError(readModelCard(card('pkg-name', { package: '../..', version: '1', path: 'secret.json' })), 'INVALID_OPTION');
  });

  it('resolves a relative url inside the folder, or inside the model root the caller gives', async () => {
    const inside = await readModelCard(card('inside', { url: 'sub/model.json' }));
    expect(inside.location).toEqual({ url: join(dir, 'cards', 'sub', 'model.json') });
    const rooted = await readModelCard(card('rooted', { url: '../models/m/inside.json' }), { modelRoot: dir });
    expect(rooted.location).toEqual({ url: join(dir, 'models', 'm', 'inside.json') });
    const remote = await readModelCard(card('remote', { url: 'https://cdn.example/m/model.json' }));
    expect(remote.location).toEqual({ url: 'https://cdn.example/m/model.json' });
  });
});

describe('no error quotes the content of a file', () => {
  it('model.json, card, k-NN folder, captioner and tokenizer that hold a secret', async () => {
    const errors = [
      await expectVisionError(loadModel(join(dir, 'models', 'm', 'secret-model.json'), { backend: 'cpu' }), 'MODEL_FORMAT'),
      await expectVisionError(loadModel(`${server.url}/models/m/secret-model.json`, { backend: 'cpu' }), 'MODEL_FORMAT'),
      await expectVisionError(readModelCard(join(dir, 'secret.json')), 'INVALID_OPTION'),
      await expectVisionError(loadClassifierFolder(join(dir, 'knn')), 'MODEL_FORMAT'),
      await expectVisionError(loadCaptionFolder(join(dir, 'caption')), 'MODEL_FORMAT'),
      await expectVisionError(loadCaptionTokenizer(join(dir, 'secret.json')), 'MODEL_FORMAT'),
    ];
    for (const error of errors) {
      expect(error.message).toMatch(/not valid JSON/);
      expect(`${error.message} ${String((error as { cause?: unknown }).cause ?? '')}`).not.toContain(SECRET);
      expect(error.message).not.toContain('root:x');
    }
  });
});
