/**
 * `visionpipe train` and its embedding cache, end to end (in process, the real MobileNetV2
 * backbone): `--max-pixels` refuses the same images with a warm cache as with a cold one (a
 * warm cache let them through, exit 0), and a cache folder that cannot be written is one
 * warning while the training goes on (every image failed as unreadable, exit 1).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/node/cli';

const tmp = mkdtempSync(join(tmpdir(), 'vp-train-cache-'));
const data = join(tmp, 'data');
const saved = process.env.VISIONPIPE_CACHE;

async function cli(argv: string[], cache: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  process.env.VISIONPIPE_CACHE = cache;
  try {
    const code = await main(argv, (l) => out.push(l), (l) => err.push(l));
    return { code, out, err };
  } finally {
    process.env.VISIONPIPE_CACHE = saved;
  }
}

beforeAll(async () => {
  // two classes of two 160×120 images each: the smallest dataset train takes
  for (const [label, colours] of Object.entries({ red: ['#d02020', '#b04040'], blue: ['#2020d0', '#4040b0'] })) {
    mkdirSync(join(data, label), { recursive: true });
    for (const [i, background] of colours.entries()) {
      await sharp({ create: { width: 160, height: 120, channels: 3, background } }).png().toFile(join(data, label, `${i}.png`));
    }
  }
});

afterAll(() => {
  process.env.VISIONPIPE_CACHE = saved;
  rmSync(tmp, { recursive: true, force: true });
});

describe('visionpipe train: the embedding cache is only a speed-up', () => {
  it('--max-pixels refuses the images with a warm cache exactly as with a cold one', async () => {
    const cache = join(tmp, 'cache');
    const warmUp = await cli(['train', data, '--out', join(tmp, 'm0'), '--epochs', '1'], cache);
    expect(warmUp.code).toBe(0);
    expect(warmUp.out.join('\n')).toMatch(/^embeddings: 4 images \(0 from cache\)/m);
    const warm = await cli(['train', data, '--out', join(tmp, 'm1'), '--epochs', '1', '--max-pixels', '100'], cache);
    const cold = await cli(['train', data, '--out', join(tmp, 'm2'), '--epochs', '1', '--max-pixels', '100'], join(tmp, 'cold-cache'));
    expect(warm.code).toBe(1);
    expect(warm.err.at(-1)).toBe('visionpipe: 4 of 4 images could not be read; fix or remove them and train again');
    expect(warm.err[0]).toContain('160×120 = 19200 pixels, over the limit of 100 pixels');
    expect(cold).toEqual(warm);
    expect(existsSync(join(tmp, 'm1'))).toBe(false);
  }, 180_000);

  it('a cache that cannot be written: one warning naming it and why, and the model is trained', async () => {
    const file = join(tmp, 'cachefile');
    writeFileSync(file, 'x');
    const run = await cli(['train', data, '--out', join(tmp, 'm3'), '--epochs', '1'], file);
    expect(run.err).toEqual([`visionpipe: warning: the embedding cache '${file}' cannot be written (a part of its path is a file, not a folder); training goes on without caching embeddings (set VISIONPIPE_CACHE to a writable folder to keep them)`]);
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/^embeddings: 4 images \(0 from cache\)/m);
    expect(existsSync(join(tmp, 'm3', 'training.json'))).toBe(true);
  }, 180_000);
});
