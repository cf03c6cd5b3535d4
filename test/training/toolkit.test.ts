import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { accuracy } from '../../src/core/accuracy';
import { argmaxRows, confusionMatrix, perClassMetrics } from '../../src/eval/classification';
import { maskIoU, meanMaskIoU } from '../../src/eval/mask-iou';
import {
  batchIndices, clipGradients, disposeOptimizer, cosineDecay, createOptimizer, exponentialDecay, getLearningRate, globalNorm,
  kFold, linearWarmup, multiclassHinge, setLearningRate, shuffle, stepDecay, stratifiedSplit,
} from '../../src/training/index';

describe('learning-rate schedules', () => {
  it('give the documented values at given steps', () => {
    const step = stepDecay(0.1, { every: 100, factor: 0.5 });
    expect([step(0), step(99), step(100), step(250)]).toEqual([0.1, 0.1, 0.05, 0.025]);
    const exp = exponentialDecay(0.1, { rate: 0.5, decaySteps: 100 });
    expect(exp(0)).toBeCloseTo(0.1, 12);
    expect(exp(100)).toBeCloseTo(0.05, 12);
    expect(exp(50)).toBeCloseTo(0.1 / Math.SQRT2, 12);
    const cos = cosineDecay(0.1, { totalSteps: 1000, minimum: 0.01 });
    expect(cos(0)).toBeCloseTo(0.1, 12);
    expect(cos(500)).toBeCloseTo(0.055, 12);
    expect(cos(1000)).toBeCloseTo(0.01, 12);
    expect(cos(5000)).toBeCloseTo(0.01, 12);
    const warm = linearWarmup(0.01, { warmupSteps: 10, after: cosineDecay(0.01, { totalSteps: 90 }) });
    expect(warm(0)).toBeCloseTo(0.001, 12);
    expect(warm(4)).toBeCloseTo(0.005, 12);
    expect(warm(10)).toBeCloseTo(0.01, 12);
    expect(warm(55)).toBeCloseTo(0.005, 12);
    expect(() => stepDecay(0, { every: 1, factor: 0.5 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('optimisers', () => {
  it('builds every kind, and the learning rate can be set per step', () => {
    for (const name of ['sgd', 'momentum', 'adagrad', 'adadelta', 'rmsprop', 'adam'] as const) {
      const w = tf.variable(tf.tensor1d([1, -2]));
      const optimizer = createOptimizer({ name, learningRate: 0.1 });
      expect(getLearningRate(optimizer)).toBe(0.1);
      setLearningRate(optimizer, 0.05);
      expect(getLearningRate(optimizer)).toBe(0.05);
      optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
      const after = w.dataSync();
      expect(Math.abs(after[0])).toBeLessThan(1);
      expect(Math.abs(after[1])).toBeLessThan(2);
      disposeOptimizer(optimizer);
      w.dispose();
    }
    // SGD keeps its rate in a tensor: a new rate must change the step size
    const w = tf.variable(tf.scalar(1));
    const sgd = createOptimizer({ name: 'sgd', learningRate: 0.1 });
    setLearningRate(sgd, 0.5);
    sgd.minimize(() => tf.square(w) as tf.Scalar); // w -= 0.5 · 2w
    expect(w.dataSync()[0]).toBeCloseTo(0, 6);
    const before = tf.memory().numTensors;
    const momentum = createOptimizer('momentum');
    disposeOptimizer(momentum);
    expect(tf.memory().numTensors).toBe(before);
    disposeOptimizer(sgd);
    w.dispose();
    expect(() => createOptimizer({ name: 'lion' as 'adam' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('gradient clipping', () => {
  it('caps the global norm and clamps values, leaving small gradients alone', () => {
    const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) }; // norm 13
    const byNorm = clipGradients(grads, { maxNorm: 1 });
    expect(globalNorm(Object.values(byNorm)).dataSync()[0]).toBeCloseTo(1, 5);
    expect(Array.from(byNorm.a.dataSync())).toEqual([expect.closeTo(3 / 13, 5), expect.closeTo(4 / 13, 5)]);
    const untouched = clipGradients(grads, { maxNorm: 100 });
    expect(Array.from(untouched.a.dataSync())).toEqual([3, 4]);
    const byValue = clipGradients(grads, { maxValue: 3.5 });
    expect(Array.from(byValue.a.dataSync())).toEqual([3, 3.5]);
    expect(byValue.b.dataSync()[0]).toBe(3.5);
    tf.dispose([...Object.values(grads), ...Object.values(byNorm), ...Object.values(untouched), ...Object.values(byValue)]);
  });
});

describe('splits', () => {
  const labels = Array.from({ length: 103 }, (_, i) => (i < 50 ? 0 : i < 90 ? 1 : 2));

  it('k-fold folds are disjoint, cover every example once and are stratified', () => {
    const folds = kFold(labels, 5, { seed: 3 });
    expect(folds).toHaveLength(5);
    const seen = folds.flatMap((f) => f.validation).sort((a, b) => a - b);
    expect(seen).toEqual(labels.map((_, i) => i));
    for (const { train, validation } of folds) {
      expect(train.filter((i) => validation.includes(i))).toEqual([]);
      expect(train.length + validation.length).toBe(labels.length);
      for (const [c, total] of [[0, 50], [1, 40], [2, 13]] as const) {
        const inFold = validation.filter((i) => labels[i] === c).length;
        expect(Math.abs(inFold - total / 5)).toBeLessThanOrEqual(1);
      }
    }
    expect(kFold(labels, 5, { seed: 3 })).toEqual(folds);
    expect(() => kFold(labels, 1)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('stratified split keeps class shares and is seeded', () => {
    const { train, validation } = stratifiedSplit(labels, { validationFraction: 0.2, seed: 1 });
    expect(validation.filter((i) => labels[i] === 0)).toHaveLength(10);
    expect(validation.filter((i) => labels[i] === 1)).toHaveLength(8);
    expect(validation.filter((i) => labels[i] === 2)).toHaveLength(3);
    expect(new Set([...train, ...validation]).size).toBe(labels.length);
    expect(stratifiedSplit(labels, { validationFraction: 0.2, seed: 1 })).toEqual({ train, validation });
    expect(shuffle([1, 2, 3, 4, 5], 9)).toEqual(shuffle([1, 2, 3, 4, 5], 9));
    const batches = batchIndices(10, 4, { seed: 2 });
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('metrics', () => {
  it('accuracy, confusion matrix, per-class precision/recall (scikit-learn values)', () => {
    const actual = [0, 0, 1, 1, 2, 2, 2];
    const predicted = [0, 1, 1, 1, 2, 0, 2];
    expect(accuracy(predicted, actual)).toBeCloseTo(5 / 7, 12);
    expect(confusionMatrix(predicted, actual, 3)).toEqual([[1, 1, 0], [0, 2, 0], [1, 0, 2]]);
    const m = perClassMetrics(predicted, actual, 3);
    // sklearn.metrics.precision_recall_fscore_support(actual, predicted)
    expect(m.map((x) => x.precision)).toEqual([0.5, expect.closeTo(2 / 3, 12), 1]);
    expect(m.map((x) => x.recall)).toEqual([0.5, 1, expect.closeTo(2 / 3, 12)]);
    expect(m[1].f1).toBeCloseTo(0.8, 12);
    expect(m.map((x) => x.support)).toEqual([2, 2, 3]);
    expect(Array.from(argmaxRows([0.1, 0.9, 0.8, 0.2], 2))).toEqual([1, 0]);
    expect(() => accuracy([1], [1, 2])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('refuses classes that are no whole number in range, numClasses that is no positive integer, and partial score rows', () => {
    const refused = (code: string, fragment: string, f: () => unknown): void => {
      expect(f).toThrow(expect.objectContaining({ name: 'VisionError', code, message: expect.stringContaining(fragment) }));
    };
    // 1.5 was counted nowhere (matrix[1.5] is no row): the sample vanished from the support
    refused('INVALID_INPUT', 'label 0 / prediction 1.5 at index 0: classes are whole numbers 0…2', () => confusionMatrix([1.5, 0], [0, 0], 3));
    refused('INVALID_INPUT', 'label 1.5 / prediction 1 at index 0', () => perClassMetrics([1, 0], [1.5, 0], 3));
    for (const numClasses of ['3', 2.5, 0, Number.NaN]) refused('INVALID_OPTION', 'numClasses is', () => confusionMatrix([0], [0], numClasses as number));
    refused('INVALID_OPTION', 'numClasses is 0', () => argmaxRows([1, 2], 0));
    refused('INVALID_INPUT', '4 scores are not whole rows of 3 classes', () => argmaxRows([1, 2, 3, 4], 3));
    refused('INVALID_INPUT', 'predictions must be an array of class indices; got null', () => confusionMatrix(null as never, [0], 2));
  });

  it('mask IoU', () => {
    const a = [1, 1, 0, 0];
    const b = [1, 0, 1, 0];
    expect(maskIoU(a, b)).toBeCloseTo(1 / 3, 12);
    expect(maskIoU([0, 0], [0, 0])).toBe(1);
    expect(meanMaskIoU([[a, a], [a, b]])).toBeCloseTo(2 / 3, 12);
    // a NaN threshold made every pixel out: disjoint masks scored 1 (an empty union)
    expect(() => maskIoU([1, 0], [0, 1], Number.NaN)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('threshold is NaN') }));
    expect(() => maskIoU(null as never, [0, 1])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('mask a must be an array') }));
    // these were TypeErrors
    expect(() => meanMaskIoU(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: 'meanMaskIoU takes a list of [prediction, truth] mask pairs; got null' }));
    expect(() => meanMaskIoU([null as never])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: 'pairs[0] is null; each is [prediction, truth], two masks of one size' }));
  });

  it('multiclass hinge loss matches the Weston–Watkins formula', () => {
    const scores = tf.tensor2d([[3, 1, 2.5], [0, 2, 1]]);
    const labels = tf.tensor1d([0, 2], 'int32');
    // sample 1: max(0,1-3+1)=0 + max(0,2.5-3+1)=0.5; sample 2: max(0,0-1+1)=0 + max(0,2-1+1)=2 → mean 1.25
    expect(multiclassHinge(labels, scores).dataSync()[0]).toBeCloseTo(1.25, 6);
    tf.dispose([scores, labels]);
  });
});

describe('schedules, optimisers, splits and batches reject bad settings', () => {
  const invalid = (call: () => unknown, code: string, fragment: RegExp): void => {
    expect(call).toThrow(expect.objectContaining({ name: 'VisionError', code, message: expect.stringMatching(fragment) }));
  };

  it('schedules need finite positive settings', () => {
    invalid(() => stepDecay(0.1, { every: 1, factor: Number.NaN }), 'INVALID_OPTION', /factor is NaN; it must be a finite number > 0/);
    invalid(() => stepDecay(0.1, { every: 1, factor: -1 }), 'INVALID_OPTION', /factor is -1/);
    invalid(() => cosineDecay(0.1, { totalSteps: 10, minimum: -1 }), 'INVALID_OPTION', /minimum is -1; it must be a finite number ≥ 0/);
    invalid(() => linearWarmup(0.1, { warmupSteps: Number.POSITIVE_INFINITY }), 'INVALID_OPTION', /warmupSteps is Infinity; it must be a positive integer/);
    // 2.5 steps ramped past the peak: 0.004, 0.008, 0.012, then 0.01
    invalid(() => linearWarmup(0.01, { warmupSteps: 2.5 }), 'INVALID_OPTION', /warmupSteps is 2.5; it must be a positive integer/);
  });

  it('schedules refuse option names they do not take (a misspelt name was ignored)', () => {
    invalid(() => stepDecay(0.1, { every: 10, factor: 0.5, gamma: 0.1 } as never), 'INVALID_OPTION', /^stepDecay options has unknown option\(s\) gamma; allowed: every, factor$/);
    invalid(() => exponentialDecay(0.1, { rate: 0.5, decaySteps: 10, decay_steps: 100 } as never), 'INVALID_OPTION', /^exponentialDecay options has unknown option\(s\) decay_steps; allowed: rate, decaySteps$/);
    invalid(() => cosineDecay(0.1, { totalSteps: 10, min: 0.01 } as never), 'INVALID_OPTION', /^cosineDecay options has unknown option\(s\) min; allowed: totalSteps, minimum$/);
    invalid(() => linearWarmup(0.1, { warmupSteps: 10, then: 0.01 } as never), 'INVALID_OPTION', /^linearWarmup options has unknown option\(s\) then; allowed: warmupSteps, after$/);
    // names set to undefined pass (options spread from others)
    expect(cosineDecay(0.1, { totalSteps: 10, minimum: undefined })(10)).toBe(0);
  });

  it('createOptimizer needs settings', () => {
    const before = tf.memory().numTensors;
    invalid(() => createOptimizer(null as never), 'INVALID_OPTION', /optimizer options is null; it must be an object/);
    invalid(() => createOptimizer({ name: 'sgd', learningRate: '0.1' as never }), 'INVALID_OPTION', /learningRate is "0\.1"/);
    invalid(() => createOptimizer({ name: 'toString' as never }), 'INVALID_OPTION', /unknown optimizer "toString"; allowed: sgd, momentum, adagrad, adadelta, rmsprop, adam/);
    invalid(() => createOptimizer({ name: 'sgd', lr: 0.5 } as never), 'INVALID_OPTION', /optimizer options has unknown option\(s\) lr; allowed: name, learningRate, momentum/);
    invalid(() => createOptimizer({ name: 'sgd', beta1: 0.5 }), 'INVALID_OPTION', /the sgd optimizer does not take beta1; it takes name, learningRate$/);
    invalid(() => createOptimizer({ name: 'adam', momentum: 0.9, nesterov: true }), 'INVALID_OPTION', /the adam optimizer does not take momentum, nesterov/);
    for (const name of ['momentum', 'rmsprop'] as const) {
      for (const momentum of [-0.1, 5, Number.NaN]) invalid(() => createOptimizer({ name, momentum }), 'INVALID_OPTION', new RegExp(`momentum is ${momentum}; it must be a number from 0 to 1`));
    }
    disposeOptimizer(createOptimizer({ name: 'rmsprop', momentum: 1, rho: 0.9, epsilon: 1e-6, learningRate: 0.01, beta1: undefined }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('splits take the Int32Array labels that extractImages returns, and refuse what is not a list of labels', () => {
    const labels = Int32Array.of(0, 1, 0, 1, 0, 1, 2, 2);
    expect(stratifiedSplit(labels, { validationFraction: 0.5, seed: 3 })).toEqual(stratifiedSplit(Array.from(labels), { validationFraction: 0.5, seed: 3 }));
    expect(kFold(labels, 2, { seed: 3 })).toEqual(kFold(Array.from(labels), 2, { seed: 3 }));
    invalid(() => kFold(null as never, 2), 'INVALID_INPUT', /labels is null; it must be an array \(or typed array\) of class indices/);
    invalid(() => stratifiedSplit('0011' as never), 'INVALID_INPUT', /labels is "0011"/);
    invalid(() => kFold([0, 0, 1, 1], '2' as never), 'INVALID_OPTION', /k is "2"; it must be an integer from 2/);
    invalid(() => stratifiedSplit([0, 0, 1, 1], { seed: Number.NaN }), 'INVALID_OPTION', /seed is NaN; it must be an integer/);
    // one stream per call: class 1 of seed s was shuffled as class 0 of seed s + 1 (seed++ per class)
    const twoClasses = Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1));
    for (let seed = 1; seed <= 5; seed++) {
      const classOne = stratifiedSplit(twoClasses, { validationFraction: 0.3, seed }).validation.filter((i) => i >= 10).map((i) => i - 10).sort((a, b) => a - b);
      const classZeroNext = stratifiedSplit(twoClasses, { validationFraction: 0.3, seed: seed + 1 }).validation.filter((i) => i < 10).sort((a, b) => a - b);
      expect(classOne, `seed ${seed}`).not.toEqual(classZeroNext);
    }
    // seed 1.5 was truncated to seed 1's split
    invalid(() => stratifiedSplit([0, 0, 1, 1], { seed: 1.5 }), 'INVALID_OPTION', /seed is 1.5; it must be an integer/);
    invalid(() => kFold([0, 0, 1, 1], 2, { seed: Number.POSITIVE_INFINITY }), 'INVALID_OPTION', /seed is Infinity/);
    invalid(() => stratifiedSplit(Float32Array.of(0, 0.5, 1, 1) as never), 'INVALID_INPUT', /label 0\.5 at index 1 is not a class index/);
  });

  it('splits refuse option names they do not take (a misspelt validation fraction gave the default 0.2)', () => {
    invalid(() => stratifiedSplit([0, 0, 1, 1], { validation: 0.5 } as never), 'INVALID_OPTION', /^split options has unknown option\(s\) validation; allowed: validationFraction, seed$/);
    invalid(() => kFold([0, 0, 1, 1], 2, { seed: 1, shuffle: false } as never), 'INVALID_OPTION', /^k-fold options has unknown option\(s\) shuffle; allowed: seed$/);
    expect(stratifiedSplit([0, 0, 1, 1], { validationFraction: 0.5, seed: undefined }).validation).toHaveLength(2);
  });

  it('stratifiedSplit never returns an empty side, and batchIndices needs a count of examples', () => {
    invalid(() => stratifiedSplit([0, 1], 0.5 as never), 'INVALID_OPTION', /split options is 0\.5; it must be an object/);
    invalid(() => stratifiedSplit([0, 1], { validationFraction: 0.5 }), 'INVALID_INPUT', /no class has two or more examples/);
    invalid(() => stratifiedSplit([0, 0, 1, 1], { validationFraction: '0.2' as never }), 'INVALID_OPTION', /validationFraction is "0\.2"/);
    const { train, validation } = stratifiedSplit([0, 0, 1], { validationFraction: 0.5, seed: 1 });
    expect([train.length, validation.length]).toEqual([2, 1]);
    for (const [count, shown] of [[-1, '-1'], [1.5, '1.5'], [Number.NaN, 'NaN']] as const) {
      invalid(() => batchIndices(count, 4), 'INVALID_INPUT', new RegExp(`count is ${shown}; it must be a non-negative integer`));
    }
  });
});
