// runBatch over more images than one model call takes: an image that cannot be read is named by
// its position in the caller's list (not in the chunk), keeps its own error code, and the
// pipeline keeps working.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeatureExtractionPipeline, pipeline, selectTfjsBackend } from '../../src/node/index';

describe('image-feature-extraction runBatch errors', () => {
  let embedder: FeatureExtractionPipeline;
  const good = { data: new Uint8Array(32 * 32 * 3).fill(120), width: 32, height: 32, channels: 3 as const };
  const empty = { data: new Uint8Array(0), width: 0, height: 4, channels: 3 as const };

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    embedder = await pipeline('image-feature-extraction', { backend: 'wasm', batchSize: 4 });
  }, 120_000);

  afterAll(() => embedder?.dispose());

  it('names the bad image by its index in the whole list, with the reason, and leaks nothing', async () => {
    const images = [good, good, good, good, good, good, empty, good];
    const before = tf.memory().numTensors;
    const error = await embedder.runBatch(images).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ name: 'VisionError', code: 'INVALID_INPUT', message: expect.stringMatching(/^image 6 of the batch: .*0×4/) });
    expect(tf.memory().numTensors).toBe(before);
    const { embeddings } = await embedder.runBatch([good, good]);
    expect(embeddings.map((e) => e.length)).toEqual([embedder.dim, embedder.dim]);
  });
});
