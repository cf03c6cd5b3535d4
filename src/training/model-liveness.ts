/**
 * Whether a model handed to training is still there: its weights not disposed before
 * (`INVALID_INPUT`) or while it trains (`DISPOSED`).
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';

/** Whether any of the model's weights was disposed (`model.dispose()`, or a layer it shares disposed). */
function weightsDisposed(model: tf.LayersModel): boolean {
  return model.weights.some((w) => {
    try {
      return w.read().isDisposed;
    } catch {
      return true; // tfjs-layers' read() throws once the variable is disposed
    }
  });
}

/**
 * Throws `INVALID_INPUT` unless `model` is a LayersModel whose weights are not disposed.
 *
 * @example
 * ```ts
 * checkLive(head); // before training starts
 * ```
 */
export function checkLive(model: tf.LayersModel): void {
  if (!(model instanceof tf.LayersModel)) throw new VisionError('INVALID_INPUT', `the model is ${shownValue(model)}; it must be a tfjs LayersModel`);
  if (weightsDisposed(model)) {
    throw new VisionError('INVALID_INPUT', "the model's weights were disposed (model.dispose()); build or load the model again");
  }
}

/**
 * Throws `DISPOSED` when the model was disposed while it trained (from a callback or elsewhere).
 *
 * @example
 * ```ts
 * checkNotDisposedDuring(model); // before each batch
 * ```
 */
export function checkNotDisposedDuring(model: tf.LayersModel): void {
  if (weightsDisposed(model)) throw new VisionError('DISPOSED', 'the model was disposed during training; training stopped');
}
