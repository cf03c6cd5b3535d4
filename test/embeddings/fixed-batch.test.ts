// runBatch on a model whose input has a fixed batch size (as an ONNX export [8, 3, 224, 224]
// often has): every model call gets exactly that many images, the last chunk padded, the padded
// rows dropped; a fixed batch of 1 runs one image at a time. A tiny tfjs layers model built here
// (no download) with the same weights and a dynamic batch axis gives the reference embeddings.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../../src/core/image-input';
import { MOBILENET_V2_FEATURES } from '../../src/models/embedding-cards';
import type { ModelSpec } from '../../src/models/model-spec';
import { TfjsRunner, pipeline, selectTfjsBackend } from '../../src/node/index';

/** Conv 1×1 (4 filters, seeded) over an 8×8 RGB input, batch axis fixed to `batch` (null: dynamic). */
function tinyModel(batch: number | null): tf.LayersModel {
  const input = tf.input({ batchShape: [batch, 8, 8, 3] });
  const conv = tf.layers.conv2d({ name: 'features', filters: 4, kernelSize: 1, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }), biasInitializer: 'ones' });
  return tf.model({ inputs: input, outputs: conv.apply(input) as tf.SymbolicTensor });
}

/** An 8×8 RGB image with a seeded pattern. */
const image = (seed: number): RawImage => ({
  data: Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (seed * 53 + ((i * (seed + 3) * 29) % 97) * 2) % 256),
  width: 8,
  height: 8,
  channels: 3,
});

const CARD = { ...MOBILENET_V2_FEATURES, input: { width: 8, height: 8, fit: 'stretch', normalization: 'unit' } } satisfies ModelSpec;
const POOLED: ModelSpec = { ...CARD, id: 'tiny-pooled', family: 'pooled-output', outputs: undefined };
const LAYERS: ModelSpec = { ...CARD, id: 'tiny-layers', family: 'layer-features', outputs: ['features'] };

describe('image-feature-extraction runBatch on a model with a fixed batch size', () => {
  let reference: Float32Array[];
  const images = Array.from({ length: 7 }, (_, i) => image(i + 1));

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    const dynamic = new TfjsRunner(tinyModel(null), 'wasm');
    const embedder = await pipeline('image-feature-extraction', { model: dynamic, spec: POOLED, batchSize: 16 });
    reference = (await embedder.runBatch(images)).embeddings;
    embedder.dispose();
    dynamic.dispose();
  });

  for (const batch of [3, 1]) {
    for (const spec of [POOLED, LAYERS]) {
      it(`fixed batch ${batch}, family ${spec.family}: pads the last chunk, drops the padding, leaks nothing`, async () => {
        const model = tinyModel(batch);
        const runner = new TfjsRunner(model, 'wasm');
        expect(runner.inputs[0].shape).toEqual([batch, 8, 8, 3]);
        const calls: number[] = [];
        const run = runner.run.bind(runner);
        runner.run = (feeds, options) => {
          calls.push((Object.values(feeds)[0] as tf.Tensor).shape[0]);
          return run(feeds, options);
        };
        const embedder = await pipeline('image-feature-extraction', { model: runner, spec, batchSize: 4 });
        calls.length = 0; // the creation probe
        const before = tf.memory().numTensors;
        const { embeddings, imageSizes } = await embedder.runBatch(images);
        expect(tf.memory().numTensors).toBe(before);
        // 3 + 3 + 1 (padded to 3), or 7 × 1 (a layer-features cut runs on its own runner)
        if (spec.family === 'pooled-output') expect(calls).toEqual(Array.from({ length: Math.ceil(7 / batch) }, () => batch));
        expect(embeddings).toHaveLength(7);
        expect(imageSizes).toHaveLength(7);
        embeddings.forEach((e, i) => e.forEach((v, j) => expect(v).toBeCloseTo(reference[i][j], 5)));
        // a single image and a batch shorter than the model's are padded too
        expect(Array.from((await embedder.run(images[4])).embedding)).toEqual(Array.from(embeddings[4]));
        expect((await embedder.runBatch(images.slice(0, 2))).embeddings.map((e) => Array.from(e))).toEqual(embeddings.slice(0, 2).map((e) => Array.from(e)));
        expect(tf.memory().numTensors).toBe(before);
        embedder.dispose();
        runner.dispose();
      });
    }
  }
});

describe('image-feature-extraction: features a model overflowed', () => {
  it('NaN or ±Infinity features are INFERENCE_FAILED naming the model (and the image of a batch), not a NaN embedding', async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    // a 1×1 convolution of weight 3e38: a bright pixel overflows float32 to Infinity, a black one gives 0
    const input = tf.input({ batchShape: [null, 8, 8, 3] });
    const conv = tf.layers.conv2d({ name: 'features', filters: 2, kernelSize: 1, kernelInitializer: tf.initializers.constant({ value: 3e38 }), biasInitializer: 'zeros' });
    const overflowing = new TfjsRunner(tf.model({ inputs: input, outputs: conv.apply(input) as tf.SymbolicTensor }), 'wasm');
    const embedder = await pipeline('image-feature-extraction', { model: overflowing, spec: POOLED });
    const black: RawImage = { data: new Uint8Array(8 * 8 * 3).fill(0), width: 8, height: 8, channels: 3 };
    const white: RawImage = { data: new Uint8Array(8 * 8 * 3).fill(255), width: 8, height: 8, channels: 3 };
    const because = "; they have no direction to compare (a half-precision model that overflowed? run it in float32)";
    await expect(embedder.run(white)).rejects.toMatchObject({ code: 'INFERENCE_FAILED', message: `model 'tiny-pooled' gave features holding NaN or ±Infinity${because}` });
    await expect(embedder.runBatch([black, white])).rejects.toMatchObject({ code: 'INFERENCE_FAILED', message: `model 'tiny-pooled' gave features holding NaN or ±Infinity for image 1${because}` });
    // a black image's features are all zero: the embedding is zeros (no direction), not an error
    expect(Array.from((await embedder.run(black)).embedding)).toEqual([0, 0]);
    embedder.dispose();
  });
});
