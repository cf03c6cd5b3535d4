import type { GenerationOptions } from '../../postprocess/caption/generation-options';
import type { InputSpec } from '../../preprocess/prepare';
import type { AnyModelSource, LoadModelOptions } from '../../runtime/load-model';
import type { ModelRunner } from '../../runtime/model-runner';
import type { TimedResult } from '../../core/results';
import type { TokenizerSource } from './caption-tokenizer';

/**
 * A ready captioning model: encoder and decoder runners with the VisionEncoderDecoder
 * signature, its tokenizer, its input preparation and its special tokens. Trained
 * captioners give one with `toCaptionModel()`.
 *
 * @example
 * ```ts
 * const captioner = await pipeline('image-to-text', { model: trained.toCaptionModel() });
 * ```
 */
export interface CaptionModel {
  id?: string;
  encoder: ModelRunner;
  decoder: ModelRunner;
  tokenizer: TokenizerSource;
  input: InputSpec;
  generation: Pick<GenerationOptions, 'bosTokenId' | 'eosTokenId' | 'padTokenId'>;
  /** The most `input_ids` the decoder takes (a trained transformer's positions): `maxTokens` is capped at it. */
  maxLength?: number;
}

/**
 * Per-call options of an image-to-text pipeline: length and search.
 *
 * @example
 * ```ts
 * await captioner.run(image, { numBeams: 4, maxTokens: 16, repetitionPenalty: 1.2 });
 * ```
 */
export interface ImageToTextRunOptions {
  maxTokens?: number;
  numBeams?: number;
  lengthPenalty?: number;
  repetitionPenalty?: number;
  /**
   * Beam search: how many candidates to return (default `numBeams`; at most `numBeams`). Set at
   * creation, it is capped at the `numBeams` of a run that sets `numBeams` alone (`{ numBeams: 3,
   * numReturnSequences: 3 }`, then `run(image, { numBeams: 2 })` returns 2); a run setting both,
   * with more sequences than beams, is `INVALID_OPTION`.
   */
  numReturnSequences?: number;
  /** Stops generation between steps (`ABORTED`). */
  signal?: AbortSignal;
}

/**
 * Options of an image-to-text pipeline: either a ready {@link CaptionModel} (`model`), or an
 * ONNX VisionEncoderDecoder export (`encoder` + `decoder` files or runners, `tokenizer`),
 * plus input preparation, special tokens and search defaults.
 *
 * @example
 * ```ts
 * const captioner = await pipeline('image-to-text', {
 *   encoder: 'vit-gpt2/encoder_model.onnx', decoder: 'vit-gpt2/decoder_model.onnx', tokenizer: 'vit-gpt2/tokenizer.json',
 *   input: { width: 224, height: 224 }, generation: { bosTokenId: 50256, eosTokenId: 50256 }, numBeams: 4,
 * });
 * ```
 */
export interface ImageToTextOptions extends LoadModelOptions, ImageToTextRunOptions {
  model?: CaptionModel;
  /** Encoder file or runner: `pixel_values` → `last_hidden_state`. Runners passed in are not disposed. */
  encoder?: AnyModelSource | ModelRunner;
  /**
   * Decoder file or runner (no past-key-values cache): `input_ids` (int64) + `encoder_hidden_states`
   * (+ an optional int64 `attention_mask`) → `logits`. A fixed `input_ids` length caps `maxTokens`;
   * shorter sequences are padded to it with `padTokenId` (else `eosTokenId`), mask 0 there.
   */
  decoder?: AnyModelSource | ModelRunner;
  /** A Hugging Face tokenizer.json (object, JSON text, URL, file path or bytes). */
  tokenizer?: TokenizerSource;
  /**
   * Input preparation. Default: the encoder's static size, NCHW, Pillow's antialiased bilinear resize, `(x/255 − 0.5)/0.5` (ViT); a given `interpolation: 'nearest'` goes without the antialiasing.
   * Unknown fields, bad values and a size other than a fixed encoder size are `INVALID_OPTION` at creation.
   */
  input?: Partial<InputSpec>;
  /** Special tokens (default: found in the tokenizer: `<s>`/`</s>`, `[CLS]`/`[SEP]`, `<bos>`/`<eos>`, `<|endoftext|>`); `endTokenIds`: other tokens that end a caption. */
  generation?: Partial<Pick<GenerationOptions, 'bosTokenId' | 'eosTokenId' | 'endTokenIds' | 'padTokenId'>>;
}

/**
 * One caption candidate.
 *
 * @example
 * ```ts
 * for (const c of result.candidates ?? []) console.log(c.text, c.score);
 * ```
 */
export interface CaptionCandidate {
  text: string;
  /** Generated token ids (no BOS, EOS or padding). */
  tokens: number[];
  /** Greedy: summed log-probability; beam search: length-normalised beam score. */
  score: number;
  /** False when the caption was cut at `maxTokens` before EOS. */
  finished: boolean;
}

/**
 * The caption of one image: the best candidate's fields, plus all beam-search candidates.
 *
 * @example
 * ```ts
 * const { text, score } = await captioner.run(image);
 * ```
 */
export interface ImageToTextResult extends TimedResult, CaptionCandidate {
  /** Beam search: the best hypotheses, best first (`finished` says which ended with an end token; a search cut at `maxTokens` gives unfinished ones). */
  candidates?: CaptionCandidate[];
}
