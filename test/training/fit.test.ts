import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';
import { type EpochLog, buildHead, denseLayer, evaluateClassifier, fit, seededRandom } from '../../src/training/index';

/** Three 2-D Gaussian blobs. */
function blobs(n: number, seed: number, spread = 0.6): { x: tf.Tensor2D; labels: Int32Array } {
  const random = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());
  const centres = [[0, 0], [3, 0], [0, 3]];
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const data = Float32Array.from({ length: 2 * n }, (_, k) => centres[labels[k >> 1]][k & 1] + spread * normal());
  return { x: tf.tensor2d(data, [n, 2]), labels };
}

function mlp(inputDim: number, hidden: number, classes: number, seed: number): tf.Sequential {
  const model = tf.sequential();
  model.add(denseLayer({ units: hidden, activation: 'relu', inputDim, seed }));
  model.add(denseLayer({ units: classes, seed: seed + 1 }));
  return model;
}

describe('fit', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
  });

  it('learns a small problem, reports callbacks with progress, and keeps tensor counts flat across epochs', async () => {
    const train = blobs(300, 1);
    const val = blobs(90, 2);
    const model = buildHead('softmax', { inputDim: 2, numClasses: 3, seed: 1, normalizeFeatures: false });
    const counts: number[] = [];
    const logs: EpochLog[] = [];
    let batches = 0;
    const before = tf.memory().numTensors;
    const result = await fit(model, train, {
      epochs: 8, batchSize: 32, optimizer: { name: 'momentum', learningRate: 0.1 }, seed: 1, validationData: val, monitor: 'val_accuracy',
      clip: { maxNorm: 5 }, weightDecay: 1e-4,
      onBatchEnd: (b) => {
        batches++;
        expect(b.progress).toBeGreaterThan(0);
        expect(b.progress).toBeLessThanOrEqual(1);
      },
      onEpochEnd: (log) => {
        logs.push(log);
        counts.push(tf.memory().numTensors);
      },
    });
    expect(batches).toBe(8 * 10);
    expect(logs.map((l) => l.progress)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((e) => e / 8));
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.history.at(-1)?.valAccuracy).toBeGreaterThan(0.9);
    expect(logs[7].loss).toBeLessThan(logs[0].loss);
    model.dispose();
    tf.dispose([train.x, val.x]);
  });

  it('stops early when the validation metric stops improving and restores the best epoch', async () => {
    // random labels: the network memorises the training set while validation loss rises
    const random = seededRandom(5);
    const x = tf.randomNormal([40, 8], 0, 1, 'float32', 1) as tf.Tensor2D;
    const labels = Int32Array.from({ length: 40 }, () => Math.floor(random() * 3));
    const val = { x: tf.randomNormal([60, 8], 0, 1, 'float32', 2) as tf.Tensor2D, labels: Int32Array.from({ length: 60 }, () => Math.floor(random() * 3)) };
    const model = mlp(8, 64, 3, 3);
    const result = await fit(model, { x, labels }, {
      epochs: 200, batchSize: 8, optimizer: { name: 'adam', learningRate: 0.01 }, seed: 2,
      validationData: val, monitor: 'val_loss', earlyStopping: { patience: 4, minDelta: 1e-4 },
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history).toHaveLength(result.bestEpoch + 5);
    const last = result.history.at(-1) as EpochLog;
    expect(last.valLoss).toBeGreaterThan(result.bestValue);
    const now = await evaluateClassifier(model, val);
    expect(now.loss).toBeCloseTo(result.bestValue, 4); // the best epoch's weights are back
    model.dispose();
    tf.dispose([x, val.x]);
  });

  it('aborts mid-fit with ABORTED, leaks nothing, and leaves the model usable', async () => {
    const train = blobs(300, 3);
    const model = mlp(2, 16, 3, 4);
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    let seen = 0;
    const run = fit(model, train, {
      epochs: 50, batchSize: 16, signal: controller.signal, validationData: train, restoreBest: true,
      onBatchEnd: () => {
        if (++seen === 25) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(seen).toBe(25);
    expect(tf.memory().numTensors).toBe(before);
    const out = model.predict(train.x) as tf.Tensor;
    expect(out.shape).toEqual([300, 3]);
    expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);
    out.dispose();
    await expect(fit(model, train, { epochs: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    model.dispose();
    train.x.dispose();
  });

  it('trains only the given variable groups, each at its learning-rate scale', async () => {
    const train = blobs(90, 4);
    const model = mlp(2, 8, 3, 5);
    const [k1, , k2] = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const frozen = k2.clone();
    const start = k1.clone();
    await fit(model, train, { epochs: 2, optimizer: { name: 'sgd', learningRate: 0.1 }, groups: [{ variables: [k1], learningRateScale: 0.5 }] });
    expect(tf.max(tf.abs(tf.sub(k2, frozen))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(k1, start))).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([frozen, start, train.x]);
    model.dispose();
  });
});
