import * as tf from '@tensorflow/tfjs';

/**
 * A copy of all of a model's weights (trainable and not, e.g. batch-norm statistics).
 *
 * @example
 * ```ts
 * const best = snapshotWeights(model);
 * // … more training …
 * restoreWeights(model, best);
 * disposeSnapshot(best);
 * ```
 */
export type WeightSnapshot = tf.Tensor[];

/**
 * Copies a model's current weights.
 *
 * @example
 * ```ts
 * const snapshot = snapshotWeights(model);
 * ```
 */
export function snapshotWeights(model: tf.LayersModel): WeightSnapshot {
  return model.getWeights().map((w) => w.clone());
}

/**
 * Sets a model's weights back to a snapshot (the snapshot stays valid).
 *
 * @example
 * ```ts
 * restoreWeights(model, snapshot);
 * ```
 */
export function restoreWeights(model: tf.LayersModel, snapshot: WeightSnapshot): void {
  model.setWeights(snapshot);
}

/**
 * Frees a snapshot.
 *
 * @example
 * ```ts
 * disposeSnapshot(snapshot);
 * ```
 */
export function disposeSnapshot(snapshot: WeightSnapshot | null): void {
  if (snapshot) tf.dispose(snapshot);
}
