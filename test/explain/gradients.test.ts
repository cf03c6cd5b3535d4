import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClassificationPipeline, type InputSpec, type ModelSpec, TfjsRunner, explain, pipeline, prepareImage, selectTfjsBackend } from '../../src/index';
import { differentiablePrepare } from '../../src/explain/differentiable-prepare';
import { imageGradient } from '../../src/explain/gradients';
import { classScore } from '../../src/explain/model-forward';
import { rng } from './presence-scenes';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';
import { createTfjsRunner } from '../../src/node/index';

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
    const gradient = imageGradient(classifier, model, image, classScore(classId));
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
    const gradient = imageGradient(classifier, model, image, classScore(2));
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

  it('Grad-CAM on a graph model (fed at an intermediate node) equals its closed form', async () => {
    // image [1,8,8,3] → Conv2D 3×3 SAME → Relu 'act' → Mean over h, w → MatMul W [4,2] → logits
    const random = rng(11);
    const filter = Float32Array.from({ length: 3 * 3 * 3 * 4 }, () => random() - 0.5);
    const weights = Float32Array.from({ length: 4 * 2 }, () => random() * 2 - 1);
    const T = { T: { type: 'DT_FLOAT' } };
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const files = buildTfjsGraphModel({
      input: { name: 'image', shape: [1, 8, 8, 3] },
      output: { name: 'logits', shape: [1, 2] },
      consts: [
        { name: 'filter', shape: [3, 3, 3, 4], dtype: 'float32', values: filter },
        { name: 'axes', shape: [2], dtype: 'int32', values: [1, 2] },
        { name: 'w', shape: [4, 2], dtype: 'float32', values: weights },
      ],
      nodes: [
        { name: 'conv', op: 'Conv2D', input: ['image', 'filter'], attr: { ...T, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } } } },
        { name: 'act', op: 'Relu', input: ['conv'], attr: T },
        { name: 'pooled', op: 'Mean', input: ['act', 'axes'], attr: { ...T, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } } },
        { name: 'logits', op: 'MatMul', input: ['pooled', 'w'], attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } } },
      ],
    });
    const runner = await createTfjsRunner(files, { backend: 'cpu' });
    const spec: ModelSpec = { ...SPEC, id: 'graph-cam', family: 'logits', labels: ['x', 'y'], input: { width: 8, height: 8, normalization: 'none' } };
    const graphClassifier = await pipeline('image-classification', { model: runner, spec });
    const pixels = Float32Array.from({ length: 8 * 8 * 3 }, () => random() * 255);
    const raw = { data: pixels, width: 8, height: 8, channels: 3 as const };
    const tensors = tf.memory().numTensors;
    for (const classId of [0, 1]) {
      const { heatMap } = await explain(graphClassifier, raw, { method: 'grad-cam', layer: 'act', classId });
      // closed form: ∂logit_c/∂A[i,j,k] = W[k,c] / 64 everywhere, so α_k = W[k,c] / 64
      const expected = tf.tidy(() => {
        const a = tf.relu(tf.conv2d(tf.tensor4d(pixels, [1, 8, 8, 3]), tf.tensor4d(filter, [3, 3, 3, 4]), 1, 'same'));
        const alpha = tf.div(tf.tensor1d([0, 1, 2, 3].map((k) => weights[k * 2 + classId])), 64);
        const cam = tf.relu(tf.sum(tf.mul(a, alpha), -1));
        return tf.div(cam, tf.max(cam)).dataSync();
      });
      const heat = heatMap.toFloat32Array();
      expected.forEach((v, i) => expect(heat[i]).toBeCloseTo(v, 4));
      heatMap.close();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    graphClassifier.dispose();
  });
});
