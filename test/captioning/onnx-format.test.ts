import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { type RawImage, loadModel } from '../../src/node/index';
import { type ImageToTextPipeline, createImageToTextPipeline } from '../../src/pipelines/captioning/image-to-text-pipeline';
import { type VedFiles, visionEncoderDecoderExport } from './ved-cache';

let files: VedFiles;
let captioner: ImageToTextPipeline;
let image: RawImage;

beforeAll(async () => {
  files = visionEncoderDecoderExport();
  image = { data: files.image, width: 32, height: 32, channels: 3 };
  captioner = await createImageToTextPipeline({ encoder: files.encoder, decoder: files.decoder, tokenizer: files.tokenizer });
});
afterAll(() => captioner?.dispose());

describe('image-to-text on a Hugging Face VisionEncoderDecoder-style ONNX export (torch, random weights)', () => {
  it('finds the special tokens, input size and normalisation from the export and tokenizer', () => {
    expect(captioner.spec.input).toMatchObject({ width: 32, height: 32, layout: 'nchw' });
    expect(captioner.runner.inputs[0].name).toBe('pixel_values');
    expect(captioner.decoder.inputs.map((t) => t.name)).toEqual(['input_ids', 'encoder_hidden_states']);
  });

  it('the decoder logits agree with torch on a probe sequence', async () => {
    const encoder = await loadModel(files.encoder);
    const decoder = await loadModel(files.decoder);
    const { mean, std, probeIds, probeLastLogits, hiddenFirst8 } = files.reference;
    const pixel = new Float32Array(3 * 32 * 32);
    for (let i = 0; i < 32 * 32; i++) for (let c = 0; c < 3; c++) pixel[c * 1024 + i] = (files.image[i * 3 + c] / 255 - mean[c]) / std[c];
    const { last_hidden_state: hidden } = await encoder.run({ pixel_values: { dtype: 'float32', dims: [1, 3, 32, 32], data: pixel } });
    Array.from(hidden.data.slice(0, 8) as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(hiddenFirst8[i], 4));
    const ids = { dtype: 'int64' as const, dims: [1, probeIds.length], data: BigInt64Array.from(probeIds.map(BigInt)) };
    const { logits } = await decoder.run({ input_ids: ids, encoder_hidden_states: hidden });
    const v = files.reference.vocabSize;
    const last = Array.from((logits.data as Float32Array).slice((probeIds.length - 1) * v, probeIds.length * v));
    last.forEach((x, i) => expect(x).toBeCloseTo(probeLastLogits[i], 4));
    encoder.dispose();
    decoder.dispose();
  });

  for (const name of ['greedy', 'greedy-repetition', 'greedy-short', 'beam3', 'beam4-lp']) {
    it(`produces torch's tokens and text: ${name}`, async () => {
      const ref = files.reference.results.find((r) => r.name === name)!;
      const result = await captioner.run(image, {
        maxTokens: ref.maxTokens,
        numBeams: ref.numBeams,
        lengthPenalty: ref.lengthPenalty,
        repetitionPenalty: ref.repetitionPenalty,
      });
      const best = ref.sequences[0];
      expect(result.tokens).toEqual(best.tokens);
      expect(result.text).toBe(best.text);
      expect(result.finished).toBe(best.finished);
      expect(result.score).toBeCloseTo(best.score, 3);
      if (ref.numBeams > 1) {
        expect(result.candidates!.map((c) => c.tokens)).toEqual(ref.sequences.map((s) => s.tokens));
        expect(result.candidates!.map((c) => c.text)).toEqual(ref.sequences.map((s) => s.text));
        result.candidates!.forEach((c, i) => expect(c.score).toBeCloseTo(ref.sequences[i].score, 3));
      } else {
        expect(result.candidates).toBeUndefined();
      }
      expect(result.timing.total).toBeGreaterThan(0);
    });
  }

  it('loads the tokenizer from an object and from JSON text too, with the same caption', async () => {
    const json = readFileSync(files.tokenizer, 'utf8');
    const expected = files.reference.results[0].sequences[0].text;
    for (const tokenizer of [JSON.parse(json) as Record<string, unknown>, json]) {
      const p = await createImageToTextPipeline({ encoder: files.encoder, decoder: files.decoder, tokenizer, maxTokens: 12 });
      expect((await p.run(image)).text).toBe(expected);
      p.dispose();
    }
  });

  it('keeps tfjs tensor counts flat over repeated runs', async () => {
    await captioner.run(image, { maxTokens: 4 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await captioner.run(image, { maxTokens: 4, numBeams: i % 2 === 0 ? 1 : 2 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
