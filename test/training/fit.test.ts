import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';
import {
  type EpochLog, buildHead, buildSmallCnn, cosineDecay, denseLayer, disposeSnapshot, evaluateClassifier, fit, predictScores, restoreWeights, seededRandom, snapshotWeights, takeRows,
} from '../../src/training/index';

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

  it('the hinge loss (svm head) diverging is seen too: NaN scores make its loss NaN (relu(NaN) is 0 on wasm)', async () => {
    const train = blobs(90, 13);
    const model = buildHead('svm', { inputDim: 2, numClasses: 3, seed: 4, normalizeFeatures: false });
    const losses: number[] = [];
    const result = await fit(model, train, { epochs: 5, batchSize: 32, loss: 'hinge', optimizer: { name: 'adam', learningRate: 1e38 }, seed: 1, onBatchEnd: (b) => losses.push(b.loss) });
    // before: loss 0 from the second batch on, diverged false, and a head scoring NaN
    expect(result.diverged).toBe(true);
    expect(Number.isNaN(losses.at(-1))).toBe(true);
    model.dispose();
    train.x.dispose();
  });

  it('patience 0 stops at the first epoch that does not improve, not at the first epoch (as Keras)', async () => {
    const train = blobs(90, 14);
    const model = buildHead('softmax', { inputDim: 2, numClasses: 3, seed: 4, normalizeFeatures: false });
    const result = await fit(model, train, { epochs: 40, batchSize: 32, optimizer: { name: 'sgd', learningRate: 0.05 }, seed: 1, earlyStopping: { patience: 0 } });
    const losses = result.history.map((log) => log.loss);
    expect(losses.length).toBeGreaterThan(3);
    // every epoch but a stopping last one improved the loss
    const last = losses.length - 1;
    losses.slice(1, result.stoppedEarly ? last : undefined).forEach((loss, i) => expect(loss).toBeLessThan(losses[i]));
    if (result.stoppedEarly) expect(losses[last]).toBeGreaterThanOrEqual(Math.min(...losses.slice(0, last)));
    model.dispose();
    train.x.dispose();
  });

  it('stops at the first batch whose loss is NaN or Infinity (a diverging learning rate) and says so', async () => {
    const train = blobs(90, 11);
    const val = blobs(30, 12);
    const model = buildHead('softmax', { inputDim: 2, numClasses: 3, seed: 4, normalizeFeatures: false });
    const losses: number[] = [];
    const before = tf.memory().numTensors;
    // two calm epochs (3 batches each), then a learning rate that blows the weights up
    const result = await fit(model, train, {
      epochs: 20, batchSize: 32, optimizer: 'sgd', seed: 1, validationData: val, schedule: (step) => (step < 6 ? 0.05 : 1e38),
      onBatchEnd: (b) => losses.push(b.loss),
    });
    expect(result.diverged).toBe(true);
    expect(result.stoppedEarly).toBe(false);
    expect(Number.isFinite(losses.at(-1))).toBe(false); // the last batch reported is the diverged one
    expect(losses.slice(0, -1).every(Number.isFinite)).toBe(true);
    expect(losses.length).toBeLessThan(20 * 3);
    expect(result.history.length).toBe(Math.floor((losses.length - 1) / 3)); // completed epochs only
    expect(result.history.every((log) => Number.isFinite(log.loss))).toBe(true);
    // the usual end still runs: the best completed epoch's weights are back (finite)
    const { loss } = await evaluateClassifier(model, val);
    expect(loss).toBeCloseTo(result.bestValue, 4);
    expect(tf.memory().numTensors).toBe(before);
    // a calm run does not diverge
    expect((await fit(model, train, { epochs: 1, optimizer: { name: 'sgd', learningRate: 0.01 } })).diverged).toBe(false);
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

/** Runs `call`, expects a VisionError of `code` whose message matches `fragment`, and no tensor left behind. */
async function rejectsFlat(call: () => unknown, code: string, fragment: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  await expect((async () => call())()).rejects.toMatchObject({ name: 'VisionError', code, message: expect.stringMatching(fragment) });
  expect(tf.memory().numTensors).toBe(before);
}

describe('fit and buildHead reject bad input before training, leaking nothing', () => {
  const labels = [0, 1, 0, 1, 0, 1];
  let x: tf.Tensor2D;
  let head: tf.Sequential;
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    x = tf.tensor2d(Float32Array.from({ length: 24 }, (_, i) => (i % 7) / 7), [6, 4]);
    head = buildHead('softmax', { inputDim: 4, numClasses: 2, seed: 1 });
  });
  afterAll(() => {
    head.dispose();
    x.dispose();
  });
  const run = (data: unknown, options: unknown): Promise<unknown> => fit(head, data as never, options as never);

  it('rejects missing options and data, plain arrays and features of the wrong width', async () => {
    await rejectsFlat(() => run({ x, labels }, undefined), 'INVALID_OPTION', /fit options is undefined; it must be an object/);
    await rejectsFlat(() => run({ x, labels }, null), 'INVALID_OPTION', /fit options is null/);
    await rejectsFlat(() => run(null, { epochs: 1 }), 'INVALID_INPUT', /data is null/);
    await rejectsFlat(() => run({ x: [[1, 2, 3, 4]], labels: [0] }, { epochs: 1 }), 'INVALID_INPUT', /data\.x is an array; it must be a tensor/);
    const wide = tf.zeros([6, 5]);
    await rejectsFlat(() => run({ x: wide, labels }, { epochs: 1 }), 'INVALID_INPUT', /data\.x has shape \[6, 5\]; the model takes \[N, 4\]/);
    await rejectsFlat(() => run({ x, labels }, { epochs: 1, validationData: { x: wide, labels } }), 'INVALID_INPUT', /validationData\.x has shape \[6, 5\]/);
    wide.dispose();
  });

  it('rejects labels that are not class indices of the head and non-finite features', async () => {
    for (const [bad, shown] of [[2, '2'], [-1, '-1'], [0.5, '0.5'], ['b', '"b"'], [Number.NaN, 'NaN']] as const) {
      await rejectsFlat(() => run({ x, labels: [0, 1, 0, bad, 0, 1] }, { epochs: 1 }), 'INVALID_INPUT', new RegExp(`data\\.labels\\[3\\] is ${shown}; it must be a class index \\(an integer from 0 to 1\\)`));
    }
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const bad = tf.fill([6, 4], value) as tf.Tensor2D;
      await rejectsFlat(() => run({ x: bad, labels }, { epochs: 1 }), 'INVALID_INPUT', /data\.x holds NaN or Infinity/);
      bad.dispose();
    }
  });

  it('rejects bad options before the first step', async () => {
    let steps = 0;
    const onBatchEnd = (): void => void steps++;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ monitor: 'nope' }, /monitor is "nope"; allowed: loss, accuracy, val_loss, val_accuracy/],
      [{ earlyStopping: { patience: Number.NaN } }, /earlyStopping\.patience is NaN; it must be a non-negative integer/],
      [{ optimizer: { name: 'sgd', learningRate: '0.1' } }, /learningRate is "0\.1"; it must be a finite number > 0/],
      [{ optimizer: { name: 'momentum', momentum: Number.NaN } }, /momentum is NaN/],
      [{ weightDecay: Number.NaN }, /weightDecay is NaN/],
      [{ clip: 'x' }, /clip is "x"; it must be an object/],
      [{ clip: { maxNorm: Number.NaN } }, /maxNorm is NaN; it must be a finite number > 0/],
      [{ groups: [] }, /groups is an array; it must be a non-empty array/],
      [{ augment: 'x' }, /augment is "x"; it must be a function/],
      // the string 'false' restored the best weights
      [{ restoreBest: 'false' }, /restoreBest is "false"; it must be true or false/],
      [{ optimizer: { name: 'momentum', nesterov: 1 } }, /nesterov is 1; it must be true or false/],
      // misspelt names inside nested settings used to be ignored (the default rate, no clipping, minDelta 0)
      [{ optimizer: { name: 'sgd', lr: 0.5 } }, /optimizer options has unknown option\(s\) lr; allowed: name, learningRate,/],
      [{ optimizer: { name: 'adam', momentum: 0.9 } }, /the adam optimizer does not take momentum; it takes name, learningRate, beta1, beta2, epsilon/],
      [{ optimizer: { name: 'momentum', momentum: 5 } }, /momentum is 5; it must be a number from 0 to 1/],
      [{ earlyStopping: { patience: 1, min_delta: 10 } }, /earlyStopping has unknown option\(s\) min_delta; allowed: patience, minDelta/],
      [{ clip: { max_norm: 1e-9 } }, /clip has unknown option\(s\) max_norm; allowed: maxNorm, maxValue/],
      [{ groups: [{ variables: head.trainableWeights.map((w) => w.read()), scale: 0.1 }] }, /groups\[0\] has unknown option\(s\) scale; allowed: variables, learningRateScale/],
    ];
    for (const [options, fragment] of cases) await rejectsFlat(() => run({ x, labels }, { epochs: 1, onBatchEnd, ...options }), 'INVALID_OPTION', fragment);
    expect(steps).toBe(0);
  });

  it('frees every tensor when a step fails, and names the step of a bad scheduled rate', async () => {
    const before = tf.memory().numTensors;
    await expect(fit(head, { x, labels }, { epochs: 1, batchSize: 3, augment: () => { throw new Error('boom'); } })).rejects.toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    await rejectsFlat(() => fit(head, { x, labels }, { epochs: 1, batchSize: 3, schedule: (s) => (s === 1 ? Number.NaN : 0.01) }), 'INVALID_OPTION', /learning rate at step 1 is NaN/);
    await rejectsFlat(() => fit(head, { x, labels }, { epochs: 1, batchSize: 3, schedule: (s) => (s === 1 ? -0.01 : 0.01) }), 'INVALID_OPTION', /learning rate at step 1 is -0\.01/);
    // cosineDecay reaches its minimum, 0 by default, at totalSteps: training past it goes on (a step at rate 0 changes nothing)
    const past = await fit(head, { x, labels }, { epochs: 3, batchSize: 3, schedule: cosineDecay(0.01, { totalSteps: 2 }) });
    expect(past.history.length).toBe(3);
    await rejectsFlat(() => fit(head, { x, labels }, { epochs: 1, augment: () => tf.zeros([6, 3]) }), 'INVALID_OPTION', /augment returned shape \[6, 3\] at step 0/);
  });

  it('refuses groups holding variables that are not trainable weights of the model, or one variable twice, and a disposed model', async () => {
    const stranger = tf.variable(tf.zeros([2]), true, 'not_in_the_head');
    await rejectsFlat(() => run({ x, labels }, { epochs: 1, groups: [{ variables: [stranger] }] }), 'INVALID_OPTION', /groups\[0\]\.variables\[0\] \('not_in_the_head'\) is not a trainable weight of the model/);
    stranger.dispose();
    // as torch.optim: a variable in two groups would be stepped twice a batch
    const [kernel, bias] = head.trainableWeights.map((w) => w.read() as tf.Variable);
    const weightsBefore = head.getWeights().map((w) => w.dataSync().slice());
    await rejectsFlat(() => fit(head, { x, labels }, { epochs: 1, groups: [{ variables: [kernel, bias] }, { variables: [kernel], learningRateScale: 0.1 }] }), 'INVALID_OPTION', /groups\[1\]\.variables\[0\] \('.+'\) is also groups\[0\]\.variables\[0\]; a variable may be in one group only/);
    await rejectsFlat(() => fit(head, { x, labels }, { epochs: 1, groups: [{ variables: [bias, bias] }] }), 'INVALID_OPTION', /groups\[0\]\.variables\[1\] \('.+'\) is also groups\[0\]\.variables\[0\]/);
    expect(head.getWeights().map((w) => w.dataSync().slice())).toEqual(weightsBefore);
    const gone = buildHead('softmax', { inputDim: 4, numClasses: 2, seed: 1 });
    gone.dispose();
    await rejectsFlat(() => fit(gone, { x, labels }, { epochs: 1 }), 'INVALID_INPUT', /the model's weights were disposed/);
    // the head still trains afterwards
    const { history } = await fit(head, { x, labels }, { epochs: 1 });
    expect(history).toHaveLength(1);
  });

  it('refuses Adam betas of 1, which would turn every weight into NaN', async () => {
    for (const beta of ['beta1', 'beta2']) {
      await rejectsFlat(() => run({ x, labels }, { epochs: 1, optimizer: { name: 'adam', [beta]: 1 } }), 'INVALID_OPTION', new RegExp(`${beta} is 1; it must be a number from 0 up to \\(not including\\) 1`));
    }
  });

  it('buildHead validates its options before building any weight', async () => {
    await rejectsFlat(() => buildHead('x' as 'mlp', { inputDim: 4, numClasses: 2 }), 'INVALID_OPTION', /unknown head "x"/);
    await rejectsFlat(() => buildHead('mlp', { inputDim: 4, numClasses: 2, hidden: 0 }), 'INVALID_OPTION', /hidden is 0; it must be a positive integer/);
    // a head too large to allocate is refused by its size, not left to fail in the allocator
    await rejectsFlat(() => buildHead('mlp', { inputDim: 1280, numClasses: 2, hidden: 2 ** 20 }), 'INVALID_OPTION', /has 1344274432 weights; at most 67108864 are allowed/);
    await rejectsFlat(() => buildHead('softmax', { inputDim: 2 ** 24, numClasses: 10 }), 'INVALID_OPTION', /softmax head with inputDim 16777216 and 10 classes/);
    await rejectsFlat(() => buildHead('softmax', { inputDim: 4, numClasses: 2.5 }), 'INVALID_OPTION', /numClasses is 2\.5/);
    await rejectsFlat(() => buildHead('softmax', undefined as never), 'INVALID_OPTION', /head options is undefined/);
  });

  it('buildHead and denseLayer refuse option names they do not take (a misspelt hiden built the default 128 units)', async () => {
    await rejectsFlat(() => buildHead('mlp', { inputDim: 4, numClasses: 2, hiden: 8 } as never), 'INVALID_OPTION', /^head options has unknown option\(s\) hiden; allowed: inputDim, numClasses, hidden, dropout, l2, seed, normalizeFeatures$/);
    await rejectsFlat(() => denseLayer({ units: 2, activaton: 'relu' } as never), 'INVALID_OPTION', /^denseLayer options has unknown option\(s\) activaton; allowed: units, activation, init, l2, inputDim, seed, name$/);
    await rejectsFlat(() => denseLayer(null as never), 'INVALID_OPTION', /^denseLayer options is null; it must be an object$/);
    const built = buildHead('mlp', { inputDim: 4, numClasses: 2, hidden: 8, dropout: undefined, seed: 1 });
    expect(built.layers.map((l) => l.outputShape)).toContainEqual([null, 8]);
    built.dispose();
  });

  it('restoreWeights refuses a snapshot of another model (INVALID_INPUT naming the mismatch), leaving the weights as they were', async () => {
    const other = buildHead('mlp', { inputDim: 4, numClasses: 2, hidden: 3, seed: 2 });
    const wider = buildHead('softmax', { inputDim: 5, numClasses: 2, seed: 2 }); // as many weights as head, a kernel of another shape
    const [ofOther, ofWider, own] = [snapshotWeights(other), snapshotWeights(wider), snapshotWeights(head)];
    const weightsOf = (): number[][] => head.getWeights().map((w) => Array.from(w.dataSync()));
    const kept = weightsOf();
    try {
      await rejectsFlat(() => restoreWeights(head, ofOther), 'INVALID_INPUT', new RegExp(`^the snapshot holds ${ofOther.length} weights but the model has ${own.length}; restore a snapshot taken of this model`));
      await rejectsFlat(() => restoreWeights(head, ofWider), 'INVALID_INPUT', /^snapshot\[\d+\] has shape \[5(, \d+)?\] but the model's weight \d+ \('[^']+'\) has \[4(, \d+)?\]/);
      await rejectsFlat(() => restoreWeights(head, null as never), 'INVALID_INPUT', /^the snapshot is null; it must be the array of tensors snapshotWeights\(model\) returns$/);
      expect(weightsOf()).toEqual(kept);
      restoreWeights(head, own);
      expect(weightsOf()).toEqual(kept);
    } finally {
      [ofOther, ofWider, own].forEach(disposeSnapshot);
      other.dispose();
      wider.dispose();
    }
  });

  it('a snapshot restores each layer its own weights when layers were frozen in between (the model lists trainable weights first)', async () => {
    // two layers with kernels of one shape: restored by position, each got the other's
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [4], name: 'first' }), tf.layers.dense({ units: 4, name: 'second' })] });
    const valuesOf = (): number[][] => model.layers.flatMap((l) => l.getWeights().map((w) => Array.from(w.dataSync())));
    const before = valuesOf();
    const snapshot = snapshotWeights(model);
    try {
      model.layers[0].trainable = false;
      model.setWeights(model.getWeights().map((w) => tf.zerosLike(w)));
      restoreWeights(model, snapshot);
      expect(valuesOf()).toEqual(before);
      // and the other way round: taken frozen, restored unfrozen
      const frozen = snapshotWeights(model);
      model.layers[0].trainable = true;
      model.setWeights(model.getWeights().map((w) => tf.onesLike(w)));
      restoreWeights(model, frozen);
      expect(valuesOf()).toEqual(before);
      disposeSnapshot(frozen);
    } finally {
      disposeSnapshot(snapshot);
      model.dispose();
    }
  });

  it('evaluateClassifier, predictScores and takeRows check their data (VisionError, not a wrong loss or a tfjs error)', async () => {
    const wide = tf.zeros([2, 5]);
    const empty = tf.zeros([0, 4]);
    const cases: [() => unknown, string, RegExp][] = [
      [() => evaluateClassifier(head, { x, labels: [0, 1] }), 'INVALID_INPUT', /data\.labels has 2 entries for 6 examples; it needs one per example/],
      [() => evaluateClassifier(head, { x, labels: [0, 1, 0, 1, 2, 5] }), 'INVALID_INPUT', /data\.labels\[4\] is 2; it must be a class index \(an integer from 0 to 1\)/],
      [() => evaluateClassifier(head, { x, labels: [0, 1, 0, 1, 0.5, 1] }), 'INVALID_INPUT', /data\.labels\[4\] is 0\.5/],
      [() => evaluateClassifier(head, { x: wide, labels: [0, 1] }), 'INVALID_INPUT', /data\.x has shape \[2, 5\]; the model takes \[N, 4\]/],
      [() => evaluateClassifier(head, { x: [[1, 2, 3, 4]], labels: [0] } as never), 'INVALID_INPUT', /data\.x is an array; it must be a tensor/],
      [() => evaluateClassifier(head, { x: empty, labels: [] }), 'INVALID_INPUT', /data has no examples/],
      [() => evaluateClassifier(head, null as never), 'INVALID_INPUT', /data is null/],
      [() => evaluateClassifier(head, { x, labels }, 'cross-entropy', 0), 'INVALID_OPTION', /batchSize is 0; it must be a positive integer/],
      [() => predictScores(head, x, 0), 'INVALID_OPTION', /batchSize is 0; it must be a positive integer/],
      [() => predictScores(head, wide), 'INVALID_INPUT', /x has shape \[2, 5\]; the model takes \[N, 4\]/],
      [() => takeRows(x, [0, 99]), 'INVALID_INPUT', /indices\[1\] is 99; it must be a row index \(an integer from 0 to 5\)/],
      [() => takeRows(x, [-1]), 'INVALID_INPUT', /indices\[0\] is -1/],
      [() => takeRows(x, [1.5]), 'INVALID_INPUT', /indices\[0\] is 1\.5/],
    ];
    for (const [call, code, fragment] of cases) await rejectsFlat(call, code, fragment);
    expect((await evaluateClassifier(head, { x, labels }, 'cross-entropy', 4)).predicted).toHaveLength(6);
    expect((await predictScores(head, x, 4)).scores).toHaveLength(12);
    tf.dispose([wide, empty]);
  });

  it('buildSmallCnn validates its options (VisionError, not a tfjs error or TypeError) before building any weight', async () => {
    const base = { inputShape: [8, 8, 1] as [number, number, number], numClasses: 2 };
    const cases: [unknown, RegExp][] = [
      [undefined, /small CNN options is undefined; it must be an object/],
      [{ ...base, batchnorm: true }, /small CNN options has unknown option\(s\) batchnorm; allowed: inputShape, numClasses,/],
      [{ ...base, dropout: 2 }, /dropout is 2; it must be a number from 0 up to \(not including\) 1/],
      [{ ...base, dropout: 1 }, /dropout is 1/],
      [{ ...base, filters: [0] }, /filters is \[0\]; it must be an array of positive integers/],
      [{ ...base, filters: [4, 2.5] }, /filters is \[4, 2\.5\]/],
      [{ ...base, inputShape: [8, 8] }, /inputShape is \[8, 8\]; it must be \[height, width, channels\] of positive integers/],
      [{ ...base, inputShape: [8, 8, 0] }, /inputShape is \[8, 8, 0\]/],
      [{ ...base, inputShape: [2, 8, 1] }, /inputShape 2×8 is too small for 2 conv blocks \(each halves it\); it needs at least 4×4/],
      [{ ...base, numClasses: 2.5 }, /numClasses is 2\.5; it must be a positive integer/],
      [{ ...base, numClasses: 1 }, /numClasses is 1; it must be at least 2/],
      [{ ...base, dense: -1 }, /dense is -1; it must be a non-negative integer/],
      [{ ...base, batchNorm: 'yes' }, /batchNorm is "yes"; it must be true or false/],
    ];
    for (const [options, fragment] of cases) await rejectsFlat(() => buildSmallCnn(options as never), 'INVALID_OPTION', fragment);
    const model = buildSmallCnn({ ...base, filters: [2, 2, 2], dense: 0, dropout: 0.5, batchNorm: true, l2: 1e-4, seed: 1 });
    expect(model.outputs[0].shape).toEqual([null, 2]);
    model.dispose();
  });
});
