import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { InputSpec } from '../../core/card-types';
import type { ModelRunner } from '../../runtime/model-runner';
import { CaptionerRunner } from './captioner-runner';
import { ParamSet, ParamShapes, type SavedParams } from './params';
import { type PatchEncoderConfig, createPatchEncoder, encodeImages, encoderPositions } from './patch-encoder';
import { type RnnDecoderConfig, createRnnDecoder, rnnDecode } from './rnn-decoder';
import { type TransformerDecoderConfig, createTransformerDecoder, transformerDecode } from './transformer-decoder';
import { checkSavedCaptioner, copyCaptionerConfig } from './saved-captioner-check';
import { CAPTION_SPECIALS, CaptionVocabulary } from './vocabulary';
import { type MatrixProduct, plainMatMul, trainableMatMul } from '../trainable-matmul';

/**
 * Architecture of a trainable captioner: the convolutional encoder and an RNN (GRU/LSTM with
 * attention) or transformer decoder.
 *
 * @example
 * ```ts
 * const config: CaptionerConfig = {
 *   encoder: { imageSize: 32, patch: 4, channels: [24, 48], dim: 64 },
 *   decoder: { type: 'gru', embedding: 32, hidden: 96, attention: 64 },
 * };
 * ```
 */
export interface CaptionerConfig {
  encoder: PatchEncoderConfig;
  decoder: RnnDecoderConfig | TransformerDecoderConfig;
}

/**
 * A captioner as plain data (JSON-serialisable): architecture, vocabulary words and weights.
 *
 * @example
 * ```ts
 * writeFileSync('captioner.json', JSON.stringify(captioner.save()));
 * ```
 */
export interface SavedCaptioner {
  format: 'visionpipe-captioner@1';
  config: CaptionerConfig;
  words: string[];
  params: SavedParams;
}

/**
 * What the image-to-text pipeline needs from a captioner (its `model` option): runners with
 * the VisionEncoderDecoder signature, tokenizer, input preparation and special tokens.
 *
 * @example
 * ```ts
 * const captioner = await pipeline('image-to-text', { model: trained.toCaptionModel() });
 * ```
 */
export interface CaptionerParts {
  id: string;
  encoder: ModelRunner;
  decoder: ModelRunner;
  tokenizer: Record<string, unknown>;
  input: InputSpec;
  generation: { bosTokenId: number; eosTokenId: number; padTokenId: number };
  /** The most tokens the decoder takes (transformer decoders: their positions). */
  maxLength?: number;
}

/**
 * Options of one pass through a {@link Captioner}.
 *
 * @example
 * ```ts
 * const logits = captioner.logits(ids, captioner.features(images, { training: true }), { training: true });
 * ```
 */
export interface CaptionerPassOptions {
  /** A pass whose gradients are taken (products with wasm-friendly gradients). Default false. */
  training?: boolean;
}

function productFor(options: CaptionerPassOptions): MatrixProduct {
  return options.training === true ? trainableMatMul : plainMatMul;
}

/** Declares the weights of `config`'s encoder and decoder in `params` (made, or only their shapes recorded). */
function declareParams<P extends ParamSet>(params: P, config: CaptionerConfig, vocabularySize: number): P {
  createPatchEncoder(params, config.encoder);
  if (config.decoder.type === 'transformer') createTransformerDecoder(params, config.decoder, config.encoder.dim, vocabularySize);
  else createRnnDecoder(params, config.decoder, config.encoder.dim, vocabularySize);
  return params;
}

/**
 * How a trained captioner's images are prepared, in training and at captioning alike: stretched
 * to `imageSize`² (bilinear), values 0–1, NHWC.
 *
 * @example
 * ```ts
 * const { input } = await prepareInput(photo, captionerInputSpec(32)); // [1, 32, 32, 3]
 * ```
 */
export function captionerInputSpec(imageSize: number): InputSpec {
  return { width: imageSize, height: imageSize, normalization: 'unit', layout: 'nhwc' };
}

/**
 * A trainable image captioner (see {@link trainCaptioner}): encoder + decoder weights and the
 * caption vocabulary. Its `config` is its own frozen copy of the architecture (a config object
 * changed later changes nothing; `save()` gives another copy). Dispose it to free its weights.
 *
 * @example
 * ```ts
 * const captioner = Captioner.create(config, CaptionVocabulary.fromCaptions(captions), 7);
 * const logits = captioner.logits(ids, captioner.features(images));
 * ```
 */
export class Captioner {
  private disposed = false;

  private constructor(
    readonly config: CaptionerConfig,
    readonly vocabulary: CaptionVocabulary,
    readonly params: ParamSet,
  ) {}

  /** A captioner with freshly initialised (seeded) weights. */
  static create(given: CaptionerConfig, vocabulary: CaptionVocabulary, seed = 1): Captioner {
    const config = copyCaptionerConfig(given);
    return new Captioner(config, vocabulary, declareParams(new ParamSet(seed), config, vocabulary.size));
  }

  /**
   * Rebuilds a captioner from {@link Captioner.save} output: `MODEL_FORMAT` naming the field when
   * it does not fit (sizes out of range, see {@link checkSavedCaptioner}; weights of the wrong
   * shape, too few or not finite numbers), checked before any tensor is made.
   */
  static load(saved: SavedCaptioner): Captioner {
    checkSavedCaptioner(saved);
    // the file's weights against the shapes its architecture declares, before any tensor is made
    const { declared } = declareParams(new ParamShapes(), saved.config, CAPTION_SPECIALS.length + saved.words.length);
    for (const [name, shape] of declared) {
      const entry = Object.hasOwn(saved.params, name) ? saved.params[name] : undefined;
      if (!entry || entry.shape.join(',') !== shape.join(',')) {
        throw new VisionError('MODEL_FORMAT', `saved captioner weights lack '${name}' [${shape.join(',')}] (found ${entry ? `[${entry.shape.join(',')}]` : 'nothing'})`);
      }
    }
    const captioner = Captioner.create(saved.config, new CaptionVocabulary(saved.words));
    try {
      captioner.params.load(saved.params);
    } catch (error) {
      captioner.dispose();
      throw error;
    }
    return captioner;
  }

  /**
   * Encoder features `[B, positions, dim]` of images `[B, S, S, 3]` in 0–1. `training: true`
   * (inside `optimizer.minimize`) uses products whose gradients avoid tfjs-wasm's slow transposed
   * matMuls; the values are the same.
   */
  features(images: tf.Tensor4D, options: CaptionerPassOptions = {}): tf.Tensor3D {
    this.assertUsable();
    return encodeImages(this.params, this.config.encoder, images, productFor(options));
  }

  /** Next-token logits `[B, T, vocab]` for ids `[B, T]` and features (`training` as for {@link Captioner.features}). */
  logits(ids: tf.Tensor2D, features: tf.Tensor3D, options: CaptionerPassOptions = {}): tf.Tensor3D {
    this.assertUsable();
    const d = this.config.decoder;
    if (d.type === 'transformer') {
      if (ids.shape[1] > d.maxLength) throw new VisionError('INVALID_INPUT', `input_ids has ${ids.shape[1]} tokens; this decoder takes at most ${d.maxLength}`);
      return transformerDecode(this.params, d, ids, features, productFor(options));
    }
    return rnnDecode(this.params, d, ids, features, productFor(options));
  }

  /** The encoder and decoder as runners plus tokenizer and settings, for `pipeline('image-to-text', { model })`. */
  toCaptionModel(): CaptionerParts {
    this.assertUsable();
    const { imageSize, dim } = this.config.encoder;
    const s = encoderPositions(this.config.encoder);
    const alive = (): boolean => !this.disposed;
    const encoder = new CaptionerRunner(
      [{ name: 'pixel_values', shape: [-1, imageSize, imageSize, 3], dtype: 'float32' }],
      [{ name: 'last_hidden_state', shape: [-1, s, dim], dtype: 'float32' }],
      (inputs) => this.features(inputs.pixel_values as tf.Tensor4D),
      alive,
    );
    const decoder = new CaptionerRunner(
      [
        { name: 'input_ids', shape: [-1, -1], dtype: 'int64' },
        { name: 'encoder_hidden_states', shape: [-1, s, dim], dtype: 'float32' },
      ],
      [{ name: 'logits', shape: [-1, -1, this.vocabulary.size], dtype: 'float32' }],
      (inputs) => this.logits(inputs.input_ids as tf.Tensor2D, inputs.encoder_hidden_states as tf.Tensor3D),
      alive,
    );
    const v = this.vocabulary;
    return {
      id: `visionpipe-captioner-${this.config.decoder.type}`,
      encoder,
      decoder,
      tokenizer: v.toTokenizerJson(),
      input: captionerInputSpec(imageSize),
      generation: { bosTokenId: v.bosId, eosTokenId: v.eosId, padTokenId: v.padId },
      ...(this.config.decoder.type === 'transformer' ? { maxLength: this.config.decoder.maxLength } : {}),
    };
  }

  /** Architecture, vocabulary and weights as plain data. */
  save(): SavedCaptioner {
    this.assertUsable();
    return { format: 'visionpipe-captioner@1', config: structuredClone(this.config), words: [...this.vocabulary.words], params: this.params.save() };
  }

  /** Throws `DISPOSED` after {@link dispose}. @example `initial.assertUsable(); // before training it further` */
  assertUsable(): void {
    if (this.disposed) throw new VisionError('DISPOSED', 'this captioner was disposed');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.params.dispose();
  }
}
