/**
 * The VisionEncoderDecoder format-test model, generated into the git-ignored
 * `.cache/captioning/` by `scripts/export_vision_encoder_decoder.py` (torch, random weights,
 * fixed seed). The folder name carries a hash of the script, so editing it regenerates.
 */
import { readFileSync } from 'node:fs';
import { scriptOutputs } from '../helpers/python-cache';

/** One reference search: its settings and torch's sequences, best first. */
export interface ReferenceSearch {
  name: string;
  maxTokens: number;
  numBeams: number;
  lengthPenalty: number;
  repetitionPenalty: number;
  sequences: { tokens: number[]; score: number; finished: boolean; text: string }[];
}

/** What the script writes to reference.json. */
export interface VedReference {
  torch: string;
  imageSize: [number, number];
  mean: number[];
  std: number[];
  bos: number;
  eos: number;
  pad: number;
  vocabSize: number;
  probeIds: number[];
  probeLastLogits: number[];
  hiddenFirst8: number[];
  results: ReferenceSearch[];
}

/** Paths of the exported files plus the parsed reference. */
export interface VedFiles {
  encoder: string;
  decoder: string;
  tokenizer: string;
  /** 32×32 RGB uint8, row-major. */
  image: Uint8Array;
  reference: VedReference;
}

/** Generates (first use, ~3 s) or reuses the export. Fails with an apt hint when torch is missing. */
export function visionEncoderDecoderExport(): VedFiles {
  const { paths } = scriptOutputs({
    script: 'scripts/export_vision_encoder_decoder.py',
    cacheDir: 'captioning',
    prefix: 'ved',
    files: ['encoder_model.onnx', 'decoder_model.onnx', 'tokenizer.json', 'image.bin', 'reference.json'],
    requires: { imports: 'torch', aptPackage: 'python3-torch' },
    timeoutMs: 120_000,
  });
  const [encoder, decoder, tokenizer, image, reference] = paths;
  return {
    encoder,
    decoder,
    tokenizer,
    image: new Uint8Array(readFileSync(image)),
    reference: JSON.parse(readFileSync(reference, 'utf8')) as VedReference,
  };
}
