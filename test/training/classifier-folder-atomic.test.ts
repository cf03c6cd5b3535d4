// saveClassifierFolder writes atomically: when writing the new classifier fails half-way (a full
// disk, injected into node:fs/promises by test/helpers/fs-faults.ts), the folder still loads as
// the classifier saved before, with its scores, and holds no temporary file.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadClassifierFolder, saveClassifierFolder, selectTfjsBackend } from '../../src/node/index';
import { type FeatureExtractor, loadMobileNetV2Backbone } from '../../src/pipelines/embeddings/backbone';
import { KnnClassifier, buildHead, fit } from '../../src/training/index';
import type { RawTensor } from '../../src/runtime/model-runner';
import { fsFaults, resetFsFaults } from '../helpers/fs-faults';

vi.mock('node:fs/promises', async (importOriginal) => (await import('../helpers/fs-faults')).faultyFsPromises(await importOriginal()));

const LABELS = ['a', 'b'];

describe('saveClassifierFolder after a failed save', () => {
  let backbone: FeatureExtractor;
  let images: tf.Tensor4D;
  let features: tf.Tensor2D;
  let dir: string;

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    backbone = await loadMobileNetV2Backbone({ backend: 'wasm' });
    images = tf.randomUniform([4, 224, 224, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    features = await backbone.extract(images);
    dir = mkdtempSync(join(tmpdir(), 'vp-classifier-atomic-'));
  }, 120_000);

  afterEach(() => resetFsFaults());

  afterAll(() => {
    tf.dispose([images, features]);
    backbone?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The folder's classifier: its card id and its scores on the images. */
  async function loaded(): Promise<{ id: string; scores: number[] }> {
    const { runner, spec, dispose } = await loadClassifierFolder(dir, 'wasm');
    try {
      const outputs = await runner.run({ [runner.inputs[0].name]: images } as never);
      return { id: spec.id, scores: Array.from(Object.values(outputs as Record<string, RawTensor>)[0].data as ArrayLike<number>) };
    } finally {
      dispose();
    }
  }

  async function softmax(seed: number): Promise<tf.LayersModel> {
    const head = buildHead('softmax', { inputDim: backbone.dim, numClasses: 2, seed });
    await fit(head, { x: features, labels: [0, 1, 0, 1] }, { epochs: 2, seed });
    return head;
  }

  it('leaves the previous classifier loadable when weights.bin, model.json or knn.json cannot be written', async () => {
    const first = await softmax(1);
    const second = await softmax(7);
    const knn = new KnnClassifier({ k: 1 });
    await knn.fit(features, [1, 0, 1, 0]);
    try {
      await saveClassifierFolder(dir, backbone, first, { labels: LABELS, id: 'first-softmax' });
      const before = await loaded();
      expect(before.id).toBe('first-softmax');

      // another layers head over it: the weights (written first) or the model.json fail half-way
      for (const file of [/weights\.bin/, /model\.json/]) {
        fsFaults.write = { match: file, share: 0.5, code: 'ENOSPC' };
        await expect(saveClassifierFolder(dir, backbone, second, { labels: LABELS, id: 'second-softmax' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^could not save the classifier in .*: ENOSPC/), cause: expect.objectContaining({ code: 'ENOSPC' }) });
        resetFsFaults();
        expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
        expect(await loaded()).toEqual(before);
      }

      // a k-NN over it whose knn.json fails half-way: the layers classifier stays
      fsFaults.write = { match: /knn\.json/, share: 0.5, code: 'ENOSPC' };
      await expect(saveClassifierFolder(dir, backbone, knn, { labels: LABELS, id: 'knn' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^could not save the classifier in .*: ENOSPC/), cause: expect.objectContaining({ code: 'ENOSPC' }) });
      resetFsFaults();
      expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
      expect(await loaded()).toEqual(before);

      // and a save that goes through replaces it; weights.bin is renamed before the model.json naming it
      await saveClassifierFolder(dir, backbone, second, { labels: LABELS, id: 'second-softmax' });
      expect(fsFaults.renamed).toEqual([join(dir, 'weights.bin'), join(dir, 'model.json')]);
      expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
      const after = await loaded();
      expect(after.id).toBe('second-softmax');
      expect(after.scores).not.toEqual(before.scores);
    } finally {
      first.dispose();
      second.dispose();
      knn.dispose();
    }
  }, 120_000);
});
