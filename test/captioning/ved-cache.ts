/**
 * The VisionEncoderDecoder format-test model, generated into the git-ignored
 * `.cache/captioning/` by `scripts/export_vision_encoder_decoder.py` (torch, random weights,
 * fixed seed). The folder name carries a hash of the script, so editing it regenerates.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON = '/usr/bin/python3';
const SCRIPT = 'scripts/export_vision_encoder_decoder.py';

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
  const hash = createHash('sha256').update(readFileSync(join(ROOT, SCRIPT))).digest('hex').slice(0, 10);
  const folder = join(ROOT, '.cache', 'captioning', `ved-${hash}`);
  const names = ['encoder_model.onnx', 'decoder_model.onnx', 'tokenizer.json', 'image.bin', 'reference.json'];
  if (!names.every((n) => existsSync(join(folder, n)))) {
    const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      throw new Error(`${PYTHON} cannot import torch, which generates this test's model. Install it with: apt-get install -y python3-torch\n${probe.stderr ?? ''}`);
    }
    const tmp = `${folder}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const run = spawnSync(PYTHON, [join(ROOT, SCRIPT), tmp], { encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`${SCRIPT} failed (exit ${run.status}):\n${run.stderr}\n${run.stdout}`);
    }
    try {
      renameSync(tmp, folder);
    } catch (error) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(folder)) throw error;
    }
  }
  const [encoder, decoder, tokenizer, image, reference] = names.map((n) => join(folder, n));
  return {
    encoder,
    decoder,
    tokenizer,
    image: new Uint8Array(readFileSync(image)),
    reference: JSON.parse(readFileSync(reference, 'utf8')) as VedReference,
  };
}
