import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NSFW_MOBILENET_V2, fromImages, selectTfjsBackend } from '../../src/node/index';
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
