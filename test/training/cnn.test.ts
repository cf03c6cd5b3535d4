import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';
import { accuracy } from '../../src/core/accuracy';
import { createFeatureExtractor } from '../../src/pipelines/embeddings/backbone';
import { buildHead, buildSmallCnn, evaluateClassifier, fineTune, fit, linearWarmup, cosineDecay } from '../../src/training/index';
import { readFashionMnist, takePerClass, type GreyImages } from '../helpers/datasets';

/** Images scaled to 0–1 and averaged down to 14×14 (4× less work for the slow cpu backend). */
function tensors(set: GreyImages): { x: tf.Tensor4D; labels: Int32Array } {
  const x = tf.tidy(() => tf.avgPool(tf.div(tf.tensor4d(set.pixels, [set.count, set.size, set.size, 1], 'float32'), 255) as tf.Tensor4D, 2, 2, 'valid') as tf.Tensor4D);
  return { x, labels: Int32Array.from(set.labels) };
}

// The wasm backend has no convolution gradients: convolutions train on the cpu backend.
describe('training convolutions on the cpu backend', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'cpu' });
  });

  it('a small CNN from scratch (conv → BN → ReLU → pool ×2 → dropout → FC) learns Fashion-MNIST', async () => {
    const train = tensors(takePerClass(readFashionMnist('train'), 150)); // 1500 images
    const test = tensors(takePerClass(readFashionMnist('test'), 100)); // 1000 images
    const model = buildSmallCnn({ inputShape: [14, 14, 1], numClasses: 10, filters: [8, 16], dense: 32, batchNorm: true, dropout: 0.1, seed: 1 });
    const epochs = 3;
    const steps = epochs * Math.ceil(1500 / 16);
    const started = Date.now();
    const result = await fit(model, train, {
      epochs, batchSize: 16, optimizer: { name: 'adam', learningRate: 5e-3 }, seed: 1,
      schedule: linearWarmup(5e-3, { warmupSteps: 10, after: cosineDecay(5e-3, { totalSteps: steps - 10, minimum: 5e-4 }) }),
    });
    const seconds = (Date.now() - started) / 1000;
    const { accuracy: acc, predicted } = await evaluateClassifier(model, test);
    console.log(`small CNN: ${seconds.toFixed(1)} s for ${epochs} epochs on 1500 14×14 images (cpu), train accuracy ${result.history.map((h) => h.accuracy.toFixed(3)).join(' → ')}, test accuracy ${acc.toFixed(3)} on 1000`);
    expect(accuracy(predicted, test.labels)).toBe(acc);
    expect(acc).toBeGreaterThanOrEqual(0.7); // measured 0.746 (dropout makes runs differ slightly)
    model.dispose();
    tf.dispose([train.x, test.x]);
  }, 180_000);

  it('fine-tuning changes backbone weights only in the unfrozen layers', async () => {
    const input = tf.input({ shape: [8, 8, 1] });
    const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'conv_a' }).apply(input) as tf.SymbolicTensor;
    const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'conv_b' }).apply(c1) as tf.SymbolicTensor;
    const features = tf.layers.globalAveragePooling2d({ name: 'features' }).apply(c2) as tf.SymbolicTensor;
    const source = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(features) as tf.SymbolicTensor });
    const backbone = createFeatureExtractor(source, 'features', { width: 8, height: 8 });
    expect(backbone.dim).toBe(4);
    const data = { x: tf.randomUniform([32, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D, labels: Int32Array.from({ length: 32 }, (_, i) => i % 2) };
    const kernels = (): tf.Tensor[] => ['conv_a', 'conv_b'].map((n) => source.getLayer(n).getWeights()[0].clone());
    const changed = (a: tf.Tensor, b: tf.Tensor): boolean => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] > 0);

    const head = buildHead('softmax', { inputDim: 4, numClasses: 2, seed: 1, normalizeFeatures: false });
    const headBefore = head.getWeights()[0].clone();
    const frozen = kernels();
    await fineTune(backbone, head, data, { epochs: 2, batchSize: 8, optimizer: { name: 'sgd', learningRate: 0.5 } });
    const afterFrozen = kernels();
    expect(changed(frozen[0], afterFrozen[0])).toBe(false);
    expect(changed(frozen[1], afterFrozen[1])).toBe(false);
    expect(changed(headBefore, head.getWeights()[0])).toBe(true);

    const { model } = await fineTune(backbone, head, data, { epochs: 2, batchSize: 8, optimizer: { name: 'sgd', learningRate: 0.5 }, unfreeze: 1, backboneLearningRateScale: 0.5 });
    const afterUnfrozen = kernels();
    expect(changed(afterFrozen[0], afterUnfrozen[0])).toBe(false);
    expect(changed(afterFrozen[1], afterUnfrozen[1])).toBe(true);
    expect((model.predict(data.x) as tf.Tensor).shape).toEqual([32, 2]);
    await expect(evaluateClassifier(model, data)).resolves.toMatchObject({ accuracy: expect.any(Number) });
    // a feature-map layer is average-pooled: conv_b gives what the model's own pooling gives
    const pooled = createFeatureExtractor(source, 'conv_b', { width: 8, height: 8 });
    expect(pooled.dim).toBe(4);
    const [viaPool, viaLayer] = [await pooled.extract(data.x), await backbone.extract(data.x)];
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(viaPool, viaLayer))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([viaPool, viaLayer]);
    expect(() => createFeatureExtractor(source, [], { width: 8, height: 8 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => createFeatureExtractor(source, 'nope', { width: 8, height: 8 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    tf.dispose([...frozen, ...afterFrozen, ...afterUnfrozen, headBefore, data.x]);
  });
});
