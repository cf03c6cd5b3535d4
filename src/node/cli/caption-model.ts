import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VisionError } from '../../core/errors';
import type { ImageToTextOptions } from '../../pipelines/captioning/captioning-types';
import { parseJsonText } from '../../runtime/json-text';
import { Captioner, type SavedCaptioner } from '../../training/captioner/captioner';
import { isDeviceStats, readModelFileText } from '../local-file';
import { inputFromPreprocessor } from './hf-preprocessor';

/**
 * The captioning model of `visionpipe caption --model`: the image-to-text options to build the
 * pipeline from, and what to free once it is disposed.
 *
 * @example
 * ```ts
 * const { options, dispose } = await loadCaptionFolder('models/captioner');
 * ```
 */
export interface CaptionFolder {
  options: ImageToTextOptions;
  dispose(): void;
}

/** The file names of a Hugging Face VisionEncoderDecoder ONNX export (no past key values). */
const VED_FILES = { encoder: 'encoder_model.onnx', decoder: 'decoder_model.onnx', tokenizer: 'tokenizer.json' } as const;

/**
 * What `caption --model` may be, for error messages and help.
 *
 * @example
 * ```ts
 * throw new VisionError('INVALID_OPTION', `--model must be ${CAPTION_MODEL_HELP}`);
 * ```
 */
export const CAPTION_MODEL_HELP =
  `a folder holding a trained visionpipe captioner (captioner.json, written from Captioner.save()) or a Hugging Face ` +
  `VisionEncoderDecoder ONNX export (${Object.values(VED_FILES).join(', ')}, optionally under onnx/; preprocessor_config.json ` +
  'and generation_config.json are read when present). No captioning model ships with visionpipe';

function usage(what: string): VisionError {
  return new VisionError('INVALID_OPTION', `${what}; --model must be ${CAPTION_MODEL_HELP}`);
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readModelFileText(path);
  } catch (error) {
    if (error instanceof VisionError) throw error;
    throw new VisionError('MODEL_FORMAT', `${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  const value = parseJsonText(text, path, 'MODEL_FORMAT', 'a JSON object');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new VisionError('MODEL_FORMAT', `${path} is not a JSON object`);
  return value as Record<string, unknown>;
}

async function loadCaptioner(path: string): Promise<CaptionFolder> {
  const saved = (await readJson(path)) as unknown as SavedCaptioner;
  const captioner = Captioner.load(saved);
  return { options: { model: captioner.toCaptionModel() }, dispose: () => captioner.dispose() };
}

const integer = (value: unknown): number | undefined => (Number.isInteger(value) ? (value as number) : Array.isArray(value) && Number.isInteger(value[0]) ? (value[0] as number) : undefined);

/** The ids of a list `eos_token_id` after its first (each ends a caption too, as in Hugging Face's generate). */
const moreEndIds = (value: unknown): number[] | undefined => (Array.isArray(value) && value.length > 1 && value.every(Number.isInteger) ? (value.slice(1) as number[]) : undefined);

async function loadExport(folder: string): Promise<CaptionFolder> {
  const onnx = [folder, join(folder, 'onnx')].find((dir) => existsSync(join(dir, VED_FILES.encoder)) && existsSync(join(dir, VED_FILES.decoder)));
  if (!onnx) throw usage(`${folder} has neither captioner.json nor ${VED_FILES.encoder} + ${VED_FILES.decoder}`);
  const tokenizer = [folder, onnx].map((dir) => join(dir, VED_FILES.tokenizer)).find((path) => existsSync(path));
  if (!tokenizer) throw usage(`${folder} has the ONNX encoder and decoder but no ${VED_FILES.tokenizer}`);
  const options: ImageToTextOptions = { encoder: join(onnx, VED_FILES.encoder), decoder: join(onnx, VED_FILES.decoder), tokenizer };
  const preprocessor = join(folder, 'preprocessor_config.json');
  if (existsSync(preprocessor)) options.input = inputFromPreprocessor(await readJson(preprocessor), preprocessor);
  const generationFile = join(folder, 'generation_config.json');
  if (existsSync(generationFile)) {
    const g = await readJson(generationFile);
    const bosTokenId = integer(g.decoder_start_token_id) ?? integer(g.bos_token_id);
    const eosTokenId = integer(g.eos_token_id);
    const padTokenId = integer(g.pad_token_id);
    const endTokenIds = moreEndIds(g.eos_token_id);
    options.generation = Object.fromEntries(Object.entries({ bosTokenId, eosTokenId, endTokenIds, padTokenId }).filter(([, v]) => v !== undefined));
  }
  return { options, dispose() {} };
}

/**
 * Checks that `visionpipe caption --model` was given and exists (before any image is read):
 * `INVALID_OPTION` saying what is allowed otherwise. Returns the path.
 *
 * @example
 * ```ts
 * checkCaptionModelArg(undefined); // throws: caption needs --model; --model must be a folder holding …
 * ```
 */
export function checkCaptionModelArg(path: string | undefined): string {
  if (path === undefined) throw usage('caption needs --model');
  if (!existsSync(path)) throw usage(`--model ${path}: no such file or folder`);
  if (isDeviceStats(statSync(path))) throw usage(`--model ${path}: is a device`);
  return path;
}

/**
 * Reads `visionpipe caption --model`: a folder with `captioner.json` (a trained visionpipe
 * captioner) or a Hugging Face VisionEncoderDecoder ONNX export, or a `captioner.json` file
 * itself. No model, or a path that is neither, is `INVALID_OPTION` saying what is allowed.
 *
 * @example
 * ```ts
 * const { options, dispose } = await loadCaptionFolder('models/vit-gpt2');
 * const captioner = await pipeline('image-to-text', { ...options, numBeams: 3 });
 * ```
 */
export async function loadCaptionFolder(path: string | undefined): Promise<CaptionFolder> {
  const model = checkCaptionModelArg(path);
  if (!statSync(model).isDirectory()) {
    if (model.endsWith('.json')) return loadCaptioner(model);
    throw usage(`--model ${model} is a file`);
  }
  const saved = join(model, 'captioner.json');
  return existsSync(saved) ? loadCaptioner(saved) : loadExport(model);
}
