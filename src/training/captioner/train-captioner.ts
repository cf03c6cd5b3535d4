import * as tf from '@tensorflow/tfjs';
import { VisionError, throwIfAborted } from '../../core/errors';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import { knownOptions, optionNames } from '../../core/known-options';
import { checkFunctionOptions } from '../../core/callback-options';
import type { ImageInput } from '../../core/image-input';
import { imageToTensor } from '../../core/image-tensor';
import { permutation } from '../random';
import { type CaptionerConfig, Captioner } from './captioner';
import { checkCaptionerConfig } from './saved-captioner-check';
import { CaptionVocabulary } from './vocabulary';

/**
 * One training example: an image — anything a pipeline takes (raw pixels 0–255 with 1, 3 or 4
 * channels, ImageData, a tensor, a canvas or bitmap, in Node a path or encoded bytes) of any
 * size, prepared as `pipeline('image-to-text')` prepares it for this captioner (stretched to the
 * captioner's size, see `captionerInputSpec`) — and its caption.
 *
 * @example
 * ```ts
 * const example: CaptionExample = { image: { data: rgb, width: 32, height: 32, channels: 3 }, caption: 'a red circle left of a blue square' };
 * ```
 */
export interface CaptionExample {
  image: ImageInput;
  caption: string;
}

/**
 * Progress after each epoch.
 *
 * @example
 * ```ts
 * onEpochEnd: (p: CaptionEpoch) => console.log(p.epoch, p.loss.toFixed(3))
 * ```
 */
export interface CaptionEpoch {
  epoch: number;
  epochs: number;
  /** Mean masked cross-entropy per target token. */
  loss: number;
  /** Whether the encoder was frozen (features cached) in this epoch. */
  encoderFrozen: boolean;
  seconds: number;
}

/**
 * Options of {@link trainCaptioner}.
 *
 * @example
 * ```ts
 * await trainCaptioner(examples, { config, epochs: 12, freezeEncoderAfter: 6, signal });
 * ```
 */
export interface TrainCaptionerOptions {
  config: CaptionerConfig;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** After this many epochs the encoder is frozen, its features computed once and cached, and only the decoder trains (at half the learning rate). Default: never. */
  freezeEncoderAfter?: number;
  /** Start from this captioner's weights (it is trained in place) instead of new ones. */
  initial?: Captioner;
  seed?: number;
  onEpochEnd?: (progress: CaptionEpoch) => void;
  signal?: AbortSignal;
}

/** Every name {@link TrainCaptionerOptions} takes. */
const TRAIN_CAPTIONER_OPTION_NAMES = optionNames<TrainCaptionerOptions>()(['config', 'epochs', 'batchSize', 'learningRate', 'freezeEncoderAfter', 'initial', 'seed', 'onEpochEnd', 'signal']);

/**
 * Result of {@link trainCaptioner}: the trained captioner, the loss per epoch and the time taken.
 *
 * @example
 * ```ts
 * const { captioner, losses, seconds } = await trainCaptioner(examples, options);
 * ```
 */
export interface TrainedCaptioner {
  captioner: Captioner;
  losses: number[];
  seconds: number;
}

/** `INVALID_INPUT` naming the first example that is no `{ image, caption }` with a caption of words. */
function checkExamples(examples: readonly CaptionExample[]): void {
  examples.forEach((example, i) => {
    if (typeof example !== 'object' || example === null) throw new VisionError('INVALID_INPUT', `example ${i} is ${shownValue(example)}; each must be { image, caption }`);
    if (typeof example.caption !== 'string' || example.caption.trim() === '') {
      throw new VisionError('INVALID_INPUT', `example ${i} has caption ${shownValue(example.caption)}; each needs a caption of one or more words`);
    }
  });
}

/**
 * `INVALID_INPUT` when captions use words a captioner trained further cannot learn: its
 * vocabulary is fixed, so they would be trained as `<unk>` (and captions come out empty).
 */
function checkKnownWords(vocabulary: CaptionVocabulary, examples: readonly CaptionExample[]): void {
  const known = new Set(vocabulary.words);
  const unknown = [...new Set(examples.flatMap((e) => CaptionVocabulary.wordsOf(e.caption)).filter((w) => !known.has(w)))];
  if (unknown.length > 0) {
    throw new VisionError('INVALID_INPUT', `the captions use ${unknown.length} word(s) the initial captioner's vocabulary lacks (${unknown.slice(0, 8).join(', ')}${unknown.length > 8 ? ', …' : ''}); its vocabulary is fixed: train a new captioner (no initial) to learn new words`);
  }
}

/**
 * `INVALID_INPUT` naming the first caption longer than a transformer decoder's positions
 * (`config.decoder.maxLength`, counting `<bos>`): it failed inside the first batch, naming no
 * example. GRU decoders take any length.
 */
function checkCaptionLengths(encoded: readonly number[][], decoder: CaptionerConfig['decoder']): void {
  if (decoder.type !== 'transformer') return;
  const long = encoded.findIndex((ids) => ids.length - 1 > decoder.maxLength);
  if (long >= 0) {
    throw new VisionError('INVALID_INPUT', `example ${long}'s caption is ${encoded[long].length - 2} tokens; this transformer decoder takes captions of at most ${decoder.maxLength - 1} (config.decoder.maxLength ${decoder.maxLength} counts <bos>): shorten it or raise maxLength`);
  }
}

/**
 * One example's image as the captioning pipeline prepares it for a trained captioner (its
 * tensor path, see {@link captionerInputSpec}): RGB, stretched to `size`² by half-pixel bilinear
 * resizing, times 1/255 — [size, size, 3] float32.
 */
async function preparedImage(image: ImageInput, size: number): Promise<tf.Tensor3D> {
  const { tensor, owned } = await imageToTensor(image);
  try {
    return tf.tidy(() => {
      const [height, width] = tensor.shape;
      const fitted = height === size && width === size ? tf.cast(tensor, 'float32') : tf.image.resizeBilinear(tensor, [size, size], false, true);
      return tf.mul(fitted, 1 / 255) as tf.Tensor3D;
    });
  } finally {
    if (owned) tensor.dispose();
  }
}

/**
 * The examples' images as one batch, each read as every pipeline reads an image (the same checks
 * and messages, prefixed with the example's index) and prepared by {@link preparedImage}: a raw
 * image's values are 0–255 whatever its array type — a Float32Array was once taken as 0–1 here,
 * so the same image went into the model 255× brighter at captioning than in training.
 */
async function imagesTensor(examples: readonly CaptionExample[], size: number): Promise<tf.Tensor4D> {
  const prepared: tf.Tensor3D[] = [];
  try {
    for (const [n, { image }] of examples.entries()) {
      try {
        prepared.push(await preparedImage(image, size));
      } catch (error) {
        if (error instanceof VisionError) throw new VisionError(error.code, `example ${n}'s image: ${error.message}`, { cause: error });
        throw error;
      }
    }
    return tf.stack(prepared) as tf.Tensor4D;
  } finally {
    tf.dispose(prepared);
  }
}

function maskedCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  const vocab = logits.shape[2];
  const logp = tf.logSoftmax(logits.reshape([-1, vocab]));
  const picked = tf.sum(tf.mul(logp, tf.oneHot(targets.reshape([-1]), vocab)), 1);
  const m = mask.reshape([-1]);
  return tf.div(tf.neg(tf.sum(tf.mul(picked, m))), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
}

/**
 * Trains a captioner with teacher forcing (each position predicts the next caption token;
 * masked cross-entropy, Adam) on the cpu, wasm-free path: the encoder's strided convolutions
 * run as matMuls, so training works on tfjs's cpu backend. Optionally freezes the encoder after
 * some epochs and trains the decoder on cached features. Reports each epoch and stops with
 * `ABORTED` when `signal` fires. Bad options (names it does not take, architecture sizes as a saved captioner must keep
 * them, a learning rate that is no finite number > 0) are `INVALID_OPTION` before any tensor is
 * made; a loss that turns NaN or infinite stops it with `INVALID_OPTION` (an `initial`
 * captioner's weights are put back as they were).
 *
 * @example
 * ```ts
 * const { captioner } = await trainCaptioner(examples, {
 *   config: { encoder: { imageSize: 32, patch: 4, channels: [24, 48], dim: 64 }, decoder: { type: 'gru', embedding: 32, hidden: 96, attention: 64 } },
 *   epochs: 10, onEpochEnd: (p) => console.log(p.epoch, p.loss),
 * });
 * const captionerPipeline = await pipeline('image-to-text', { model: captioner.toCaptionModel() });
 * ```
 */
export async function trainCaptioner(examples: readonly CaptionExample[], options: TrainCaptionerOptions): Promise<TrainedCaptioner> {
  if (!Array.isArray(examples) || examples.length === 0) throw new VisionError('INVALID_INPUT', 'trainCaptioner needs at least one { image, caption } example');
  const given: unknown = options;
  if (!isOptionsObject(given)) throw new VisionError('INVALID_OPTION', `trainCaptioner options must be an object ({ config, epochs, … }); got ${shownValue(given)}`);
  knownOptions(options, 'trainCaptioner options', TRAIN_CAPTIONER_OPTION_NAMES);
  checkFunctionOptions(options, ['onEpochEnd']);
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  const lr = options.learningRate ?? 3e-3;
  const freezeAfter = options.freezeEncoderAfter ?? Number.POSITIVE_INFINITY;
  for (const [name, value] of [['epochs', epochs], ['batchSize', batchSize]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be an integer ≥ 1`);
  }
  if (!(typeof lr === 'number' && Number.isFinite(lr) && lr > 0)) throw new VisionError('INVALID_OPTION', `learningRate is ${shownValue(lr)}; it must be a finite number > 0`);
  if (freezeAfter !== Number.POSITIVE_INFINITY && !(Number.isInteger(freezeAfter) && freezeAfter >= 0)) {
    throw new VisionError('INVALID_OPTION', `freezeEncoderAfter is ${shownValue(freezeAfter)}; it must be a whole number of epochs ≥ 0 (leave it out never to freeze)`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new VisionError('INVALID_OPTION', `seed is ${shownValue(options.seed)}; it must be an integer`);
  if (options.initial !== undefined && !(options.initial instanceof Captioner)) throw new VisionError('INVALID_OPTION', 'initial must be a Captioner (from trainCaptioner or Captioner.load)');
  options.initial?.assertUsable();
  checkExamples(examples);
  if (!options.initial) checkCaptionerConfig(options.config);
  else checkKnownWords(options.initial.vocabulary, examples);
  const started = Date.now();
  const size = (options.initial?.config ?? options.config).encoder.imageSize;
  // the vocabulary and the model first: what can fail there fails before any tensor of the data is made
  const vocabulary = options.initial?.vocabulary ?? CaptionVocabulary.fromCaptions(examples.map((e) => e.caption));
  const captioner = options.initial ?? Captioner.create(options.config, vocabulary, options.seed ?? 1);
  let images: tf.Tensor4D;
  let padded: number[][];
  try {
    const encoded = examples.map((e) => vocabulary.encode(e.caption));
    checkCaptionLengths(encoded, captioner.config.decoder);
    const longest = Math.max(...encoded.map((ids) => ids.length));
    padded = encoded.map((ids) => [...ids, ...new Array<number>(longest - ids.length).fill(vocabulary.padId)]);
    images = await imagesTensor(examples, size);
  } catch (error) {
    if (!options.initial) captioner.dispose();
    throw error;
  }
  const length = padded[0].length;
  const ids = tf.tensor2d(padded, [padded.length, length], 'int32');
  const inputs = ids.slice([0, 0], [-1, length - 1]) as tf.Tensor2D;
  const targets = ids.slice([0, 1], [-1, length - 1]) as tf.Tensor2D;
  const mask = tf.tidy(() => tf.cast(tf.notEqual(targets, vocabulary.padId), 'float32')) as tf.Tensor2D;
  const decoderVars = captioner.params.list(captioner.config.decoder.type === 'transformer' ? 'tdec/' : 'dec/');
  let optimizer: tf.Optimizer = tf.train.adam(lr);
  let cached: tf.Tensor3D | null = null;
  const losses: number[] = [];
  // a captioner to fine-tune: its weights before, put back if the loss diverges
  const before = options.initial ? captioner.params.list().map((v) => v.clone()) : [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochStart = Date.now();
      const frozen = epoch > freezeAfter;
      if (frozen && !cached) {
        cached = captioner.features(images);
        optimizer.dispose();
        optimizer = tf.train.adam(lr / 2);
      }
      const order = permutation(examples.length, (options.seed ?? 1) * 1000 + epoch);
      let total = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += batchSize) {
        throwIfAborted(options.signal, 'captioner training');
        const index = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
        let value: number;
        try {
          const loss = optimizer.minimize(
            () => {
              const features = cached ? tf.gather(cached, index) : captioner.features(tf.gather(images, index) as tf.Tensor4D, { training: true });
              const logits = captioner.logits(tf.gather(inputs, index) as tf.Tensor2D, features as tf.Tensor3D, { training: true });
              return maskedCrossEntropy(logits, tf.gather(targets, index) as tf.Tensor2D, tf.gather(mask, index) as tf.Tensor2D);
            },
            true,
            frozen ? decoderVars : undefined,
          );
          value = (await loss!.data())[0];
          loss!.dispose();
        } finally {
          index.dispose();
        }
        if (!Number.isFinite(value)) {
          captioner.params.list().forEach((v, i) => before[i] && v.assign(before[i]));
          throw new VisionError('INVALID_OPTION', `the loss became ${value} in epoch ${epoch}; lower the learning rate${options.initial ? " (the captioner's weights are as they were before this call)" : ''}`);
        }
        total += value;
        batches++;
        await new Promise((resolve) => setTimeout(resolve, 0)); // let abort signals and UI events through
      }
      losses.push(total / batches);
      options.onEpochEnd?.({ epoch, epochs, loss: total / batches, encoderFrozen: frozen, seconds: (Date.now() - epochStart) / 1000 });
    }
  } catch (error) {
    if (!options.initial) captioner.dispose();
    throw error;
  } finally {
    optimizer.dispose();
    tf.dispose([images, ids, inputs, targets, mask, ...before]);
    cached?.dispose();
  }
  return { captioner, losses, seconds: (Date.now() - started) / 1000 };
}
