/**
 * Bad feeds are INVALID_INPUT with a message naming what the model expects; a failed run never
 * corrupts the runner (the SAME runner then runs a good feed and gives the same answer), on tfjs
 * and onnxruntime alike. Use after dispose is DISPOSED.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TfjsRunner, loadModel, type Feed, type ModelRunner, type RawTensor } from '../../src/node/index';
import { MODELS, expectVisionError, values } from './helpers';

interface Subject {
  name: string;
  load: () => Promise<ModelRunner>;
  input: string;
  /** Expected shape as printed in messages. */
  shapeText: string;
  good: () => RawTensor;
  wrongShape: () => Feed;
  wrongRank: () => Feed;
}

const SUBJECTS: Subject[] = [
  {
    name: 'tfjs graph model (BlazeFace)',
    load: () => loadModel(MODELS.blazeface()),
    input: 'input',
    shapeText: '[1,256,256,3]',
    good: () => ({ dtype: 'float32', dims: [1, 256, 256, 3], data: new Float32Array(256 * 256 * 3).map((_, i) => ((i * 13) % 255) / 255) }),
    wrongShape: () => ({ dtype: 'float32', dims: [1, 128, 128, 3], data: new Float32Array(128 * 128 * 3) }),
    wrongRank: () => ({ dtype: 'float32', dims: [256, 256, 3], data: new Float32Array(256 * 256 * 3) }),
  },
  {
    name: 'onnxruntime-node (PaddleOCR det)',
    load: () => loadModel(MODELS.ocrDet()),
    input: 'x',
    shapeText: '[?,3,?,?]',
    good: () => ({ dtype: 'float32', dims: [1, 3, 64, 64], data: new Float32Array(3 * 64 * 64).map((_, i) => Math.sin(i / 7)) }),
    wrongShape: () => ({ dtype: 'float32', dims: [1, 4, 64, 64], data: new Float32Array(4 * 64 * 64) }),
    wrongRank: () => ({ dtype: 'float32', dims: [3, 64, 64], data: new Float32Array(3 * 64 * 64) }),
  },
  {
    name: 'onnxruntime-web wasm (PaddleOCR det)',
    load: async () => {
      const ort = await import('onnxruntime-web');
      ort.env.wasm.numThreads = 1;
      return loadModel(MODELS.ocrDet(), { ort });
    },
    input: 'x',
    shapeText: '[?,3,?,?]',
    good: () => ({ dtype: 'float32', dims: [1, 3, 64, 64], data: new Float32Array(3 * 64 * 64).map((_, i) => Math.sin(i / 7)) }),
    wrongShape: () => tf.zeros([1, 3, 64]),
    wrongRank: () => ({ dtype: 'float32', dims: [64, 64], data: new Float32Array(64 * 64) }),
  },
];

describe.each(SUBJECTS)('$name', (subject) => {
  let runner: ModelRunner;
  let baseline: number[];
  let outName = '';

  beforeAll(async () => {
    runner = await subject.load();
    outName = runner.outputs[0].name;
    baseline = values((await runner.run({ [subject.input]: subject.good() }))[outName]);
  });
  afterAll(() => runner.dispose());

  async function stillWorks(): Promise<void> {
    const out = await runner.run({ [subject.input]: subject.good() });
    expect(values(out[outName])).toEqual(baseline);
  }

  const bad: [string, (s: Subject) => unknown, RegExp][] = [
    ['wrong shape', (s) => ({ [s.input]: s.wrongShape() }), /has shape .*; the model expects \S+/],
    ['wrong rank', (s) => ({ [s.input]: s.wrongRank() }), /has shape .*; the model expects \S+/],
    ['wrong dtype (RawTensor)', (s) => ({ [s.input]: { ...s.good(), dtype: 'int32', data: Int32Array.from(s.good().data as Float32Array) } }), /has dtype int32; the model expects float32/],
    ['wrong dtype (tf tensor)', (s) => ({ [s.input]: tf.zeros(s.good().dims, 'int32') }), /has dtype int32; the model expects float32/],
    ['data of the wrong typed array', (s) => ({ [s.input]: { ...s.good(), data: Int32Array.from(s.good().data as Float32Array) } }), /float32 but its data is a Int32Array; float32 data must be a Float32Array/],
    ['missing input', () => ({}), /missing input '\w+' \(float32 \S+\)/],
    ['unknown input name', (s) => ({ [s.input]: s.good(), images: s.good() }), /unknown input 'images'; the model's inputs are \w+/],
    ['wrong data length', (s) => ({ [s.input]: { ...s.good(), data: new Float32Array(10) } }), /has 10 values; dims \S+ need \d+/],
    ['negative dims', (s) => ({ [s.input]: { ...s.good(), dims: [1, -3, 64, 64] } }), /invalid dims/],
    ['data not a typed array', (s) => ({ [s.input]: { ...s.good(), data: [1, 2, 3] } }), /has no values; dims/],
    ['feeds not an object', () => null, /feeds must be an object/],
    ['a disposed tensor', (s) => {
      const t = tf.zeros(s.good().dims);
      t.dispose();
      return { [s.input]: t };
    }, /disposed tensor/],
  ];

  for (const [name, make, message] of bad) {
    it(`${name} → INVALID_INPUT, then the same runner still runs`, async () => {
      const feeds = make(subject) as Record<string, Feed>;
      const error = await expectVisionError(runner.run(feeds), 'INVALID_INPUT');
      expect(error.message).toMatch(message);
      for (const f of Object.values(feeds ?? {})) if (f instanceof tf.Tensor) f.dispose();
      await stillWorks();
    });
  }

  it('the shape message names the expected shape', async () => {
    const error = await expectVisionError(runner.run({ [subject.input]: subject.wrongShape() }), 'INVALID_INPUT');
    expect(error.message).toContain(subject.shapeText);
  });

  it('use after dispose → DISPOSED (dispose twice is harmless)', async () => {
    const own = await subject.load();
    own.dispose();
    own.dispose();
    const error = await expectVisionError(own.run({ [subject.input]: subject.good() }), 'DISPOSED');
    expect(error.message).toContain('disposed');
    expect(own.inputs[0].name).toBe(subject.input);
    if (own instanceof TfjsRunner) {
      expect(() => own.tfModel).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
      await expectVisionError(own.execute({ [subject.input]: subject.good() }), 'DISPOSED');
    }
  });
});
