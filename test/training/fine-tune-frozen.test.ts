/**
 * fineTune's frozen part stays frozen and a failed step leaves nothing behind (from an outside
 * check): the default optimiser works (it was a TypeError), a refused call leaves the layers as
 * they were, frozen batch-norm layers keep their moving statistics (tfjs updated them in the
 * training forward), and a step that throws — a missing kernel on wasm, a loss that throws, a
 * model disposed mid-training — is a VisionError with tensor counts flat.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';
import { createFeatureExtractor } from '../../src/pipelines/embeddings/backbone';
import type { FeatureBackbone } from '../../src/training/transfer/feature-backbone';
import { buildHead, fineTune, fit } from '../../src/training/index';

/** conv → batch norm → ReLU → conv → batch norm → pooled features, with moving statistics away from their start. */
function backboneWithBatchNorm(): { source: tf.LayersModel; backbone: FeatureBackbone } {
  const input = tf.input({ shape: [8, 8, 1] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv_a', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn_a' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv_b', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn_b' }).apply(x) as tf.SymbolicTensor;
  const features = tf.layers.globalAveragePooling2d({ name: 'features' }).apply(x) as tf.SymbolicTensor;
  const source = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(features) as tf.SymbolicTensor });
  // moving statistics of a "pretrained" network: not the initial 0 / 1
  for (const name of ['bn_a', 'bn_b']) {
    const layer = source.getLayer(name);
    const [gamma, beta, mean, variance] = layer.getWeights();
    layer.setWeights([gamma, beta, tf.fill(mean.shape, 0.3), tf.fill(variance.shape, 2)]);
  }
  return { source, backbone: createFeatureExtractor(source, 'features', { width: 8, height: 8 }) };
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('fineTune keeps the frozen backbone frozen (cpu backend: convolution gradients)', () => {
  let data: { x: tf.Tensor4D; labels: Int32Array };
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'cpu' });
    data = { x: tf.randomUniform([16, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D, labels: Int32Array.from({ length: 16 }, (_, i) => i % 2) };
  });
  afterAll(() => data.x.dispose());

  it('head only, with the default optimiser: batch-norm statistics, backbone weights and features stay; the head learns', async () => {
    const { source, backbone } = backboneWithBatchNorm();
    const head = buildHead('softmax', { inputDim: 4, numClasses: 2, seed: 1, normalizeFeatures: false });
    const weightsBefore = source.getWeights().map((w) => w.clone());
    const featuresBefore = await backbone.extract(data.x);
    const headBefore = head.getWeights()[0].clone();
    const tensors = tf.memory().numTensors;
    const { result } = await fineTune(backbone, head, data, { epochs: 2, batchSize: 8, seed: 1 }); // no optimizer: Adam, as fit
    expect(result.history).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(tensors);
    source.getWeights().forEach((w, i) => expect(maxDiff(w, weightsBefore[i]), source.weights[i].name).toBe(0));
    const featuresAfter = await backbone.extract(data.x);
    expect(maxDiff(featuresAfter, featuresBefore)).toBe(0);
    expect(maxDiff(head.getWeights()[0], headBefore)).toBeGreaterThan(0);
    // the frozen layers' own call is back: a training forward outside fineTune updates statistics again, as tfjs does
    expect(Object.hasOwn(source.getLayer('bn_a'), 'call')).toBe(false);
    tf.dispose([...weightsBefore, featuresBefore, featuresAfter, headBefore]);
    head.dispose();
    source.dispose();
  });

  it("an svm head fine-tunes with its own loss (hinge) when none is given, as fit trains it (it trained with cross-entropy)", async () => {
    const headWeightsAfter = async (loss?: 'hinge' | 'cross-entropy'): Promise<number[]> => {
      const { source, backbone } = backboneWithBatchNorm();
      const head = buildHead('svm', { inputDim: 4, numClasses: 2, seed: 1, normalizeFeatures: false });
      await fineTune(backbone, head, data, { epochs: 1, batchSize: 8, seed: 1, ...(loss ? { loss } : {}) });
      const weights = Array.from(head.getWeights()[0].dataSync());
      head.dispose();
      source.dispose();
      return weights;
    };
    const [byDefault, hinge, crossEntropy] = [await headWeightsAfter(), await headWeightsAfter('hinge'), await headWeightsAfter('cross-entropy')];
    expect(byDefault).toEqual(hinge);
    expect(byDefault).not.toEqual(crossEntropy);
  });

  it('an unfrozen batch-norm layer trains; a refused or aborted call leaves every layer frozen as it was', async () => {
    const { source, backbone } = backboneWithBatchNorm();
    const head = buildHead('softmax', { inputDim: 4, numClasses: 2, seed: 1, normalizeFeatures: false });
    const trainable = () => backbone.model.layers.filter((l) => l.trainable).map((l) => l.name);
    const before = trainable();
    const aborted = new AbortController();
    aborted.abort();
    for (const [options, code] of [
      [{ epochs: 0 }, 'INVALID_OPTION'],
      [{ epochs: 1, batchSize: 0 }, 'INVALID_OPTION'],
      [{ epochs: 1, backboneLearningRateScale: -1 }, 'INVALID_OPTION'],
      [{ epochs: 1, signal: aborted.signal }, 'ABORTED'],
    ] as const) {
      await expect(fineTune(backbone, head, data, { ...options, unfreeze: 2 }), JSON.stringify(options)).rejects.toMatchObject({ code });
      expect(trainable()).toEqual(before);
    }
    await expect(fineTune(backbone, head, data, { epochs: 1, backboneLearningRateScale: -1 })).rejects.toMatchObject({ message: expect.stringContaining('backboneLearningRateScale is -1') });
    // it said "count is -1", a name the caller never wrote
    await expect(fineTune(backbone, head, data, { epochs: 1, unfreeze: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'unfreeze is -1; it must be a whole number of backbone layers ≥ 0' });
    // an array ran as the default options
    await expect(fineTune(backbone, head, data, [] as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'fineTune options are an array; they must be an object' });
    const meanBefore = source.getLayer('bn_b').getWeights()[2].clone();
    await fineTune(backbone, head, data, { epochs: 1, batchSize: 8, unfreeze: 1, optimizer: { name: 'sgd', learningRate: 0.1 } });
    expect(trainable()).toEqual(['bn_b']);
    expect(maxDiff(source.getLayer('bn_b').getWeights()[2], meanBefore)).toBeGreaterThan(0); // trained: its statistics move
    meanBefore.dispose();
    head.dispose();
    source.dispose();
  });

  it('a step that throws is a VisionError and leaves no tensor: a missing kernel (wasm), a throwing loss, a model disposed mid-training', async () => {
    const { source, backbone } = backboneWithBatchNorm();
    const head = buildHead('softmax', { inputDim: 4, numClasses: 2, seed: 1, normalizeFeatures: false });
    let tensors = tf.memory().numTensors;
    await selectTfjsBackend({ backend: 'wasm' });
    try {
      tensors = tf.memory().numTensors;
      await expect(fineTune(backbone, head, data, { epochs: 1, batchSize: 8, unfreeze: 2 })).rejects.toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
        message: expect.stringMatching(/training needs the \w+ kernel, which the wasm backend lacks; train on cpu, webgl or webgpu: load the model with that backend \(loadMobileNetV2Backbone\(\{ backend: 'cpu' \}\)/),
      });
      expect(tf.memory().numTensors).toBe(tensors);
    } finally {
      await selectTfjsBackend({ backend: 'cpu' });
    }
    const features = await backbone.extract(data.x);
    tensors = tf.memory().numTensors;
    let calls = 0;
    const throwing = (labels: tf.Tensor1D, scores: tf.Tensor2D): tf.Scalar => {
      if (++calls === 2) throw new Error('loss failed');
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 2), scores) as tf.Scalar;
    };
    await expect(fit(head, { x: features, labels: data.labels }, { epochs: 1, batchSize: 4, loss: throwing })).rejects.toMatchObject({ code: 'INFERENCE_FAILED', message: expect.stringContaining('a training step failed: loss failed') });
    expect(tf.memory().numTensors).toBe(tensors);
    const doomed = buildHead('mlp', { inputDim: 4, numClasses: 2, seed: 1, normalizeFeatures: false });
    await expect(fit(doomed, { x: features, labels: data.labels }, { epochs: 2, batchSize: 4, onBatchEnd: ({ step }) => step === 2 && doomed.dispose() })).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(tf.memory().numTensors).toBe(tensors);
    features.dispose();
    head.dispose();
    source.dispose();
  });
});
