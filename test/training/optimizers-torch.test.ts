/**
 * Optimiser steps against PyTorch's (`torch.optim`, float64, run by `/usr/bin/python3`): a
 * softmax regression on fixed random data, six full-batch steps from the same weights.
 * tfjs 4.22's Adadelta divided by the previous squared-gradient average (its first step was the
 * plain gradient: weights 1.26 from torch's after six steps); ours steps as TensorFlow and
 * PyTorch do; its Adagrad divided by √(G + ε) (weights 2.3e-4 from torch's with torch's
 * defaults), ours by √G + ε as TensorFlow and PyTorch.
 */
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';
import { type OptimizerOptions, createOptimizer, disposeOptimizer } from '../../src/training/optimizers';
import { rng } from '../explain/presence-scenes';

const STEPS = 6;
const random = rng(11);
const normal = (n: number): number[] => Array.from({ length: n }, () => Math.round((random() * 2 - 1) * 1000) / 1000);
const data = { x: normal(8 * 4), y: [0, 2, 1, 1, 0, 2, 2, 1], w: normal(4 * 3), b: normal(3) };

/** torch's weights (W then b, flat) after the steps, for a torch.optim class and its keyword arguments. */
function torchWeights(optimizer: string, settings: Record<string, unknown>): number[] {
  const script = `
import json, sys, torch
d = json.load(sys.stdin)
x = torch.tensor(d['x'], dtype=torch.float64).reshape(8, 4); y = torch.tensor(d['y'])
w = torch.tensor(d['w'], dtype=torch.float64).reshape(4, 3).requires_grad_(); b = torch.tensor(d['b'], dtype=torch.float64).requires_grad_()
opt = getattr(torch.optim, d['optimizer'])([w, b], **d['settings'])
for _ in range(d['steps']):
    opt.zero_grad(); torch.nn.functional.cross_entropy(x @ w + b, y).backward(); opt.step()
print(json.dumps(w.detach().flatten().tolist() + b.detach().tolist()))`;
  const run = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ ...data, optimizer, settings, steps: STEPS }), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as number[];
}

/** Our weights after the same steps. */
function ourWeights(options: OptimizerOptions): number[] {
  const w = tf.variable(tf.tensor2d(data.w, [4, 3]));
  const b = tf.variable(tf.tensor1d(data.b));
  const x = tf.tensor2d(data.x, [8, 4]);
  const labels = tf.oneHot(tf.tensor1d(data.y, 'int32'), 3);
  const optimizer = createOptimizer(options);
  for (let i = 0; i < STEPS; i++) optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(x, w), b)) as tf.Scalar);
  const weights = [...w.dataSync(), ...b.dataSync()];
  disposeOptimizer(optimizer);
  tf.dispose([w, b, x, labels]);
  return weights;
}

describe('optimiser steps equal torch.optim', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'cpu' });
  });

  it.each([
    ['adadelta', { name: 'adadelta', learningRate: 1, rho: 0.9, epsilon: 1e-6 }, 'Adadelta', { lr: 1, rho: 0.9, eps: 1e-6 }],
    ['adadelta (defaults)', { name: 'adadelta' }, 'Adadelta', { lr: 1, rho: 0.95, eps: 1e-7 }],
    ['momentum (nesterov)', { name: 'momentum', learningRate: 0.1, momentum: 0.9, nesterov: true }, 'SGD', { lr: 0.1, momentum: 0.9, nesterov: true }],
    ['adam', { name: 'adam', learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-8 }, 'Adam', { lr: 0.05, betas: [0.8, 0.99], eps: 1e-8 }],
    ["adagrad (torch's defaults: accumulator 0, ε 1e-10)", { name: 'adagrad', learningRate: 0.3, initialAccumulatorValue: 0, epsilon: 1e-10 }, 'Adagrad', { lr: 0.3 }],
    ["adagrad (defaults: TensorFlow's accumulator 0.1, ε 1e-7)", { name: 'adagrad', learningRate: 0.3 }, 'Adagrad', { lr: 0.3, initial_accumulator_value: 0.1, eps: 1e-7 }],
  ] as const)('%s', (_name, ours, theirs, settings) => {
    const expected = torchWeights(theirs, settings);
    const got = ourWeights(ours as OptimizerOptions);
    const largest = Math.max(...got.map((v, i) => Math.abs(v - expected[i])));
    expect(largest).toBeLessThan(1e-4);
    // the steps moved the weights well beyond that (Adadelta's first steps are small: about √ε each)
    expect(Math.max(...got.map((v, i) => Math.abs(v - [...data.w, ...data.b][i])))).toBeGreaterThan(5e-3);
  });
});
