/**
 * A classifier card that does not fit its model, and scores no classifier gives, are refused
 * instead of read silently wrong; a card's own defaults apply. Real ONNX models (onnxruntime)
 * built here whose outputs are set values.
 */
import { describe, expect, it } from 'vitest';
import { type ModelSpec, type RawImage, pipeline } from '../../src/node/index';
import { constantOnnx } from '../helpers/constant-onnx';

const FRAME: RawImage = { data: new Uint8Array(32 * 32 * 3).fill(90), width: 32, height: 32, channels: 3 };
const LABELS = ['a', 'b', 'c'];

function card(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    id: 'mine', task: 'image-classification', family: 'probabilities', format: 'onnx', location: { url: 'mine.onnx' },
    input: { width: 32, height: 32, normalization: 'unit', layout: 'nchw' }, labels: LABELS, ...overrides,
  };
}

/** A classifier giving `scores` for any image, as an output of shape `dims`. */
const scoring = (scores: number[], dims = [1, scores.length]): Uint8Array => constantOnnx([{ name: 'scores', dims, values: scores }], [1, 3, 32, 32]);

describe('classifier cards against their models', () => {
  it("the card's defaults.threshold applies (as its topK does); one outside 0–1 is INVALID_OPTION at creation", async () => {
    const modelSource = scoring([0.7, 0.2, 0.1]);
    const classifier = await pipeline('image-classification', { model: card({ defaults: { topK: 3, threshold: 0.5 } }), modelSource });
    expect((await classifier.run(FRAME)).classes.map((c) => c.label)).toEqual(['a']); // before: a, b, c
    expect((await classifier.run(FRAME, { threshold: 0.1 })).classes.map((c) => c.label)).toEqual(['a', 'b', 'c']);
    classifier.dispose();
    await expect(pipeline('image-classification', { model: card({ defaults: { threshold: 7 } }), modelSource })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('threshold') });
  });

  it('non-finite scores, and probabilities outside 0–1, are MODEL_FORMAT naming the class; logits decode', async () => {
    for (const [scores, message] of [
      [[Number.NaN, 1, 2], /gave a score of NaN for class 0 \(a\)/],
      [[Number.POSITIVE_INFINITY, 1, 2], /gave a score of Infinity for class 0/],
      [[0.2, 1.7, -0.5], /gave 1\.7\d* for class 1 \(b\) but its card's family is 'probabilities' .* needs family 'logits'/],
    ] as const) {
      const classifier = await pipeline('image-classification', { model: card(), modelSource: scoring([...scores]) });
      await expect(classifier.run(FRAME)).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(message) }); // before: [] or a score of 1.7
      classifier.dispose();
    }
    const logits = await pipeline('image-classification', { model: card({ family: 'logits' }), modelSource: scoring([0.2, 1.7, -0.5]) });
    expect((await logits.run(FRAME)).classes[0]).toMatchObject({ label: 'b', score: expect.closeTo(0.7497, 3) });
    logits.dispose();
  });

  it("a convolutional head's [1, C, 1, 1] output is C classes", async () => {
    const classifier = await pipeline('image-classification', { model: card(), modelSource: scoring([0.1, 0.3, 0.6], [1, 3, 1, 1]) });
    expect((await classifier.run(FRAME)).classes.map((c) => [c.label, c.score])).toEqual([['c', expect.closeTo(0.6, 5)], ['b', expect.closeTo(0.3, 5)], ['a', expect.closeTo(0.1, 5)]]);
    classifier.dispose();
  });

  it('a model taking whole-number pixels with a card that normalises them is INVALID_OPTION at creation; normalization none runs', async () => {
    // uint8 NHWC input (a TF Lite-style export): a 0–1 image would reach it as 0s and 1s
    const modelSource = constantOnnx([{ name: 'scores', dims: [1, 3], values: [0.1, 0.8, 0.1] }], [1, 32, 32, 3], 2);
    const nhwc = { width: 32, height: 32, layout: 'nhwc' } as const;
    for (const normalization of ['unit', 'imagenet'] as const) {
      await expect(pipeline('image-classification', { model: card({ input: { ...nhwc, normalization } }), modelSource })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(/takes whole-number pixels \(uint8, 0–255\) but its card normalises them .*set input\.normalization: 'none'/),
      });
    }
    const plain = await pipeline('image-classification', { model: card({ input: { ...nhwc, normalization: 'none' } }), modelSource });
    expect((await plain.run(FRAME)).classes[0].label).toBe('b');
    plain.dispose();
  });
});
