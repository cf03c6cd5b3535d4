/**
 * Inputs of the training helpers that were taken without a check (from an outside check):
 * `collectSamples`' `every` (0 or NaN kept no frame and never returned), k-NN features of int32
 * (a raw tfjs error), and a mask that is not the image's size in spatial augmentation (it came
 * back resized or not, as it happened).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { KnnClassifier, augmentSpatial, buildHead, collectSamples, fit } from '../../src/training/index';
import type { SampleSource } from '../../src/training/dataset';

/** Frames forever, each resolved at once. */
function endless(): SampleSource & { pulled: number } {
  const frame = { data: new Uint8Array(4 * 4 * 3), width: 4, height: 4, channels: 3 as const };
  const source = {
    pulled: 0,
    next: async () => {
      source.pulled++;
      return { value: { frame, release: () => undefined }, done: false };
    },
  };
  return source as unknown as SampleSource & { pulled: number };
}

describe('training helper inputs', () => {
  it('collectSamples refuses an every that is not a positive integer, before pulling a frame', async () => {
    for (const every of [0, -2, Number.NaN, 1.5, 'x']) {
      const source = endless();
      await expect(collectSamples(source, 0, 2, { every: every as number }), String(every)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('every is') });
      expect(source.pulled).toBe(0);
    }
    const source = endless();
    expect(await collectSamples(source, 1, 2, { every: 3 })).toHaveLength(2);
    expect(source.pulled).toBe(4); // frames 0 and 3
  });

  it('collectSamples lets a timer in while a source answers at once: an abort from a timer ends it', async () => {
    const source = endless();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    // every: 1e6 keeps no frame for a long while; it ran until the process was killed
    await expect(collectSamples(source, 0, 2, { every: 1_000_000, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(source.pulled).toBeGreaterThan(0);
    await expect(collectSamples(endless(), 0, 1, { evry: 2 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'collectSamples options has unknown option(s) evry; allowed: every, signal, onProgress' });
    // a label that is no class id is refused before a frame is read (a class name was collected, then refused when used)
    for (const [label, shown] of [['cat', '"cat"'], [-1, '-1'], [1.5, '1.5']] as const) {
      const unread = endless();
      await expect(collectSamples(unread, label as number, 2)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: `label is ${shown}; it must be a class id (an integer ≥ 0; class names go in the labels list)` });
      expect(unread.pulled).toBe(0);
    }
  });

  it('fit refuses an option name it does not take (a top-level learningRate was ignored)', async () => {
    const head = buildHead('softmax', { inputDim: 2, numClasses: 2, seed: 1, normalizeFeatures: false });
    const x = tf.tensor2d([[0, 1], [1, 0]]);
    const before = tf.memory().numTensors;
    await expect(fit(head, { x, labels: [0, 1] }, { epochs: 1, learningRate: 0.1 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('fit options has unknown option(s) learningRate; allowed: epochs, batchSize, optimizer') });
    expect(tf.memory().numTensors).toBe(before);
    const { history } = await fit(head, { x, labels: [0, 1] }, { epochs: 1, optimizer: { name: 'sgd', learningRate: 0.1 } });
    expect(history).toHaveLength(1);
    tf.dispose(x);
    head.dispose();
  });

  it('a k-NN classifier takes int32 features as their float values', async () => {
    const values = [[3, 0], [0, 4], [5, 1], [1, 6]];
    const asInt = new KnnClassifier({ k: 1 });
    const asFloat = new KnnClassifier({ k: 1 });
    const xi = tf.tensor2d(values, undefined, 'int32');
    const xf = tf.tensor2d(values, undefined, 'float32');
    try {
      await asInt.fit(xi, [0, 1, 0, 1]);
      await asFloat.fit(xf, [0, 1, 0, 1]);
      const query = tf.tensor2d([[4, 1], [1, 5]], undefined, 'int32');
      expect(Array.from(await asInt.predictScores(query))).toEqual(Array.from(await asFloat.predictScores(query)));
      expect(Array.from(await asInt.predict(query))).toEqual([0, 1]);
      query.dispose();
    } finally {
      tf.dispose([xi, xf]);
      asInt.dispose();
      asFloat.dispose();
    }
  });

  it("augmentSpatial refuses a mask that is not the image's size", () => {
    const image = tf.zeros([40, 60, 3]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    for (const mask of [tf.zeros([10, 10]), tf.zeros([60, 40]), tf.zeros([40, 60, 1, 1])]) {
      expect(() => augmentSpatial({ image, mask: mask as tf.Tensor2D }, { flip: 1, seed: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining("takes a mask of the image's size, [40, 60]") }));
      mask.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    const ok = tf.ones([40, 60]) as tf.Tensor2D;
    const out = augmentSpatial({ image, mask: ok }, { flip: 1, seed: 1 });
    expect(out.mask?.shape).toEqual([40, 60]);
    tf.dispose([image, ok, out.image, out.mask as tf.Tensor]);
  });
});
