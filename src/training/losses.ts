import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';

/**
 * A classification loss over logits `[N, C]` and integer labels `[N]`, returning a scalar.
 *
 * @example
 * ```ts
 * const loss: ClassificationLoss = (labels, logits) => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 3), logits);
 * ```
 */
export type ClassificationLoss = (labels: tf.Tensor1D, logits: tf.Tensor2D) => tf.Scalar;

/**
 * Softmax cross-entropy (optionally label-smoothed) of logits against integer labels.
 *
 * @example
 * ```ts
 * const loss = softmaxCrossEntropy(labels, logits);
 * ```
 */
export function softmaxCrossEntropy(labels: tf.Tensor1D, logits: tf.Tensor2D, labelSmoothing = 0): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]), logits, undefined, labelSmoothing) as tf.Scalar);
}

/**
 * Multiclass hinge loss (Weston–Watkins SVM): mean over examples of
 * `Σ_{j≠y} max(0, s_j − s_y + margin)`.
 *
 * @example
 * ```ts
 * const loss = multiclassHinge(labels, scores); // train a linear SVM head
 * ```
 */
export function multiclassHinge(labels: tf.Tensor1D, scores: tf.Tensor2D, margin = 1): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), scores.shape[1]);
    const correct = tf.sum(tf.mul(scores, oneHot), 1, true);
    const margins = tf.relu(tf.add(tf.sub(scores, correct), margin));
    const loss = tf.mean(tf.sum(tf.mul(margins, tf.sub(1, oneHot)), 1));
    // relu(NaN) is 0 on wasm: NaN or infinite scores (a diverged head) would leave the loss
    // finite and the divergence unseen; 0·Σ scores makes the loss NaN then, and changes nothing else
    return tf.add(loss, tf.mul(tf.sum(scores), 0)) as tf.Scalar;
  });
}

/**
 * The named losses of {@link fit}.
 *
 * @example
 * ```ts
 * const name: LossName = 'hinge';
 * ```
 */
export type LossName = 'cross-entropy' | 'hinge';

/**
 * A loss function from a name or a function.
 *
 * @example
 * ```ts
 * const loss = resolveLoss('hinge');
 * ```
 */
export function resolveLoss(loss: LossName | ClassificationLoss | undefined): ClassificationLoss {
  if (loss === undefined || loss === 'cross-entropy') return (y, s) => softmaxCrossEntropy(y, s);
  if (loss === 'hinge') return (y, s) => multiclassHinge(y, s);
  if (typeof loss === 'function') return loss;
  throw new VisionError('INVALID_OPTION', `unknown loss '${String(loss)}'; allowed: cross-entropy, hinge, or a function`);
}
