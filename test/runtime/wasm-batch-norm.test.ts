// The wasm backend's SIMD batch normalisation against tfjs-wasm's own kernel (deep-imported and
// set up on the same backend): bit-identical over channel counts with and without a scalar tail,
// size-1 and missing parameters, NaN / Infinity / subnormal values; non-float32 and mismatched
// parameters still go to tfjs' kernel; and a real BatchNormalization layer gives the same bits
// through either kernel.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
// a deep import of the kernel the SDK replaces
import { fusedBatchNormConfig as tfjsBatchNorm } from '@tensorflow/tfjs-backend-wasm/dist/kernels/FusedBatchNorm.js';
import { describe, expect, it } from 'vitest';
import { useFastWasmBatchNorm } from '../../src/runtime/wasm-batch-norm';
import { onBackendForFile } from '../helpers/file-backend';

onBackendForFile('wasm', () => tfjsBatchNorm.setupFunc!(tf.backend()));

/** Seeded values in [-scale, scale), with a few specials where `specials` is set. */
function values(n: number, seed: number, scale = 10, specials = false): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  if (specials && n >= 6) out.set([Number.NaN, Infinity, -Infinity, 1e-42, -0, 3.4e38], Math.floor(n / 3));
  return out;
}

interface Inputs {
  x: tf.Tensor;
  mean: tf.Tensor;
  variance: tf.Tensor;
  offset?: tf.Tensor;
  scale?: tf.Tensor;
}

/** The outputs of the registered kernel and of tfjs' own for the same inputs, as bits. */
function bothKernels(inputs: Inputs, varianceEpsilon: number): { ours: Int32Array; theirs: Int32Array } {
  const run = (useTheirs: boolean): Int32Array => {
    // tfjs' kernel called directly gives an untracked TensorInfo; the engine's run gives a tensor
    const tensor = useTheirs
      ? tf.engine().makeTensorFromTensorInfo(tfjsBatchNorm.kernelFunc({ inputs: inputs as unknown as tf.NamedTensorInfoMap, backend: tf.backend(), attrs: { varianceEpsilon } }) as tf.TensorInfo)
      : (tf.engine().runKernel('FusedBatchNorm', inputs as unknown as tf.NamedTensorMap, { varianceEpsilon }) as unknown as tf.Tensor);
    const bits = new Int32Array(Float32Array.from(tensor.dataSync()).buffer);
    tensor.dispose();
    return bits;
  };
  return { ours: run(false), theirs: run(true) };
}

function expectSameBits(a: Int32Array, b: Int32Array): void {
  expect(a.length).toBe(b.length);
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    const bothNaN = Number.isNaN(new Float32Array(a.buffer)[i]) && Number.isNaN(new Float32Array(b.buffer)[i]);
    if (a[i] !== b[i] && !bothNaN) differing++;
  }
  expect(differing).toBe(0);
}

describe('SIMD batch normalisation on wasm', () => {
  it('is installed in place of tfjs-wasm’s own kernel', () => {
    expect(tf.getKernel('FusedBatchNorm', 'wasm')!.kernelFunc).not.toBe(tfjsBatchNorm.kernelFunc);
    useFastWasmBatchNorm(); // a second call changes nothing
    expect(tf.getBackend()).toBe('wasm');
  });

  for (const [shape, specials] of [
    [[2, 5, 7, 16], true],
    [[1, 3, 3, 3], false],
    [[3, 4, 4, 5], true],
    [[1, 9, 11, 1], false],
    [[2, 6, 6, 19], true],
    [[4, 37], false],
    [[1, 1, 1, 4], false],
  ] as const) {
    it(`equals tfjs' kernel bit for bit: x ${shape.join('×')}${specials ? ' with NaN / ±Infinity / subnormals' : ''}`, () => {
      const c = shape[shape.length - 1];
      const n = (shape as readonly number[]).reduce((a, b) => a * b, 1);
      const variance = values(c, 3, 4).map(Math.abs);
      if (specials) variance[0] = 0; // sqrt(epsilon) alone
      const inputs: Inputs = {
        x: tf.tensor(values(n, 1, 50, specials), [...shape]),
        mean: tf.tensor1d(values(c, 2, 3)),
        variance: tf.tensor1d(variance),
        offset: tf.tensor1d(values(c, 4, 2)),
        scale: tf.tensor1d(values(c, 5, 3)),
      };
      for (const epsilon of [1e-3, 1e-5]) {
        const { ours, theirs } = bothKernels(inputs, epsilon);
        expectSameBits(ours, theirs);
      }
      tf.dispose(Object.values(inputs));
    });
  }

  it('equals tfjs’ kernel with scale or offset given as one value, and counts missing ones as 1 and 0', () => {
    const x = tf.tensor(values(2 * 6 * 6 * 8, 7, 20), [2, 6, 6, 8]);
    const mean = tf.tensor1d(values(8, 8, 2));
    const variance = tf.tensor1d(values(8, 9, 2).map(Math.abs));
    const scale = tf.tensor1d([1.7]);
    const offset = tf.tensor1d([-0.3]);
    const ones = tf.ones([8]);
    const zeros = tf.zeros([8]);
    for (const inputs of [{ x, mean, variance, scale }, { x, mean, variance, offset }, { x, mean, variance, scale, offset }] as Inputs[]) {
      const { ours, theirs } = bothKernels(inputs, 1e-3);
      expectSameBits(ours, theirs);
    }
    // tfjs' kernel reads the tensor with id 0 for a missing scale or offset: compare with explicit ones
    const missing = bothKernels({ x, mean, variance }, 1e-3).ours;
    expectSameBits(missing, bothKernels({ x, mean, variance, scale: ones, offset: zeros }, 1e-3).theirs);
    tf.dispose([x, mean, variance, scale, offset, ones, zeros]);
  });

  it('leaves parameters that do not share one channel count to tfjs’ kernel (same values)', () => {
    // mean per channel (4), variance one value: the backend's loop cycles each parameter on its own
    const x = tf.tensor(values(3 * 4, 11, 5), [3, 4]);
    const inputs: Inputs = { x, mean: tf.tensor1d(values(4, 12, 1)), variance: tf.tensor1d([0.5]), scale: tf.tensor1d(values(2, 13, 1)) };
    const { ours, theirs } = bothKernels(inputs, 1e-3);
    expectSameBits(ours, theirs);
    tf.dispose(Object.values(inputs));
  });

  it('gives a BatchNormalization layer the same bits as tfjs’ kernel, and leaks nothing', () => {
    const layer = tf.layers.batchNormalization({ inputShape: [8, 8, 12] });
    const model = tf.sequential({ layers: [layer] });
    layer.setWeights([tf.tensor1d(values(12, 21, 2)), tf.tensor1d(values(12, 22, 1)), tf.tensor1d(values(12, 23, 1)), tf.tensor1d(values(12, 24, 3).map(Math.abs))]);
    const x = tf.tensor4d(values(2 * 8 * 8 * 12, 25, 30), [2, 8, 8, 12]);
    const [gamma, beta, movingMean, movingVariance] = layer.getWeights();
    const before = tf.memory().numTensors;
    const y = model.predict(x) as tf.Tensor;
    const ours = new Int32Array(Float32Array.from(y.dataSync()).buffer);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const { theirs } = bothKernels({ x, mean: movingMean, variance: movingVariance, offset: beta, scale: gamma }, layer.getConfig().epsilon as number);
    expectSameBits(ours, theirs);
    x.dispose();
    model.dispose();
  });
});
