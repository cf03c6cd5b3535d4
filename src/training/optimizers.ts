import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { checkNumber, checkObject, checkOptionalNumber } from './checks';

/** Optimiser names visionpipe builds. @example `const o: OptimizerName = 'adam';` */
export type OptimizerName = 'sgd' | 'momentum' | 'adagrad' | 'adadelta' | 'rmsprop' | 'adam';

/**
 * An optimiser and its settings. Defaults follow the usual recipes (Adam 1e-3, SGD 0.01,
 * momentum 0.9).
 *
 * @example
 * ```ts
 * const opts: OptimizerOptions = { name: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov: true };
 * ```
 */
export interface OptimizerOptions {
  name: OptimizerName;
  learningRate?: number;
  /** `momentum`: the momentum coefficient (default 0.9); `rmsprop`: its momentum (default 0). */
  momentum?: number;
  nesterov?: boolean;
  /** Adam β1/β2 (each in [0, 1)), RMSprop/Adadelta decay ρ (in [0, 1]). */
  beta1?: number;
  beta2?: number;
  rho?: number;
  epsilon?: number;
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

function checkSettings(o: OptimizerOptions): void {
  checkOptionalNumber(o.momentum, 'momentum', 'non-negative');
  // Adam divides by 1 − β^t: β = 1 turns every update into 0/0 (NaN weights)
  checkOptionalNumber(o.beta1, 'beta1', 'rate');
  checkOptionalNumber(o.beta2, 'beta2', 'rate');
  checkOptionalNumber(o.rho, 'rho', 'probability');
  checkOptionalNumber(o.epsilon, 'epsilon', 'positive');
  if (o.nesterov !== undefined && typeof o.nesterov !== 'boolean') throw new VisionError('INVALID_OPTION', `nesterov is ${shownValue(o.nesterov)}; it must be true or false`);
}

/**
 * Builds a tfjs optimiser (`tf.train.*`). Its learning rate can be changed per step by
 * {@link setLearningRate} (the training loop does this for schedules).
 *
 * @example
 * ```ts
 * const optimizer = createOptimizer({ name: 'adam', learningRate: 0.003 });
 * ```
 */
export function createOptimizer(options: OptimizerOptions | OptimizerName): tf.Optimizer {
  const o: OptimizerOptions = typeof options === 'string' ? { name: options } : options;
  checkObject(o, 'optimizer options');
  const lr = o.learningRate ?? DEFAULT_LR[o.name];
  checkNumber(lr, 'learningRate', 'positive');
  checkSettings(o);
  switch (o.name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, o.momentum ?? 0.9, o.nesterov ?? false);
    case 'adagrad':
      return tf.train.adagrad(lr);
    case 'adadelta':
      return tf.train.adadelta(lr, o.rho ?? 0.95, o.epsilon ?? 1e-7);
    case 'rmsprop':
      return tf.train.rmsprop(lr, o.rho ?? 0.9, o.momentum ?? 0, o.epsilon ?? 1e-7);
    case 'adam':
      return tf.train.adam(lr, o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.epsilon ?? 1e-7);
    default:
      throw new VisionError('INVALID_OPTION', `unknown optimizer '${String(o.name)}'; allowed: sgd, momentum, adagrad, adadelta, rmsprop, adam`);
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
