import { VisionError } from '../../core/errors';
import { knownOptions, optionNames } from '../../core/known-options';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import type { PatchEncoderConfig } from './patch-encoder';
import type { RnnDecoderConfig } from './rnn-decoder';
import type { TransformerDecoderConfig } from './transformer-decoder';

/** A captioner's architecture (the shape of `CaptionerConfig`, named here so that the captioner can import its checks). */
interface Architecture {
  encoder: PatchEncoderConfig;
  decoder: RnnDecoderConfig | TransformerDecoderConfig;
}

const CONFIG_NAMES = /* @__PURE__ */ optionNames<Architecture>()(['encoder', 'decoder']);
const ENCODER_NAMES = /* @__PURE__ */ optionNames<PatchEncoderConfig>()(['imageSize', 'patch', 'channels', 'dim']);
const RNN_NAMES = /* @__PURE__ */ optionNames<RnnDecoderConfig>()(['type', 'embedding', 'hidden', 'attention']);
const TRANSFORMER_NAMES = /* @__PURE__ */ optionNames<TransformerDecoderConfig>()(['type', 'dim', 'heads', 'layers', 'feedForward', 'maxLength']);

/** Largest encoder image side a saved captioner may declare. */
const MAX_IMAGE_SIZE = 1024;
/** Largest patch side of the encoder's first convolution. */
const MAX_PATCH = 64;
/** Largest width (channels, features, hidden state, attention, feed-forward) of any layer. */
const MAX_WIDTH = 4096;
/** Most transformer layers and attention heads. */
const MAX_LAYERS = 64;
/** Longest token sequence a transformer decoder may declare. */
const MAX_LENGTH = 1024;
/** Most words in a saved vocabulary. */
const MAX_WORDS = 200_000;

/** Throws the error of the check in progress: a bad file (`MODEL_FORMAT`) or bad options (`INVALID_OPTION`). */
type Fail = (message: string) => never;

const savedFail: Fail = (message) => {
  throw new VisionError('MODEL_FORMAT', `saved captioner: ${message}`);
};

function integerIn(fail: Fail, value: unknown, field: string, min: number, max: number): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
    fail(`${field} is ${shownValue(value)}; it must be an integer in [${min}, ${max}]`);
  }
  return value;
}

function section(fail: Fail, value: unknown, field: string): Record<string, unknown> {
  if (!isOptionsObject(value)) fail(`${field} is ${shownValue(value)}; it must be an object`);
  return value;
}

function checkEncoder(fail: Fail, value: unknown): void {
  const encoder = section(fail, value, 'config.encoder');
  const patch = integerIn(fail, encoder.patch, 'config.encoder.patch', 1, MAX_PATCH);
  const size = integerIn(fail, encoder.imageSize, 'config.encoder.imageSize', 2 * patch, MAX_IMAGE_SIZE);
  if (size % (2 * patch) !== 0) fail(`config.encoder.imageSize ${size} must be a multiple of 2 × patch (${2 * patch})`);
  const channels = encoder.channels;
  if (!Array.isArray(channels) || channels.length !== 2) fail(`config.encoder.channels is ${shownValue(channels)}; it must be two integers`);
  channels.forEach((c, i) => integerIn(fail, c, `config.encoder.channels[${i}]`, 1, MAX_WIDTH));
  integerIn(fail, encoder.dim, 'config.encoder.dim', 1, MAX_WIDTH);
}

function checkDecoder(fail: Fail, value: unknown): void {
  const decoder = section(fail, value, 'config.decoder');
  if (decoder.type === 'gru' || decoder.type === 'lstm') {
    for (const field of ['embedding', 'hidden', 'attention']) integerIn(fail, decoder[field], `config.decoder.${field}`, 1, MAX_WIDTH);
    return;
  }
  if (decoder.type !== 'transformer') fail(`config.decoder.type is ${shownValue(decoder.type)}; it must be 'gru', 'lstm' or 'transformer'`);
  const dim = integerIn(fail, decoder.dim, 'config.decoder.dim', 1, MAX_WIDTH);
  const heads = integerIn(fail, decoder.heads, 'config.decoder.heads', 1, MAX_LAYERS);
  if (dim % heads !== 0) fail(`config.decoder.dim ${dim} must be a multiple of config.decoder.heads (${heads})`);
  integerIn(fail, decoder.layers, 'config.decoder.layers', 1, MAX_LAYERS);
  integerIn(fail, decoder.feedForward, 'config.decoder.feedForward', 1, MAX_WIDTH);
  integerIn(fail, decoder.maxLength, 'config.decoder.maxLength', 1, MAX_LENGTH);
}

function checkParams(fail: Fail, value: unknown): void {
  const params = section(fail, value, 'params');
  for (const [name, entry] of Object.entries(params)) {
    const { shape, values } = section(fail, entry, `params['${name}']`);
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
      fail(`params['${name}'].shape is ${shownValue(shape)}; it must be an array of whole numbers`);
    }
    const size = shape.reduce((a: number, d: number) => a * d, 1);
    if (!Array.isArray(values) || values.length !== size) {
      fail(`params['${name}'] has ${Array.isArray(values) ? values.length : shownValue(values)} values; its shape [${shape.join(',')}] needs ${size}`);
    }
    const bad = values.findIndex((v) => !(typeof v === 'number' && Number.isFinite(v)));
    if (bad >= 0) fail(`params['${name}'].values[${bad}] is ${shownValue(values[bad])}; weights must be finite numbers`);
  }
}

/**
 * Checks saved captioner data before any tensor is made: architecture sizes are whole numbers
 * within bounds (image side ≤ 1024 and a multiple of 2 × patch, patch ≤ 64, layer widths ≤ 4096,
 * ≤ 64 layers and heads, maxLength ≤ 1024), the vocabulary is 1–200,000 strings and every weight
 * has as many finite numbers as its shape needs. `MODEL_FORMAT` naming the field otherwise.
 *
 * @example
 * ```ts
 * checkSavedCaptioner(JSON.parse(readFileSync('captioner.json', 'utf8'))); // throws on a bad file
 * ```
 */
export function checkSavedCaptioner(saved: unknown): void {
  const fail = savedFail;
  const root = section(fail, saved, 'the file');
  if (root.format !== 'visionpipe-captioner@1') fail(`format is ${shownValue(root.format)}; it must be 'visionpipe-captioner@1'`);
  const config = section(fail, root.config, 'config');
  checkEncoder(fail, config.encoder);
  checkDecoder(fail, config.decoder);
  const words = root.words;
  if (!Array.isArray(words) || words.length < 1 || words.length > MAX_WORDS || !words.every((w) => typeof w === 'string')) {
    fail(`words is ${shownValue(words)}${Array.isArray(words) ? ` of ${words.length}` : ''}; it must be 1–${MAX_WORDS} strings`);
  }
  checkParams(fail, root.params);
}

/**
 * Checks a captioner architecture given to `trainCaptioner` with the bounds a saved one must
 * keep (see {@link checkSavedCaptioner}): `INVALID_OPTION` naming the field otherwise.
 *
 * @example
 * ```ts
 * checkCaptionerConfig({ encoder: { imageSize: 32, patch: 4, channels: [24, 48], dim: 64 }, decoder: { type: 'gru', embedding: 32, hidden: 96, attention: 64 } });
 * ```
 */
export function checkCaptionerConfig(config: unknown): void {
  const fail: Fail = (message) => {
    throw new VisionError('INVALID_OPTION', `trainCaptioner: ${message}`);
  };
  const sections = section(fail, config, 'config');
  checkEncoder(fail, sections.encoder);
  checkDecoder(fail, sections.decoder);
  // a field another architecture has (a GRU's layers: 2, an encoder's dropout) was taken and saved without effect
  knownOptions(sections, 'trainCaptioner: config', CONFIG_NAMES);
  knownOptions(sections.encoder as object, 'trainCaptioner: config.encoder', ENCODER_NAMES);
  const decoder = sections.decoder as RnnDecoderConfig | TransformerDecoderConfig;
  knownOptions(decoder, `trainCaptioner: config.decoder (${decoder.type})`, decoder.type === 'transformer' ? TRANSFORMER_NAMES : RNN_NAMES);
}

/** An object with only `names` of `value`, copied. */
function pick<T extends object>(value: T, names: readonly (keyof T)[]): T {
  return Object.fromEntries(names.map((name) => [name, value[name]])) as T;
}

/**
 * A frozen copy of a (checked) captioner architecture with only the fields it uses: a captioner
 * keeps its own, so that a config object the caller changes later (a size sweep reusing it) or a
 * saved file's fields another architecture has change nothing.
 *
 * @example
 * ```ts
 * const own = copyCaptionerConfig(options.config);
 * ```
 */
export function copyCaptionerConfig<C extends Architecture>(config: C): C {
  const encoder = pick(config.encoder, ENCODER_NAMES);
  encoder.channels = Object.freeze([config.encoder.channels[0], config.encoder.channels[1]]) as [number, number];
  const decoder = config.decoder.type === 'transformer' ? pick(config.decoder, TRANSFORMER_NAMES) : pick(config.decoder, RNN_NAMES);
  return Object.freeze({ encoder: Object.freeze(encoder), decoder: Object.freeze(decoder) }) as C;
}
