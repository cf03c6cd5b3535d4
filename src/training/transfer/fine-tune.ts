import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { type FitOptions, type FitResult, fit } from '../fit';
import type { LabeledTensors } from '../evaluate';
import type { FeatureBackbone } from './feature-backbone';
import { composeClassifier } from './classifier';

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

/**
 * Trains backbone + head end to end on prepared images: the head at the full learning rate,
 * the last `unfreeze` backbone layers at `backboneLearningRateScale` of it, the rest frozen.
 * Returns the composed model (image → scores; it shares the backbone's and head's weights and
 * owns none, see {@link composeClassifier}) and the fit result. Training convolutions
 * needs a backend with convolution gradients (cpu, webgl, webgpu — not wasm).
 *
 * @example
 * ```ts
 * const { model } = await fineTune(backbone, head, { x: images, labels }, { epochs: 2, unfreeze: 2, optimizer: { name: 'adam', learningRate: 1e-3 } });
 * ```
 */
export async function fineTune(extractor: FeatureBackbone, head: tf.LayersModel, data: LabeledTensors, options: FineTuneOptions): Promise<{ model: tf.LayersModel; result: FitResult }> {
  // checked before anything changes: a refused call leaves the backbone's layers as they were
  if (options?.optimizer instanceof tf.Optimizer) throw new VisionError('INVALID_OPTION', 'fineTune needs optimizer settings ({ name, learningRate }), not an optimizer instance');
  const unfrozen = unfreezeLastLayers(extractor, options.unfreeze ?? 0);
  const model = composeClassifier(extractor, head);
  const headVariables = head.trainableWeights.map((w) => w.read() as tf.Variable);
  const backboneVariables = unfrozen.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  const groups = [{ variables: headVariables, learningRateScale: 1 }];
  if (backboneVariables.length > 0) groups.push({ variables: backboneVariables, learningRateScale: options.backboneLearningRateScale ?? 0.1 });
  const optimizer = options.optimizer instanceof tf.Optimizer ? undefined : options.optimizer;
  const result = await fit(model, data, { ...options, optimizer, groups });
  return { model, result };
}
