import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawImage, loadModel } from '../../src/node/index';
import { VisionError } from '../../src/core/errors';
import { loadCaptionTokenizer } from '../../src/pipelines/captioning/caption-tokenizer';
import { type ImageToTextPipeline, createImageToTextPipeline } from '../../src/pipelines/captioning/image-to-text-pipeline';
import { buildOnnxModel } from '../helpers/onnx-builder';
import { type VedFiles, visionEncoderDecoderExport } from './ved-cache';

const INT64 = 7;

/** A decoder-shaped ONNX model whose only output is `name` = the hidden states (wrong name or wrong shape). */
function fakeDecoder(output: string, extraInput = false): Uint8Array {
  return buildOnnxModel({
    inputs: [
      { name: 'input_ids', type: INT64, dims: [1, 'T'] },
      { name: 'encoder_hidden_states', dims: [1, 16, 32] },
      ...(extraInput ? [{ name: 'past_key_values.0.key', dims: [1, 4, 'P', 8] }] : []),
    ],
    outputs: [{ name: output, dims: [1, 16, 32] }],
    nodes: [{ op: 'Identity', inputs: ['encoder_hidden_states'], outputs: [output] }],
  });
}

/** A decoder that always says end-of-sequence first: logits [1, T, V] = 0·ids + bias (bias[eos] = 10). */
function eosDecoder(vocabSize: number, eos: number): Uint8Array {
  const bias = new Float32Array(vocabSize);
  bias[eos] = 10;
  return buildOnnxModel({
    inputs: [
      { name: 'input_ids', type: INT64, dims: [1, 'T'] },
      { name: 'encoder_hidden_states', dims: [1, 16, 32] },
    ],
    outputs: [{ name: 'logits', dims: [1, 'T', vocabSize] }],
    initializers: [
      { name: 'zeros', dims: [1, vocabSize], values: new Float32Array(vocabSize) },
      { name: 'bias', dims: [vocabSize], values: bias },
    ],
    nodes: [
      { op: 'Cast', inputs: ['input_ids'], outputs: ['ids'], attributes: { to: 1 } },
      { op: 'Constant', inputs: [], outputs: ['axes'], attributes: { value_ints: [2] } },
      { op: 'Unsqueeze', inputs: ['ids', 'axes'], outputs: ['column'] },
      { op: 'MatMul', inputs: ['column', 'zeros'], outputs: ['flat'] },
      { op: 'Add', inputs: ['flat', 'bias'], outputs: ['logits'] },
    ],
  });
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VisionError);
    return (error as VisionError).code;
  }
  return 'no error';
}

let files: VedFiles;
let captioner: ImageToTextPipeline;
let image: RawImage;

beforeAll(async () => {
  files = visionEncoderDecoderExport();
  image = { data: files.image, width: 32, height: 32, channels: 3 };
  captioner = await createImageToTextPipeline({ encoder: files.encoder, decoder: files.decoder, tokenizer: files.tokenizer, maxTokens: 5 });
});
afterAll(() => captioner?.dispose());

describe('image-to-text: bad input and options', () => {
  it('an empty or broken tokenizer is a VisionError', async () => {
    expect(await code(loadCaptionTokenizer({}))).toBe('INVALID_INPUT');
    expect(await code(loadCaptionTokenizer({ model: { type: 'WordPiece', vocab: {} } }))).toBe('INVALID_INPUT');
    expect(await code(loadCaptionTokenizer('{ not json'))).toBe('MODEL_FORMAT');
    expect(await code(createImageToTextPipeline({ encoder: files.encoder, decoder: files.decoder, tokenizer: {} }))).toBe('INVALID_INPUT');
    expect(await code(createImageToTextPipeline({ encoder: files.encoder, decoder: files.decoder }))).toBe('INVALID_OPTION');
  });

  it('a decoder without `logits`, or one that needs past key values, is MODEL_FORMAT', async () => {
    const tokenizer = files.tokenizer;
    expect(await code(createImageToTextPipeline({ encoder: files.encoder, decoder: fakeDecoder('scores'), tokenizer }))).toBe('MODEL_FORMAT');
    expect(await code(createImageToTextPipeline({ encoder: files.encoder, decoder: fakeDecoder('logits', true), tokenizer }))).toBe('MODEL_FORMAT');
    expect(await code(createImageToTextPipeline({ encoder: files.decoder, decoder: files.decoder, tokenizer }))).toBe('MODEL_FORMAT');
  });

  it('logits of the wrong shape fail the run with MODEL_FORMAT, and a ready runner passed in is not disposed', async () => {
    const decoder = await loadModel(fakeDecoder('logits'));
    const p = await createImageToTextPipeline({ encoder: files.encoder, decoder, tokenizer: files.tokenizer });
    expect(await code(p.run(image))).toBe('MODEL_FORMAT');
    p.dispose();
    expect(decoder.inputs.length).toBe(2);
    await expect(decoder.run({ input_ids: { dtype: 'int64', dims: [1, 1], data: new BigInt64Array(1) }, encoder_hidden_states: { dtype: 'float32', dims: [1, 16, 32], data: new Float32Array(512) } })).resolves.toBeDefined();
    decoder.dispose();
  });

  it('maxTokens 0, numBeams < 1 and other bad search options are INVALID_OPTION (at creation and per run)', async () => {
    const base = { encoder: files.encoder, decoder: files.decoder, tokenizer: files.tokenizer };
    expect(await code(createImageToTextPipeline({ ...base, maxTokens: 0 }))).toBe('INVALID_OPTION');
    expect(await code(createImageToTextPipeline({ ...base, numBeams: 0 }))).toBe('INVALID_OPTION');
    expect(await code(createImageToTextPipeline({ ...base, generation: { bosTokenId: 1, eosTokenId: 999 } }))).toBe('INVALID_OPTION');
    expect(await code(captioner.run(image, { maxTokens: 0 }))).toBe('INVALID_OPTION');
    expect(await code(captioner.run(image, { numBeams: 0 }))).toBe('INVALID_OPTION');
    expect(await code(captioner.run(image, { numBeams: -2 }))).toBe('INVALID_OPTION');
    expect(await code(captioner.run(image, { repetitionPenalty: -1 }))).toBe('INVALID_OPTION');
    // run options that are no object (null: a TypeError before) and a signal that is none
    expect(await code(captioner.run(image, null as never))).toBe('INVALID_OPTION');
    expect(await code(captioner.run(image, 5 as never))).toBe('INVALID_OPTION');
    expect(await code(captioner.run(image, { signal: {} as AbortSignal }))).toBe('INVALID_OPTION');
    // misspelt or other libraries' names ran as greedy with the default length; strings showed as numbers
    await expect(captioner.run(image, { beams: 3 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('run options has unknown option(s) beams; allowed: maxTokens, numBeams') });
    await expect(captioner.run(image, { repetitionPenalty: '1.2' as never })).rejects.toMatchObject({ message: 'repetitionPenalty is "1.2"; it must be a number > 0 (1 = off)' });
  });

  it("a tokenizer smaller than the decoder's logits is MODEL_FORMAT at creation (ids past it decoded to nothing)", async () => {
    const small = JSON.parse(readFileSync(files.tokenizer, 'utf8')) as { model: { vocab: Record<string, number> } };
    small.model.vocab = Object.fromEntries(Object.entries(small.model.vocab).slice(0, 12)); // ids 0–11 only
    const made = createImageToTextPipeline({ encoder: files.encoder, decoder: files.decoder, tokenizer: small });
    await expect(made).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(/^the decoder scores 36 tokens but the tokenizer has 12/) });
  });

  it('a bad image is INVALID_INPUT and the next good image still works; tensor counts stay flat', async () => {
    const good = (await captioner.run(image)).text;
    const before = tf.memory().numTensors;
    expect(await code(captioner.run({ data: new Uint8Array(0), width: 0, height: 0, channels: 3 }))).toBe('INVALID_INPUT');
    expect(await code(captioner.run(null as unknown as RawImage))).toBe('INVALID_INPUT');
    for (let i = 0; i < 3; i++) expect((await captioner.run(image)).text).toBe(good);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a caption that ends at once (end-of-sequence first) is the empty string, greedy and beam', async () => {
    const { vocabSize, eos } = files.reference;
    const silent = await createImageToTextPipeline({ encoder: files.encoder, decoder: eosDecoder(vocabSize, eos), tokenizer: files.tokenizer });
    try {
      expect((await silent.run(image)).text).toBe('');
      expect((await silent.run(image, { numBeams: 3 })).text).toBe('');
    } finally {
      silent.dispose();
    }
  });

  it('an aborted signal stops generation with ABORTED; a disposed pipeline throws DISPOSED', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await code(captioner.run(image, { signal: controller.signal }))).toBe('ABORTED');
    const p = await createImageToTextPipeline({ encoder: files.encoder, decoder: files.decoder, tokenizer: JSON.parse(readFileSync(files.tokenizer, 'utf8')) as Record<string, unknown> });
    p.dispose();
    p.dispose();
    expect(await code(p.run(image))).toBe('DISPOSED');
  });
});
