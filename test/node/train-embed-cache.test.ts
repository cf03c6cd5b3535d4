/**
 * `visionpipe train`'s embeddings (`embedFiles`) and their cache: the pixel limit refuses the
 * same images whether their embeddings are cached or not (a warm cache skipped the check); a
 * cache folder that cannot be written is a warning, not a failure of every image; a damaged
 * cache entry is a miss. A stub backbone that decodes each image as the real one does (through
 * the platform's decoder and its `maxPixels`) stands in for MobileNetV2.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getPlatform, setPlatform } from '../../src/core/platform';
import type { LabeledImage } from '../../src/core/labeled-data';
import type { FeatureExtractor } from '../../src/pipelines/embeddings/backbone';
import { EmbeddingCache, cacheWriteReason } from '../../src/node/cli/embedding-cache';
import { embedFiles } from '../../src/node/cli/train-embed';
import { decodeImageFile } from '../../src/node/node-platform';

const tmp = mkdtempSync(join(tmpdir(), 'vp-train-embed-'));
const images: string[] = [];
const savedLimit = getPlatform().maxPixels;

/** A 3-d "backbone": width, height and the first pixel of the image it decodes (calls counted). */
function stubBackbone(): FeatureExtractor & { calls: number } {
  const stub = {
    dim: 3,
    calls: 0,
    async extractImages(samples: readonly LabeledImage[]): Promise<{ x: tf.Tensor2D; labels: Int32Array }> {
      stub.calls++;
      const pixels = await decodeImageFile(samples[0].image as Uint8Array);
      return { x: tf.tensor2d([[pixels.width, pixels.height, pixels.data[0]]]), labels: Int32Array.from([0]) };
    },
  };
  return stub as unknown as FeatureExtractor & { calls: number };
}

const cacheIn = (root: string): EmbeddingCache => new EmbeddingCache(root, 'stub/flatten', 3);

beforeAll(async () => {
  for (const [i, colour] of ['#c03030', '#30c030', '#3030c0'].entries()) {
    const path = join(tmp, `img${i}.png`);
    await sharp({ create: { width: 160, height: 120, channels: 3, background: colour } }).png().toFile(path);
    images.push(path);
  }
});

afterEach(() => setPlatform({ maxPixels: savedLimit }));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('embedFiles: the pixel limit and the cache', () => {
  it('refuses images over the pixel limit whether their embeddings are cached or not', async () => {
    const root = join(tmp, 'warm');
    const backbone = stubBackbone();
    const first = await embedFiles(images, backbone, cacheIn(root));
    expect(first.failures).toEqual([]);
    expect(first.fromCache).toBe(0);
    expect(Array.from(first.features.subarray(0, 3))).toEqual([160, 120, 0xc0]);
    // the same images again, cached now, with a limit below their 160×120 = 19200 pixels
    setPlatform({ maxPixels: 100 });
    const warm = await embedFiles(images, backbone, cacheIn(root));
    expect(warm.fromCache).toBe(0);
    expect(warm.failures.map((f) => f.image)).toEqual(images);
    expect(warm.failures[0]).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('160×120 = 19200 pixels, over the limit of 100 pixels') });
    // and on a cold cache: the very same failures
    const cold = await embedFiles(images, backbone, cacheIn(join(tmp, 'cold')));
    expect(cold.failures).toEqual(warm.failures);
    expect(backbone.calls).toBe(3); // the first run only: nothing over the limit reaches the backbone
    // under the limit, the cached embeddings are used
    setPlatform({ maxPixels: 19_200 });
    expect((await embedFiles(images, backbone, cacheIn(root))).fromCache).toBe(3);
  });

  it('a cache that cannot be written (VISIONPIPE_CACHE names a file): one warning naming it and why, every image embedded', async () => {
    const file = join(tmp, 'cachefile');
    writeFileSync(file, 'x');
    const warnings: string[] = [];
    const backbone = stubBackbone();
    const result = await embedFiles(images, backbone, cacheIn(file), (line) => warnings.push(line));
    expect(result.failures).toEqual([]);
    expect(backbone.calls).toBe(3);
    expect(Array.from(result.features.subarray(6, 9))).toEqual([160, 120, 0x30]);
    expect(warnings).toEqual([`the embedding cache '${file}' cannot be written (a part of its path is a file, not a folder); training goes on without caching embeddings (set VISIONPIPE_CACHE to a writable folder to keep them)`]);
  });

  it('says why a write failed in words', () => {
    expect(cacheWriteReason(Object.assign(new Error('EACCES: permission denied, mkdir'), { code: 'EACCES' }))).toBe('permission denied');
    expect(cacheWriteReason(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }))).toBe('read-only file system');
    expect(cacheWriteReason(new Error('something else\nmore'))).toBe('something else');
  });

  it('a damaged cache entry (another size, or not finite numbers) is a miss, computed again and replaced', async () => {
    const root = join(tmp, 'damaged');
    const cache = cacheIn(root);
    const backbone = stubBackbone();
    await embedFiles(images, backbone, cache);
    const folder = join(root, 'embeddings', 'stub_flatten');
    const entries = readdirSync(folder).sort();
    expect(entries).toHaveLength(3);
    writeFileSync(join(folder, entries[0]), new Uint8Array(new Float32Array([Number.NaN, 1, 2]).buffer));
    writeFileSync(join(folder, entries[1]), new Uint8Array(5));
    const again = await embedFiles(images, backbone, cache);
    expect(again.failures).toEqual([]);
    expect(again.fromCache).toBe(1);
    expect(backbone.calls).toBe(5);
    expect(Array.from(again.features).every(Number.isFinite)).toBe(true);
    expect((await embedFiles(images, backbone, cache)).fromCache).toBe(3);
  });
});
