/**
 * A model's image input against its card, at creation: a fixed batch over 1, other than three
 * channels, the other layout, an element type the card cannot feed — each failed every run with
 * an error blaming the image. And byte-image models (a uint8 input, as tf2onnx exports of
 * TensorFlow detectors take), which no pipeline could feed, run on int32 pixels made bytes:
 * an ONNX colour classifier with a uint8 NHWC input (built here) gives its known answers.
 */
import { describe, expect, it } from 'vitest';
import { onnx } from 'onnx-proto';
import { type ModelRunner, type ModelSpec, type RawImage, loadModel, pipeline } from '../../src/node/index';
import type { TensorInfo } from '../../src/runtime/model-runner';
import { buildOnnxModel } from '../helpers/onnx-builder';

/** NHWC uint8 `image` [batch, 32, 32, 3] → float → NCHW → /255 → mean per channel × 10 = `logits`. */
function byteColourModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'image', type: onnx.TensorProto.DataType.UINT8, dims: ['batch', 32, 32, 3] }],
    outputs: [{ name: 'logits', dims: ['batch', 3] }],
    initializers: [
      { name: 'w', dims: [3, 3], values: [10, 0, 0, 0, 10, 0, 0, 0, 10] },
      { name: 'scale', dims: [], values: [255] },
    ],
    nodes: [
      { op: 'Cast', inputs: ['image'], outputs: ['floats'], attributes: { to: onnx.TensorProto.DataType.FLOAT } },
      { op: 'Transpose', inputs: ['floats'], outputs: ['nchw'], attributes: { perm: [0, 3, 1, 2] } },
      { op: 'Div', inputs: ['nchw', 'scale'], outputs: ['unit'] },
      { op: 'GlobalAveragePool', inputs: ['unit'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['flat', 'w'], outputs: ['logits'] },
    ],
  });
}

const card = (input: Partial<ModelSpec['input']> = {}, task: ModelSpec['task'] = 'image-classification'): ModelSpec =>
  ({
    id: 'probe', task, family: task === 'image-classification' ? 'logits' : 'pooled-output', format: 'onnx', location: { url: 'probe.onnx' },
    input: { width: 32, height: 32, fit: 'stretch', normalization: 'none', ...input }, labels: task === 'image-classification' ? ['red', 'green', 'blue'] : [],
  }) as ModelSpec;

/** A runner that declares one input; its runs give zero logits, one row per image fed. */
const declaring = (input: TensorInfo): ModelRunner => ({
  runtime: 'onnxruntime', backend: 'cpu', inputs: [input], outputs: [{ name: 'logits', shape: [-1, 3], dtype: 'float32' }], metadata: {},
  run: async (feeds) => {
    const rows = (Object.values(feeds)[0] as { shape: number[] }).shape[0];
    return { logits: { dtype: 'float32', dims: [rows, 3], data: new Float32Array(rows * 3) } };
  },
  dispose: () => undefined,
});

const solid = (r: number, g: number, b: number): RawImage => {
  const data = new Uint8Array(40 * 30 * 3);
  for (let i = 0; i < 40 * 30; i++) data.set([r, g, b], i * 3);
  return { data, width: 40, height: 30, channels: 3 };
};

describe('byte-image models', () => {
  it.each([
    ['onnxruntime-node', undefined],
    ['onnxruntime-web (wasm)', 'web'],
  ] as const)('a uint8 NHWC input gets the pixels as bytes (%s): the known answers', async (_name, which) => {
    const ort = which === 'web' ? await import('onnxruntime-web') : undefined;
    if (ort) ort.env.wasm.numThreads = 1;
    // it said "input 'image' has dtype float32; the model expects uint8" at every run
    const classifier = await pipeline('image-classification', { model: card(), modelSource: byteColourModel(), ort });
    for (const [r, g, b, label] of [[220, 30, 40, 'red'], [10, 200, 90, 'green'], [60, 70, 250, 'blue']] as const) {
      const { classes } = await classifier.run(solid(r, g, b));
      expect(classes[0].label).toBe(label);
      const logits = [r, g, b].map((v) => (10 * v) / 255);
      const exp = logits.map((l) => Math.exp(l - Math.max(...logits)));
      for (const c of classes) expect(c.score).toBeCloseTo(exp[c.classId] / exp.reduce((s, e) => s + e, 0), 5);
    }
    classifier.dispose();
  });

  it('int32 feeds outside 0–255 are INVALID_INPUT, not wrapped; a float32 card is refused at creation', async () => {
    const runner = await loadModel(byteColourModel(), { format: 'onnx' });
    const data = new Int32Array(32 * 32 * 3).fill(300);
    await expect(runner.run({ image: { dtype: 'int32', dims: [1, 32, 32, 3], data } })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/takes bytes \(uint8\) but value 0 of its int32 feed is 300/) });
    runner.dispose();
    await expect(pipeline('image-classification', { model: card({ dtype: 'float32' }), modelSource: byteColourModel() })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/takes uint8 values but its card says dtype 'float32'; set input\.dtype: 'int32'/),
    });
  });
});

describe("a model's input that its card cannot feed is refused at creation", () => {
  it.each([
    [{ name: 'images', shape: [2, 32, 32, 3], dtype: 'float32' }, {}, 'MODEL_FORMAT', /takes batches of exactly 2 images; this pipeline feeds one image a run/],
    [{ name: 'images', shape: [1, 1, 32, 32], dtype: 'float32' }, { layout: 'nchw' }, 'MODEL_FORMAT', /takes 1-channel images; image pipelines feed RGB \(3 channels\)/],
    [{ name: 'images', shape: [1, 3, 32, 32], dtype: 'float32' }, {}, 'INVALID_OPTION', /is laid out nchw \(channels first\) but its card says layout 'nhwc'; set input\.layout: 'nchw'/],
    [{ name: 'images', shape: [1, 32, 32, 3], dtype: 'float32' }, { layout: 'nchw' }, 'INVALID_OPTION', /is laid out nhwc \(channels last\) but its card says layout 'nchw'; set input\.layout: 'nhwc'/],
    [{ name: 'images', shape: [1, 32, 32, 3], dtype: 'int64' }, {}, 'MODEL_FORMAT', /takes int64 values; image pipelines feed float32, float16, int32, uint8 pixels/],
    [{ name: 'images', shape: [1, 32, 32, 3], dtype: 'float32' }, { dtype: 'int32' }, 'INVALID_OPTION', /takes float32 values but its card says dtype 'int32'; set input\.dtype: 'float32'/],
  ] as const)('%j with card input %j: %s', async (input, given, code, message) => {
    const model = declaring(input as unknown as TensorInfo);
    await expect(pipeline('image-classification', { model, spec: card(given) })).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('a model with an input besides the image is MODEL_FORMAT naming them (every run failed with INVALID_INPUT "missing input")', async () => {
    const image = { name: 'images', shape: [1, 32, 32, 3], dtype: 'float32' } as TensorInfo;
    const model = { ...declaring(image), inputs: [image, { name: 'k', shape: [1, 4], dtype: 'float32' } as TensorInfo] };
    for (const task of ['image-classification', 'image-feature-extraction'] as const) {
      await expect(pipeline(task, { model, spec: card({}, task) } as never)).rejects.toMatchObject({
        code: 'MODEL_FORMAT',
        message: `model 'probe' takes 2 inputs ('images', 'k'); ${task} feeds the image alone: export the model with one image input`,
      });
    }
  });

  it('feature extraction, which batches, takes a fixed batch; a dynamic one and a batch of 1 pass everywhere', async () => {
    const fixed = declaring({ name: 'images', shape: [4, 32, 32, 3], dtype: 'float32' });
    const extractor = await pipeline('image-feature-extraction', { model: fixed, spec: card({}, 'image-feature-extraction') });
    extractor.dispose();
    for (const shape of [[-1, 32, 32, 3], [1, 32, 32, 3], [-1, -1, -1, -1]]) {
      const classifier = await pipeline('image-classification', { model: declaring({ name: 'images', shape, dtype: 'float32' }), spec: card() });
      classifier.dispose();
    }
  });
});
