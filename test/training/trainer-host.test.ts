// The training worker's host over a tiny stand-in backbone (a conv layer and average pooling,
// no model download): retraining and refused settings keep tensor counts flat, and a head
// exported with its backbone stays the owner of its weights.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RawImage } from '../../src/core/image-input';
import { selectTfjsBackend } from '../../src/node/index';
import { FeatureExtractor, createFeatureExtractor } from '../../src/pipelines/embeddings/backbone';
import type { Reply } from '../../src/runtime/worker-reply';
import { buildHead, composeClassifier, exportClassifier } from '../../src/training/index';
import { assembleTrainerHost } from '../../src/training/worker/trainer-host';
import type { TrainerApi } from '../../src/training/worker/trainer-protocol';
import type { FrameClassifier } from '../../src/training/worker/trainer-host';

function value<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}

/** An 8×8 RGB image of one brightness with a seeded pattern. */
const image = (level: number, seed: number): RawImage => ({
  data: Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (level + ((i * 37 + seed * 11) % 40)) % 256),
  width: 8,
  height: 8,
  channels: 3,
});

describe('trainer host and exported heads (stand-in backbone)', () => {
  let backbone: FeatureExtractor;
  let host: TrainerApi;

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    const input = tf.input({ shape: [8, 8, 3] });
    const conv = tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'features' }).apply(conv) as tf.SymbolicTensor;
    backbone = createFeatureExtractor(tf.model({ inputs: input, outputs: pooled }), 'features', { width: 8, height: 8, fit: 'stretch', normalization: 'unit' });
    host = assembleTrainerHost({
      loadBackbone: async () => backbone,
      createClassifier: async () => ({ run: async () => ({ classes: [] }) as never, dispose: () => undefined }),
    });
    value(await host.setup({}));
    value(await host.addSamples([1, 2, 3, 4].map((s) => image(20, s)), 0));
    value(await host.addSamples([1, 2, 3, 4].map((s) => image(200, s)), 1));
  });

  afterAll(async () => {
    await host?.dispose();
  });

  it('exportClassifier leaves the head the owner of its weights: head.dispose() frees them all', () => {
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      const head = buildHead('mlp', { inputDim: backbone.dim, numClasses: 2, seed: round });
      const exported = exportClassifier(backbone, head, { labels: ['dark', 'bright'] });
      expect(tf.tidy(() => (exported.model?.predict(tf.zeros([1, 8, 8, 3])) as tf.Tensor).shape)).toEqual([1, 2]);
      exported.runner.dispose();
      head.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    // the backbone is untouched
    expect(tf.tidy(() => (backbone.model.predict(tf.zeros([1, 8, 8, 3])) as tf.Tensor).shape)).toEqual([1, 6]);
  });

  it('the composed model owns no weights: disposing it, then the head, in any order, throws nothing and frees only the head', () => {
    const before = tf.memory().numTensors;
    for (const composedFirst of [true, false]) {
      const head = buildHead('softmax', { inputDim: backbone.dim, numClasses: 2, seed: 4 });
      const model = composeClassifier(backbone, head);
      if (composedFirst) model.dispose();
      head.dispose();
      if (!composedFirst) model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(tf.tidy(() => (backbone.model.predict(tf.zeros([1, 8, 8, 3])) as tf.Tensor).shape)).toEqual([1, 6]);
  });

  it('training again replaces the classifier without growing the tensor count', async () => {
    value(await host.train({ labels: ['dark', 'bright'], epochs: 2, batchSize: 4, seed: 1 }));
    const after = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) value(await host.train({ labels: ['dark', 'bright'], epochs: 2, batchSize: 4, seed: 1, head: i === 1 ? 'mlp' : 'softmax' }));
    expect(tf.memory().numTensors).toBe(after);
  });

  it('refuses an unknown head, missing settings and a label listed twice (INVALID_OPTION), leaking nothing', async () => {
    const before = tf.memory().numTensors;
    expect(await host.train({ labels: ['dark', 'bright'], head: 'knn' as never })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', message: expect.stringContaining('unknown head "knn"') } });
    expect(await host.train(null as never)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', message: 'training settings are null; they must be an object with labels' } });
    expect(await host.train({ labels: ['dark', 'bright'], validationSplit: 0.5 } as never)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', message: expect.stringContaining('training settings has unknown option(s) validationSplit; allowed: labels,') } });
    expect(await host.train({ labels: ['dark', 'dark'] })).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', message: 'labels list "dark" twice; each class name must appear once' } });
    // an empty name is refused before training, as a repeated one is (it was refused after every epoch had run)
    const epochs: number[] = [];
    expect(await host.train({ labels: ['', 'bright'], epochs: 40 }, (event) => void (event.type === 'epoch' && epochs.push(event.log.epoch)))).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', message: 'labels[0] is ""; class names are non-empty strings' } });
    expect(epochs).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    value(await host.train({ labels: ['dark', 'bright'], epochs: 1, batchSize: 4 }));
  });

  it('clearSamples refuses ids that are not class ids; a cleared last class needs no label', async () => {
    for (const [label, shown] of [[-1, '-1'], [1.5, '1.5'], ['0', '"0"'], [100, '100']] as const) {
      expect(await host.clearSamples(label as number)).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION', message: `label is ${shown}; it must be a class id 0–99` } });
    }
    value(await host.addSamples([1, 2, 3, 4].map((s) => image(120, s)), 2));
    expect(value(await host.clearSamples(2))).toEqual([4, 4, 0]);
    expect(value(await host.train({ labels: ['dark', 'bright'], epochs: 1, batchSize: 4, seed: 1 })).samples).toEqual({ train: 6, validation: 2 });
    expect(await host.train({ labels: ['dark', 'bright', 'grey'], epochs: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: "every class needs at least 2 samples; 'grey' has 0" } });
  });
});

/** A stand-in backbone that owns its model (dispose() frees its weights), as the worker's MobileNetV2 does. */
function ownedBackbone(seed: number): FeatureExtractor {
  const input = tf.input({ shape: [8, 8, 3] });
  const conv = tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'features' }).apply(conv) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: pooled });
  return new FeatureExtractor(model, 'features', { width: 8, height: 8, fit: 'stretch', normalization: 'unit' }, model);
}

/** A promise and the function that settles it (resolved by the test, when it chooses). */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const DISPOSED = { ok: false, error: { code: 'DISPOSED', message: expect.stringContaining('disposed') } };

describe('trainer host: dispose while a call is in flight', () => {
  const frameClassifier = (): FrameClassifier => ({ run: async () => ({ classes: [] }) as never, dispose: vi.fn() });

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
  });

  it('a backbone that loads after dispose is freed at once; setup and every later call answer DISPOSED', async () => {
    const base = tf.memory().numTensors;
    const load = deferred<FeatureExtractor>();
    const host = assembleTrainerHost({ loadBackbone: () => load.promise, createClassifier: async () => frameClassifier() });
    const setup = host.setup({});
    value(await host.dispose());
    const late = ownedBackbone(2);
    expect(tf.memory().numTensors).toBeGreaterThan(base);
    load.resolve(late);
    expect(await setup).toMatchObject(DISPOSED);
    expect(tf.memory().numTensors).toBe(base);
    const frame = image(20, 1);
    expect(await host.setup({})).toMatchObject(DISPOSED);
    expect(await host.addSamples([frame], 0)).toMatchObject(DISPOSED);
    expect(await host.clearSamples()).toMatchObject(DISPOSED);
    expect(await host.train({ labels: ['dark', 'bright'] })).toMatchObject(DISPOSED);
    expect(await host.classify(frame)).toMatchObject(DISPOSED);
    expect(await host.toFiles()).toMatchObject(DISPOSED);
    expect(await host.cancel()).toMatchObject(DISPOSED);
    expect(await host.addGestures([], 0)).toMatchObject(DISPOSED);
    expect(value(await host.dispose())).toBeUndefined(); // twice is fine
    expect(tf.memory().numTensors).toBe(base);
  });

  it('a classifier made after dispose (train just finishing) is freed at once and train answers DISPOSED', async () => {
    const base = tf.memory().numTensors;
    const called = deferred<void>();
    const made = deferred<FrameClassifier>();
    const host = assembleTrainerHost({
      loadBackbone: async () => ownedBackbone(3),
      createClassifier: () => {
        called.resolve();
        return made.promise;
      },
    });
    value(await host.setup({}));
    value(await host.addSamples([1, 2, 3, 4].map((s) => image(20, s)), 0));
    value(await host.addSamples([1, 2, 3, 4].map((s) => image(200, s)), 1));
    const training = host.train({ labels: ['dark', 'bright'], epochs: 1, batchSize: 4, seed: 1 });
    await called.promise; // fit is done; the classifier is being made
    value(await host.dispose());
    const late = frameClassifier();
    made.resolve(late);
    expect(await training).toMatchObject(DISPOSED);
    expect(late.dispose).toHaveBeenCalledTimes(1);
    expect(await host.classify(image(20, 1))).toMatchObject(DISPOSED);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('dispose during fit cancels it: train answers DISPOSED (not ABORTED) and frees the head', async () => {
    const base = tf.memory().numTensors;
    const createClassifier = vi.fn(async () => frameClassifier());
    const host = assembleTrainerHost({ loadBackbone: async () => ownedBackbone(4), createClassifier });
    value(await host.setup({}));
    value(await host.addSamples([1, 2, 3, 4].map((s) => image(20, s)), 0));
    value(await host.addSamples([1, 2, 3, 4].map((s) => image(200, s)), 1));
    const answer = await host.train({ labels: ['dark', 'bright'], epochs: 50, batchSize: 2, seed: 1 }, (event) => {
      if (event.type === 'batch' && event.log.step === 1) void host.dispose();
    });
    expect(answer).toMatchObject(DISPOSED);
    expect(createClassifier).not.toHaveBeenCalled();
    expect(tf.memory().numTensors).toBe(base);
  });
});
