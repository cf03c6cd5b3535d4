import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NSFW_MOBILENET_V2, fromImages, selectTfjsBackend } from '../../src/node/index';
import { createFeatureExtractor } from '../../src/pipelines/embeddings/backbone';
import { imagesToTensors } from '../../src/preprocess/image-batch';
import { collectSamples, samplesFromFolders } from '../../src/training/index';
import { fixturePhoto } from '../helpers/photos';

const raw = (value: number): { data: Uint8Array; width: number; height: number; channels: 4 } => ({ data: new Uint8Array(8 * 6 * 4).fill(value), width: 8, height: 6, channels: 4 });

describe('datasets', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
  });

  it('prepares image files from class folders as one model-ready batch, with progress', async () => {
    const { samples, labels } = samplesFromFolders({ cat: [fixturePhoto('chelsea')], things: [fixturePhoto('coffee'), fixturePhoto('astronaut')] });
    expect(labels).toEqual(['cat', 'things']);
    const progress: number[] = [];
    const before = tf.memory().numTensors;
    const { x, labels: y } = await imagesToTensors(samples, NSFW_MOBILENET_V2.input, { onProgress: (p) => progress.push(p.fraction) });
    expect(x.shape).toEqual([3, 224, 224, 3]);
    expect(Array.from(y)).toEqual([0, 1, 1]);
    expect(progress.at(-1)).toBe(1);
    expect((x.dataSync() as Float32Array).reduce((m: number, v: number) => Math.max(m, v), 0)).toBeLessThanOrEqual(1);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const controller = new AbortController();
    controller.abort();
    await expect(imagesToTensors(samples, NSFW_MOBILENET_V2.input, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(imagesToTensors([{ image: '/no/such.jpg', label: 0 }], NSFW_MOBILENET_V2.input)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('samplesFromFolders refuses folders that are not an object of image lists (VisionError, not a TypeError)', () => {
    const refused = (call: () => unknown, code: string, message: string): void => {
      expect(call).toThrow(expect.objectContaining({ name: 'VisionError', code, message }));
    };
    const mapping = 'it must be an object mapping each class name to its images ({ cat: [...], dog: [...] })';
    refused(() => samplesFromFolders(null as never), 'INVALID_INPUT', `folders is null; ${mapping}`);
    refused(() => samplesFromFolders([['a.jpg']] as never), 'INVALID_INPUT', `folders is an array; ${mapping}`);
    refused(() => samplesFromFolders({ cat: 'a.jpg' } as never), 'INVALID_INPUT', `the folder of class 'cat' is "a.jpg"; it must be an array of images`);
    refused(() => samplesFromFolders({ cat: ['a.jpg'] }, ['toString']), 'INVALID_INPUT', "no folder for class 'toString'; folders: cat");
    refused(() => samplesFromFolders({ cat: ['a.jpg'] }, 'cat' as never), 'INVALID_OPTION', 'classNames is "cat"; it must be an array of class names (keys of folders)');
    // a name given twice made the cat images two classes (and dropped the dog folder)
    refused(() => samplesFromFolders({ cat: ['a.jpg'], dog: ['b.jpg'] }, ['cat', 'cat']), 'INVALID_OPTION', 'classNames list "cat" twice; each class name must appear once');
    expect(samplesFromFolders({ dog: ['b.jpg'], cat: ['a.jpg'] }, ['dog', 'cat']).samples).toEqual([{ image: 'b.jpg', label: 0 }, { image: 'a.jpg', label: 1 }]);
  });

  it('imagesToTensors refuses option names it does not take, before decoding an image', async () => {
    const before = tf.memory().numTensors;
    const samples = [{ image: raw(10), label: 0 }];
    await expect(imagesToTensors(samples, NSFW_MOBILENET_V2.input, { onprogress: () => undefined } as never)).rejects.toMatchObject({
      name: 'VisionError', code: 'INVALID_OPTION', message: 'imagesToTensors options has unknown option(s) onprogress; allowed: signal, onProgress',
    });
    await expect(imagesToTensors(samples, NSFW_MOBILENET_V2.input, null as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'imagesToTensors options are null; they must be an object (or left out)' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('collects N frames of a frame source as plain RGB samples of one class', async () => {
    const source = fromImages([raw(10), raw(20), raw(30), raw(40), raw(50)]);
    const samples = await collectSamples(source, 3, 2, { every: 2 });
    expect(samples.map((s) => s.label)).toEqual([3, 3]);
    const first = samples[0].image as { data: Uint8Array; width: number; height: number; channels: number };
    expect([first.width, first.height, first.channels]).toEqual([8, 6, 3]);
    expect([first.data[0], (samples[1].image as { data: Uint8Array }).data[0]]).toEqual([10, 30]);
    await expect(collectSamples(source, 0, 5)).rejects.toMatchObject({ code: 'INVALID_INPUT' }); // the source runs out
    source.close();
  });
});

describe('feature extraction refuses bad labels, batches and options (VisionError, before any image is decoded)', () => {
  it('extractImages / imagesToTensors refuse labels that are not int32 class indices and an empty list; extract checks x and batchSize', async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    const input = tf.input({ shape: [8, 8, 3] });
    const pooled = tf.layers.globalAveragePooling2d({ name: 'features' }).apply(input) as tf.SymbolicTensor;
    const backbone = createFeatureExtractor(tf.model({ inputs: input, outputs: pooled }), 'features', { width: 8, height: 8, fit: 'stretch', normalization: 'unit' });
    const image = raw(10);
    const before = tf.memory().numTensors;
    const refused = async (call: () => Promise<unknown>, code: string, fragment: RegExp): Promise<void> => {
      await expect(call()).rejects.toMatchObject({ name: 'VisionError', code, message: expect.stringMatching(fragment) });
      expect(tf.memory().numTensors).toBe(before);
    };
    for (const [label, shown] of [['cat', '"cat"'], [1.5, '1.5'], [2 ** 32 + 1, '4294967297'], [-1, '-1'], [Number.NaN, 'NaN']] as const) {
      const samples = [{ image, label: 0 }, { image, label: label as number }];
      const fragment = new RegExp(`samples\\[1\\]\\.label is ${shown}; it must be a class index \\(an integer from 0 to 2147483647\\)`);
      await refused(() => backbone.extractImages(samples), 'INVALID_INPUT', fragment);
      await refused(() => imagesToTensors(samples, backbone.input), 'INVALID_INPUT', fragment);
    }
    await refused(() => backbone.extractImages([]), 'INVALID_INPUT', /no samples given; pass at least one \{ image, label \}/);
    await refused(() => backbone.extractImages([null as never]), 'INVALID_INPUT', /samples\[0\] is null; it must be \{ image, label \}/);
    await refused(() => backbone.extractImages([{ image, label: 0 }], { batchSize: 0 }), 'INVALID_OPTION', /batchSize is 0; it must be a positive integer/);
    const x = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
    const empty = tf.zeros([0, 8, 8, 3]) as tf.Tensor4D;
    const wrong = tf.zeros([2, 8, 9, 3]) as tf.Tensor4D;
    const inside = before + 3;
    for (const [call, code, fragment] of [
      [() => backbone.extract(x, { batchSize: 0 }), 'INVALID_OPTION', /batchSize is 0; it must be a positive integer/],
      [() => backbone.extract(x, { batchSize: 1.5 }), 'INVALID_OPTION', /batchSize is 1\.5/],
      [() => backbone.extract(x, { batch_size: 4 } as never), 'INVALID_OPTION', /feature extraction options has unknown option\(s\) batch_size; allowed: signal, onProgress, batchSize/],
      [() => backbone.extract([1, 2] as never), 'INVALID_INPUT', /x is an array; it must be an image batch tensor \[N, 8, 8, 3\]/],
      [() => backbone.extract(wrong), 'INVALID_INPUT', /x has shape \[2, 8, 9, 3\]; the backbone takes \[N, 8, 8, 3\]/],
      [() => backbone.extract(empty), 'INVALID_INPUT', /x holds no images/],
    ] as const) {
      await expect(call()).rejects.toMatchObject({ name: 'VisionError', code, message: expect.stringMatching(fragment) });
      expect(tf.memory().numTensors).toBe(inside);
    }
    const features = await backbone.extract(x, { batchSize: 1 });
    expect(features.shape).toEqual([2, 3]);
    const { x: extracted, labels } = await backbone.extractImages([{ image, label: 2 ** 31 - 1 }, { image, label: 0 }]);
    expect(Array.from(labels)).toEqual([2 ** 31 - 1, 0]);
    tf.dispose([x, empty, wrong, features, extracted]);
    backbone.model.dispose();
  });
});
