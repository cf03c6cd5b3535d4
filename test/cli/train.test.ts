import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { pipeline } from '../../src/node/index';
import { loadClassifier } from '../../src/training/save';
import { FASHION_LABELS, type GreyImages, greyImage, readFashionMnist, takePerClass } from '../helpers/datasets';
import { cli, ensureCliBuilt } from './cli-runner';

/** Three Fashion-MNIST classes that a frozen MobileNetV2 tells apart well. */
const CLASSES = { Trouser: 1, Sneaker: 7, Bag: 8 } as const;
const TRAIN_PER_CLASS = 12;

type ClassifyEntry = { image: string; result: { classes: { label: string; score: number }[] } };

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-cli-train-'));
const env = { VISIONPIPE_CACHE: join(tmp, 'cache') };
const data = join(tmp, 'data');
const heldOut: { path: string; label: string }[] = [];

async function writeImages(set: GreyImages, folder: (label: string) => string, onWrite?: (path: string, label: string) => void): Promise<void> {
  const names = Object.entries(CLASSES);
  const counts = new Map<number, number>();
  for (let i = 0; i < set.count; i++) {
    const entry = names.find(([, id]) => id === set.labels[i]);
    if (!entry) continue;
    const n = (counts.get(set.labels[i]) ?? 0) + 1;
    counts.set(set.labels[i], n);
    mkdirSync(folder(entry[0]), { recursive: true });
    const path = join(folder(entry[0]), `${entry[0].toLowerCase()}-${n}.png`);
    const image = greyImage(set, i);
    await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } }).png().toFile(path);
    onWrite?.(path, entry[0]);
  }
}

beforeAll(async () => {
  ensureCliBuilt();
  await writeImages(takePerClass(readFashionMnist('train'), TRAIN_PER_CLASS), (label) => join(data, label));
  await writeImages(takePerClass(readFashionMnist('test'), 3), () => join(tmp, 'held-out'), (path, label) => heldOut.push({ path, label }));
  expect(FASHION_LABELS[CLASSES.Sneaker]).toBe('Sneaker');
}, 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('visionpipe train (transfer learning on the frozen MobileNetV2) and classify --model <folder>', () => {
  const model = join(tmp, 'model');

  it('trains a softmax head: one line per epoch, validation accuracy and confusion matrix, a saved model folder', async () => {
    const run = await cli(['train', data, '--out', model, '--epochs', '40', '--validation', '0.25', '--seed', '3'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain(`${data}: 36 images, 3 classes (Bag 12, Sneaker 12, Trouser 12)`);
    expect(out).toMatch(/^embeddings: 36 images \(0 from cache\)/m);
    expect(out).toContain('training a softmax head on 27 images, validating on 9');
    const epochs = out.match(/^epoch +\d+\/40 {2}loss \d+\.\d{4} {2}accuracy \d\.\d{3} {2}val loss \d+\.\d{4} {2}val accuracy \d\.\d{3}$/gm) ?? [];
    expect(epochs.length).toBeGreaterThanOrEqual(5);
    if (epochs.length < 40) expect(out).toMatch(/early stopping after epoch \d+/);
    const accuracy = Number(/^validation accuracy (\d\.\d{3}) \((\d) of 9\)$/m.exec(out)?.[1]);
    expect(accuracy).toBeGreaterThanOrEqual(0.75);
    expect(out).toMatch(/^ {2}#1 {2}Bag +\d+ +\d+ +\d+ {3}\d\.\d\d$/m);
    expect(out).toMatch(/^ {2}#3 {2}Trouser +\d+ +\d+ +\d+ {3}\d\.\d\d$/m);
    for (const file of ['model.json', 'weights.bin', 'training.json']) expect(existsSync(join(model, file))).toBe(true);
    const summary = JSON.parse(readFileSync(join(model, 'training.json'), 'utf8')) as { labels: string[]; validationAccuracy: number; confusion: number[][] };
    expect(summary.labels).toEqual(['Bag', 'Sneaker', 'Trouser']);
    expect(summary.validationAccuracy).toBeCloseTo(accuracy, 3);
    expect(summary.confusion.flat().reduce((a, b) => a + b, 0)).toBe(9);
  });

  it('classify --model <folder> recognises held-out images, and the library loads the same folder with the same answer', async () => {
    const run = await cli(['classify', ...heldOut.map((h) => h.path), '--model', model, '--top', '1', '--json'], env);
    expect(run.code).toBe(0);
    const entries = JSON.parse(run.stdout) as ClassifyEntry[];
    const right = entries.filter((e, i) => e.result.classes[0].label === heldOut[i].label).length;
    expect(right).toBeGreaterThanOrEqual(7); // of 9
    // the folder itself as `model` (visionpipe/node registers the folder loader) …
    const classifier = await pipeline('image-classification', { model, backend: 'wasm', topK: 1 });
    const inProcess = await classifier.run(heldOut[0].path);
    expect(inProcess.classes[0].label).toBe(entries[0].result.classes[0].label);
    expect(inProcess.classes[0].score).toBeCloseTo(entries[0].result.classes[0].score, 3);
    classifier.dispose();
    // … and the explicit route through loadClassifier give the same answer
    const { runner, spec } = await loadClassifier(join(model, 'model.json'), { backend: 'wasm' });
    const explicit = await pipeline('image-classification', { model: runner, spec, topK: 1 });
    expect((await explicit.run(heldOut[0].path)).classes[0].score).toBeCloseTo(inProcess.classes[0].score, 5);
    explicit.dispose();
    runner.dispose();
  });

  it('a k-NN head reuses the cached embeddings and its folder classifies too', async () => {
    const knnModel = join(tmp, 'knn-model');
    const run = await cli(['train', data, '--out', knnModel, '--head', 'knn', '--validation', '0.25', '--seed', '3'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^embeddings: 36 images \(36 from cache\)/m);
    expect(run.stdout).toMatch(/^k {2}1 {2}val accuracy \d\.\d{3}$/m);
    expect(run.stdout).toMatch(/^chose k = \d+$/m);
    expect(Number(/^validation accuracy (\d\.\d{3})/m.exec(run.stdout)?.[1])).toBeGreaterThanOrEqual(0.75);
    expect(existsSync(join(knnModel, 'knn.json'))).toBe(true);
    const classify = await cli(['classify', heldOut[0].path, heldOut[8].path, '--model', knnModel, '--top', '1'], env);
    expect(classify.code).toBe(0);
    expect(classify.stdout).toMatch(new RegExp(`^ {2}${heldOut[0].label} +\\d\\.\\d{3}$`, 'm'));
    expect(classify.stderr).not.toContain('tfjs-node'); // the k-NN's tensors wait for the backend the backbone selects
    // the library loads the k-NN folder too; disposing the pipeline frees everything it loaded
    const before = tf.memory().numTensors;
    const knn = await pipeline('image-classification', { model: knnModel, backend: 'wasm', topK: 1 });
    expect((await knn.run(heldOut[0].path)).classes[0].label).toBe(heldOut[0].label);
    knn.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses an empty folder, a single class and unreadable images with a clear message (exit 1), a missing --out with exit 2', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const none = await cli(['train', empty, '--out', join(tmp, 'x')], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('has no class folders');
    const single = join(tmp, 'single');
    mkdirSync(join(single, 'only'), { recursive: true });
    const one = await cli(['train', single, '--out', join(tmp, 'x')], env);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain('has one class folder (only); a classifier needs at least 2 classes');
    const broken = join(tmp, 'broken');
    for (const label of ['a', 'b']) {
      mkdirSync(join(broken, label), { recursive: true });
      writeFileSync(join(broken, label, 'one.png'), readFileSync(heldOut[0].path));
      writeFileSync(join(broken, label, 'two.png'), readFileSync(heldOut[4].path));
    }
    writeFileSync(join(broken, 'b', 'garbage.jpg'), 'not a jpeg');
    const unreadable = await cli(['train', broken, '--out', join(tmp, 'x')], env);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain(join(broken, 'b', 'garbage.jpg'));
    expect(unreadable.stderr).toContain('1 of 5 images could not be read');
    expect(existsSync(join(tmp, 'x'))).toBe(false);
    const noOut = await cli(['train', data], env);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('train needs --out <folder>');
  });
});
