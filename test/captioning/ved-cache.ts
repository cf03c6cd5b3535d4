/**
 * The VisionEncoderDecoder format-test model, generated into the git-ignored
 * `.cache/captioning/` by `scripts/export_vision_encoder_decoder.py` (torch, random weights,
 * fixed seed). The folder name carries a hash of the script, so editing it regenerates.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { scriptOutputs } from '../helpers/python-cache';

const EXPORT_SCRIPT = 'scripts/export_vision_encoder_decoder.py';
const FILES = ['encoder_model.onnx', 'decoder_model.onnx', 'tokenizer.json', 'image.bin', 'reference.json'] as const;

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
  return vedFiles(EXPORT_SCRIPT, 'ved');
}

/**
 * The same export with the decoder's sequence axis fixed at 3 (`input_ids` [batch, 3], `logits`
 * [batch, 3, V]), made by test/captioning/export_fixed_length_decoder.py (~2 s); its reference is
 * torch's, on unpadded sequences. The folder name also carries a hash of the export script.
 */
export function fixedLengthDecoderExport(): VedFiles {
  const base = createHash('sha256').update(readFileSync(new URL(`../../${EXPORT_SCRIPT}`, import.meta.url))).digest('hex').slice(0, 10);
  return vedFiles('test/captioning/export_fixed_length_decoder.py', `ved-fixed-${base}`);
}

function vedFiles(script: string, prefix: string): VedFiles {
  const { paths } = scriptOutputs({ script, cacheDir: 'captioning', prefix, files: FILES, requires: { imports: 'torch', aptPackage: 'python3-torch' }, timeoutMs: 120_000 });
  const [encoder, decoder, tokenizer, image, reference] = paths;
  return {
    encoder,
    decoder,
    tokenizer,
    image: new Uint8Array(readFileSync(image)),
    reference: JSON.parse(readFileSync(reference, 'utf8')) as VedReference,
  };
}
