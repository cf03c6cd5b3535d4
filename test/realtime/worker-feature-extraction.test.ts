// Image feature extraction in a Node worker thread (wasm): the in-thread pipeline's interface —
// `dim` and `runBatch` as well as `run` — with the same embeddings (the worker's pipeline was
// missing both: the README's `new SimilarityIndex(embedder.dim)` and `runBatch(photos)` failed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeatureExtractionPipeline, pipeline } from '../../src/node/index';
import { WorkerFeatureExtractionPipeline, createWorkerPipeline } from '../../src/worker/index';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { ensureNodeWorker } from './build';

let url: string;
let local: FeatureExtractionPipeline;

beforeAll(async () => {
  url = await ensureNodeWorker();
  local = await pipeline('image-feature-extraction', { backend: 'wasm' });
});

afterAll(() => local?.dispose());

const close = (a: Float32Array, b: Float32Array): number => a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i])), 0);

describe('image feature extraction in a worker', () => {
  it('has dim and runBatch; embeddings equal the in-thread ones; bad input is refused and the pipeline runs on', async () => {
    const remote = await createWorkerPipeline('image-feature-extraction', { backend: 'wasm', workerUrl: url });
    try {
      expect(remote).toBeInstanceOf(WorkerFeatureExtractionPipeline);
      expect(remote.dim).toBe(local.dim);
      const photos = [facePhoto(1), fixturePhoto('astronaut'), facePhoto(2)];
      const [mine, theirs] = [await local.runBatch(photos), await remote.runBatch(photos)];
      expect(theirs.embeddings).toHaveLength(3);
      expect(theirs.imageSizes).toEqual(mine.imageSizes);
      theirs.embeddings.forEach((e, i) => {
        expect(e).toHaveLength(local.dim);
        expect(close(e, mine.embeddings[i])).toBeLessThan(1e-5);
      });
      expect(close((await remote.run(photos[1])).embedding, mine.embeddings[1])).toBeLessThan(1e-5);
      expect((await remote.runBatch([])).embeddings).toEqual([]);
      await expect(remote.runBatch('photo.jpg' as never)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'runBatch takes an array of images' });
      // the worker decodes paths before the pipeline sees them: its refusal lost the image's place in the batch
      const inThread = (await local.runBatch([photos[0], 'missing.jpg']).then(() => new Error('accepted'), (error: unknown) => error)) as Error;
      expect(inThread.message).toMatch(/^image 1 of the batch: .*missing\.jpg/);
      await expect(remote.runBatch([photos[0], 'missing.jpg'])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: inThread.message });
      // and an image refused on this side of the thread (not sendable) lost it too
      const notAnImage = (await local.runBatch([photos[0], null as never]).then(() => new Error('accepted'), (error: unknown) => error)) as Error;
      expect(notAnImage.message).toMatch(/^image 1 of the batch: /);
      await expect(remote.runBatch([photos[0], null as never])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: notAnImage.message });
      await expect(remote.runBatch([photos[0]], { topK: 3 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
      expect((await remote.runBatch([photos[2]])).embeddings).toHaveLength(1);
    } finally {
      remote.dispose();
    }
  });

  it("a large runBatch is timed as many runs, not as one: 160 images within a 3-s timeoutMs (it was a 'hung worker' TIMEOUT and a restart)", async () => {
    const remote = await createWorkerPipeline('image-feature-extraction', { backend: 'wasm', workerUrl: url, timeoutMs: 3000 });
    try {
      const image = { data: new Uint8Array(96 * 96 * 3).fill(120), width: 96, height: 96, channels: 3 as const };
      await remote.run(image); // warm: later calls are timed with timeoutMs
      const started = performance.now();
      const { embeddings } = await remote.runBatch(Array.from({ length: 160 }, () => ({ ...image, data: image.data.slice() })));
      console.log(`worker runBatch of 160 images: ${(performance.now() - started).toFixed(0)} ms (timeoutMs 3000)`);
      expect(embeddings).toHaveLength(160);
      expect(remote.worker.restarts).toBe(0);
    } finally {
      remote.dispose();
    }
  }, 180_000);
});
