/**
 * A card file's `location` is data from disk: a `url` that is there but not a string (an object
 * naming a model elsewhere, beside a valid `package`/`path`) is refused before anything loads —
 * it loaded the model from outside the card's folder — and a package location comes back with
 * only `package`, `version` and `path`. The catalogue's `resolveModelLocation` refuses a
 * non-string url whatever made the card.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import { main } from '../../src/node/cli';
import { readModelCard } from '../../src/node/cli/model-arg';
import { NSFW_MOBILENET_V2, resolveModelLocation } from '../../src/models/catalog';
import type { ModelSpec } from '../../src/models/model-spec';
import { fixturePhoto, packageFile } from '../helpers/photos';

const tmp = mkdtempSync(join(tmpdir(), 'vp-card-location-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PACKED = 'dist/models/mobilenet_v2/model.min.js';

function writeCard(name: string, location: unknown): string {
  const { id, task, family, format, input, labels } = NSFW_MOBILENET_V2;
  mkdirSync(join(tmp, 'cards'), { recursive: true });
  const path = join(tmp, 'cards', name);
  writeFileSync(path, JSON.stringify({ id, task, family, format, input, labels, location }));
  return path;
}

async function refusal(promise: Promise<unknown>): Promise<VisionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VisionError);
  return error as VisionError;
}

describe('a card file whose location.url is not a string', () => {
  it('is refused (INVALID_OPTION) even beside a valid package location; the CLI loads nothing and exits 2', async () => {
    // the model elsewhere: nsfwjs's own packed model, named by an absolute path
    const elsewhere = packageFile('nsfwjs', PACKED);
    const card = writeCard('object-url.json', { url: { model: elsewhere }, package: 'nsfwjs', path: 'package.json' });
    const error = await refusal(readModelCard(card));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain('location.url is an object; it must be a string: an http(s) URL or a path relative to the card file');
    for (const [name, url, shown] of [
      ['null-url.json', null, 'null'],
      ['number-url.json', 5, '5'],
      ['array-url.json', [elsewhere], 'an array'],
    ] as const) {
      const refused = await refusal(readModelCard(writeCard(name, { url, package: 'nsfwjs', version: '4.4.0', path: PACKED })));
      expect(refused.code, name).toBe('INVALID_OPTION');
      expect(refused.message, name).toContain(`location.url is ${shown}; it must be a string`);
    }
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['classify', fixturePhoto('chelsea'), '--model', card], (l) => out.push(l), (l) => err.push(l));
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain('location.url is an object');
  });

  it('keeps only package, version and path of a package location (no tarball, no other fields)', async () => {
    const card = writeCard('package.json', { package: 'nsfwjs', version: '4.4.0', path: PACKED, tarball: { integrity: 'sha512-AAAA' }, model: '/elsewhere/model.min.js' });
    expect((await readModelCard(card)).location).toEqual({ package: 'nsfwjs', version: '4.4.0', path: PACKED });
    const versionless = writeCard('no-version.json', { package: 'nsfwjs', path: PACKED });
    expect((await readModelCard(versionless)).location).toEqual({ package: 'nsfwjs', path: PACKED });
    const badVersion = await refusal(readModelCard(writeCard('bad-version.json', { package: 'nsfwjs', version: { v: 1 }, path: PACKED })));
    expect(badVersion.code).toBe('INVALID_OPTION');
    expect(badVersion.message).toContain('location.version is an object; it must be a string');
  });

  it('resolveModelLocation refuses a url that is not a string (INVALID_OPTION), and takes a string one as given', () => {
    const spec = { ...NSFW_MOBILENET_V2, location: { url: { model: '/elsewhere/model.min.js' } } } as unknown as ModelSpec;
    expect(() => resolveModelLocation(spec)).toThrow(VisionError);
    expect(() => resolveModelLocation(spec)).toThrow(/model 'nsfw-mobilenet-v2': location\.url is an object; it must be a string/);
    expect(resolveModelLocation({ ...NSFW_MOBILENET_V2, location: { url: '/models/model.min.js' } })).toBe('/models/model.min.js');
  });
});
