import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClassificationPipeline, type ExplainMethod, HeatMap, type ModelRunner, explain, pipeline, selectTfjsBackend } from '../../src/index';
import { PRESENCE_SPEC, type PresenceScene, presenceScene, rng, trainPresenceModel } from './presence-scenes';

// A tiny CNN is trained here (cpu backend: wasm has no convolution filter gradients) on scenes
// of random clutter where only a yellow tile decides the class; explanations run on wasm.
describe('explain: saliency of a classifier trained on scenes where only the object matters', () => {
  let runner: ModelRunner;
  let classifier: ClassificationPipeline;
  let heldOut: PresenceScene[];
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    await tf.setBackend('cpu');
    runner = await trainPresenceModel(256, 5, 1);
    await tf.setBackend('wasm');
    classifier = await pipeline('image-classification', { model: runner, spec: PRESENCE_SPEC });
    const random = rng(99);
    heldOut = Array.from({ length: 16 }, (_, i) => presenceScene(random, i % 2 === 1));
  });
  afterAll(() => {
    classifier.dispose();
    runner.dispose();
  });

  /** Each method's own options (explain refuses those of another method). */
  const settingsOf = (method: ExplainMethod, occlusion: object, smoothgrad: object): object =>
    method === 'occlusion' ? occlusion : method === 'smoothgrad' ? smoothgrad : method === 'grad-cam' ? { layer: 'features' } : {};

  it('classifies held-out scenes (the model learned the object)', async () => {
    let correct = 0;
    for (const scene of heldOut) if ((await classifier.run(scene.image)).classes[0].classId === scene.label) correct++;
    expect(correct / heldOut.length).toBeGreaterThanOrEqual(0.9);
  });

  it('puts ≥ 70 % of the heat inside the object box for occlusion and Grad-CAM (figures for gradients and SmoothGrad printed)', async () => {
    const withObject = heldOut.filter((s) => s.box).slice(0, 6);
    const methods: ExplainMethod[] = ['occlusion', 'grad-cam', 'gradients', 'smoothgrad'];
    const inside: Record<string, number[]> = {};
    for (const scene of withObject) {
      for (const method of methods) {
        const result = await explain(classifier, scene.image, { method, classId: 1, ...settingsOf(method, { patchSize: 4, stride: 2, batchSize: 64 }, { samples: 8 }) });
        expect(result).toMatchObject({ method, classId: 1, label: 'tile', imageSize: { width: 64, height: 48 } });
        expect(result.heatMap).toMatchObject({ width: 64, height: 48 });
        (inside[method] ??= []).push(result.heatMap.massInside(scene.box!));
        result.heatMap.close();
      }
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const boxShare = mean(withObject.map((s) => ((s.box!.x2 - s.box!.x1) * (s.box!.y2 - s.box!.y1)) / (64 * 48)));
    console.log(`heat mass inside the object box (mean over ${withObject.length} held-out scenes; the box is ${(100 * boxShare).toFixed(1)} % of the image):`,
      Object.fromEntries(methods.map((m) => [m, `${mean(inside[m]).toFixed(3)} (min ${Math.min(...inside[m]).toFixed(3)})`])));
    expect(mean(inside.occlusion)).toBeGreaterThanOrEqual(0.7);
    expect(mean(inside['grad-cam'])).toBeGreaterThanOrEqual(0.7);
    // the box holds far more saliency than its share of the image for every method
    for (const m of methods) expect(mean(inside[m])).toBeGreaterThan(0);
  });

  it('batches the occluded copies: one model call per batch, and the same map one by one', async () => {
    const scene = heldOut[1];
    const batchSizes: number[] = [];
    const counting: ModelRunner = {
      runtime: runner.runtime, backend: runner.backend, inputs: runner.inputs, outputs: runner.outputs, metadata: runner.metadata,
      run: (feeds, options) => {
        batchSizes.push((Object.values(feeds)[0] as tf.Tensor).shape[0]);
        return runner.run(feeds, options);
      },
      dispose: () => undefined,
    };
    const refusingBatches: ModelRunner = {
      ...counting,
      run: async (feeds, options) => {
        if ((Object.values(feeds)[0] as tf.Tensor).shape[0] > 1) throw new Error('this model takes one image at a time');
        return counting.run(feeds, options);
      },
    };
    const options = { classId: 1, patchSize: 8, stride: 4 };
    const batched = await explain(await pipeline('image-classification', { model: counting, spec: PRESENCE_SPEC }), scene.image, { ...options, batchSize: 50 });
    // 64×48 with 8-px patches every 4 px: 15 × 11 = 165 patches → the clean image, then 4 calls of ≤ 50
    expect(batchSizes).toEqual([1, 50, 50, 50, 15]);
    batchSizes.length = 0;
    const single = await explain(await pipeline('image-classification', { model: refusingBatches, spec: PRESENCE_SPEC }), scene.image, { ...options, batchSize: 50 });
    expect(batchSizes.filter((n) => n === 1)).toHaveLength(166);
    const a = batched.heatMap.toFloat32Array();
    const b = single.heatMap.toFloat32Array();
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-5);
    batched.heatMap.close();
    single.heatMap.close();
  });

  it('a batch holds at most 2^24 values, whatever batchSize asks (batchSize 4096 made a 1.7 GB mask: a raw wasm RuntimeError)', async () => {
    const side = 1024; // 3.1 M values a copy: 5 copies a batch
    const batchSizes: number[] = [];
    const big: ModelRunner = {
      runtime: 'tfjs', backend: tf.getBackend(), metadata: {},
      inputs: [{ name: 'x', shape: [-1, side, side, 3], dtype: 'float32' }],
      outputs: [{ name: 'y', shape: [-1, 2], dtype: 'float32' }],
      run: async (feeds) => {
        const n = (Object.values(feeds)[0] as tf.Tensor).shape[0];
        batchSizes.push(n);
        return { y: { dtype: 'float32', dims: [n, 2], data: new Float32Array(2 * n).fill(1) } };
      },
      dispose: () => undefined,
    };
    const spec = { ...PRESENCE_SPEC, input: { width: side, height: side, normalization: 'unit' as const } };
    const image = { data: new Uint8Array(side * side * 3).fill(90), width: side, height: side, channels: 3 as const };
    const before = tf.memory().numTensors;
    const { heatMap } = await explain(await pipeline('image-classification', { model: big, spec }), image, { classId: 1, patchSize: 256, stride: 256, batchSize: 4096 });
    heatMap.close();
    // the clean image, then 16 patches in batches of ⌊2^24 / (1024² × 3)⌋ = 5
    expect(batchSizes).toEqual([1, 5, 5, 5, 1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps tensor and heat-map counts flat over repeated explanations of every method', async () => {
    const scene = heldOut[3];
    const run = async () => {
      for (const method of ['occlusion', 'grad-cam', 'gradients', 'smoothgrad'] as const) {
        (await explain(classifier, scene.image, { method, ...settingsOf(method, {}, { samples: 2 }) })).heatMap.close();
      }
    };
    await run();
    const tensors = tf.memory().numTensors;
    const maps = HeatMap.openCount;
    for (let i = 0; i < 3; i++) await run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(HeatMap.openCount).toBe(maps);
  });

  it('reports progress, stops on abort with ABORTED, and leaks nothing when aborted', async () => {
    const scene = heldOut[5];
    const seen: number[] = [];
    const done = await explain(classifier, scene.image, { patchSize: 8, stride: 4, batchSize: 40, onProgress: ({ done, total }) => seen.push(done / total) });
    expect(seen).toEqual([40 / 165, 80 / 165, 120 / 165, 160 / 165, 1]);
    done.heatMap.close();
    const tensors = tf.memory().numTensors;
    for (const method of ['occlusion', 'smoothgrad'] as const) {
      const controller = new AbortController();
      const settings = method === 'occlusion' ? { patchSize: 8, stride: 4, batchSize: 10 } : { samples: 8 };
      const aborted = explain(classifier, scene.image, { method, ...settings, signal: controller.signal, onProgress: () => controller.abort() });
      await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('rejects bad options with INVALID_OPTION naming what is allowed', async () => {
    const image = heldOut[1].image;
    const cases: [object, RegExp][] = [
      [{ method: 'lime' }, /occlusion, gradients, smoothgrad, grad-cam/],
      [{ patchSize: 0 }, /patchSize/],
      [{ stride: 1.5 }, /stride/],
      [{ fill: 300 }, /fill/],
      [{ batchSize: -1 }, /batchSize/],
      [{ sigma: 2, method: 'smoothgrad' }, /sigma/],
      // wrong types that JavaScript would turn into numbers
      [{ sigma: '0.5', method: 'smoothgrad' }, /sigma is "0.5"; it must be a number/],
      [{ sigma: [0.3], method: 'smoothgrad' }, /sigma is an array; it must be a number/],
      [{ seed: 1.5, method: 'smoothgrad' }, /^seed is 1\.5; it must be an integer$/],
      [{ seed: '1', method: 'smoothgrad' }, /^seed is "1"; it must be an integer$/],
      [{ seed: 1 }, /^seed is an option of method 'smoothgrad'; method 'occlusion' does not use it/],
      // options the method does not use were ignored ({ layer } quietly ran occlusion)
      [{ iouThreshold: 0.5 }, /^iouThreshold is for detectors .*; a classifier explains classId$/],
      [{ layer: 'features' }, /^layer is an option of method 'grad-cam'; method 'occlusion' does not use it \(leave it out, or set method: 'grad-cam'\)$/],
      [{ method: 'gradients', patchSize: 8 }, /patchSize is an option of method 'occlusion'; method 'gradients' does not use it/],
      [{ method: 'grad-cam', layer: 'features', samples: 4 }, /samples is an option of method 'smoothgrad'; method 'grad-cam' does not use it/],
      [{ method: 'smoothgrad', fill: 0 }, /fill is an option of method 'occlusion'/],
      [{ method: 'grad-cam' }, /needs layer/],
      [{ method: 'grad-cam', layer: 'nope' }, /layer 'nope' is not in the model.*features/],
      [{ method: 'grad-cam', layer: 'global_average_pooling2d_1' }, /./],
      [{ classId: 7 }, /classes 0–1/],
    ];
    const tensors = tf.memory().numTensors;
    for (const [options, message] of cases) {
      await expect(explain(classifier, image, options), JSON.stringify(options)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(message) });
    }
    // @ts-expect-error: not a pipeline
    await expect(explain({ run: () => undefined }, image)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    // a disposed pipeline whose runner was passed in (so still open) explained as if it were not
    const disposed = await pipeline('image-classification', { model: classifier.runner, spec: PRESENCE_SPEC });
    disposed.dispose();
    await expect(explain(disposed, image)).rejects.toMatchObject({ code: 'DISPOSED', message: 'this image-classification pipeline was disposed' });
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('SmoothGrad with a seed makes the same map again; another seed, another map (it had no seed)', async () => {
    const maps = [];
    for (const seed of [7, 7, 8]) {
      const { heatMap } = await explain(classifier, heldOut[1].image, { method: 'smoothgrad', samples: 2, seed });
      maps.push(Array.from(heatMap.pack().values));
      heatMap.close();
    }
    expect(maps[1]).toEqual(maps[0]);
    expect(maps[2]).not.toEqual(maps[0]);
  });

  it('packs a heat map as transferable plain data and unpacks it', async () => {
    const { heatMap } = await explain(classifier, heldOut[1].image, { method: 'grad-cam', layer: 'features' });
    const packed = heatMap.pack();
    expect(structuredClone(packed)).toEqual(packed);
    const back = HeatMap.unpack(packed);
    expect(back.toFloat32Array()).toEqual(heatMap.toFloat32Array());
    expect(Math.max(...back.toFloat32Array())).toBe(1);
    heatMap.close();
    back.close();
    expect(() => heatMap.toFloat32Array()).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
  });
});
