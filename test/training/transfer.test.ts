import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline, selectTfjsBackend } from '../../src/node/index';
import { perClassMetrics } from '../../src/eval/classification';
import { type FeatureExtractor, MOBILENET_V2_MID_LAYERS, loadMobileNetV2Backbone } from '../../src/pipelines/embeddings/backbone';
import { imagesToTensors } from '../../src/preprocess/image-batch';
import {
  KnnClassifier,
  KnnRunner,
  buildHead,
  classifierToFiles,
  evaluateClassifier,
  exportClassifier,
  fit,
  headLoss,
  loadClassifier,
  stratifiedSplit,
} from '../../src/training/index';
import { FASHION_LABELS, greyImage, readFashionMnist, takePerClass } from '../helpers/datasets';
import { type CachedFeatures, fashionFeatures, featureTensor } from './fashion-embeddings';

const TRAIN_PER_CLASS = 100; // at most 100 training images per class (issue 6)
const TEST_PER_CLASS = 50; // 500 held-out test images

describe('transfer learning: MobileNetV2 features + heads on Fashion-MNIST', () => {
  let backbone: FeatureExtractor | null = null;
  const getBackbone = async (): Promise<FeatureExtractor> => (backbone ??= await loadMobileNetV2Backbone({ backend: 'wasm' }));
  let train: CachedFeatures;
  let test: CachedFeatures;
  let xTrain: tf.Tensor2D;
  let xVal: tf.Tensor2D;
  let xTest: tf.Tensor2D;
  let yTrain: Int32Array;
  let yVal: Int32Array;
  const results: Record<string, number> = {};

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    train = await fashionFeatures(getBackbone, 'train', TRAIN_PER_CLASS);
    test = await fashionFeatures(getBackbone, 'test', TEST_PER_CLASS);
    const images = train.labels.length + test.labels.length;
    console.log(train.cached && test.cached ? 'features from .cache/training' : `features of ${images} images: ${(train.seconds + test.seconds).toFixed(1)} s, ${(images / (train.seconds + test.seconds)).toFixed(1)} images/s on wasm`);
    const split = stratifiedSplit(Array.from(train.labels), { validationFraction: 0.1, seed: 1 });
    xTrain = featureTensor(train, split.train);
    xVal = featureTensor(train, split.validation);
    yTrain = Int32Array.from(split.train, (i) => train.labels[i]);
    yVal = Int32Array.from(split.validation, (i) => train.labels[i]);
    xTest = featureTensor(test);
  }, 300_000);

  afterAll(() => {
    console.log('held-out accuracy on 500 Fashion-MNIST test images:', JSON.stringify(results));
    tf.dispose([xTrain, xVal, xTest]);
    backbone?.dispose();
  });

  for (const [kind, threshold, epochs] of [['softmax', 0.8, 40], ['svm', 0.76, 40], ['mlp', 0.76, 40]] as const) {
    it(`${kind} head reaches ≥ ${threshold} held-out accuracy`, async () => {
      const head = buildHead(kind, { inputDim: train.dim, numClasses: 10, seed: 1 });
      const before = tf.memory().numTensors;
      const result = await fit(head, { x: xTrain, labels: yTrain }, {
        epochs, batchSize: 32, optimizer: { name: 'adam', learningRate: 1e-3 }, loss: headLoss(kind), seed: 1,
        validationData: { x: xVal, labels: yVal }, monitor: 'val_loss', earlyStopping: { patience: 6 },
      });
      expect(tf.memory().numTensors).toBe(before);
      const { accuracy, predicted } = await evaluateClassifier(head, { x: xTest, labels: test.labels });
      results[kind] = Number(accuracy.toFixed(3));
      console.log(kind, 'epochs', result.history.length, 'best', result.bestEpoch, 'test accuracy', accuracy.toFixed(3), 'recall per class', perClassMetrics(predicted, test.labels, 10).map((m) => m.recall.toFixed(2)).join(' '));
      expect(accuracy).toBeGreaterThanOrEqual(threshold);
      head.dispose();
    });
  }

  it('k-NN (k chosen on validation) reaches ≥ 0.70 with L2 and L1', async () => {
    for (const distance of ['l2', 'l1'] as const) {
      const knn = new KnnClassifier({ distance });
      await knn.fit(xTrain, yTrain);
      const perK = await knn.chooseK(xVal, yVal, [1, 3, 5, 9, 15]);
      const predicted = await knn.predict(xTest);
      const acc = predicted.reduce((a, p, i) => a + (p === test.labels[i] ? 1 : 0), 0) / predicted.length;
      results[`knn-${distance}`] = Number(acc.toFixed(3));
      console.log(`knn ${distance}: validation accuracy per k ${JSON.stringify([...perK])}, chose k=${knn.k}, test ${acc.toFixed(3)}`);
      expect(acc).toBeGreaterThanOrEqual(0.7);
      knn.dispose();
    }
  });

  it('exports backbone + head to the classification pipeline, and saves → loads with the same predictions', async () => {
    const head = buildHead('softmax', { inputDim: train.dim, numClasses: 10, seed: 2 });
    await fit(head, { x: xTrain, labels: yTrain }, { epochs: 15, optimizer: { name: 'adam', learningRate: 1e-3 }, seed: 2 });
    const exported = exportClassifier(await getBackbone(), head, { labels: FASHION_LABELS, id: 'fashion' });
    const classifier = await pipeline('image-classification', { model: exported.runner, spec: exported.spec, topK: 3 });
    const set = takePerClass(readFashionMnist('test'), 2);
    const images = Array.from({ length: 6 }, (_, i) => greyImage(set, i));
    const first = await Promise.all(images.map((img) => classifier.run(img)));
    const right = first.filter((r, i) => r.classes[0].classId === set.labels[i]).length;
    expect(right).toBeGreaterThanOrEqual(4);
    expect(first[0].classes[0].label).toBe(FASHION_LABELS[first[0].classes[0].classId]);

    const files = await classifierToFiles(exported.model!, exported.spec);
    const dir = mkdtempSync(join(tmpdir(), 'vp-classifier-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(files.json));
    writeFileSync(join(dir, 'weights.bin'), files.weights);
    const loaded = await loadClassifier(join(dir, 'model.json'));
    expect(loaded.spec.labels).toEqual([...FASHION_LABELS]);
    const again = await pipeline('image-classification', { model: loaded.runner, spec: loaded.spec, topK: 3 });
    for (let i = 0; i < images.length; i++) {
      const r = await again.run(images[i]);
      expect(r.classes.map((c) => c.classId)).toEqual(first[i].classes.map((c) => c.classId));
      r.classes.forEach((c, k) => expect(c.score).toBeCloseTo(first[i].classes[k].score, 4));
    }
    again.dispose();
    loaded.runner.dispose();
    classifier.dispose();
    // disposing the exported runner retires it but leaves the shared backbone and head usable
    exported.runner.dispose();
    await expect(exported.runner.run({ [exported.runner.inputs[0].name]: tf.zeros([1, 224, 224, 3]) })).rejects.toMatchObject({ code: 'DISPOSED' });
    expect((head.predict(tf.zeros([1, train.dim])) as tf.Tensor).shape).toEqual([1, 10]);
    // the in-memory files load too, and a k-NN head runs through the same pipeline
    expect((await loadClassifier(files)).spec.id).toBe('fashion');
    const knn = new KnnClassifier({ k: 5 });
    await knn.fit(xTrain, yTrain);
    const viaKnn = exportClassifier(await getBackbone(), knn, { labels: FASHION_LABELS });
    const knnPipeline = await pipeline('image-classification', { model: viaKnn.runner, spec: viaKnn.spec, topK: 1 });
    const viaPipeline = await Promise.all(images.map((img) => knnPipeline.run(img)));
    const features = await (await getBackbone()).extractImages(images.map((image, i) => ({ image, label: set.labels[i] })));
    const direct = await knn.predictWithScores(features.x);
    features.x.dispose();
    // the pipeline's top class is the predicted one (ties too: the nearer neighbours'), with its vote share
    expect(viaPipeline.map((r) => r.classes[0].classId)).toEqual(Array.from(direct.predicted));
    viaPipeline.forEach((r, i) => expect(r.classes[0].score).toBeCloseTo(direct.scores[i * 10 + direct.predicted[i]], 6));
    knnPipeline.dispose();
    knn.dispose();
    head.dispose();
  }, 120_000);

  it('mid-level layers: feature maps are average-pooled and concatenated, and a classifier over them saves → loads', async () => {
    const mid = await loadMobileNetV2Backbone({ backend: 'wasm', layers: MOBILENET_V2_MID_LAYERS });
    try {
      expect(mid.layers).toEqual(['block_13_expand_relu', 'block_16_expand_relu']);
      expect(mid.dim).toBe(576 + 960);
      const set = takePerClass(readFashionMnist('test'), 1);
      const samples = Array.from({ length: 4 }, (_, i) => ({ image: greyImage(set, i), label: set.labels[i] }));
      const { x } = await mid.extractImages(samples);
      // golden: the two layers' own outputs, averaged over height and width with tf ops
      const maps = tf.model({ inputs: mid.model.inputs, outputs: MOBILENET_V2_MID_LAYERS.map((n) => mid.model.getLayer(n).output as tf.SymbolicTensor) });
      const { x: pixels } = await imagesToTensors(samples, mid.input);
      const expected = tf.tidy(() => tf.concat((maps.predict(pixels) as tf.Tensor4D[]).map((m) => tf.mean(m, [1, 2])), 1));
      expect(x.shape).toEqual([4, 1536]);
      const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(x, expected))).dataSync()[0]);
      expect(gap).toBeLessThan(1e-4);
      tf.dispose([x, expected, pixels]);
      // a head over them round-trips through model.json like the flat cut does
      const head = buildHead('softmax', { inputDim: mid.dim, numClasses: 10, seed: 1 });
      const exported = exportClassifier(mid, head, { labels: FASHION_LABELS, id: 'mid' });
      const files = await classifierToFiles(exported.model!, exported.spec);
      const loaded = await loadClassifier(files);
      const image = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 3);
      const a = (await exported.runner.run({ [exported.runner.inputs[0].name]: image })) as Record<string, { data: ArrayLike<number> }>;
      const b = (await loaded.runner.run({ [loaded.runner.inputs[0].name]: image })) as Record<string, { data: ArrayLike<number> }>;
      const [av, bv] = [Object.values(a)[0].data, Object.values(b)[0].data];
      for (let i = 0; i < av.length; i++) expect(bv[i]).toBeCloseTo(av[i], 4);
      image.dispose();
      loaded.runner.dispose();
      head.dispose();
    } finally {
      mid.dispose();
    }
  }, 120_000);
});

describe('KnnClassifier votes', () => {
  it('is a true majority of the k nearest (k = 99: 50 far votes beat 49 near ones); shares are votes / k', async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    const x = tf.tensor2d([...Array.from({ length: 49 }, (_, i) => 1 + i * 0.01), ...Array.from({ length: 50 }, (_, i) => 3 + i * 0.01)], [99, 1]);
    const labels = [...Array<number>(49).fill(1), ...Array<number>(50).fill(0)];
    const q = tf.tensor2d([[0]]);
    const knn = new KnnClassifier({ k: 99, normalize: false });
    await knn.fit(x, labels);
    expect(Array.from(await knn.predict(q))).toEqual([0]);
    expect(Array.from(await knn.predictScores(q))).toEqual([Math.fround(50 / 99), Math.fround(49 / 99)]);
    expect(await knn.chooseK(q, [0], [99])).toEqual(new Map([[99, 1]]));
    tf.dispose([x, q]);
    knn.dispose();
  });

  it('a tie of votes goes to the class with the nearer neighbour; the shares stay equal', async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    const x = tf.tensor2d([[3], [1], [4], [2]]);
    const q = tf.tensor2d([[0], [5]]);
    const knn = new KnnClassifier({ k: 4, normalize: false });
    await knn.fit(x, [0, 1, 0, 1]); // from 0: 1, 1, 0, 0; from 5: 0, 0, 1, 1
    const { predicted, scores } = await knn.predictWithScores(q);
    expect(Array.from(predicted)).toEqual([1, 0]);
    expect(Array.from(scores)).toEqual([0.5, 0.5, 0.5, 0.5]);
    tf.dispose([x, q]);
    knn.dispose();
  });
  it('as a runner, the tie winner ranks first in the pipeline (its share one float32 step up)', async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [1, 1, 1] })] });
    const backbone = {
      model,
      dim: 1,
      input: { width: 1, height: 1, fit: 'stretch' as const, normalization: 'unit' as const },
      extract: async (x: tf.Tensor4D) => tf.reshape(x, [x.shape[0], 1]) as tf.Tensor2D,
      extractImages: async () => ({ x: tf.zeros([0, 1]) as tf.Tensor2D, labels: new Int32Array(0) }),
      dispose: () => model.dispose(),
    };
    const x = tf.tensor2d([[3], [1], [4], [2]]);
    const knn = new KnnClassifier({ k: 4, normalize: false });
    await knn.fit(x, [0, 1, 0, 1]); // from 0: 1, 1, 0, 0 — a 2:2 tie the nearer class 1 wins
    const runner = new KnnRunner(backbone, knn);
    const { scores } = await runner.run({ [runner.inputs[0].name]: tf.tensor4d([0, 5], [2, 1, 1, 1]) });
    const [fromZero, fromFive] = [Array.from(scores.data as Float32Array).slice(0, 2), Array.from(scores.data as Float32Array).slice(2)];
    expect(fromZero[1]).toBeGreaterThan(fromZero[0]);
    expect(fromFive[0]).toBeGreaterThan(fromFive[1]);
    for (const share of [...fromZero, ...fromFive]) expect(share).toBeCloseTo(0.5, 6);
    tf.dispose(x);
    runner.dispose();
    knn.dispose();
    model.dispose();
  });

  it('L2 without normalising finds the exact nearest neighbour of features sharing a large offset (1000); no tensors stay', async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    let seed = 7;
    const random = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const rows = (n: number): number[][] => Array.from({ length: n }, () => Array.from({ length: 32 }, () => 1000 + random()));
    const [stored, queries] = [rows(200), rows(100)];
    const exact = queries.map((q) => {
      const d = stored.map((m) => m.reduce((sum, v, i) => sum + (v - q[i]) ** 2, 0));
      return d.indexOf(Math.min(...d));
    });
    const [x, q] = [tf.tensor2d(stored), tf.tensor2d(queries)];
    const knn = new KnnClassifier({ k: 1, normalize: false, numClasses: 200 });
    await knn.fit(x, stored.map((_, i) => i));
    const before = tf.memory().numTensors;
    expect(Array.from(await knn.predict(q))).toEqual(exact);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, q]);
    knn.dispose();
  });
});

describe('KnnClassifier rejects bad settings and data', () => {
  const x = (): tf.Tensor2D => tf.tensor2d([0, 1, 1, 0, 1, 1, 0, 0.5], [4, 2]);
  const rejects = async (call: () => unknown, code: string, fragment: RegExp): Promise<void> => {
    const before = tf.memory().numTensors;
    await expect((async () => call())()).rejects.toMatchObject({ name: 'VisionError', code, message: expect.stringMatching(fragment) });
    expect(tf.memory().numTensors).toBe(before);
  };

  it('checks k, labels, empty fits, sizes and chooseK label counts', async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    for (const [k, shown] of [[-1, '-1'], [0, '0'], [Number.NaN, 'NaN']] as const) {
      await rejects(() => new KnnClassifier({ k }), 'INVALID_OPTION', new RegExp(`k is ${shown}; it must be a positive integer`));
    }
    await rejects(() => new KnnClassifier(null as never), 'INVALID_OPTION', /k-NN options is null/);
    await rejects(() => new KnnClassifier({ K: 3 } as never), 'INVALID_OPTION', /k-NN options has unknown option\(s\) K; allowed: k, distance, numClasses, normalize/);
    await rejects(() => new KnnClassifier({ normalize: 'no' } as never), 'INVALID_OPTION', /normalize is "no"; it must be true or false/);
    const xs = x();
    const knn = new KnnClassifier({ k: 1 });
    await rejects(() => knn.fit(xs, [0, -1, 1, 0]), 'INVALID_INPUT', /labels\[1\] is -1; it must be a class index/);
    const empty = tf.zeros([0, 2]) as tf.Tensor2D;
    await rejects(() => knn.fit(empty, []), 'INVALID_INPUT', /needs at least one example/);
    await knn.fit(xs, [0, 1, 1, 0]);
    const queries = tf.concat([xs, xs, xs, xs, xs]) as tf.Tensor2D;
    await rejects(() => knn.chooseK(queries, [0, 1, 1, 0, 1], [1, 3]), 'INVALID_INPUT', /labels has 5 entries for 20 examples/);
    await rejects(() => knn.chooseK(xs, [0, 1, 1, 0], 5 as never), 'INVALID_OPTION', /candidates is 5; it must be a non-empty array of positive integers/);
    await rejects(() => KnnClassifier.fromJSON(null as never), 'INVALID_INPUT', /k-NN state is null/);
    const state = await knn.toJSON();
    await rejects(() => KnnClassifier.fromJSON({ ...state, embeddings: [1, 2, 3] }), 'INVALID_INPUT', /sizes do not match/);
    knn.dispose();
    tf.dispose([xs, empty, queries]);
  });

  it('numClasses follows the examples it holds: refits and clears lower it; fromJSON refuses labels past the saved count', async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    const wide = tf.tensor2d([0, 1, 1, 0, 1, 1, 0, 0.5, 0.3, 0.2], [5, 2]);
    const xs = x();
    const knn = new KnnClassifier({ k: 1 });
    await knn.fit(wide, [0, 1, 2, 3, 4]);
    expect(knn.numClasses).toBe(5);
    await knn.fit(xs, [0, 1, 1, 0]); // refit with two classes
    expect(knn.numClasses).toBe(2);
    expect((await knn.predictScores(xs)).length).toBe(4 * 2);
    expect((await knn.toJSON()).numClasses).toBe(2);
    await knn.fit(wide, [0, 1, 2, 3, 4]);
    knn.dispose(); // clear, then fewer classes again
    expect(knn.numClasses).toBe(0);
    await knn.fit(xs, [0, 0, 1, 1]);
    expect(knn.numClasses).toBe(2);
    // an explicit count is kept (a class may have no examples yet) and bounds the labels
    const given = new KnnClassifier({ k: 1, numClasses: 3 });
    await given.fit(xs, [0, 1, 1, 0]);
    expect(given.numClasses).toBe(3);
    await rejects(() => given.fit(xs, [0, 1, 3, 0]), 'INVALID_INPUT', /labels\[2\] is 3; it must be a class index \(an integer from 0 to 2\)/);
    expect(given.numClasses).toBe(3);
    // a saved state whose label exceeds its count is refused, not widened
    const state = await knn.toJSON();
    await rejects(() => KnnClassifier.fromJSON({ ...state, labels: [0, 0, 1, 5] }), 'INVALID_INPUT', /labels\[3\] is 5, but its numClasses is 2; every label must be a class index from 0 to 1/);
    await rejects(() => KnnClassifier.fromJSON({ ...state, numClasses: undefined as never }), 'INVALID_INPUT', /numClasses is undefined; it must be a positive integer/);
    const back = await KnnClassifier.fromJSON({ ...state, numClasses: 4 });
    expect(back.numClasses).toBe(4);
    expect((await back.predictScores(xs)).length).toBe(4 * 4);
    tf.dispose([wide, xs]);
    for (const k of [knn, given, back]) k.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
