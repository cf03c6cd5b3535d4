import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelRunner, type RawImage, type RawTensor, loadModel } from '../../src/node/index';
import { type ImageToTextPipeline, createImageToTextPipeline } from '../../src/pipelines/captioning/image-to-text-pipeline';
import type { ImageToTextResult } from '../../src/pipelines/captioning/captioning-types';
import { type VedFiles, fixedLengthDecoderExport, visionEncoderDecoderExport } from './ved-cache';

/** The export's fixed `input_ids` length. */
const LENGTH = 3;

let fixed: VedFiles;
let dynamic: VedFiles;
let image: RawImage;
let captioner: ImageToTextPipeline;
let reference: ImageToTextPipeline;

beforeAll(async () => {
  fixed = fixedLengthDecoderExport();
  dynamic = visionEncoderDecoderExport();
  image = { data: fixed.image, width: 32, height: 32, channels: 3 };
  captioner = await createImageToTextPipeline({ encoder: fixed.encoder, decoder: fixed.decoder, tokenizer: fixed.tokenizer });
  reference = await createImageToTextPipeline({ encoder: dynamic.encoder, decoder: dynamic.decoder, tokenizer: dynamic.tokenizer });
});
afterAll(() => {
  captioner?.dispose();
  reference?.dispose();
});

function expectSame(actual: ImageToTextResult, expected: ImageToTextResult): void {
  expect(actual.tokens).toEqual(expected.tokens);
  expect(actual.text).toBe(expected.text);
  expect(actual.finished).toBe(expected.finished);
  expect(actual.score).toBeCloseTo(expected.score, 4);
  expect(actual.candidates?.map((c) => c.tokens)).toEqual(expected.candidates?.map((c) => c.tokens));
  actual.candidates?.forEach((c, i) => expect(c.score).toBeCloseTo(expected.candidates![i].score, 4));
}

describe('image-to-text with a decoder whose input_ids have a fixed length (ids padded to it)', () => {
  it('the export has a fixed sequence axis and a dynamic batch', () => {
    expect(captioner.decoder.inputs.find((t) => t.name === 'input_ids')?.shape).toEqual([-1, LENGTH]);
  });

  it("greedy gives torch's tokens, maxTokens capped at the length: the caption ends there, unfinished", async () => {
    const torch = fixed.reference.results.find((r) => r.name === 'greedy-short')!.sequences[0];
    expect(torch.tokens).toHaveLength(LENGTH);
    for (const maxTokens of [undefined, LENGTH, 12]) {
      const result = await captioner.run(image, maxTokens === undefined ? {} : { maxTokens });
      expect(result.tokens).toEqual(torch.tokens);
      expect(result.text).toBe(torch.text);
      expect(result.finished).toBe(false);
      expect(result.score).toBeCloseTo(torch.score, 3);
    }
  });

  it('greedy and beam search give the dynamic export’s captions at the same length', async () => {
    for (const options of [{ maxTokens: 1 }, { maxTokens: 2 }, { maxTokens: 2, numBeams: 2 }, { numBeams: 2 }, { numBeams: 3, repetitionPenalty: 1.3 }, { numBeams: 4, lengthPenalty: 0.5 }]) {
      const expected = await reference.run(image, { maxTokens: LENGTH, ...options });
      expectSame(await captioner.run(image, options), expected);
    }
  });

  it('feeds an attention_mask (1 for tokens, 0 for padding) to a decoder that takes one, padding ids with the pad token', async () => {
    const decoder = await loadModel(fixed.decoder);
    const fed: { ids: number[][]; mask: number[][] }[] = [];
    const rows = (t: RawTensor): number[][] => {
      const values = Array.from(t.data as BigInt64Array, Number);
      return Array.from({ length: t.dims[0] }, (_, b) => values.slice(b * t.dims[1], (b + 1) * t.dims[1]));
    };
    const masked: ModelRunner = {
      ...decoder,
      inputs: [...decoder.inputs, { name: 'attention_mask', shape: [-1, LENGTH], dtype: 'int64' }],
      outputs: decoder.outputs,
      run: (feeds, options) => {
        const { attention_mask: mask, ...rest } = feeds;
        fed.push({ ids: rows(feeds.input_ids as RawTensor), mask: rows(mask as RawTensor) });
        return decoder.run(rest, options);
      },
    };
    const p = await createImageToTextPipeline({ encoder: fixed.encoder, decoder: masked, tokenizer: fixed.tokenizer });
    try {
      const greedy = await p.run(image);
      expect(greedy.tokens).toEqual(fixed.reference.results.find((r) => r.name === 'greedy-short')!.sequences[0].tokens);
      const { bos, pad } = fixed.reference;
      expect(fed.map((f) => f.mask)).toEqual([[[1, 0, 0]], [[1, 1, 0]], [[1, 1, 1]]]);
      expect(fed.map((f) => f.ids)).toEqual([[[bos, pad, pad]], [[bos, greedy.tokens[0], pad]], [[bos, ...greedy.tokens.slice(0, 2)]]]);
      fed.length = 0;
      expectSame(await p.run(image, { numBeams: 2 }), await reference.run(image, { maxTokens: LENGTH, numBeams: 2 }));
      expect(fed[1].mask).toEqual([[1, 1, 0], [1, 1, 0]]);
    } finally {
      p.dispose();
      decoder.dispose();
    }
  });
});
