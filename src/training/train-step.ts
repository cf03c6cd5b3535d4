import * as tf from '@tensorflow/tfjs';
import { type GradientClipping, clipGradients } from './gradients';
import type { ClassificationLoss } from './losses';

/**
 * Variables trained by one optimiser (e.g. a head at the full rate and unfrozen backbone
 * blocks at a lower rate).
 *
 * @example
 * ```ts
 * const groups: ParamGroup[] = [{ variables: headVars, optimizer: adam, learningRateScale: 1 }];
 * ```
 */
export interface ParamGroup {
  variables: tf.Variable[];
  optimizer: tf.Optimizer;
  /** Multiplies the scheduled learning rate for this group (default 1). */
  learningRateScale?: number;
}

/**
 * Settings of one training step.
 *
 * @example
 * ```ts
 * const step: StepOptions = { loss: softmaxLoss, clip: { maxNorm: 1 }, weightDecay: 1e-4 };
 * ```
 */
export interface StepOptions {
  loss: ClassificationLoss;
  clip?: GradientClipping;
  /** L2 penalty `λ/2 · Σ w²` on kernels (weights of rank ≥ 2) of the trained variables. */
  weightDecay?: number;
}

/**
 * What one step returns: the loss and the batch's predicted classes (tensors the caller owns).
 *
 * @example
 * ```ts
 * const { loss, predicted } = trainStep(model, groups, xb, yb, options);
 * ```
 */
export interface StepResult {
  loss: tf.Scalar;
  predicted: tf.Tensor1D;
}

/**
 * One optimisation step of a classifier on a batch: forward in training mode (dropout on,
 * batch-norm statistics updated), loss + the model's regularisation losses + weight decay,
 * gradients, clipping, and one update per parameter group.
 *
 * @example
 * ```ts
 * const { loss, predicted } = trainStep(model, [{ variables, optimizer }], xb, yb, { loss: (y, s) => multiclassHinge(y, s) });
 * tf.dispose([loss, predicted]);
 * ```
 */
export function trainStep(model: tf.LayersModel, groups: readonly ParamGroup[], x: tf.Tensor, labels: tf.Tensor1D, options: StepOptions): StepResult {
  const kept: { predicted?: tf.Tensor1D; loss?: tf.Scalar } = {};
  let grads: tf.NamedTensorMap = {};
  try {
    const variables = groups.flatMap((g) => g.variables);
    const out = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      kept.predicted = tf.keep(tf.argMax(logits, 1) as tf.Tensor1D);
      return stepLoss(model, variables, labels, logits, options);
    }, variables);
    kept.loss = out.value;
    grads = out.grads;
    applyGroups(groups, grads, options.clip);
    return { loss: kept.loss, predicted: kept.predicted as tf.Tensor1D };
  } catch (error) {
    tf.dispose([kept.loss, kept.predicted]);
    throw error;
  } finally {
    tf.dispose(Object.values(grads));
  }
}

/** The loss of a batch plus the model's regularisation losses and weight decay. */
function stepLoss(model: tf.LayersModel, variables: readonly tf.Variable[], labels: tf.Tensor1D, logits: tf.Tensor2D, options: StepOptions): tf.Scalar {
  let total = options.loss(labels, logits);
  const extra = model.calculateLosses();
  if (extra.length > 0) total = tf.add(total, tf.addN(extra));
  if (options.weightDecay) {
    const kernels = variables.filter((v) => v.rank >= 2);
    if (kernels.length > 0) total = tf.add(total, tf.mul(options.weightDecay / 2, tf.addN(kernels.map((v) => tf.sum(tf.square(v))))));
  }
  return total as tf.Scalar;
}

/** Clips the gradients (when asked) and applies each group's share with its optimiser. */
function applyGroups(groups: readonly ParamGroup[], grads: tf.NamedTensorMap, clip: GradientClipping | undefined): void {
  const clipped = clip ? clipGradients(grads, clip) : grads;
  try {
    for (const group of groups) {
      const names = new Set(group.variables.map((v) => v.name));
      const own = Object.fromEntries(Object.entries(clipped).filter(([n]) => names.has(n)));
      group.optimizer.applyGradients(own);
    }
  } finally {
    if (clipped !== grads) tf.dispose(Object.values(clipped));
  }
}
