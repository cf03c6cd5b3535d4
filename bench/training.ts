/**
 * Training bench (issue 6): feature extraction speed of the MobileNetV2 backbone on wasm, the
 * epoch time of a head trained on cached embeddings vs end to end (backbone forward on every
 * batch), and — with `--curve` — the Fashion-MNIST learning curve of the softmax head up to
 * 500 training images per class (features cached in `.cache/training/`; the first run
 * extracts 6000 images, several minutes on 2 cores). `--detector` instead trains the
 * TrainableDetector from scratch on generated scenes for 10, 20 and 40 epochs (the test's
 * setup: 640 scenes, batch 16) and prints held-out mAP and mask IoU against steps (~15 min).
 * `--cnn` times a training step of the small CNN on the cpu backend with tfjs' own convolution
 * filter gradient and with the SDK's (src/training/cpu-conv-gradient.ts), alternating, as a ratio.
 *
 *   npx esbuild bench/training.ts --bundle --platform=node --format=esm --packages=external \
 *     --log-level=warning --outfile=.cache/bench/training.mjs && node .cache/bench/training.mjs [--curve | --detector]
 */
import * as tf from '@tensorflow/tfjs';
import { nodePlatform, selectTfjsBackend, setPlatform } from '../src/node/index';
import { MOBILENET_V2_MID_LAYERS, loadMobileNetV2Backbone, type FeatureExtractor } from '../src/pipelines/embeddings/backbone';
import { buildHead, evaluateClassifier, fit } from '../src/training/index';
import { useFastCpuConvGradient } from '../src/training/cpu-conv-gradient';
import { buildSmallCnn } from '../src/training/layers';
import { detectorToLayersModel } from '../src/training/detector/detector-export';
import { TrainableDetector } from '../src/training/detector/detector-model';
import { trainDetector } from '../src/training/detector/train-detector';
import { readFashionMnist, takePerClass } from '../test/helpers/datasets';
import { shapeScenes } from '../test/helpers/scenes';
import { evaluateDetector } from '../test/training/detector-eval';
import { fashionFeatures, fashionSamples, featureTensor } from '../test/training/fashion-embeddings';

/** Held-out mAP and mask IoU of the detector against training length (each run from scratch, its own cosine schedule). */
async function detectorCurve(): Promise<void> {
  const labels = ['circle', 'square', 'triangle'];
  const train = await shapeScenes(640, 1);
  const heldOut = await shapeScenes(200, 2);
  for (const epochs of [10, 20, 40]) {
    const detector = new TrainableDetector({ inputSize: 64, labels, numPrototypes: 8 });
    const result = await trainDetector(detector, train, { epochs, learningRate: 0.01 });
    const model = detectorToLayersModel(detector);
    const boxes = await evaluateDetector(model, heldOut, labels, false);
    const masks = await evaluateDetector(model, heldOut, labels, true);
    console.log(`detector, ${result.steps} steps (${(result.seconds / result.steps * 1000).toFixed(0)} ms/step, batch 16, wasm): held-out mAP@0.5 ${boxes.map50.toFixed(3)}, mAP@[.5:.95] ${boxes.map.toFixed(3)}, mask IoU ${masks.maskIoU.toFixed(3)}`);
    model.dispose();
    detector.dispose();
  }
}

/** ms per training step of the cnn test's small CNN on cpu: tfjs' filter gradient vs the SDK's (alternating rounds). */
async function cnnStepBench(): Promise<void> {
  await selectTfjsBackend({ backend: 'cpu' });
  const conv2DBackpropFilter = tf.getKernel('Conv2DBackpropFilter', 'cpu')!.kernelFunc; // tfjs' own: nothing has trained yet
  useFastCpuConvGradient();
  const sdkKernel = tf.getKernel('Conv2DBackpropFilter', 'cpu')!;
  const use = (kernelFunc: tf.KernelFunc): void => {
    tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
    tf.registerKernel({ ...sdkKernel, kernelFunc });
  };
  const set = takePerClass(readFashionMnist('train'), 16);
  const x = tf.tidy(() => tf.avgPool(tf.tensor4d(set.pixels, [set.count, 28, 28, 1], 'float32').div(255) as tf.Tensor4D, 2, 2, 'valid') as tf.Tensor4D);
  const model = buildSmallCnn({ inputShape: [14, 14, 1], numClasses: 10, filters: [8, 16], dense: 32, batchNorm: true, dropout: 0.1, seed: 1 });
  const labels = Int32Array.from(set.labels);
  const steps = Math.ceil(set.count / 16);
  const times = { tfjs: 0, sdk: 0 };
  for (let round = 0; round < 4; round++) {
    for (const [name, kernelFunc] of [['tfjs', conv2DBackpropFilter], ['sdk', sdkKernel.kernelFunc]] as const) {
      use(kernelFunc);
      const t0 = performance.now();
      await fit(model, { x, labels }, { epochs: 1, batchSize: 16, seed: round });
      if (round > 0) times[name] += (performance.now() - t0) / steps / 3;
    }
  }
  use(sdkKernel.kernelFunc);
  console.log(`small CNN training step (batch 16, 14×14, cpu): tfjs' filter gradient ${times.tfjs.toFixed(0)} ms, the SDK's ${times.sdk.toFixed(0)} ms — ${(times.tfjs / times.sdk).toFixed(1)}× faster`);
  model.dispose();
  x.dispose();
}

async function main(): Promise<void> {
  const curve = process.argv.includes('--curve');
  setPlatform(nodePlatform); // the bundle drops side-effect imports (sideEffects: false)
  await selectTfjsBackend({ backend: 'wasm' });
  if (process.argv.includes('--cnn')) {
    await cnnStepBench();
    return;
  }
  if (process.argv.includes('--detector')) {
    await detectorCurve();
    return;
  }
  const backbone = await loadMobileNetV2Backbone({ backend: 'wasm' });
  const get = async (): Promise<FeatureExtractor> => backbone;

  // 1. feature extraction, examples/s (after one warm-up batch)
  const set = takePerClass(readFashionMnist('train'), 10);
  const samples = fashionSamples(set);
  (await backbone.extractImages(samples.slice(0, 8))).x.dispose();
  let t0 = performance.now();
  const { x: probe } = await backbone.extractImages(samples, { batchSize: 32 });
  const extractSeconds = (performance.now() - t0) / 1000;
  probe.dispose();
  console.log(`feature extraction (MobileNetV2 → 1280, 224×224, wasm): ${(samples.length / extractSeconds).toFixed(1)} images/s (${samples.length} images in ${extractSeconds.toFixed(1)} s)`);

  // 2. epoch time: head on cached embeddings vs end to end, per 1000 examples
  const train = await fashionFeatures(get, 'train', 100);
  const x = featureTensor(train);
  const head = buildHead('softmax', { inputDim: train.dim, numClasses: 10, seed: 1 });
  await fit(head, { x, labels: train.labels }, { epochs: 1 }); // warm-up
  t0 = performance.now();
  await fit(head, { x, labels: train.labels }, { epochs: 3, batchSize: 32 });
  const cachedEpoch = (performance.now() - t0) / 3 / (train.labels.length / 1000);
  const { x: images } = await import('../src/preprocess/image-batch').then((d) => d.imagesToTensors(samples, backbone.input));
  t0 = performance.now();
  for (let start = 0; start < samples.length; start += 32) {
    const features = await backbone.extract(tf.slice(images, start, Math.min(32, samples.length - start)) as tf.Tensor4D);
    await fit(head, { x: features, labels: Int32Array.from(set.labels.slice(start, start + 32)) }, { epochs: 1, batchSize: 32 });
    features.dispose();
  }
  const endToEnd = (performance.now() - t0) / (samples.length / 1000);
  images.dispose();
  console.log(`head epoch per 1000 examples: cached embeddings ${cachedEpoch.toFixed(0)} ms, end to end (backbone forward each batch) ${(endToEnd / 1000).toFixed(1)} s — ${(endToEnd / cachedEpoch).toFixed(0)}× slower`);
  head.dispose();
  x.dispose();

  // 3. learning curves: the default cut (flatten_1, 1280) and the mid-level layers (1536)
  if (curve) {
    const mid = await loadMobileNetV2Backbone({ backend: 'wasm', layers: MOBILENET_V2_MID_LAYERS });
    for (const [name, tag, getFeatures] of [
      ['flatten_1', '', get],
      ['mid-level (MOBILENET_V2_MID_LAYERS)', 'mid', async () => mid],
    ] as const) {
      const all = await fashionFeatures(getFeatures, 'train', 500, tag);
      const test = await fashionFeatures(getFeatures, 'test', 100, tag);
      const xTest = featureTensor(test);
      console.log(`learning curve, MobileNetV2 ${name} features (${all.dim}):`);
      for (const perClass of [25, 50, 100, 200, 500]) {
        const counts = new Array<number>(10).fill(0);
        const rows = Array.from(all.labels.keys()).filter((i) => counts[all.labels[i]]++ < perClass);
        const xs = featureTensor(all, rows);
        const kinds = perClass >= 200 ? (['softmax', 'mlp'] as const) : (['softmax'] as const);
        for (const kind of kinds) {
          const h = buildHead(kind, { inputDim: all.dim, numClasses: 10, seed: 1, hidden: 256 });
          await fit(h, { x: xs, labels: Int32Array.from(rows, (i) => all.labels[i]) }, { epochs: 30, optimizer: { name: 'adam', learningRate: 1e-3 }, seed: 1 });
          const { accuracy } = await evaluateClassifier(h, { x: xTest, labels: test.labels });
          console.log(`  ${kind} head, ${perClass} per class: test accuracy ${accuracy.toFixed(3)} (1000 test images)`);
          h.dispose();
        }
        xs.dispose();
      }
      xTest.dispose();
    }
    mid.dispose();
  }
  backbone.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
