import * as tf from '@tensorflow/tfjs';
import { type GradientClipping, clipGradients } from './gradients';
import type { ClassificationLoss } from './losses';
import { VisionError, describeError, toVisionError } from '../core/errors';

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
  const kept: { predicted?: tf.Tensor1D } = {};
  try {
    // one scope for the whole step: a forward, loss or update that throws leaves no tensor behind
    return tf.tidy(() => {
      const variables = groups.flatMap((g) => g.variables);
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.apply(x, { training: true }) as tf.Tensor2D;
        kept.predicted = tf.keep(tf.argMax(logits, 1) as tf.Tensor1D);
        return stepLoss(model, variables, labels, logits, options);
      }, variables);
      applyGroups(groups, grads, options.clip);
      return { loss: value, predicted: kept.predicted as tf.Tensor1D };
    });
  } catch (error) {
    kept.predicted?.dispose();
    releaseAbandonedTape();
    throw stepError(error);
  }
}

/**
 * tfjs keeps the tensors a forward pass saved for its backward pass on the engine's tape and
 * frees them only when the backward pass completes: one that throws (a missing gradient kernel)
 * leaves them, and the tape, behind. Frees them when no gradient computation is under way.
 */
function releaseAbandonedTape(): void {
  const state = tf.engine().state as { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null;
}

/** A failed step as a `VisionError`: a kernel the backend lacks (wasm has no convolution gradients) is `BACKEND_UNAVAILABLE`. */
function stepError(error: unknown): VisionError {
  if (error instanceof VisionError) return error;
  const missing = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(describeError(error));
  if (missing) {
    return new VisionError('BACKEND_UNAVAILABLE', `training needs the ${missing[1]} kernel, which the ${missing[2]} backend lacks; train on cpu, webgl or webgpu: load the model with that backend (loadMobileNetV2Backbone({ backend: 'cpu' }), a pipeline's backend option) or call selectTfjsBackend after loading it — loading one without a backend option picks the default again`, { cause: error });
  }
  return toVisionError(error, 'INFERENCE_FAILED', 'a training step failed');
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
