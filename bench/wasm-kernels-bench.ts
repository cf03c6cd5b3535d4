/**
 * The SDK's SIMD kernels on tfjs-wasm against tfjs-wasm's own, interleaved in one run: batch
 * normalisation alone on a MobileNetV2-sized activation and in MobileNetV2 feature extraction
 * (the nsfwjs backbone, `flatten_1`, 224² images); Maximum / Minimum in FaceRes (the
 * face-embedding model, 27 of each); each pipeline with all of them (`wasm-kernel-pipelines.ts`).
 * The kernels are swapped in the registry before each call;
 * outputs are checked bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { loadMobileNetV2Backbone } from '../src/node/index';
import { createFaceEmbeddingPipeline } from '../src/pipelines/face-embedding/face-embedding-pipeline';
import type { TfjsRunner } from '../src/runtime/tfjs-runner';
import { replacedWasmKernel } from '../src/runtime/wasm-kernel-link';
import type { Section } from './report';
import { compare } from './timing';
import { pipelineSections } from './wasm-kernel-pipelines';


/** Seeded values in [-1, 1) (an LCG), so that a run reproduces. */
function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** Runs `fn` with `configs` registered in place of the wasm kernels of their names, then the SDK's again. */
function withKernels<T>(configs: readonly tf.KernelConfig[], fn: () => T): T {
  const sdk = configs.map((c) => tf.getKernel(c.kernelName, 'wasm')!);
  const use = (list: readonly tf.KernelConfig[]): void => {
    for (const config of list) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  };
  use(configs);
  try {
    return fn();
  } finally {
    use(sdk);
  }
}

/** Whether two bit patterns are the same. */
function identical(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The bits of a tensor's values (disposed). */
function bitsOf(t: tf.Tensor): Int32Array {
  const bits = new Int32Array(Float32Array.from(t.dataSync()).buffer);
  t.dispose();
  return bits;
}

/** The `--only=wasm-kernels` sections of `npm run bench`. */
export async function wasmKernelSections(quick: boolean): Promise<Section[]> {
  // tfjs' own kernels, as selectTfjsBackend found them before it put the SDK's in front
  const [tfjsBatchNorm, tfjsMaximum, tfjsMinimum] = ['FusedBatchNorm', 'Maximum', 'Minimum'].map(replacedWasmKernel);
  if (tf.getBackend() !== 'wasm' || !tfjsBatchNorm || !tfjsMaximum || !tfjsMinimum) {
    throw new Error("the bench needs the wasm backend selected through selectTfjsBackend (the SDK's kernels registered)");
  }
  const sdk = tf.getKernel('FusedBatchNorm', 'wasm')!;
  const withKernel = <T>(config: tf.KernelConfig, fn: () => T): T => withKernels([config], fn);

  // the kernel alone: [batch, 112, 112, 96], MobileNetV2's largest batch-normalised activation
  const batch = 2;
  const x = tf.tensor4d(seeded(batch * 112 * 112 * 96, 1).map((v) => v * 20), [batch, 112, 112, 96]);
  const [mean, variance, offset, scale] = [2, 3, 4, 5].map((seed) => tf.tensor1d(seeded(96, seed).map((v, i) => (seed === 3 ? Math.abs(v) + 0.01 * i : v))));
  // wasm kernels run synchronously: the call alone, no download of the 4 MB-a-image output
  const normalise = (config: tf.KernelConfig) => () => withKernel(config, () => tf.batchNorm(x, mean, variance, offset, scale, 1e-3)).dispose();
  const normalised = (): Int32Array => bitsOf(tf.batchNorm(x, mean, variance, offset, scale, 1e-3));
  const kernelSame = identical(withKernel(sdk, normalised), withKernel(tfjsBatchNorm, normalised));
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
  const predicted = (): Int32Array => bitsOf(backbone.model.predict(input) as tf.Tensor);
  const featuresSame = identical(withKernel(sdk, predicted), withKernel(tfjsBatchNorm, predicted));
  const extractStats = await compare(
    [
      { name: 'MobileNetV2 features, SDK kernel', fn: extract(sdk) },
      { name: "MobileNetV2 features, tfjs-wasm's kernel", fn: extract(tfjsBatchNorm) },
    ],
    { warmup: 1, rounds: quick ? 2 : 4, perRound: quick ? 1 : 3 },
  );
  input.dispose();
  backbone.dispose();

  // FaceRes: 27 Maximum and 27 Minimum clamps, on a batch of 224² face crops
  const describer = await createFaceEmbeddingPipeline({ backend: 'wasm' });
  const faceRes = (describer.runner as TfjsRunner).tfModel as tf.GraphModel;
  const crops = quick ? 1 : 3;
  const faceInput = tf.tensor4d(seeded(crops * 224 * 224 * 3, 11).map((v) => (v + 1) / 2), [crops, 224, 224, 3]);
  const embedding = describer.faceSpec.faceEmbedding.embeddingOutput;
  const describe = (): tf.Tensor => faceRes.execute(faceInput, embedding) as tf.Tensor;
  const tfjsMinMax = [tfjsMaximum, tfjsMinimum];
  const embeddingsSame = identical(bitsOf(describe()), withKernels(tfjsMinMax, () => bitsOf(describe())));
  const embed = (configs: readonly tf.KernelConfig[]) => async () => {
    const t = configs.length > 0 ? withKernels(configs, describe) : describe();
    await t.data();
    t.dispose();
  };
  const faceStats = await compare(
    [
      { name: 'FaceRes, SDK Maximum / Minimum', fn: embed([]) },
      { name: "FaceRes, tfjs-wasm's Maximum / Minimum", fn: embed(tfjsMinMax) },
    ],
    { warmup: 1, rounds: quick ? 2 : 4, perRound: quick ? 1 : 3 },
  );
  faceInput.dispose();
  describer.dispose();

  return [
    {
      id: 'batch-norm-kernel',
      title: `11a. Batch normalisation on tfjs-wasm, the kernel alone: [${batch}, 112, 112, 96] float32`,
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
    {
      id: 'min-max-faceres',
      title: `11c. FaceRes (face embedding, 27 Maximum + 27 Minimum), ${crops} face crops of 224², wasm`,
      reference: faceStats[0].name,
      rows: faceStats,
      summary: { "tfjs' kernels / SDK kernels": faceStats[1].ratio, 'embeddings bit-identical': embeddingsSame ? 'yes' : 'NO' },
    },
    ...(await pipelineSections(quick)),
  ];
}
