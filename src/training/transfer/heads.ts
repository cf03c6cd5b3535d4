import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { knownOptions, optionNames } from '../../core/known-options';
import { shownValue } from '../../core/shown-value';
import { checkNumber, checkObject, checkOptionalNumber } from '../checks';
import { denseLayer } from '../layers';
import type { LossName } from '../losses';

/**
 * Trainable heads on frozen features: `softmax` (linear layer + cross-entropy), `svm`
 * (linear layer + multiclass hinge loss), `mlp` (dense ReLU → dropout → linear, cross-entropy).
 * `knn` is separate: see `KnnClassifier`.
 *
 * @example
 * ```ts
 * const kind: HeadKind = 'svm';
 * ```
 */
export type HeadKind = 'softmax' | 'svm' | 'mlp';

/**
 * Options of {@link buildHead}.
 *
 * @example
 * ```ts
 * const options: HeadOptions = { inputDim: 1280, numClasses: 10, hidden: 256, dropout: 0.3 };
 * ```
 */
export interface HeadOptions {
  inputDim: number;
  numClasses: number;
  /** `mlp`: hidden units (default 128). A head may have at most 2^26 weights (inputDim × hidden + hidden × classes). */
  hidden?: number;
  /** `mlp`: dropout after the hidden layer (default 0.3); others: dropout on the features (default 0). */
  dropout?: number;
  /** L2 penalty on the kernels. */
  l2?: number;
  /**
   * Seed of the initial weights. Dropout's masks while training come from tfjs's generator,
   * which takes a seed per layer, not per run (a seeded layer draws the same mask every step):
   * with dropout (`mlp`'s default 0.3) two seeded runs differ slightly; with `dropout: 0` they
   * are identical, as the softmax and svm heads are.
   */
  seed?: number;
  /** Standardise the features with a batch-norm layer first (its mean and variance set from the training features by `fit`, saved with the head). Default true. */
  normalizeFeatures?: boolean;
}

/**
 * Builds a head: features `[N, inputDim]` → (batch-norm standardisation) → class scores
 * (logits) `[N, numClasses]`. Layer
 * names start with `head_` so that composed models keep them apart from the backbone's.
 * `INVALID_OPTION` for options it cannot build from (an unknown name such as a misspelt
 * `hiden`, fewer than 2 classes, a head of more than 2^26 weights).
 *
 * @example
 * ```ts
 * const head = buildHead('mlp', { inputDim: backbone.dim, numClasses: 3 });
 * ```
 */
export function buildHead(kind: HeadKind, options: HeadOptions): tf.Sequential {
  checkHeadOptions(kind, options);
  const id = Math.random().toString(36).slice(2, 8);
  const model = tf.sequential({ name: `head_${kind}_${id}` });
  try {
    model.add(tf.layers.inputLayer({ inputShape: [options.inputDim], name: `head_input_${id}` }));
    if (options.normalizeFeatures ?? true) model.add(tf.layers.batchNormalization({ name: `head_norm_${id}` }));
    if (kind === 'mlp') {
      model.add(denseLayer({ units: options.hidden ?? 128, activation: 'relu', l2: options.l2, seed: options.seed, name: `head_hidden_${id}` }));
      model.add(tf.layers.dropout({ rate: options.dropout ?? 0.3, name: `head_dropout_${id}` }));
    } else if (options.dropout) {
      model.add(tf.layers.dropout({ rate: options.dropout, name: `head_dropout_${id}` }));
    }
    model.add(denseLayer({ units: options.numClasses, init: 'xavier', l2: options.l2, seed: options.seed, name: `head_scores_${id}` }));
    kinds.set(model, kind);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

const HEAD_KINDS: readonly HeadKind[] = ['softmax', 'svm', 'mlp'];
/** Every name {@link HeadOptions} has. */
const HEAD_OPTION_NAMES = /* @__PURE__ */ optionNames<HeadOptions>()(['inputDim', 'numClasses', 'hidden', 'dropout', 'l2', 'seed', 'normalizeFeatures']);
/** The most weights a head may have (256 MB of float32): a larger `hidden` or `inputDim` is an error, not an allocation failure. */
const MAX_HEAD_WEIGHTS = 2 ** 26;

function checkHeadOptions(kind: HeadKind, options: HeadOptions): void {
  if (!HEAD_KINDS.includes(kind)) throw new VisionError('INVALID_OPTION', `unknown head ${shownValue(kind)}; allowed: ${HEAD_KINDS.join(', ')} (and KnnClassifier)`);
  checkObject(options, 'head options');
  knownOptions(options, 'head options', HEAD_OPTION_NAMES);
  checkNumber(options.inputDim, 'inputDim', 'positive integer');
  checkNumber(options.numClasses, 'numClasses', 'positive integer');
  if (options.numClasses < 2) throw new VisionError('INVALID_OPTION', `numClasses is ${options.numClasses}; it must be at least 2`);
  checkOptionalNumber(options.hidden, 'hidden', 'positive integer');
  const units = kind === 'mlp' ? (options.hidden ?? 128) : 0;
  const weights = units > 0 ? options.inputDim * units + units * options.numClasses : options.inputDim * options.numClasses;
  if (weights > MAX_HEAD_WEIGHTS) {
    throw new VisionError('INVALID_OPTION', `a ${kind} head with inputDim ${options.inputDim}${units > 0 ? `, hidden ${units}` : ''} and ${options.numClasses} classes has ${weights} weights; at most ${MAX_HEAD_WEIGHTS} are allowed`);
  }
  checkOptionalNumber(options.l2, 'l2', 'non-negative');
  checkOptionalNumber(options.seed, 'seed', 'integer');
  checkOptionalNumber(options.dropout, 'dropout', 'rate');
}

/** The kind each head {@link buildHead} made was built as. */
const kinds = new WeakMap<tf.LayersModel, HeadKind>();

/**
 * The kind `model` was built as by {@link buildHead}, else undefined: `fit`'s default loss is the
 * head's ({@link headLoss}) — an svm head fitted without a `loss` trained as a softmax one.
 *
 * @example
 * ```ts
 * headKindOf(buildHead('svm', { inputDim: 8, numClasses: 2 })); // 'svm'
 * ```
 */
export function headKindOf(model: tf.LayersModel): HeadKind | undefined {
  return kinds.get(model);
}

/** Heads whose standardisation was set from their first training features (later fits keep it). */
const standardised = new WeakSet<tf.LayersModel>();

/**
 * Sets the standardisation layer of a head {@link buildHead} made to the mean and variance of
 * `x`, the features `[N, inputDim]` of its first fit (as torch's `update_bn` or sklearn's
 * `StandardScaler` take them; a later fit — a few more examples — keeps them, moving them as
 * batch-norm does, and a frozen layer is left alone). Its running statistics started at 0 and 1 and move 1 %
 * a training step: after a short training on a few photos the head that was evaluated, saved and
 * used standardised with neither (`fit` reported accuracy 0.90; the head scored 0.33 on the same
 * rows). Any other model, or a head built without the layer, is left as it is.
 *
 * @example
 * ```ts
 * standardizeHeadFeatures(head, features); // fit does this for a head buildHead made
 * ```
 */
export function standardizeHeadFeatures(model: tf.LayersModel, x: tf.Tensor): void {
  if (standardised.has(model)) return;
  const layer = kinds.has(model) && x.rank === 2 ? model.layers.find((l) => l.getClassName() === 'BatchNormalization' && l.name.startsWith('head_norm_')) : undefined;
  if (!layer || !layer.trainable) return;
  standardised.add(model);
  tf.tidy(() => {
    const [gamma, beta] = layer.getWeights(); // then the moving mean and variance
    const { mean, variance } = tf.moments(tf.cast(x, 'float32'), 0);
    layer.setWeights([gamma, beta, mean, variance]);
  });
}

/**
 * The loss each head trains with (`fit`'s default for a head {@link buildHead} made).
 *
 * @example
 * ```ts
 * await fit(head, data, { epochs: 20, loss: headLoss('svm') });
 * ```
 */
export function headLoss(kind: HeadKind): LossName {
  return kind === 'svm' ? 'hinge' : 'cross-entropy';
}
