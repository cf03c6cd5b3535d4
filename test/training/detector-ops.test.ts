import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largestTensorDifference } from '../helpers/tensor-differences';
import { assignTargets, detectorLoss } from '../../src/training/detector/detector-loss';
import { matMulTransposed, trainableConv } from '../../src/training/detector/trainable-conv';
import { shapeScenes } from '../helpers/scenes';

let previousBackend = '';
beforeAll(async () => {
  previousBackend = tf.getBackend();
});
afterAll(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
});

describe('detector ops: gradients computed with forward kernels only', () => {
  it.each([
    ['same', 3, 8],
    ['same', 1, 8],
    ['down', 2, 4],
  ] as const)('trainableConv %s, kernel %i, output side %i: matches tf.conv2d and its autograd (cpu reference) on wasm', async (kind, k, outSide) => {
    await tf.setBackend('cpu');
    const inputs = [tf.randomNormal([3, 8, 8, 5], 0, 1, 'float32', 1), tf.randomNormal([k, k, 5, 7], 0, 1, 'float32', 2), tf.randomNormal([7], 0, 1, 'float32', 3)];
    const weight = tf.randomNormal([3, outSide, outSide, 7], 0, 1, 'float32', 4);
    const stride = kind === 'down' ? 2 : 1;
    const reference = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, kind === 'down' ? 'valid' : 'same'), b).mul(weight).sum())(inputs);
    const expected = tf.add(tf.conv2d(inputs[0] as tf.Tensor4D, inputs[1] as tf.Tensor4D, stride, kind === 'down' ? 'valid' : 'same'), inputs[2]);
    await tf.setBackend('wasm');
    const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => trainableConv(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, kind);
    const got = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => f(x, w, b).mul(weight).sum())(inputs);
    expect(largestTensorDifference([f(inputs[0], inputs[1], inputs[2])], [expected])).toBeLessThan(1e-4);
    expect(largestTensorDifference(got, reference)).toBeLessThan(1e-4);
    tf.dispose([...inputs, weight, ...reference, expected, ...got]);
  });

  it('matMulTransposed matches tf.matMul(a, b, false, true) and its gradients', async () => {
    await tf.setBackend('wasm');
    const a = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 5);
    const b = tf.randomNormal([2, 6, 3], 0, 1, 'float32', 6);
    const weight = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 7);
    const reference = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, false, true).mul(weight).sum())([a, b]);
    const got = tf.grads((x: tf.Tensor, y: tf.Tensor) => matMulTransposed(x as tf.Tensor3D, y as tf.Tensor3D).mul(weight).sum())([a, b]);
    expect(largestTensorDifference([matMulTransposed(a as tf.Tensor3D, b as tf.Tensor3D)], [tf.matMul(a, b, false, true)])).toBeLessThan(1e-5);
    expect(largestTensorDifference(got, reference)).toBeLessThan(1e-5);
  });
});

describe('detector targets of boxes that reach past the image', () => {
  it('assign the cell of the part inside the image and regress to that part (a corner box threw a TypeError; a side box took a cell outside it)', () => {
    // 32 px: a 4 × 4 grid of 8 px cells, centres at 4, 12, 20, 28
    const scene = (box: { x1: number; y1: number; x2: number; y2: number }) => ({ objects: [{ box, classId: 1 }] }) as never;
    const corner = assignTargets([scene({ x1: -40, y1: -40, x2: 4, y2: 4 })], { inputSize: 32, numClasses: 2 });
    expect([...corner.positive.keys()].filter((i) => corner.positive[i])).toEqual([0]);
    expect(Array.from(corner.boxes.subarray(0, 4))).toEqual([0, 0, 4, 4]);
    const side = assignTargets([scene({ x1: -40, y1: 10, x2: 4, y2: 20 })], { inputSize: 32, numClasses: 2 });
    expect([...side.positive.keys()].filter((i) => side.positive[i])).toEqual([4]); // centre (4, 12), not cell 1 at (12, 4)
    expect(Array.from(side.boxes.subarray(16, 20))).toEqual([0, 10, 4, 20]);
    expect(Array.from(side.classes.subarray(8, 10))).toEqual([0, 1]);
    // a box past the far edges: the cells under its visible part, its target cut at 32
    const far = assignTargets([scene({ x1: 10, y1: 10, x2: 90, y2: 90 })], { inputSize: 32, numClasses: 2 });
    expect([...far.positive.keys()].filter((i) => far.positive[i])).toEqual([5, 6, 7, 9, 10, 11, 13, 14, 15]);
    expect(Array.from(far.boxes.subarray(15 * 4, 16 * 4))).toEqual([10, 10, 32, 32]);
  });
});

describe('detector mask loss', () => {
  it('over the positive cells\' slots equals the loss over every cell with zero weight elsewhere: value and gradients', async () => {
    await tf.setBackend('wasm');
    const scenes = await shapeScenes(16, 5);
    const t = assignTargets(scenes, { inputSize: 64, numClasses: 3, numPrototypes: 8 });
    const [b, n, p, m, k] = [16, 64, 1024, 8, t.maskSlots ?? 0];
    // every positive cell holds exactly one slot of its own scene, and slots hold nothing else
    const slotted = new Float32Array(b * n);
    for (let s = 0; s < b; s++) for (let slot = 0; slot < k; slot++) for (let cell = 0; cell < n; cell++) slotted[s * n + cell] += t.slotCells![(s * k + slot) * n + cell];
    expect(slotted).toEqual(t.positive);
    // a slot's mask is its cell's object's: coverage fractions of 2×2 pixels adding up to the object's area
    for (let s = 0; s < b; s++) for (let slot = 0; slot < k; slot++) for (let cell = 0; cell < n; cell++) {
      if (!t.slotCells![(s * k + slot) * n + cell]) continue;
      const box = Array.from(t.boxes.subarray((s * n + cell) * 4, (s * n + cell + 1) * 4));
      const object = scenes[s].objects.find((o) => [o.box.x1, o.box.y1, o.box.x2, o.box.y2].every((v, i) => v === box[i]))!;
      const covered = t.masks!.subarray((s * k + slot) * p, (s * k + slot + 1) * p).reduce((sum, v) => sum + v, 0);
      expect(covered * 4).toBeCloseTo(object.mask!.reduce((sum, v) => sum + v, 0), 2);
    }
    // the same targets laid out over every cell, as the loss once computed them
    const dense = new Float32Array(b * n * p);
    const denseWeights = new Float32Array(b * n * p);
    for (let s = 0; s < b; s++) for (let slot = 0; slot < k; slot++) for (let cell = 0; cell < n; cell++) {
      if (!t.slotCells![(s * k + slot) * n + cell]) continue;
      const row = s * k + slot;
      dense.set(t.masks!.subarray(row * p, (row + 1) * p), (s * n + cell) * p);
      denseWeights.set(t.maskWeights!.subarray(row * p, (row + 1) * p), (s * n + cell) * p);
    }
    const before = tf.memory().numTensors;
    const coefficients = tf.randomNormal([b, n, m], 0, 1, 'float32', 1);
    const prototypes = tf.randomNormal([b, p, m], 0, 1, 'float32', 2);
    const head = { clsLogits: tf.zeros([b, n, 3]) as tf.Tensor3D, boxes: tf.zeros([b, n, 4]) as tf.Tensor3D };
    const bce = (l: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.relu(l).sub(l.mul(y)).add(tf.log1p(tf.exp(tf.abs(l).neg())));
    const everyCell = (c: tf.Tensor, pr: tf.Tensor): tf.Scalar =>
      bce(matMulTransposed(c as tf.Tensor3D, pr as tf.Tensor3D), tf.tensor3d(dense, [b, n, p])).mul(tf.tensor3d(denseWeights, [b, n, p])).sum().div(t.numPositive) as tf.Scalar;
    const slots = (c: tf.Tensor, pr: tf.Tensor): tf.Scalar => detectorLoss({ ...head, coefficients: c as tf.Tensor3D, prototypes: pr as tf.Tensor3D }, t).mask;
    const [a, z] = [tf.tidy(() => everyCell(coefficients, prototypes).dataSync()[0]), tf.tidy(() => slots(coefficients, prototypes).dataSync()[0])];
    expect(a).toBeGreaterThan(0.1);
    expect(Math.abs(a - z)).toBeLessThan(1e-6 * a);
    const expected = tf.grads(everyCell)([coefficients, prototypes]);
    const got = tf.grads(slots)([coefficients, prototypes]);
    expect(largestTensorDifference(got, expected)).toBeLessThan(1e-8);
    for (const g of expected) expect(tf.tidy(() => tf.abs(g).max().dataSync()[0])).toBeGreaterThan(1e-4); // gradients that are not all zero
    tf.dispose([coefficients, prototypes, head.clsLogits, head.boxes, ...expected, ...got]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
