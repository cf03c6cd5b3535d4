import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClassificationPipeline, type InputSpec, type ModelSpec, TfjsRunner, explain, pipeline, prepareImage, selectTfjsBackend } from '../../src/index';
import { differentiablePrepare } from '../../src/explain/differentiable-prepare';
import { imageGradient } from '../../src/explain/gradients';
import { rng } from './presence-scenes';

// A small random model with smooth activations (tanh: no ReLU kinks for finite differences) on
// the cpu backend (wasm lacks the filter gradient tfjs computes for its convolution),
// behind a pipeline whose preprocessing letterboxes, converts to BGR and ImageNet-normalises.
const SPEC: ModelSpec = {
  id: 'smooth-random',
  task: 'image-classification',
  family: 'probabilities',
  format: 'tfjs',
  location: { url: 'memory://smooth-random' },
  input: { width: 8, height: 8, fit: 'letterbox', normalization: 'imagenet', channelOrder: 'bgr', padValue: 114 },
  labels: ['a', 'b', 'c'],
  license: 'NOASSERTION',
};

function smoothModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }), name: 'conv' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotNormal({ seed: 8 }) }));
  return model;
}

describe('explain: gradients through the pipeline preprocessing', () => {
  let classifier: ClassificationPipeline;
  let model: tf.LayersModel;
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    await tf.setBackend('cpu');
    model = smoothModel();
    classifier = await pipeline('image-classification', { model: new TfjsRunner(model, 'cpu'), spec: SPEC, topK: 3 });
  });
  afterAll(() => {
    classifier.dispose();
    model.dispose();
  });

  it('differentiablePrepare equals prepareImage for stretch, letterbox and centre crop', () => {
    const random = rng(3);
    const image = tf.tensor3d(Float32Array.from({ length: 13 * 9 * 3 }, () => random() * 255), [9, 13, 3]);
    for (const fit of ['stretch', 'letterbox', 'center-crop'] as const) {
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        const spec: InputSpec = { ...SPEC.input, fit, interpolation, width: 6, height: 5 };
        const expected = prepareImage(image, spec).input;
        const actual = differentiablePrepare(image, spec);
        expect(actual.shape).toEqual(expected.shape);
        expect(tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0], `${fit} ${interpolation}`).toBeLessThan(1e-4);
        tf.dispose([expected, actual]);
      }
    }
    image.dispose();
  });

  it('equals central finite differences of the pipeline score on sampled pixels (relative tolerance 1e-3)', async () => {
    const random = rng(5);
    const [width, height] = [13, 9];
    const pixels = Float32Array.from({ length: width * height * 3 }, () => 20 + random() * 215);
    const image = tf.tensor3d(pixels, [height, width, 3]);
    const classId = 1;
    const gradient = imageGradient(classifier, model, image, classId);
    const score = async (values: Float32Array) => {
      const input = tf.tensor3d(values, [height, width, 3]);
      const { classes } = await classifier.run(input);
      input.dispose();
      return classes.find((c) => c.classId === classId)!.score;
    };
    const step = 1; // pixel units (0–255)
    const errors: number[] = [];
    for (let k = 0; k < 24; k++) {
      const index = Math.floor(random() * pixels.length);
      const plus = pixels.slice();
      const minus = pixels.slice();
      plus[index] += step;
      minus[index] -= step;
      const numeric = ((await score(plus)) - (await score(minus))) / (2 * step);
      const scale = Math.max(Math.abs(numeric), 1e-3);
      errors.push(Math.abs(gradient[index] - numeric) / scale);
      expect(errors[k], `pixel value ${index}: analytic ${gradient[index]} numeric ${numeric}`).toBeLessThan(1e-3);
    }
    console.log(`gradient vs central differences: max relative error ${Math.max(...errors).toExponential(2)} over ${errors.length} pixel values`);
    // the letterbox pads rows: pixels are all seen, so no gradient is exactly zero everywhere
    expect(gradient.some((g) => g !== 0)).toBe(true);
    image.dispose();
  });

  it("'gradients' heat is |gradient| max over channels, normalised, at the image's size", async () => {
    const random = rng(9);
    const raw = { data: Uint8Array.from({ length: 13 * 9 * 3 }, () => Math.floor(random() * 256)), width: 13, height: 9, channels: 3 as const };
    const image = tf.tensor3d(Float32Array.from(raw.data), [9, 13, 3]);
    const gradient = imageGradient(classifier, model, image, 2);
    const perPixel = Array.from({ length: 13 * 9 }, (_, i) => Math.max(...[0, 1, 2].map((c) => Math.abs(gradient[i * 3 + c]))));
    const max = Math.max(...perPixel);
    const { heatMap, classId } = await explain(classifier, raw, { method: 'gradients', classId: 2 });
    expect(classId).toBe(2);
    expect([heatMap.width, heatMap.height]).toEqual([13, 9]);
    const heat = heatMap.toFloat32Array();
    perPixel.forEach((v, i) => expect(heat[i]).toBeCloseTo(v / max, 4));
    heatMap.close();
    image.dispose();
  });

  it('says which backend lacks a gradient kernel (wasm: convolutions without a fused ReLU), before leaking anything', async () => {
    await tf.setBackend('wasm');
    const linear = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3, activation: 'tanh' }), tf.layers.flatten(), tf.layers.dense({ units: 3 })] });
    const runner = new TfjsRunner(linear, 'wasm');
    const other = await pipeline('image-classification', { model: runner, spec: SPEC });
    const tensors = tf.memory().numTensors;
    const raw = { data: new Uint8Array(10 * 10 * 3).fill(90), width: 10, height: 10, channels: 3 as const };
    await expect(explain(other, raw, { method: 'gradients' })).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringMatching(/Conv2DBackpropFilter.*'wasm'.*occlusion/) });
    expect(tf.memory().numTensors).toBe(tensors);
    // occlusion works with any model on any backend
    const { heatMap } = await explain(other, raw, { patchSize: 4 });
    heatMap.close();
    expect(tf.memory().numTensors).toBe(tensors);
    linear.dispose();
    await tf.setBackend('cpu');
  });
});
