import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import { type FitOptions, type FitResult, fit } from '../fit';
import type { LabeledTensors } from '../evaluate';
import type { FeatureBackbone } from './feature-backbone';
import { composeClassifier } from './classifier';
import { headKindOf, headLoss } from './heads';

/**
 * Makes the last `count` layers that have weights in a backbone trainable (all others stay
 * frozen) and returns them. `count = 0` freezes the whole backbone again.
 *
 * @example
 * ```ts
 * const unfrozen = unfreezeLastLayers(backbone, 3); // e.g. the last conv + its batch norm
 * ```
 */
export function unfreezeLastLayers(extractor: FeatureBackbone, count: number): tf.layers.Layer[] {
  if (!Number.isInteger(count) || count < 0) throw new VisionError('INVALID_OPTION', `count is ${count}; it must be a non-negative integer`);
  const weighted = extractor.model.layers.filter((l) => l.weights.length > 0);
  const chosen = count === 0 ? [] : weighted.slice(-count);
  for (const layer of extractor.model.layers) layer.trainable = chosen.includes(layer);
  return chosen;
}

/**
 * Options of {@link fineTune}: everything {@link fit} takes (its optimiser must be given as
 * settings), plus how many backbone layers to unfreeze and their learning-rate scale.
 *
 * @example
 * ```ts
 * const options: FineTuneOptions = { epochs: 3, optimizer: { name: 'adam', learningRate: 1e-3 }, unfreeze: 2, backboneLearningRateScale: 0.1 };
 * ```
 */
export interface FineTuneOptions extends Omit<FitOptions, 'groups'> {
  /** Backbone layers (with weights, counted from the end) to train; default 0 = head only. */
  unfreeze?: number;
  /** Learning rate of the unfrozen backbone layers relative to the head's (default 0.1). */
  backboneLearningRateScale?: number;
}

/** Whether a value is a tfjs optimiser instance (`instanceof tf.Optimizer` reads `.minimize` of whatever it gets, `undefined` included). */
const isOptimizerInstance = (value: unknown): boolean => typeof value === 'object' && value !== null && value instanceof tf.Optimizer;

/**
 * Runs the frozen batch-norm layers among `layers` in inference mode (their moving statistics
 * used and kept, as Keras does for `trainable = false`; tfjs would update them in a training
 * forward) until the returned function undoes it.
 */
function freezeBatchNormStatistics(layers: readonly tf.layers.Layer[]): () => void {
  const patched = layers.filter((l) => !l.trainable && l.getClassName() === 'BatchNormalization');
  const own = patched.map((layer) => Object.getOwnPropertyDescriptor(layer, 'call'));
  for (const layer of patched) {
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  }
  return () => {
    patched.forEach((layer, i) => {
      const before = own[i];
      if (before) Object.defineProperty(layer, 'call', before);
      else delete (layer as { call?: unknown }).call; // the class's method is back
    });
  };
}

/**
 * Trains backbone + head end to end on prepared images: the head at the full learning rate,
 * the last `unfreeze` backbone layers at `backboneLearningRateScale` of it, the rest frozen —
 * frozen batch-norm layers in inference mode, so their moving statistics stay as they were
 * (Keras' behaviour). Returns the composed model (image → scores; it shares the backbone's and
 * head's weights and owns none, see {@link composeClassifier}) and the fit result. A call that
 * fails (refused options, abort) leaves the backbone's layers frozen as they were. Training
 * convolutions needs a backend with convolution gradients (cpu, webgl, webgpu — not wasm:
 * `BACKEND_UNAVAILABLE`).
 *
 * @example
 * ```ts
 * const { model } = await fineTune(backbone, head, { x: images, labels }, { epochs: 2, unfreeze: 2, optimizer: { name: 'adam', learningRate: 1e-3 } });
 * ```
 */
export async function fineTune(extractor: FeatureBackbone, head: tf.LayersModel, data: LabeledTensors, options: FineTuneOptions): Promise<{ model: tf.LayersModel; result: FitResult }> {
  if (!isOptionsObject(options as unknown)) throw new VisionError('INVALID_OPTION', `fineTune options are ${shownValue(options)}; they must be an object`);
  if (isOptimizerInstance(options.optimizer)) throw new VisionError('INVALID_OPTION', 'fineTune needs optimizer settings ({ name, learningRate }), not an optimizer instance');
  const scale = options.backboneLearningRateScale ?? 0.1;
  if (!(typeof scale === 'number' && Number.isFinite(scale) && scale > 0)) {
    throw new VisionError('INVALID_OPTION', `backboneLearningRateScale is ${shownValue(scale)}; it must be a finite number > 0`);
  }
  // named as the caller wrote it (unfreezeLastLayers' own message said "count is -1")
  const unfreeze = options.unfreeze ?? 0;
  if (!Number.isInteger(unfreeze) || unfreeze < 0) throw new VisionError('INVALID_OPTION', `unfreeze is ${shownValue(unfreeze)}; it must be a whole number of backbone layers ≥ 0`);
  const layers = extractor.model.layers;
  const wasTrainable = layers.map((l) => l.trainable);
  const unfrozen = unfreezeLastLayers(extractor, unfreeze);
  const unfreezeBatchNorm = freezeBatchNormStatistics(layers);
  try {
    const model = composeClassifier(extractor, head);
    const headVariables = head.trainableWeights.map((w) => w.read() as tf.Variable);
    const backboneVariables = unfrozen.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
    const groups = [{ variables: headVariables, learningRateScale: 1 }];
    if (backboneVariables.length > 0) groups.push({ variables: backboneVariables, learningRateScale: scale });
    const { unfreeze: _unfreeze, backboneLearningRateScale: _scale, ...fitOptions } = options;
    // the head's own loss unless told otherwise, as fit gives a head (the composed model is no head of buildHead's)
    const kind = headKindOf(head);
    const result = await fit(model, data, { ...fitOptions, groups, loss: fitOptions.loss ?? (kind === undefined ? undefined : headLoss(kind)) });
    return { model, result };
  } catch (error) {
    layers.forEach((layer, i) => (layer.trainable = wasTrainable[i]));
    throw error;
  } finally {
    unfreezeBatchNorm();
  }
}
