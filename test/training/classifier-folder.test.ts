// Classifier folders (`visionpipe train` output, `saveClassifierFolder` / `loadClassifierFolder`)
// and saved k-NN state: what was saved last loads, from any backbone layers, and damaged files
// are MODEL_FORMAT naming the file, leaving nothing allocated.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifierFolder, pipeline, saveClassifierFolder, selectTfjsBackend } from '../../src/node/index';
import { type FeatureExtractor, MOBILENET_V2_MID_LAYERS, loadMobileNetV2Backbone } from '../../src/pipelines/embeddings/backbone';
import { KnnClassifier, buildHead, exportClassifier, fineTune, fit, loadClassifier } from '../../src/training/index';
import type { RawTensor } from '../../src/runtime/model-runner';

const LABELS = ['a', 'b'];

describe('classifier folders', () => {
  let backbone: FeatureExtractor;
  let images: tf.Tensor4D;
  let features: tf.Tensor2D;
  const folders: string[] = [];
  const folder = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'vp-classifier-folder-'));
    folders.push(dir);
    return dir;
  };
  const scoresOf = async (runner: { inputs: readonly { name: string }[]; run(feeds: Record<string, tf.Tensor>): Promise<Record<string, RawTensor>> }): Promise<number[]> =>
    Array.from(Object.values(await runner.run({ [runner.inputs[0].name]: images }))[0].data as ArrayLike<number>);

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    backbone = await loadMobileNetV2Backbone({ backend: 'wasm' });
    images = tf.randomUniform([4, 224, 224, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    features = await backbone.extract(images);
  }, 120_000);

  afterAll(() => {
    tf.dispose([images, features]);
    backbone?.dispose();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('saving another kind of head into a folder replaces the one saved before (k-NN → softmax → k-NN)', async () => {
    const dir = folder();
    const knn = new KnnClassifier({ k: 1 });
    await knn.fit(features, [0, 1, 0, 1]);
    const head = buildHead('softmax', { inputDim: backbone.dim, numClasses: 2, seed: 1 });
    await fit(head, { x: features, labels: [0, 1, 0, 1] }, { epochs: 1 });
    try {
      await saveClassifierFolder(dir, backbone, knn, { labels: LABELS, id: 'first-knn' });
      await saveClassifierFolder(dir, backbone, head, { labels: LABELS, id: 'then-softmax' });
      expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
      const layers = await loadClassifierFolder(dir, 'wasm');
      expect(layers.spec).toMatchObject({ id: 'then-softmax', family: 'logits' });
      layers.dispose();
      await saveClassifierFolder(dir, backbone, knn, { labels: LABELS, id: 'knn-again' });
      expect(readdirSync(dir)).toEqual(['knn.json']);
      const again = await loadClassifierFolder(dir, 'wasm');
      expect(again.spec).toMatchObject({ id: 'knn-again', family: 'probabilities' });
      again.dispose();
    } finally {
      knn.dispose();
      head.dispose();
    }
  }, 60_000);

  it('a save with labels that do not fit the head is refused before anything is written: the folder keeps its classifier', async () => {
    const dir = folder();
    const head = buildHead('softmax', { inputDim: backbone.dim, numClasses: 2, seed: 1 });
    const knn = new KnnClassifier({ k: 1 });
    await knn.fit(features, [0, 1, 2, 1]);
    try {
      await saveClassifierFolder(dir, backbone, head, { labels: LABELS, id: 'kept' });
      const before = readdirSync(dir).sort().map((name) => readFileSync(join(dir, name)).toString('base64'));
      // a k-NN head's labels were not checked: knn.json was written and the layers model deleted (it then failed to load)
      for (const labels of [['only-one', 'two'], ['a', '', 'c'], 'abc', undefined]) {
        await expect(saveClassifierFolder(dir, backbone, knn, { labels: labels as string[], id: 'refused' }), JSON.stringify(labels)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
      }
      for (const labels of [['x'], ['a', ''], [1, 2]]) {
        await expect(saveClassifierFolder(dir, backbone, head, { labels: labels as string[], id: 'refused' }), JSON.stringify(labels)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
      }
      expect(readdirSync(dir).sort().map((name) => readFileSync(join(dir, name)).toString('base64'))).toEqual(before);
      const loaded = await loadClassifierFolder(dir, 'wasm');
      expect(loaded.spec.id).toBe('kept');
      loaded.dispose();
    } finally {
      knn.dispose();
      head.dispose();
    }
  }, 60_000);

  it('a folder whose weights hold NaN (a diverged training saved) is MODEL_FORMAT naming the weight, not a classifier scoring NaN', async () => {
    const dir = folder();
    const head = buildHead('softmax', { inputDim: backbone.dim, numClasses: 2, seed: 1 });
    try {
      const names = head.weights.map((w) => w.name);
      const kernel = names.length - 1 - [...names].reverse().findIndex((name) => name.includes('kernel')); // the output layer's
      head.setWeights(head.getWeights().map((w, i) => (i === kernel ? tf.fill(w.shape, Number.NaN) : w)));
      await saveClassifierFolder(dir, backbone, head, { labels: LABELS, id: 'diverged' });
      const before = tf.memory().numTensors;
      await expect(loadClassifierFolder(dir, 'wasm')).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(/weight '.*kernel.*' holds NaN or ±Infinity/) });
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      head.dispose();
    }
  }, 60_000);

  it("a folder whose saved card was changed (no labels, another task, an input the model cannot take) is MODEL_FORMAT naming the folder at creation, leaving no tensor", async () => {
    const dir = folder();
    const head = buildHead('softmax', { inputDim: backbone.dim, numClasses: 2, seed: 1 });
    try {
      await saveClassifierFolder(dir, backbone, head, { labels: LABELS, id: 'tampered' });
      const saved = readFileSync(join(dir, 'model.json'), 'utf8');
      const tampered = (change: (card: Record<string, unknown>) => void): void => {
        const json = JSON.parse(saved) as { userDefinedMetadata: { visionpipe: Record<string, unknown> } };
        change(json.userDefinedMetadata.visionpipe);
        writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      };
      const before = tf.memory().numTensors;
      for (const [change, message] of [
        [(card: Record<string, unknown>) => delete card.labels, /has no labels/],
        [(card: Record<string, unknown>) => (card.labels = [1, 2]), /labels are an array; they must be a list of class names/],
        [(card: Record<string, unknown>) => (card.task = 'pose-estimation'), /is for pose-estimation, not image-classification/],
        [(card: Record<string, unknown>) => (card.input = { ...(card.input as object), width: 10, height: 10 }), /takes 224×224 images but its spec says 10×10/],
      ] as const) {
        tampered(change);
        const created = pipeline('image-classification', { model: dir, backend: 'wasm' });
        await expect(created).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(new RegExp(`^model folder ${dir}: its saved card does not fit: .*${message.source}`)) });
      }
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      head.dispose();
    }
  }, 60_000);

  it('exportClassifier, saveClassifierFolder and loadClassifier refuse option names they do not take, before writing or reading anything', async () => {
    const head = buildHead('softmax', { inputDim: backbone.dim, numClasses: 2, seed: 1 });
    const dir = join(folder(), 'never-made');
    const refused = async (call: () => unknown, fragment: RegExp): Promise<void> => {
      await expect((async () => call())()).rejects.toMatchObject({ name: 'VisionError', code: 'INVALID_OPTION', message: expect.stringMatching(fragment) });
    };
    try {
      await refused(() => exportClassifier(backbone, head, { labels: LABELS, name: 'pets' } as never), /^exportClassifier options has unknown option\(s\) name; allowed: labels, id$/);
      await refused(() => exportClassifier(backbone, head, null as never), /^exportClassifier options is null; it must be an object$/);
      await refused(() => saveClassifierFolder(dir, backbone, head, { labels: LABELS, id: 'pets', overwrite: true } as never), /^saveClassifierFolder options has unknown option\(s\) overwrite; allowed: labels, id$/);
      await refused(() => saveClassifierFolder(dir, backbone, head, null as never), /^saveClassifierFolder options is null; it must be an object$/);
      // two classes of one name could not be told apart ("a 0.43 / b 0.36 / a 0.21"); an empty name is named by its place
      await refused(() => exportClassifier(backbone, head, { labels: ['cat', 'cat'], id: 'pets' }), /^labels list "cat" twice; each class name must appear once$/);
      await refused(() => saveClassifierFolder(dir, backbone, head, { labels: ['cat', 'cat'], id: 'pets' }), /^labels list "cat" twice; each class name must appear once$/);
      await refused(() => exportClassifier(backbone, head, { labels: ['cat', ''], id: 'pets' }), /^labels\[1\] is ""; class names are non-empty strings$/);
      // an id of 5 was saved into the card ("id":5), one left out saved none; a card's id of {} named the model '[object Object]'
      await refused(() => exportClassifier(backbone, head, { labels: LABELS, id: 5 as never }), /^id is 5; it must be a non-empty string/);
      await refused(() => saveClassifierFolder(dir, backbone, head, { labels: LABELS, id: 5 as never }), /^id is 5; it must be a non-empty string/);
      await refused(() => saveClassifierFolder(dir, backbone, head, { labels: LABELS } as never), /^id is undefined; it must be a non-empty string/);
      const exported = exportClassifier(backbone, head, { labels: LABELS, id: 'pets' });
      await refused(() => pipeline('image-classification', { model: exported.runner, spec: { ...exported.spec, id: {} as never } }), /^a model card's id is an object; it must be a non-empty string/);
      expect(existsSync(dir)).toBe(false);
      // loadModel's format and ONNX settings do nothing for a classifier (a tfjs layers model): refused, not ignored
      for (const name of ['backends', 'format', 'executionProviders']) {
        await refused(() => loadClassifier(join(dir, 'model.json'), { [name]: 'wasm' } as never), new RegExp(`^loadClassifier options has unknown option\\(s\\) ${name}; allowed: onProgress, signal, cache, modelRoot, backend, wasmPaths$`));
      }
      await refused(() => loadClassifier(join(dir, 'model.json'), null as never), /^loadClassifier options are null; they must be an object \(or left out\)$/);
    } finally {
      head.dispose();
    }
  });

  it('a k-NN over mid-level backbone layers saves → loads with the same layers and scores', async () => {
    const mid = await loadMobileNetV2Backbone({ backend: 'wasm', layers: MOBILENET_V2_MID_LAYERS });
    const knn = new KnnClassifier({ k: 3 });
    const midFeatures = await mid.extract(images);
    try {
      await knn.fit(midFeatures, [0, 1, 0, 1]);
      const dir = folder();
      await saveClassifierFolder(dir, mid, knn, { labels: LABELS, id: 'mid-knn' });
      expect(JSON.parse(readFileSync(join(dir, 'knn.json'), 'utf8')).layers).toEqual([...MOBILENET_V2_MID_LAYERS]);
      const loaded = await loadClassifierFolder(dir, 'wasm');
      try {
        const expected = Array.from(await knn.predictScores(midFeatures));
        const got = await scoresOf(loaded.runner as never);
        got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
      } finally {
        loaded.dispose();
      }
    } finally {
      tf.dispose(midFeatures);
      knn.dispose();
      mid.dispose();
    }
  }, 60_000);

  it('a damaged knn.json is MODEL_FORMAT naming the file, and leaves no tensor behind', async () => {
    const knn = new KnnClassifier({ k: 1 });
    await knn.fit(features, [0, 1, 0, 1]);
    const dir = folder();
    await saveClassifierFolder(dir, backbone, knn, { labels: LABELS, id: 'x' });
    knn.dispose();
    const path = join(dir, 'knn.json');
    const good = JSON.parse(readFileSync(path, 'utf8'));
    const cases: [(saved: Record<string, any>) => void, RegExp][] = [
      [(s) => (s.labels = ['only-one']), /1 labels for a head with 2 classes/],
      [(s) => (s.labels = 'a,b'), /labels are "a,b"; they must be class names/],
      [(s) => (s.knn.embeddings[3] = 'x'), /embeddings have "x" at index 3; every value must be a number/],
      [(s) => delete s.knn, /it has no k-NN state/],
      [(s) => (s.layers = [7]), /layers are an array; they must be backbone layer names/],
      [(s) => (s.layers = [...MOBILENET_V2_MID_LAYERS]), /the k-NN holds 1280-value features but the backbone \(layers block_13_expand_relu, block_16_expand_relu\) gives 1536/],
    ];
    const before = tf.memory().numTensors;
    for (const [damage, message] of cases) {
      const saved = structuredClone(good);
      damage(saved);
      writeFileSync(path, JSON.stringify(saved));
      const error = await loadClassifierFolder(dir, 'wasm').then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ name: 'VisionError', code: 'MODEL_FORMAT', message: expect.stringMatching(message) });
      expect((error as Error).message.startsWith(`${path}: `)).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    }
  }, 120_000);

  it('a folder that cannot be made is INVALID_INPUT saying why (not a raw file-system error)', async () => {
    const knn = new KnnClassifier({ k: 1 });
    await knn.fit(features, [0, 1, 0, 1]);
    const file = join(folder(), 'a-file');
    writeFileSync(file, 'x');
    await expect(saveClassifierFolder(join(file, 'model'), backbone, knn, { labels: LABELS, id: 'k' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^could not save the classifier in .*a-file\/model: ENOTDIR/) });
    knn.dispose();
  });

  it('KnnClassifier.fromJSON refuses embeddings that are not numbers with INVALID_INPUT', async () => {
    const knn = new KnnClassifier({ k: 1 });
    await knn.fit(tf.tensor2d([0, 1, 1, 0], [2, 2]), [0, 1]);
    const state = await knn.toJSON();
    knn.dispose();
    const before = tf.memory().numTensors;
    for (const [embeddings, shown] of [[['x', 1, 1, 0], '"x" at index 0'], [[0, '1', 1, 0], '"1" at index 1'], [[0, 1, null, 0], 'null at index 2']] as const) {
      const outcome = await KnnClassifier.fromJSON({ ...state, embeddings: embeddings as never }).then((loaded) => {
        loaded.dispose();
        return 'loaded';
      }, (error: unknown) => error);
      expect(outcome).toMatchObject({ name: 'VisionError', code: 'INVALID_INPUT', message: expect.stringContaining(`embeddings have ${shown}`) });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fineTune refuses an optimizer instance before unfreezing any backbone layer', async () => {
    const head = buildHead('softmax', { inputDim: backbone.dim, numClasses: 2, seed: 1 });
    const optimizer = tf.train.sgd(0.1);
    try {
      await expect(fineTune(backbone, head, { x: images, labels: [0, 1, 0, 1] }, { epochs: 1, unfreeze: 2, optimizer })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
      expect(backbone.model.layers.filter((l) => l.trainable)).toEqual([]);
    } finally {
      optimizer.dispose();
      head.dispose();
    }
  });
});
