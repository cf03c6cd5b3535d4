import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeatureExtractionPipeline, MOBILENET_V2_FEATURES, type ModelSpec, SimilarityIndex, loadModel, pipeline } from '../../src/node/index';
import { RETRIEVAL_PHOTOS, VARIANTS, photoPng, photoVariant, toRgba } from '../helpers/retrieval-photos';
import { fixturePhoto, packageFile } from '../helpers/photos';

const norm = (v: Float32Array) => Math.hypot(...v);
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('image-feature-extraction pipeline (nsfwjs MobileNetV2, mid-level layers)', () => {
  let embedder: FeatureExtractionPipeline;
  beforeAll(async () => {
    embedder = await pipeline('image-feature-extraction');
  });
  afterAll(() => embedder.dispose());

  it('finds every real photo from its flipped, cropped, brightened and recompressed copies (recall@1 >= 0.95)', async () => {
    const pngs = await Promise.all(RETRIEVAL_PHOTOS.map(photoPng));
    expect(RETRIEVAL_PHOTOS.length).toBeGreaterThanOrEqual(30);
    const originals = await Promise.all(pngs.map((png) => toRgba(sharp(png))));
    const { embeddings } = await embedder.runBatch(originals);
    const index = new SimilarityIndex<{ name: string }>(embedder.dim);
    embeddings.forEach((e, i) => index.add(String(i), e, { name: RETRIEVAL_PHOTOS[i].name }));
    const misses: string[] = [];
    let queries = 0;
    for (const [i, png] of pngs.entries()) {
      const variants = await Promise.all(VARIANTS.map(async (v) => toRgba(await photoVariant(png, v))));
      const { embeddings: found } = await embedder.runBatch(variants);
      found.forEach((e, v) => {
        queries++;
        const [best] = index.search(e, 1);
        if (best.id !== String(i)) misses.push(`${VARIANTS[v]} ${RETRIEVAL_PHOTOS[i].name} → ${best.metadata?.name}`);
      });
    }
    const recall = 1 - misses.length / queries;
    console.log(`retrieval recall@1 = ${recall.toFixed(3)} over ${queries} queries of ${pngs.length} real photos; misses: ${misses.join('; ') || 'none'}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  }, 300_000);

  it('returns unit-length 1536-d vectors; a batch equals single runs', async () => {
    expect(embedder.dim).toBe(1536);
    const photos = await Promise.all(['astronaut', 'coffee'].map((n) => toRgba(sharp(fixturePhoto(n as 'coffee')))));
    const single = await Promise.all(photos.map((p) => embedder.run(p)));
    const { embeddings, imageSizes } = await embedder.runBatch(photos);
    for (const [i, { embedding, imageSize }] of single.entries()) {
      expect(embedding).toHaveLength(1536);
      expect(norm(embedding)).toBeCloseTo(1, 5);
      expect(imageSizes[i]).toEqual(imageSize);
      expect(dot(embedding, embeddings[i])).toBeGreaterThan(0.99999);
    }
    expect(dot(single[0].embedding, single[1].embedding)).toBeLessThan(0.95);
  });

  it('takes flatten_1, layers by name and named outputs of a user model', async () => {
    const coffee = await toRgba(sharp(fixturePhoto('coffee')));
    const flatten = await pipeline('image-feature-extraction', { model: 'mobilenet-v2-flatten-features' });
    const byLayer = await pipeline('image-feature-extraction', { layers: 'flatten_1' });
    const { embedding } = await flatten.run(coffee);
    expect(embedding).toHaveLength(1280);
    expect(norm(embedding)).toBeCloseTo(1, 5);
    expect(dot(embedding, (await byLayer.run(coffee)).embedding)).toBeGreaterThan(0.99999);
    flatten.dispose();
    byLayer.dispose();
    // the classifier's own output, named, on a runner the caller owns: pooled [1, 5] = its probabilities, normalised
    const runner = await loadModel(packageFile('nsfwjs', 'dist/models/mobilenet_v2/model.min.js'));
    const spec: ModelSpec = { ...MOBILENET_V2_FEATURES, id: 'mine', family: 'pooled-output', outputs: undefined };
    const mine = await pipeline('image-feature-extraction', { model: runner, spec, output: runner.outputs[0].name });
    const probabilities = Object.values(await runner.run({ [runner.inputs[0].name]: tf.zeros([1, 224, 224, 3]) }))[0].data as Float32Array;
    const fromZeros = (await mine.run({ data: new Uint8Array(224 * 224 * 4).fill(0), width: 224, height: 224, channels: 4 })).embedding;
    expect(mine.dim).toBe(5);
    const scale = norm(probabilities);
    fromZeros.forEach((v, i) => expect(v).toBeCloseTo(probabilities[i] / scale, 5));
    mine.dispose();
    runner.dispose();
  }, 240_000);

  it('rejects bad options and bad images with VisionError, and keeps working', async () => {
    await expect(pipeline('image-feature-extraction', { batchSize: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(pipeline('image-feature-extraction', { layers: ['no_such_layer'] })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('no layer') });
    await expect(pipeline('image-feature-extraction', { output: 'x' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(pipeline('image-feature-extraction', { model: 'centernet-coco' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(embedder.run({ data: new Uint8Array(10), width: 100, height: 100, channels: 4 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(embedder.runBatch('x' as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // run options were ignored: the pipeline takes none (batchSize and the rest are creation options)
    await expect(embedder.run({ data: new Uint8Array(8 * 8 * 3), width: 8, height: 8, channels: 3 }, { bogus: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('run takes no options; got bogus') });
    await expect(embedder.runBatch([], { batchSize: 0 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(pipeline('image-feature-extraction', { outputLayout: 'nchw' })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('always NHWC') });
    expect((await embedder.run({ data: new Uint8Array(64 * 48 * 4).fill(128), width: 64, height: 48, channels: 4 })).embedding).toHaveLength(1536);
  });

  it('keeps the tensor count flat over runs and batches', async () => {
    const input = { data: new Uint8Array(160 * 120 * 4).fill(90), width: 160, height: 120, channels: 4 as const };
    await embedder.run(input);
    await embedder.runBatch([input, input, input]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) await embedder.run(input);
    for (let i = 0; i < 3; i++) await embedder.runBatch([input, input, input]);
    await embedder.runBatch([input, { data: new Uint8Array(3), width: 9, height: 9, channels: 4 }]).catch(() => undefined);
    expect(tf.memory().numTensors).toBe(before);
  });
});
