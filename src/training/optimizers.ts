import * as tf from '@tensorflow/tfjs';
import { optionalBoolean } from '../core/optional-boolean';
import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { knownOptions, optionNames } from '../core/known-options';
import { checkObject, checkOptionalNumber } from './checks';
import { Adadelta } from './adadelta';
import { Adagrad } from './adagrad';

/** Optimiser names visionpipe builds. @example `const o: OptimizerName = 'adam';` */
export type OptimizerName = 'sgd' | 'momentum' | 'adagrad' | 'adadelta' | 'rmsprop' | 'adam';

/**
 * An optimiser and its settings. Defaults follow the usual recipes (Adam 1e-3, SGD 0.01,
 * momentum 0.9). Each optimiser takes `name`, `learningRate` and only its own settings:
 * `momentum` momentum, nesterov; `adadelta` rho, epsilon; `rmsprop` rho, momentum, epsilon;
 * `adam` beta1, beta2, epsilon; `adagrad` initialAccumulatorValue, epsilon; `sgd` none.
 *
 * @example
 * ```ts
 * const opts: OptimizerOptions = { name: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: true };
 * ```
 */
export interface OptimizerOptions {
  name: OptimizerName;
  learningRate?: number;
  /** `momentum`: the momentum coefficient (default 0.9); `rmsprop`: its momentum (default 0); in [0, 1]. */
  momentum?: number;
  nesterov?: boolean;
  /** Adam β1/β2 (each in [0, 1)), RMSprop/Adadelta decay ρ (in [0, 1]). */
  beta1?: number;
  beta2?: number;
  rho?: number;
  epsilon?: number;
  /**
   * Adagrad's starting accumulator, ≥ 0: default 0.1 as TensorFlow / Keras (with ε 1e-7);
   * `torch.optim.Adagrad`'s defaults are 0 (with ε 1e-10).
   */
  initialAccumulatorValue?: number;
}

const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.01, momentum: 0.01, adagrad: 0.01, adadelta: 1, rmsprop: 0.001, adam: 0.001 };

/**
 * The default learning rate of an optimiser kind.
 *
 * @example
 * ```ts
 * defaultLearningRate('adam'); // 0.001
 * ```
 */
export function defaultLearningRate(name: OptimizerName): number {
  return DEFAULT_LR[name] ?? 0.01;
}

/** The settings each optimiser takes (besides `name` and `learningRate`). */
const SETTINGS: Record<OptimizerName, readonly (keyof OptimizerOptions)[]> = {
  sgd: [],
  momentum: ['momentum', 'nesterov'],
  adagrad: ['initialAccumulatorValue', 'epsilon'],
  adadelta: ['rho', 'epsilon'],
  rmsprop: ['rho', 'momentum', 'epsilon'],
  adam: ['beta1', 'beta2', 'epsilon'],
};

const OPTIMIZER_NAMES = Object.keys(SETTINGS) as OptimizerName[];

/** Every name {@link OptimizerOptions} has. */
const OPTIMIZER_OPTION_NAMES = /* @__PURE__ */ optionNames<OptimizerOptions>()(['name', 'learningRate', 'momentum', 'nesterov', 'beta1', 'beta2', 'rho', 'epsilon', 'initialAccumulatorValue']);

/**
 * Throws `INVALID_OPTION` unless `o` names a known optimiser and sets only what that optimiser
 * takes (a misspelt `lr`, Adam's `beta1` given to SGD), each within its range.
 */
function checkSettings(o: OptimizerOptions): void {
  if (typeof o.name !== 'string' || !Object.hasOwn(SETTINGS, o.name)) throw new VisionError('INVALID_OPTION', `unknown optimizer ${shownValue(o.name)}; allowed: ${OPTIMIZER_NAMES.join(', ')}`);
  knownOptions(o, 'optimizer options', OPTIMIZER_OPTION_NAMES);
  const takes = ['name', 'learningRate', ...SETTINGS[o.name]];
  const foreign = Object.keys(o).filter((key) => !takes.includes(key) && o[key as keyof OptimizerOptions] !== undefined);
  if (foreign.length > 0) throw new VisionError('INVALID_OPTION', `the ${o.name} optimizer does not take ${foreign.join(', ')}; it takes ${takes.join(', ')}`);
  checkOptionalNumber(o.learningRate, 'learningRate', 'positive');
  checkOptionalNumber(o.momentum, 'momentum', 'probability');
  // Adam divides by 1 − β^t: β = 1 turns every update into 0/0 (NaN weights)
  checkOptionalNumber(o.beta1, 'beta1', 'rate');
  checkOptionalNumber(o.beta2, 'beta2', 'rate');
  checkOptionalNumber(o.rho, 'rho', 'probability');
  checkOptionalNumber(o.epsilon, 'epsilon', 'positive');
  checkOptionalNumber(o.initialAccumulatorValue, 'initialAccumulatorValue', 'non-negative');
  optionalBoolean(o.nesterov, 'nesterov');
}

/**
 * Builds a tfjs optimiser (`tf.train.*`; Adadelta and Adagrad step as TensorFlow's, see {@link Adadelta} and {@link Adagrad}). Its learning rate can be changed per step by
 * {@link setLearningRate} (the training loop does this for schedules). `INVALID_OPTION` for
 * an unknown optimiser, a setting it does not take (`lr`, `beta1` for SGD) or one out of range
 * (`momentum` outside [0, 1]).
 *
 * @example
 * ```ts
 * const optimizer = createOptimizer({ name: 'adam', learningRate: 0.003 });
 * ```
 */
export function createOptimizer(options: OptimizerOptions | OptimizerName): tf.Optimizer {
  const o: OptimizerOptions = typeof options === 'string' ? { name: options } : options;
  checkObject(o, 'optimizer options');
  checkSettings(o);
  const lr = o.learningRate ?? DEFAULT_LR[o.name];
  switch (o.name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, o.momentum ?? 0.9, o.nesterov ?? false);
    case 'adagrad':
      return new Adagrad(lr, o.initialAccumulatorValue ?? 0.1, o.epsilon ?? 1e-7);
    case 'adadelta':
      return new Adadelta(lr, o.rho ?? 0.95, o.epsilon ?? 1e-7);
    case 'rmsprop':
      return tf.train.rmsprop(lr, o.rho ?? 0.9, o.momentum ?? 0, o.epsilon ?? 1e-7);
    case 'adam':
      return tf.train.adam(lr, o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.epsilon ?? 1e-7);
  }
}

/**
 * Sets a tfjs optimiser's learning rate for its next steps (SGD and momentum keep it in a
 * tensor that `setLearningRate` replaces; the others read a `learningRate` field).
 *
 * @example
 * ```ts
 * setLearningRate(optimizer, schedule(step));
 * ```
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (o.learningRate === learningRate) return;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(learningRate);
  else o.learningRate = learningRate;
}

/**
 * Disposes an optimiser and all its state (tfjs 4.22's momentum optimiser leaves its
 * learning-rate tensor behind on `dispose()`; this frees it too).
 *
 * @example
 * ```ts
 * disposeOptimizer(optimizer);
 * ```
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  const c = (optimizer as unknown as { c?: tf.Tensor }).c;
  optimizer.dispose();
  if (optimizer instanceof tf.MomentumOptimizer && c && !c.isDisposed) c.dispose();
}

/**
 * A tfjs optimiser's current learning rate.
 *
 * @example
 * ```ts
 * console.log(getLearningRate(optimizer));
 * ```
 */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}
