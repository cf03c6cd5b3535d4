/**
 * A head's feature standardisation (`buildHead`'s batch-norm layer) is set from the features it
 * is fitted on: its running statistics started at 0 and 1 and moved 1 % a step, so after a short
 * training on a few rows — the "teach a few photos" case — the head that was evaluated and saved
 * standardised with neither: `fit` reported accuracy 0.90, the head scored 0.33 on the same rows.
 * Features here are like MobileNetV2's (mean about 0.14, small spread), 30 rows of 3 classes.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';
import { buildHead, evaluateClassifier, fit } from '../../src/training/index';
import { seededRandom } from '../../src/training/random';

const [N, D, C] = [30, 64, 3];
let data: { x: tf.Tensor2D; labels: number[] };

beforeAll(async () => {
  await selectTfjsBackend({ backend: 'cpu' });
  const random = seededRandom(5);
  const labels = Array.from({ length: N }, (_, i) => i % C);
  const values = labels.flatMap((c) => Array.from({ length: D }, (_, d) => 0.14 + 0.05 * random() + (d % C === c ? 0.05 : 0)));
  data = { x: tf.tensor2d(values, [N, D]), labels };
});
afterAll(() => data.x.dispose());

describe("a head's feature standardisation", () => {
  it('is set from the training features: after 15 epochs the head scores on its training rows what fit reported, and its statistics are the data\'s', async () => {
    const before = tf.memory().numTensors;
    const head = buildHead('softmax', { inputDim: D, numClasses: C, seed: 1 });
    const { history } = await fit(head, data, { epochs: 15, batchSize: 8, optimizer: { name: 'adam', learningRate: 1e-3 }, seed: 1 });
    const { accuracy } = await evaluateClassifier(head, data);
    expect(history.at(-1)!.accuracy).toBeGreaterThan(0.8);
    expect(accuracy).toBeGreaterThanOrEqual(history.at(-1)!.accuracy - 0.1);
    const norm = head.layers.find((layer) => layer.getClassName() === 'BatchNormalization')!;
    const [, , movingMean, movingVariance] = norm.getWeights().map((w) => Array.from(w.dataSync()));
    const { mean, variance } = tf.moments(data.x, 0);
    const [dataMean, dataVariance] = [Array.from(mean.dataSync()), Array.from(variance.dataSync())];
    tf.dispose([mean, variance]);
    // started at the data's and moved by batch statistics since: within a tenth of the spread
    movingMean.forEach((m, i) => expect(Math.abs(m - dataMean[i])).toBeLessThan(0.1 * Math.sqrt(dataVariance[i])));
    movingVariance.forEach((v, i) => expect(v / dataVariance[i]).toBeGreaterThan(0.7));
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is set by the first fit only: a later fit on one more example keeps it (it was reset to that row: variance 0, accuracy 1.00 → 0.70)', async () => {
    const head = buildHead('softmax', { inputDim: D, numClasses: C, seed: 1 });
    await fit(head, data, { epochs: 15, batchSize: 8, optimizer: { name: 'adam', learningRate: 1e-3 }, seed: 1 });
    const norm = head.layers.find((layer) => layer.getClassName() === 'BatchNormalization')!;
    const variance = (): number[] => Array.from(norm.getWeights()[3].dataSync());
    const first = variance();
    const { accuracy } = await evaluateClassifier(head, data);
    const one = { x: data.x.slice([0, 0], [1, D]), labels: [data.labels[0]] };
    await fit(head, one, { epochs: 1, batchSize: 1, optimizer: { name: 'adam', learningRate: 1e-3 }, seed: 1 });
    one.x.dispose();
    // one batch-norm step (1 %) towards that row's statistics, not a reset to them
    variance().forEach((v, i) => expect(v / first[i]).toBeGreaterThan(0.95));
    expect((await evaluateClassifier(head, data)).accuracy).toBeGreaterThanOrEqual(accuracy - 0.05);
    head.dispose();
  });
});
