import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';

/** A layer's output as flat features: as it is when flat, global-average-pooled when a feature map. */
function pooledOutput(source: tf.LayersModel, layerName: string): tf.SymbolicTensor {
  let layer: tf.layers.Layer;
  try {
    layer = source.getLayer(layerName);
  } catch {
    const names = source.layers.slice(-6).map((l) => l.name).join(', ');
    throw new VisionError('INVALID_OPTION', `the model has no layer '${layerName}'; its last layers are ${names}`);
  }
  const output = layer.output as tf.SymbolicTensor;
  if (Array.isArray(output) || (output.shape.length !== 2 && output.shape.length !== 4)) {
    throw new VisionError('INVALID_OPTION', `layer '${layerName}' outputs shape [${String(output.shape)}]; pick a layer with flat [N, features] or feature-map [N, H, W, C] output`);
  }
  if (output.shape.length === 2) return output;
  return tf.layers.globalAveragePooling2d({}).apply(output) as tf.SymbolicTensor;
}

/**
 * A tfjs layers model cut at one or more layers: image batch → features `[N, dim]`. Flat
 * `[N, k]` layer outputs are used as they are, feature maps `[N, H, W, C]` are averaged over H
 * and W (global average pooling) and several layers' features are concatenated. The cut model
 * shares its weights with `source`: free `source`, never the cut model.
 *
 * @example
 * ```ts
 * const features = layerFeatureModel(mobilenet, ['block_13_expand_relu', 'block_16_expand_relu']);
 * console.log(features.outputs[0].shape); // [null, 1536]
 * ```
 */
export function layerFeatureModel(source: tf.LayersModel, layers: readonly string[]): tf.LayersModel {
  if (layers.length === 0) throw new VisionError('INVALID_OPTION', 'name at least one layer to take features from');
  const features = layers.map((name) => pooledOutput(source, name));
  const output = features.length === 1 ? features[0] : (tf.layers.concatenate().apply(features) as tf.SymbolicTensor);
  return tf.model({ inputs: source.inputs, outputs: output });
}
