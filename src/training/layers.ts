import * as tf from '@tensorflow/tfjs';
import { optionalBoolean } from '../core/optional-boolean';
import { VisionError } from '../core/errors';
import { knownOptions, optionNames } from '../core/known-options';
import { shownList } from '../core/shown-value';
import { checkNumber, checkObject, checkOptionalNumber } from './checks';

/**
 * Weight initialisation: `he` (He/Kaiming normal, for ReLU layers) or `xavier` (Glorot
 * uniform, for linear/tanh/softmax layers).
 *
 * @example
 * ```ts
 * const init: Initialization = 'he';
 * ```
 */
export type Initialization = 'he' | 'xavier';

/**
 * Shared regularisation settings of the layer builders.
 *
 * @example
 * ```ts
 * const reg: LayerRegularization = { l2: 1e-4, dropout: 0.3, batchNorm: true };
 * ```
 */
export interface LayerRegularization {
  /** L2 weight penalty on kernels (added to the loss by `fit`). */
  l2?: number;
  /** Dropout rate after each hidden block (0 = none). */
  dropout?: number;
  /** Batch normalisation after each convolution / hidden dense layer. */
  batchNorm?: boolean;
}

/**
 * A tfjs initializer for an {@link Initialization}, seeded when `seed` is given.
 *
 * @example
 * ```ts
 * tf.layers.dense({ units: 10, kernelInitializer: initializer('xavier', 1) });
 * ```
 */
export function initializer(kind: Initialization, seed?: number): ReturnType<typeof tf.initializers.heNormal> {
  return kind === 'he' ? tf.initializers.heNormal({ seed }) : tf.initializers.glorotUniform({ seed });
}

function regularizer(l2: number | undefined): ReturnType<typeof tf.regularizers.l2> | undefined {
  return l2 && l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined;
}

/** Every name the options of {@link denseLayer} have. */
const DENSE_OPTION_NAMES = /* @__PURE__ */ optionNames<Parameters<typeof denseLayer>[0]>()(['units', 'activation', 'init', 'l2', 'inputDim', 'seed', 'name']);

/**
 * A dense layer with He (ReLU) or Xavier (otherwise) initialisation and optional L2.
 * `INVALID_OPTION` for options that are not an object or set a name it does not take (a
 * misspelt `activaton`).
 *
 * @example
 * ```ts
 * model.add(denseLayer({ units: 128, activation: 'relu', l2: 1e-4 }));
 * ```
 */
export function denseLayer(options: { units: number; activation?: 'relu' | 'linear' | 'softmax' | 'tanh'; init?: Initialization; l2?: number; inputDim?: number; seed?: number; name?: string }): tf.layers.Layer {
  checkObject(options, 'denseLayer options');
  knownOptions(options, 'denseLayer options', DENSE_OPTION_NAMES);
  const activation = options.activation ?? 'linear';
  return tf.layers.dense({
    units: options.units,
    activation,
    inputDim: options.inputDim,
    name: options.name,
    kernelInitializer: initializer(options.init ?? (activation === 'relu' ? 'he' : 'xavier'), options.seed),
    kernelRegularizer: regularizer(options.l2),
  });
}

/**
 * Options of {@link buildSmallCnn}.
 *
 * @example
 * ```ts
 * const options: SmallCnnOptions = { inputShape: [28, 28, 1], numClasses: 10, filters: [16, 32], dense: 64 };
 * ```
 */
export interface SmallCnnOptions extends LayerRegularization {
  inputShape: [number, number, number];
  numClasses: number;
  /** Filters of each conv → (BN) → ReLU → max-pool block (default [16, 32]). */
  filters?: readonly number[];
  /** Units of the hidden fully-connected layer (default 64; 0 = none). */
  dense?: number;
  seed?: number;
}

/** Every name {@link SmallCnnOptions} has. */
const SMALL_CNN_OPTION_NAMES = /* @__PURE__ */ optionNames<SmallCnnOptions>()(['inputShape', 'numClasses', 'filters', 'dense', 'seed', 'l2', 'dropout', 'batchNorm']);

/** Throws `INVALID_OPTION` unless `options` are {@link SmallCnnOptions} a small CNN can be built from. */
function checkSmallCnnOptions(options: SmallCnnOptions): void {
  checkObject(options, 'small CNN options');
  knownOptions(options, 'small CNN options', SMALL_CNN_OPTION_NAMES);
  const { inputShape, numClasses, filters } = options;
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new VisionError('INVALID_OPTION', `inputShape is ${shownList(inputShape)}; it must be [height, width, channels] of positive integers`);
  }
  checkNumber(numClasses, 'numClasses', 'positive integer');
  if (numClasses < 2) throw new VisionError('INVALID_OPTION', `numClasses is ${numClasses}; it must be at least 2`);
  if (filters !== undefined && (!Array.isArray(filters) || !filters.every((f) => Number.isInteger(f) && f > 0))) {
    throw new VisionError('INVALID_OPTION', `filters is ${shownList(filters)}; it must be an array of positive integers (one per conv block)`);
  }
  const blocks = (filters ?? [16, 32]).length;
  if (Math.min(inputShape[0], inputShape[1]) < 2 ** blocks) {
    throw new VisionError('INVALID_OPTION', `inputShape ${inputShape[0]}×${inputShape[1]} is too small for ${blocks} conv blocks (each halves it); it needs at least ${2 ** blocks}×${2 ** blocks}`);
  }
  checkOptionalNumber(options.dense, 'dense', 'non-negative integer');
  checkOptionalNumber(options.dropout, 'dropout', 'rate');
  checkOptionalNumber(options.l2, 'l2', 'non-negative');
  checkOptionalNumber(options.seed, 'seed', 'integer');
  optionalBoolean(options.batchNorm, 'batchNorm');
}

/**
 * A small CNN for tiny images, trained from scratch: blocks of 3×3 conv → batch norm →
 * ReLU → 2×2 max-pool, then flatten → dropout → dense (ReLU) → dropout → dense logits.
 * He initialisation on ReLU layers, Xavier on the output. Outputs logits (use family
 * `logits` in its model card). `INVALID_OPTION` for options it cannot build from (an unknown
 * name, `dropout` outside [0, 1), filters or an `inputShape` [h, w, c] that are not positive
 * integers, an input too small for its blocks, fewer than 2 classes).
 *
 * @example
 * ```ts
 * const cnn = buildSmallCnn({ inputShape: [28, 28, 1], numClasses: 10, batchNorm: true, dropout: 0.25 });
 * ```
 */
export function buildSmallCnn(options: SmallCnnOptions): tf.Sequential {
  checkSmallCnnOptions(options);
  const filters = options.filters ?? [16, 32];
  const model = tf.sequential();
  const seed = options.seed;
  filters.forEach((f, i) => {
    model.add(tf.layers.conv2d({
      ...(i === 0 ? { inputShape: options.inputShape } : {}),
      filters: f, kernelSize: 3, padding: 'same', useBias: !options.batchNorm,
      kernelInitializer: initializer('he', seed === undefined ? undefined : seed + i),
      kernelRegularizer: regularizer(options.l2),
    }));
    if (options.batchNorm) model.add(tf.layers.batchNormalization());
    model.add(tf.layers.reLU());
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  });
  model.add(tf.layers.flatten());
  const dropout = options.dropout ?? 0;
  const hidden = options.dense ?? 64;
  if (hidden > 0) {
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
    model.add(denseLayer({ units: hidden, activation: 'relu', l2: options.l2, seed }));
  }
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  model.add(denseLayer({ units: options.numClasses, init: 'xavier', l2: options.l2, seed }));
  return model;
}
