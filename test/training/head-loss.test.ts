/**
 * A head trains with its own loss when `fit` is given none, and `evaluateClassifier` reports that
 * loss: an svm head's multi-class hinge (`headLoss`). An svm head fitted as the README shows
 * (no `loss`) trained as a softmax head: its weights came out identical.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';
import { buildHead, evaluateClassifier, fit } from '../../src/training/index';

let data: { x: tf.Tensor2D; labels: Int32Array };
beforeAll(async () => {
  await selectTfjsBackend({ backend: 'cpu' });
  data = { x: tf.randomNormal([60, 2], 0, 1, 'float32', 21) as tf.Tensor2D, labels: Int32Array.from({ length: 60 }, (_, i) => i % 3) };
});
afterAll(() => data.x.dispose());

/** The first weights of a head after two epochs, and what evaluateClassifier reports by default and with `loss`. */
async function trained(kind: 'svm' | 'softmax', loss?: 'hinge' | 'cross-entropy'): Promise<{ weights: number[]; evaluated: number; evaluatedWith: number }> {
  const head = buildHead(kind, { inputDim: 2, numClasses: 3, seed: 4, normalizeFeatures: false });
  await fit(head, data, { epochs: 2, batchSize: 16, seed: 1, ...(loss ? { loss } : {}) });
  const weights = Array.from(head.getWeights()[0].dataSync());
  const evaluated = (await evaluateClassifier(head, data)).loss;
  const evaluatedWith = (await evaluateClassifier(head, data, kind === 'svm' ? 'hinge' : 'cross-entropy')).loss;
  head.dispose();
  return { weights, evaluated, evaluatedWith };
}

describe("a head's own loss", () => {
  it('fit trains an svm head with the hinge and a softmax head with cross-entropy when given no loss; evaluateClassifier reports the same loss', async () => {
    const svm = await trained('svm');
    expect(svm.weights).toEqual((await trained('svm', 'hinge')).weights);
    expect(svm.weights).not.toEqual((await trained('svm', 'cross-entropy')).weights);
    expect(svm.evaluated).toBe(svm.evaluatedWith);
    const softmax = await trained('softmax');
    expect(softmax.weights).toEqual((await trained('softmax', 'cross-entropy')).weights);
    expect(softmax.evaluated).toBe(softmax.evaluatedWith);
  });
});
