import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largestTensorDifference } from '../helpers/tensor-differences';
import { plainMatMul, trainableMatMul } from '../../src/training/trainable-matmul';
import { Captioner } from '../../src/training/captioner/captioner';
import { CaptionVocabulary } from '../../src/training/captioner/vocabulary';

let previousBackend = '';
beforeAll(() => {
  previousBackend = tf.getBackend();
});
afterAll(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
});

describe('trainableMatMul: untransposed products for the gradients, the values of tf.matMul', () => {
  it.each([
    ['rank 2', [6, 5], [5, 7], false],
    ['rank 4, b transposed (attention scores q·kᵀ)', [2, 3, 6, 5], [2, 3, 7, 5], true],
    ['rank 3', [2, 6, 5], [2, 5, 7], false],
  ] as const)('%s: value and gradients match tf.matMul and its autograd (cpu reference) on wasm', async (_, aShape, bShape, transposeB) => {
    await tf.setBackend('cpu');
    const a = tf.randomNormal([...aShape], 0, 1, 'float32', 1);
    const b = tf.randomNormal([...bShape], 0, 1, 'float32', 2);
    const weight = tf.randomNormal([...aShape.slice(0, -1), transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1]], 0, 1, 'float32', 3);
    const reference = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, false, transposeB).mul(weight).sum())([a, b]);
    const expected = tf.matMul(a, b, false, transposeB);
    await tf.setBackend('wasm');
    const got = tf.grads((x: tf.Tensor, y: tf.Tensor) => trainableMatMul(x, y, transposeB).mul(weight).sum())([a, b]);
    const value = trainableMatMul(a, b, transposeB);
    expect(largestTensorDifference([value, plainMatMul(a, b, transposeB)], [expected, expected])).toBeLessThan(1e-5);
    expect(got.map((g) => g.shape)).toEqual([a.shape, b.shape]);
    expect(largestTensorDifference(got, reference)).toBeLessThan(1e-5);
    tf.dispose([a, b, weight, ...reference, expected, ...got, value]);
  });

  it("a captioner's training pass gives its inference pass's values, and leaves no tensor behind", async () => {
    await tf.setBackend('wasm');
    const vocabulary = CaptionVocabulary.fromCaptions(['a red circle', 'two blue squares']);
    for (const decoder of [{ type: 'gru', embedding: 8, hidden: 12, attention: 8 }, { type: 'transformer', dim: 16, heads: 2, layers: 1, feedForward: 16, maxLength: 6 }] as const) {
      const captioner = Captioner.create({ encoder: { imageSize: 16, patch: 4, channels: [4, 8], dim: 16 }, decoder }, vocabulary, 3);
      const images = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      const ids = tf.tensor2d([[1, 4, 5], [1, 6, 7]], [2, 3], 'int32');
      const before = tf.memory().numTensors;
      const [plain, training] = [{}, { training: true }].map((options) => tf.tidy(() => captioner.logits(ids, captioner.features(images, options), options)));
      expect(largestTensorDifference([training], [plain]), decoder.type).toBeLessThan(1e-5);
      tf.dispose([plain, training]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([images, ids]);
      captioner.dispose();
    }
  });
});
