import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { checkTensor } from './checks';
import { checkLive } from './model-liveness';

/**
 * A copy of all of a model's weights (trainable and not, e.g. batch-norm statistics), in layer
 * order: freezing or unfreezing layers between snapshot and restore changes nothing (the
 * model's own `getWeights()` lists trainable weights first, so its order moves).
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
  return weightsInLayerOrder(model).map((w) => w.read().clone());
}

/** A layer's weights, nested models walked layer by layer (a model's own list puts its trainable weights first). */
function layerWeights(layer: tf.layers.Layer): tf.LayerVariable[] {
  return layer instanceof tf.LayersModel ? layer.layers.flatMap(layerWeights) : layer.weights;
}

/** A model's weights in layer order: the order freezing layers leaves alone. */
function weightsInLayerOrder(model: tf.LayersModel): tf.LayerVariable[] {
  return model.layers.flatMap(layerWeights);
}

/**
 * Sets a model's weights back to a snapshot (the snapshot stays valid). `INVALID_INPUT`, and
 * the weights left as they were, for a snapshot that does not fit the model (one of another
 * model: a different number of weights or a weight of another shape, or a disposed snapshot)
 * or a disposed model.
 *
 * @example
 * ```ts
 * restoreWeights(model, snapshot);
 * ```
 */
export function restoreWeights(model: tf.LayersModel, snapshot: WeightSnapshot): void {
  checkLive(model);
  if (!Array.isArray(snapshot)) throw new VisionError('INVALID_INPUT', `the snapshot is ${shownValue(snapshot)}; it must be the array of tensors snapshotWeights(model) returns`);
  const weights = weightsInLayerOrder(model);
  if (snapshot.length !== weights.length) {
    throw new VisionError('INVALID_INPUT', `the snapshot holds ${snapshot.length} weights but the model has ${weights.length}; restore a snapshot taken of this model (snapshotWeights(model))`);
  }
  snapshot.forEach((value: unknown, i) => {
    checkTensor(value, `snapshot[${i}]`);
    const expected = weights[i].shape;
    if (value.shape.length !== expected.length || value.shape.some((d, k) => d !== expected[k])) {
      throw new VisionError('INVALID_INPUT', `snapshot[${i}] has shape [${value.shape.join(', ')}] but the model's weight ${i} ('${weights[i].name}') has [${expected.join(', ')}]; restore a snapshot taken of this model (snapshotWeights(model))`);
    }
  });
  weights.forEach((w, i) => w.write(snapshot[i]));
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
