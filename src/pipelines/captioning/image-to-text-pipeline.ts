import type { Tokenizer } from '@huggingface/tokenizers';
import { VisionError } from '../../core/errors';
import type { ImageInput } from '../../core/image-input';
import type { ModelSpec } from '../../models/model-spec';
import { generateSequences } from '../../postprocess/caption/generate';
import { type GenerationOptions, resolveGeneration } from '../../postprocess/caption/generation-options';
import type { InputSpec } from '../../preprocess/prepare';
import type { AnyModelSource } from '../../runtime/load-model';
import type { ModelRunner } from '../../runtime/model-runner';
import { ModelPipeline } from '../shared/model-pipeline';
import type { Pipeline } from '../shared/pipeline-options';
import { isModelRunner, resolveRunner } from '../shared/resolve-model';
import { checkCardInput } from '../shared/card-input-check';
import { shownValue } from '../../core/shown-value';
import { finishTiming, now, preprocessAndInfer } from '../shared/run-stages';
import { optionNames } from '../../core/known-options';
import { LOAD_OPTION_NAMES } from '../shared/pipeline-options';
import { definedOnly, optionsObject, runOptionsObject } from '../shared/options';
import { type OwnedRunner, disposeOnFailure } from '../shared/dispose-on-failure';
import { loadCaptionTokenizer } from './caption-tokenizer';
import type { CaptionCandidate, CaptionModel, ImageToTextOptions, ImageToTextResult, ImageToTextRunOptions } from './captioning-types';
import { VED_NAMES, checkEncoderDecoder, decoderStep } from './encoder-decoder';
import { checkEncoderInputSize, defaultInputSpec, findSpecialTokens } from './special-tokens';

const RUN_OPTION_NAMES = /* @__PURE__ */ optionNames<ImageToTextRunOptions>()(['maxTokens', 'numBeams', 'lengthPenalty', 'repetitionPenalty', 'numReturnSequences', 'signal']);
const OPTION_NAMES = /* @__PURE__ */ optionNames<ImageToTextOptions>()([...LOAD_OPTION_NAMES, ...RUN_OPTION_NAMES, 'model', 'encoder', 'decoder', 'tokenizer', 'input', 'generation']);
const INPUT_NAMES = /* @__PURE__ */ optionNames<InputSpec>()(['width', 'height', 'fit', 'cropFraction', 'antialias', 'interpolation', 'channelOrder', 'padValue', 'normalization', 'layout', 'dtype']);

/**
 * Image captioning (`pipeline('image-to-text', …)`): image → encoder `last_hidden_state` →
 * token-by-token decoding (greedy or beam search, repetition penalty, `maxTokens`) → text
 * via the tokenizer. Runs ONNX VisionEncoderDecoder exports and trained captioners alike.
 *
 * @example
 * ```ts
 * const captioner = await pipeline('image-to-text', { model: trained.toCaptionModel() });
 * const { text } = await captioner.run(image, { numBeams: 3 });
 * ```
 */
export class ImageToTextPipeline extends ModelPipeline implements Pipeline<ImageToTextRunOptions, ImageToTextResult> {
  readonly task = 'image-to-text';

  constructor(
    spec: ModelSpec,
    /** The encoder runner (also `runner`). */
    encoder: ModelRunner,
    /** The decoder runner. */
    readonly decoder: ModelRunner,
    readonly tokenizer: Tokenizer,
    private readonly vocabSize: number,
    private readonly generation: GenerationOptions,
    private readonly owns: { encoder: boolean; decoder: boolean },
    /** The most `input_ids` the decoder takes (Infinity: no limit): `maxTokens` is capped at it. */
    private readonly maxLength = Number.POSITIVE_INFINITY,
  ) {
    super(spec, encoder, owns.encoder);
    checkEncoderDecoder(encoder, decoder);
    resolveGeneration(generation, vocabSize);
    const logits = decoder.outputs.find((o) => o.name === VED_NAMES.decoderOutput)?.shape[2] ?? -1;
    if (logits > vocabSize) {
      throw new VisionError('MODEL_FORMAT', `the decoder scores ${logits} tokens but the tokenizer has ${vocabSize}: ids ${vocabSize}–${logits - 1} would decode to nothing; pass the decoder's own tokenizer`);
    }
  }

  async run(input: ImageInput, given?: ImageToTextRunOptions): Promise<ImageToTextResult> {
    this.assertUsable();
    const options = runOptionsObject(given, RUN_OPTION_NAMES);
    const resolved = resolveGeneration(runGeneration(this.generation, generationOptionsOf(options)), this.vocabSize);
    // a caption reaching the decoder's length ends there, unfinished
    const generation = { ...resolved, maxTokens: Math.min(resolved.maxTokens, this.maxLength) };
    const stage = await preprocessAndInfer(this.runner, this.spec, input);
    const postStart = now();
    const hidden = stage.outputs[VED_NAMES.encoderOutput];
    if (!hidden) throw new VisionError('MODEL_FORMAT', `the encoder returned no '${VED_NAMES.encoderOutput}'`);
    const sequences = await generateSequences(decoderStep(this.decoder, hidden, generation.padTokenId ?? generation.eosTokenId), generation, options.signal);
    // A sequence that ended at once (end-of-sequence first) is the empty caption.
    const candidates: CaptionCandidate[] = sequences.map((s) => ({ ...s, text: s.tokens.length > 0 ? this.tokenizer.decode(s.tokens, { skip_special_tokens: true }) : '' }));
    const timing = finishTiming(stage, postStart);
    // timing.inference is the encoder; timing.postprocess is the whole token-by-token search (decoder runs included).
    const result: ImageToTextResult = {
      ...candidates[0],
      imageSize: { width: stage.transform.sourceWidth, height: stage.transform.sourceHeight },
      timing,
    };
    if (generation.numBeams > 1) result.candidates = candidates;
    return result;
  }

  override dispose(): void {
    super.dispose();
    if (this.owns.decoder) this.decoder.dispose();
  }
}

/** The search options of a run that are set. */
function generationOptionsOf(options: ImageToTextRunOptions): Partial<GenerationOptions> {
  const { maxTokens, numBeams, lengthPenalty, repetitionPenalty, numReturnSequences } = options;
  return definedOnly({ maxTokens, numBeams, lengthPenalty, repetitionPenalty, numReturnSequences });
}

/**
 * A run's search options over the pipeline's: a run that sets `numBeams` but not
 * `numReturnSequences` gets the pipeline's `numReturnSequences` capped at its `numBeams`.
 */
function runGeneration(base: GenerationOptions, run: Partial<GenerationOptions>): GenerationOptions {
  const merged = { ...base, ...run };
  if (typeof run.numBeams === 'number' && run.numReturnSequences === undefined && typeof merged.numReturnSequences === 'number') {
    merged.numReturnSequences = Math.min(merged.numReturnSequences, run.numBeams);
  }
  return merged;
}

/** Whether `value` is something {@link resolveRunner} takes: a runner, a path or URL, bytes, `{ json, weights }` or `{ model }`. */
function isRunnerSource(value: unknown): value is AnyModelSource | ModelRunner {
  if (typeof value === 'string' || value instanceof URL || value instanceof Uint8Array || value instanceof ArrayBuffer || isModelRunner(value)) return true;
  return typeof value === 'object' && value !== null && ('json' in value || 'model' in value);
}

function runnerOf(source: unknown, which: 'encoder' | 'decoder', fromModel: boolean, options: ImageToTextOptions): Promise<OwnedRunner> {
  if (source === undefined) throw new VisionError('INVALID_OPTION', `image-to-text needs a ${which}: pass { encoder, decoder, tokenizer } (ONNX export) or { model } (a trained captioner)`);
  if (!isRunnerSource(source)) {
    throw new VisionError(
      'INVALID_OPTION',
      `${fromModel ? 'model.' : ''}${which} is ${shownValue(source)}; it must be a model file path or URL, its bytes (Uint8Array or ArrayBuffer), tfjs { json, weights }, a packed { model } or a ModelRunner`,
    );
  }
  return resolveRunner(source, options);
}

/** The given `input` option: an object of {@link InputSpec} fields (checked again, with the defaults, once the encoder is loaded). */
function inputOption(options: ImageToTextOptions): Partial<InputSpec> | undefined {
  if (options.input === undefined) return undefined;
  return optionsObject(options.input, 'input', INPUT_NAMES);
}

/**
 * Creates an image-to-text pipeline from a {@link CaptionModel} (`model`) or from an ONNX
 * VisionEncoderDecoder export (`encoder`, `decoder`, `tokenizer`). Missing or misnamed model
 * inputs/outputs are `MODEL_FORMAT`; bad search options, an `encoder`/`decoder` that is no model
 * source or runner, and a bad `input` (unknown field, bad value, a size the encoder does not take)
 * `INVALID_OPTION`; an empty tokenizer `INVALID_INPUT`.
 *
 * @example
 * ```ts
 * const captioner = await createImageToTextPipeline({
 *   encoder: 'encoder_model.onnx', decoder: 'decoder_model.onnx', tokenizer: 'tokenizer.json', numBeams: 3,
 * });
 * ```
 */
export async function createImageToTextPipeline(options: ImageToTextOptions = {}): Promise<ImageToTextPipeline> {
  optionsObject(options, 'image-to-text options', OPTION_NAMES);
  const model: Partial<CaptionModel> = options.model ?? {};
  const givenInput = inputOption(options);
  const tokenizerSource = options.tokenizer ?? model.tokenizer;
  if (tokenizerSource === undefined) throw new VisionError('INVALID_OPTION', 'image-to-text needs a tokenizer (a Hugging Face tokenizer.json object, URL, path or bytes)');
  const { tokenizer, vocabSize } = await loadCaptionTokenizer(tokenizerSource, options);
  const specials = { ...findSpecialTokens(tokenizer), ...model.generation, ...options.generation };
  if (specials.bosTokenId === undefined || specials.eosTokenId === undefined) {
    throw new VisionError('INVALID_OPTION', 'cannot tell the start/end tokens from the tokenizer; pass generation: { bosTokenId, eosTokenId }');
  }
  const generation: GenerationOptions = { ...generationOptionsOf(options), ...specials, bosTokenId: specials.bosTokenId, eosTokenId: specials.eosTokenId };
  resolveGeneration(generation, vocabSize);
  const encoder = await runnerOf(options.encoder ?? model.encoder, 'encoder', options.encoder === undefined, options);
  return disposeOnFailure([encoder], async (adopt) => {
    const decoder = adopt(await runnerOf(options.decoder ?? model.decoder, 'decoder', options.decoder === undefined, options));
    checkEncoderDecoder(encoder.runner, decoder.runner);
    const defaults = defaultInputSpec(encoder.runner, model.input);
    // the default antialiasing is the default bilinear resize's: a given interpolation: 'nearest' goes without it
    const input = { ...defaults, ...(givenInput?.interpolation === 'nearest' && givenInput.antialias === undefined ? { antialias: false } : {}), ...givenInput };
    if (input.width === undefined || input.height === undefined) {
      throw new VisionError('INVALID_OPTION', `the encoder's ${VED_NAMES.encoderInput} has a dynamic size; pass input: { width, height }`);
    }
    const id = model.id ?? 'vision-encoder-decoder';
    checkCardInput(id, input);
    checkEncoderInputSize(encoder.runner, input as InputSpec);
    const spec: ModelSpec = {
      id,
      task: 'image-to-text',
      family: 'vision-encoder-decoder',
      format: encoder.runner.runtime === 'onnxruntime' ? 'onnx' : 'tfjs',
      location: { url: typeof options.encoder === 'string' ? options.encoder : '' },
      input: input as InputSpec,
      outputs: [VED_NAMES.encoderOutput],
      labels: [],
    };
    // a decoder whose input_ids have a fixed length takes no more tokens than that
    const idsLength = decoder.runner.inputs.find((t) => t.name === VED_NAMES.decoderIds)?.shape[1] ?? -1;
    const maxLength = model.maxLength ?? (idsLength > 0 ? idsLength : undefined);
    return new ImageToTextPipeline(spec, encoder.runner, decoder.runner, tokenizer, vocabSize, generation, { encoder: encoder.ownsRunner, decoder: decoder.ownsRunner }, maxLength);
  });
}
