import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// the Node entry: file paths load from disk
import '../../src/node/index';
import type { RawImage } from '../../src/node/index';
import type { ImageToTextOptions } from '../../src/pipelines/captioning/captioning-types';
import { type ImageToTextPipeline, createImageToTextPipeline } from '../../src/pipelines/captioning/image-to-text-pipeline';
import { type VedFiles, visionEncoderDecoderExport } from './ved-cache';

let files: VedFiles;
let image: RawImage;
let base: Pick<ImageToTextOptions, 'encoder' | 'decoder' | 'tokenizer'>;

beforeAll(() => {
  files = visionEncoderDecoderExport();
  image = { data: files.image, width: 32, height: 32, channels: 3 };
  base = { encoder: files.encoder, decoder: files.decoder, tokenizer: files.tokenizer };
});

function refused(options: ImageToTextOptions, message: string | RegExp): Promise<void> {
  return expect(createImageToTextPipeline(options)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message) });
}

describe('image-to-text: the input option is checked at creation', () => {
  it('a misspelt or unknown input field, or an input that is no object, is INVALID_OPTION', async () => {
    await refused({ ...base, input: { widht: 64 } as never }, 'input has unknown option(s) widht; allowed: width, height, fit');
    await refused({ ...base, input: 5 as never }, 'input must be an object ({ width, height');
    await refused({ ...base, input: null as never }, 'input must be an object');
  });

  it('bad input values are INVALID_OPTION naming the field and what is allowed', async () => {
    await refused({ ...base, input: { width: 0 } }, 'input.width is 0; it must be an integer in [1, 16384]');
    await refused({ ...base, input: { width: 0, height: 0 } }, 'input.width is 0');
    await refused({ ...base, input: { fit: 'squash' as never } }, `input.fit is "squash"; allowed: 'stretch', 'letterbox', 'center-crop'`);
    await refused({ ...base, input: { normalization: 'bogus' as never } }, 'unknown normalization "bogus"; allowed: none, unit, symmetric, imagenet');
    await refused({ ...base, input: { layout: 'chw' as never } }, 'input.layout is "chw"');
    await refused({ ...base, input: { padValue: -1 } }, 'input.padValue is -1');
  });

  it("an input size that contradicts the encoder's fixed size is INVALID_OPTION, not an image error at every run", async () => {
    await refused({ ...base, input: { width: 64, height: 64 } }, /^input is 64×64 but the encoder's pixel_values \[-1,3,32,32\] \(nchw\) takes 32×32 images/);
    await refused({ ...base, input: { height: 16 } }, 'input is 32×16');
  });

  it('good input options still make a working pipeline', async () => {
    const p = await createImageToTextPipeline({ ...base, input: { width: 32, height: 32, fit: 'letterbox', padValue: 0, interpolation: 'nearest' }, maxTokens: 3 });
    try {
      expect(p.spec.input).toMatchObject({ width: 32, height: 32, fit: 'letterbox', layout: 'nchw' });
      expect((await p.run(image)).tokens.length).toBeGreaterThan(0);
    } finally {
      p.dispose();
    }
  });
});

describe('image-to-text: encoder and decoder sources', () => {
  it('an encoder or decoder of the wrong type is INVALID_OPTION naming what is allowed', async () => {
    const allowed = 'it must be a model file path or URL, its bytes (Uint8Array or ArrayBuffer), tfjs { json, weights }, a packed { model } or a ModelRunner';
    await refused({ ...base, encoder: 42 as never }, `encoder is 42; ${allowed}`);
    await refused({ ...base, decoder: {} as never }, `decoder is an object; ${allowed}`);
    await refused({ ...base, decoder: null as never }, 'image-to-text needs a decoder');
    await refused({ tokenizer: files.tokenizer, model: { encoder: 1 } as never }, 'model.encoder is 1');
  });
});

describe('image-to-text: numReturnSequences set at creation', () => {
  let captioner: ImageToTextPipeline;
  beforeAll(async () => {
    captioner = await createImageToTextPipeline({ ...base, numBeams: 3, numReturnSequences: 3, maxTokens: 4 });
  });
  afterAll(() => captioner?.dispose());

  it('is capped at the numBeams of a run that sets numBeams alone', async () => {
    expect((await captioner.run(image)).candidates).toHaveLength(3);
    const two = await captioner.run(image, { numBeams: 2 });
    expect(two.candidates).toHaveLength(2);
    const twoOwn = await createImageToTextPipeline({ ...base, maxTokens: 4 });
    try {
      expect(two.candidates!.map((c) => c.tokens)).toEqual((await twoOwn.run(image, { numBeams: 2 })).candidates!.map((c) => c.tokens));
    } finally {
      twoOwn.dispose();
    }
    const one = await captioner.run(image, { numBeams: 1 });
    expect(one.candidates).toBeUndefined();
    expect(one.tokens.length).toBeGreaterThan(0);
    expect((await captioner.run(image, { numBeams: 4 })).candidates).toHaveLength(3);
  });

  it('a run that sets both, with more sequences than beams, is still INVALID_OPTION', async () => {
    await expect(captioner.run(image, { numBeams: 2, numReturnSequences: 3 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'numReturnSequences (3) cannot exceed numBeams (2)' });
    expect((await captioner.run(image, { numBeams: 2, numReturnSequences: 1 })).candidates).toHaveLength(1);
  });
});
