/**
 * What `embed`, `search` and `map` say about inputs they cannot take: a video gets the message
 * the other image-only commands give (it was sharp's "unsupported image format"); `search
 * --json` with a query it cannot read prints the query's JSON with its error, as `detect
 * --json` does (it printed nothing on stdout); an empty `--index` is a usage error (it read
 * ./manifest.json).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-in-process';
import { fixturePhoto } from '../helpers/photos';

const tmp = mkdtempSync(join(tmpdir(), 'vp-embed-inputs-'));
const index = join(tmp, 'index');
const clip = join(tmp, 'clip.mp4');
const IMAGES_ONLY = 'this command takes images; videos work with detect, classify, segment, pose, hands, face and matte [INVALID_INPUT]';

beforeAll(() => {
  // refused by its extension, as the other commands tell videos from images: the bytes are never read
  writeFileSync(clip, 'not decoded');
  copyFileSync(fixturePhoto('coffee'), join(tmp, 'coffee.jpg'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('embed / search / map: inputs they cannot take', () => {
  it('embed: a video among the images is refused as the other image-only commands refuse it; the images are indexed', async () => {
    const embedded = await cli('embed', clip, fixturePhoto('chelsea'), join(tmp, 'coffee.jpg'), '--out', index);
    expect(embedded.code).toBe(1);
    expect(embedded.err).toEqual([`visionpipe: ${clip}: ${IMAGES_ONLY}`]);
    expect(embedded.out.join('\n')).toContain('indexed 2 image(s)');
  });

  it('search: a video query is refused alike; with --json its error is printed as JSON', async () => {
    const text = await cli('search', clip, '--index', index);
    expect(text.code).toBe(1);
    expect(text.out).toEqual([]);
    expect(text.err).toEqual([`visionpipe: ${IMAGES_ONLY}`]);
    const json = await cli('search', clip, '--index', index, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out.join('\n'))).toEqual({ query: clip, error: { code: 'INVALID_INPUT', message: IMAGES_ONLY.replace(' [INVALID_INPUT]', '') } });
    expect(json.err).toEqual(text.err);
  });

  it('search --json with a query that cannot be read prints { query, error } as detect --json prints { image, error }', async () => {
    const missing = join(tmp, 'nofile.jpg');
    const json = await cli('search', missing, '--index', index, '--json');
    expect(json.code).toBe(1);
    const entry = JSON.parse(json.out.join('\n')) as { query: string; error: { code: string; message: string } };
    expect(entry).toEqual({ query: missing, error: { code: 'INVALID_INPUT', message: `cannot read image file '${missing}': no such file` } });
    expect(json.err).toEqual([`visionpipe: ${entry.error.message} [INVALID_INPUT]`]);
    // the same shape as detect's entries for a failed input
    const detected = await cli('detect', missing, '--json');
    expect(JSON.parse(detected.out.join('\n'))).toEqual([{ image: missing, error: { code: 'INVALID_INPUT', message: expect.any(String) } }]);
    // over --max-pixels: the query's error too
    const large = await cli('search', join(tmp, 'coffee.jpg'), '--index', index, '--json', '--max-pixels', '100');
    expect(large.code).toBe(1);
    expect(JSON.parse(large.out.join('\n'))).toMatchObject({ query: resolve(tmp, 'coffee.jpg'), error: { code: 'INVALID_INPUT', message: expect.stringContaining('over the limit of 100 pixels') } });
    // a good query still prints its neighbours
    const found = await cli('search', join(tmp, 'coffee.jpg'), '--index', index, '--json', '--top', '1');
    expect(found.code).toBe(0);
    expect(JSON.parse(found.out.join('\n'))).toMatchObject({ neighbours: [{ rank: 1, path: join(tmp, 'coffee.jpg') }] });
  });

  it('search --index with an empty name is a usage error (exit 2), as --out is; nothing is read', async () => {
    for (const empty of ['', ' ']) {
      const run = await cli('search', join(tmp, 'coffee.jpg'), '--index', empty);
      expect(run.code).toBe(2);
      expect(run.err).toEqual(["visionpipe: --index is empty; it takes the folder visionpipe embed wrote (its --out), e.g. --index index/ [INVALID_OPTION]"]);
    }
  });

  it('map: a video among the images is refused alike; the images are mapped', async () => {
    const target = join(tmp, 'map.png');
    const mapped = await cli('map', clip, fixturePhoto('chelsea'), join(tmp, 'coffee.jpg'), '--out', target);
    expect(mapped.code).toBe(1);
    expect(mapped.err).toEqual([`visionpipe: ${clip}: ${IMAGES_ONLY}`]);
    expect(existsSync(target)).toBe(true);
  });
});
