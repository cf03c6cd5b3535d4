import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';

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
  /** Adam β1/β2, RMSprop/Adadelta decay ρ. */
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
  const o = typeof options === 'string' ? { name: options } : options;
  const lr = o.learningRate ?? DEFAULT_LR[o.name];
  if (!(lr > 0)) throw new VisionError('INVALID_OPTION', `learningRate is ${String(o.learningRate)}; it must be > 0`);
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
 * Sets a tfjs optimiser's learning rate (all `tf.train.*` optimisers keep it in a
 * `learningRate` field that each step reads).
 *
 * @example
 * ```ts
 * setLearningRate(optimizer, schedule(step));
 * ```
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
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
