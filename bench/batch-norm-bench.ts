/**
 * The SDK's SIMD batch normalisation on tfjs-wasm against tfjs-wasm's own kernel, interleaved in
 * one run: the kernel alone on a MobileNetV2-sized activation, and MobileNetV2 feature
 * extraction (the nsfwjs backbone, `flatten_1`) on a batch of 224² images. The two kernels are
 * swapped in the registry before each call; their outputs are checked bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
// a deep import of the kernel the SDK replaces
import { fusedBatchNormConfig as tfjsBatchNorm } from '@tensorflow/tfjs-backend-wasm/dist/kernels/FusedBatchNorm.js';
import { loadMobileNetV2Backbone } from '../src/node/index';
import type { Section } from './report';
import { compare } from './timing';

const KERNEL = 'FusedBatchNorm';

/** Seeded values in [-1, 1) (an LCG), so that a run reproduces. */
function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** The `--only=batch-norm` section of `npm run bench`. */
export async function batchNormSections(quick: boolean): Promise<Section[]> {
  const sdk = tf.getKernel(KERNEL, 'wasm');
  if (tf.getBackend() !== 'wasm' || !sdk || sdk.kernelFunc === tfjsBatchNorm.kernelFunc) throw new Error('the bench needs the wasm backend selected through selectTfjsBackend');
  tfjsBatchNorm.setupFunc!(tf.backend());
  const use = (config: tf.KernelConfig): void => {
    tf.unregisterKernel(KERNEL, 'wasm');
    tf.registerKernel(config);
  };
  const withKernel = <T>(config: tf.KernelConfig, fn: () => T): T => {
    use(config);
    try {
      return fn();
    } finally {
      use(sdk);
    }
  };

  // the kernel alone: [batch, 112, 112, 96], MobileNetV2's largest batch-normalised activation
  const batch = 2;
  const x = tf.tensor4d(seeded(batch * 112 * 112 * 96, 1).map((v) => v * 20), [batch, 112, 112, 96]);
  const [mean, variance, offset, scale] = [2, 3, 4, 5].map((seed) => tf.tensor1d(seeded(96, seed).map((v, i) => (seed === 3 ? Math.abs(v) + 0.01 * i : v))));
  // wasm kernels run synchronously: the call alone, no download of the 4 MB-a-image output
  const normalise = (config: tf.KernelConfig) => () => withKernel(config, () => tf.batchNorm(x, mean, variance, offset, scale, 1e-3)).dispose();
  const bits = (config: tf.KernelConfig): Int32Array => withKernel(config, () => tf.tidy(() => new Int32Array(tf.batchNorm(x, mean, variance, offset, scale, 1e-3).dataSync().slice().buffer)));
  const [ours, theirs] = [bits(sdk), bits(tfjsBatchNorm)];
  const kernelSame = ours.every((v, i) => v === theirs[i]);
  const kernelStats = await compare(
    [
      { name: 'SDK kernel (SIMD)', fn: normalise(sdk) },
      { name: "tfjs-wasm's FusedBatchNorm", fn: normalise(tfjsBatchNorm) },
    ],
    { warmup: 2, rounds: quick ? 2 : 5, perRound: quick ? 2 : 5 },
  );
  tf.dispose([x, mean, variance, offset, scale]);

  // MobileNetV2 feature extraction: the nsfwjs backbone on a batch of 224² images
  const backbone = await loadMobileNetV2Backbone({ backend: 'wasm' });
  const images = quick ? 4 : 16;
  const input = tf.tensor4d(seeded(images * 224 * 224 * 3, 9).map((v) => (v + 1) / 2), [images, 224, 224, 3]);
  const extract = (config: tf.KernelConfig) => async () => {
    const features = withKernel(config, () => backbone.model.predict(input) as tf.Tensor);
    await features.data();
    features.dispose();
  };
  const features = (config: tf.KernelConfig): Int32Array => withKernel(config, () => tf.tidy(() => new Int32Array((backbone.model.predict(input) as tf.Tensor).dataSync().slice().buffer)));
  const [fOurs, fTheirs] = [features(sdk), features(tfjsBatchNorm)];
  const featuresSame = fOurs.every((v, i) => v === fTheirs[i]);
  const extractStats = await compare(
    [
      { name: 'MobileNetV2 features, SDK kernel', fn: extract(sdk) },
      { name: "MobileNetV2 features, tfjs-wasm's kernel", fn: extract(tfjsBatchNorm) },
    ],
    { warmup: 1, rounds: quick ? 2 : 4, perRound: quick ? 1 : 3 },
  );
  input.dispose();
  backbone.dispose();

  return [
    {
      id: 'batch-norm-kernel',
      title: `11a. Batch normalisation on tfjs-wasm: [${batch}, 112, 112, 96] float32`,
      reference: kernelStats[0].name,
      rows: kernelStats,
      summary: { "tfjs' kernel / SDK kernel": kernelStats[1].ratio, 'outputs bit-identical': kernelSame ? 'yes' : 'NO' },
    },
    {
      id: 'batch-norm-mobilenet',
      title: `11b. MobileNetV2 feature extraction (nsfwjs backbone, flatten_1), ${images} images of 224², wasm`,
      reference: extractStats[0].name,
      rows: extractStats,
      summary: { "tfjs' kernel / SDK kernel": extractStats[1].ratio, 'ms per image, SDK kernel': extractStats[0].median / images, 'features bit-identical': featuresSame ? 'yes' : 'NO' },
    },
  ];
}
