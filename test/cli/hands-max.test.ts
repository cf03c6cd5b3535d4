/**
 * `visionpipe hands` on a picture with more than two hands: a 4 × 2 tile of the hands of
 * face-api's sample2 and sample4 (350-pixel crops around the hand the CLI finds, every other
 * one mirrored) shows them all by default (the pipeline's own default is 2 hands, which cut
 * a group photo short) and at most `--max` of them (run in-process through `main()`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/node/cli';
import type { HandResult } from '../../src/pipelines/hands/hand-types';
import { facePhoto } from '../helpers/photos';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-hands-max-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function hands(...argv: string[]): Promise<HandResult['hands']> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['hands', ...argv, '--json'], (l) => out.push(l), (l) => err.push(l));
  expect(err).toEqual([]);
  expect(code).toBe(0);
  return (JSON.parse(out.join('\n')) as { result: HandResult }[])[0].result.hands;
}

/** A 350² crop of a sample photo centred on the first hand the CLI finds there. */
async function handCrop(n: 2 | 4): Promise<Buffer> {
  const [hand] = await hands(facePhoto(n));
  const { width, height } = await sharp(facePhoto(n)).metadata();
  const side = 350;
  const left = Math.max(0, Math.min(width! - side, Math.round((hand.box.x1 + hand.box.x2 - side) / 2)));
  const top = Math.max(0, Math.min(height! - side, Math.round((hand.box.y1 + hand.box.y2 - side) / 2)));
  return sharp(facePhoto(n)).extract({ left, top, width: side, height: side }).png().toBuffer();
}

describe('visionpipe hands --max', () => {
  it('finds every hand of a tile of eight by default, at most --max of them', async () => {
    const crops = [await handCrop(2), await handCrop(4)];
    const tiles = await Promise.all(Array.from({ length: 8 }, (_, i) => {
      const tile = sharp(crops[(i + (i >> 2)) % 2]);
      return (i % 4 >= 2 ? tile.flop() : tile).png().toBuffer();
    }));
    const tile = join(tmp, 'tile.png');
    await sharp({ create: { width: 1400, height: 700, channels: 3, background: '#000' } })
      .composite(tiles.map((input, i) => ({ input, left: 350 * (i % 4), top: 350 * (i >> 2) })))
      .png()
      .toFile(tile);
    const all = await hands(tile);
    expect(all.length).toBeGreaterThan(2);
    expect(await hands(tile, '--max', '2')).toHaveLength(2);
    expect(await hands(tile, '--max', String(all.length + 3))).toHaveLength(all.length);
  }, 120_000);
});
