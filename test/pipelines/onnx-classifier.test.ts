import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type ModelSpec, type RawImage, pipeline } from '../../src/node/index';
import { colourOnnxModel } from '../helpers/colour-onnx';

/**
 * The colour classifier of ../helpers/colour-onnx.ts: its answer is known for any image, so the
 * whole ONNX path of the pipeline (NCHW layout, normalisation, onnxruntime-node and
 * onnxruntime-web, softmax decoding) can be checked end to end.
 */
const colourModel = colourOnnxModel;

const SPEC: ModelSpec = {
  id: 'colour',
  task: 'image-classification',
  family: 'logits',
  format: 'onnx',
  location: { url: 'colour.onnx' },
  input: { width: 32, height: 32, fit: 'center-crop', normalization: 'unit', layout: 'nchw' },
  labels: ['red', 'green', 'blue'],
};

function solid(r: number, g: number, b: number, width = 50, height = 40): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([r, g, b], i * 3);
  return { data, width, height, channels: 3 };
}

function expectedProbabilities(r: number, g: number, b: number): number[] {
  const logits = [r, g, b].map((v) => (10 * v) / 255);
  const exp = logits.map((l) => Math.exp(l - Math.max(...logits)));
  return exp.map((e) => e / exp.reduce((a, c) => a + c, 0));
}

describe('image-classification with an ONNX model (built here, known answers)', () => {
  it.each([
    ['onnxruntime-node', undefined],
    ['onnxruntime-web (wasm)', 'web'],
  ] as const)('classifies solid colours exactly on %s', async (_name, which) => {
    const ort = which === 'web' ? await import('onnxruntime-web') : undefined;
    if (ort) ort.env.wasm.numThreads = 1;
    const classifier = await pipeline('image-classification', { model: SPEC, modelSource: colourModel(), ort });
    expect(classifier.runner.runtime).toBe('onnxruntime');
    expect(classifier.runner.backend).toBe(which === 'web' ? 'wasm' : 'cpu');
    for (const [r, g, b, label] of [[220, 30, 40, 'red'], [10, 200, 90, 'green'], [60, 70, 250, 'blue']] as const) {
      const { classes } = await classifier.run(solid(r, g, b));
      expect(classes[0].label).toBe(label);
      const want = expectedProbabilities(r, g, b);
      for (const c of classes) expect(c.score).toBeCloseTo(want[c.classId], 5);
    }
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) await classifier.run(solid(1, 2, 3));
    expect(tf.memory().numTensors).toBe(before);
    classifier.dispose();
  });

  it('centre-crops before classifying: only the middle of the image counts', async () => {
    const classifier = await pipeline('image-classification', { model: SPEC, modelSource: colourModel() });
    // 96×32 image: red left third, green centre third, blue right third → centre crop is green.
    const image = solid(0, 0, 0, 96, 32);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 96; x++) image.data.set(x < 32 ? [255, 0, 0] : x < 64 ? [0, 255, 0] : [0, 0, 255], (y * 96 + x) * 3);
    }
    const { classes } = await classifier.run(image);
    expect(classes[0].label).toBe('green');
    expect(classes[0].score).toBeGreaterThan(0.99);
    classifier.dispose();
  });
});
