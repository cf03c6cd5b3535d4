import type { Tokenizer } from '@huggingface/tokenizers';
import { VisionError } from '../../core/errors';
import type { GenerationOptions } from '../../postprocess/caption/generation-options';
import type { InputSpec } from '../../preprocess/prepare';
import type { ModelRunner } from '../../runtime/model-runner';
import { VED_NAMES } from './encoder-decoder';

const BOS = ['<bos>', '<s>', '[CLS]', '<|startoftext|>', '<|endoftext|>'];
const EOS = ['<eos>', '</s>', '[SEP]', '<|endoftext|>'];
const PAD = ['<pad>', '[PAD]'];

function first(tokenizer: Tokenizer, names: readonly string[]): number | undefined {
  for (const name of names) {
    const id = tokenizer.token_to_id(name);
    if (id !== undefined) return id;
  }
  return undefined;
}

/**
 * Start, end and padding token ids found by their usual names in a tokenizer's vocabulary
 * (`<bos>`/`<s>`/`[CLS]`, `<eos>`/`</s>`/`[SEP]`, GPT-2's `<|endoftext|>` for both; `<pad>`/`[PAD]`).
 *
 * @example
 * ```ts
 * const { bosTokenId, eosTokenId } = findSpecialTokens(tokenizer);
 * ```
 */
export function findSpecialTokens(tokenizer: Tokenizer): Partial<Pick<GenerationOptions, 'bosTokenId' | 'eosTokenId' | 'padTokenId'>> {
  const out: Partial<Pick<GenerationOptions, 'bosTokenId' | 'eosTokenId' | 'padTokenId'>> = {};
  const bos = first(tokenizer, BOS);
  const eos = first(tokenizer, EOS);
  const pad = first(tokenizer, PAD);
  if (bos !== undefined) out.bosTokenId = bos;
  if (eos !== undefined) out.eosTokenId = eos;
  if (pad !== undefined) out.padTokenId = pad;
  return out;
}

/**
 * The input preparation of an encoder: `base` when given, else the encoder's static
 * `pixel_values` size (left out when dynamic), its layout (channels axis of size 3), ViT
 * normalisation `(x/255 − 0.5) / 0.5` and the antialiased bilinear resize of Hugging Face's
 * image processors (Pillow's).
 *
 * @example
 * ```ts
 * const input = defaultInputSpec(encoderRunner); // { width: 224, height: 224, layout: 'nchw', ... }
 * ```
 */
export function defaultInputSpec(encoder: ModelRunner, base?: InputSpec): Partial<InputSpec> {
  if (base) return base;
  const info = encoder.inputs.find((t) => t.name === VED_NAMES.encoderInput) ?? encoder.inputs[0];
  const shape = info?.shape ?? [];
  const nhwc = shape.length === 4 && shape[3] === 3 && shape[1] !== 3;
  const [h, w] = nhwc ? [shape[1], shape[2]] : [shape[2], shape[3]];
  const spec: Partial<InputSpec> = { layout: nhwc ? 'nhwc' : 'nchw', antialias: true, normalization: { scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } };
  return h > 0 && w > 0 ? { ...spec, width: w, height: h } : spec;
}

/**
 * Checks an input size against the encoder's: an `input` whose width or height differs from a
 * fixed (static) size of the encoder's `pixel_values` — read in `input.layout` — is
 * `INVALID_OPTION` naming both sizes (every run would fail otherwise).
 *
 * @example
 * ```ts
 * checkEncoderInputSize(encoderRunner, { width: 64, height: 64 }); // throws when the encoder takes 32×32
 * ```
 */
export function checkEncoderInputSize(encoder: ModelRunner, input: InputSpec): void {
  const shape = (encoder.inputs.find((t) => t.name === VED_NAMES.encoderInput) ?? encoder.inputs[0])?.shape ?? [];
  if (shape.length !== 4) return;
  const [h, w] = input.layout === 'nhwc' ? [shape[1], shape[2]] : [shape[2], shape[3]];
  if ((h > 0 && h !== input.height) || (w > 0 && w !== input.width)) {
    const size = (x: number): string => (x > 0 ? String(x) : 'any');
    throw new VisionError(
      'INVALID_OPTION',
      `input is ${input.width}×${input.height} but the encoder's ${VED_NAMES.encoderInput} [${shape.join(',')}] (${input.layout ?? 'nhwc'}) takes ${size(w)}×${size(h)} images; leave input width and height out or match them`,
    );
  }
}
