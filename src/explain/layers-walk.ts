import type * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';

/** The parts of tfjs-layers' graph bookkeeping the walk reads (public fields of its classes). */
interface SymbolicRef {
  readonly id: number;
}
interface LayerNode {
  readonly inputTensors: readonly SymbolicRef[];
  readonly outputTensors: readonly SymbolicRef[];
}
interface WalkedLayer {
  readonly name: string;
  readonly inboundNodes: readonly LayerNode[];
  getClassName(): string;
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[] | unknown;
}

/**
 * Concrete tensors of a layers model's graph, keyed by the id of the symbolic tensor they stand for.
 *
 * @example
 * ```ts
 * const values: LayerValues = new Map([[model.inputs[0].id, batch]]);
 * ```
 */
export type LayerValues = Map<number, tf.Tensor>;

/**
 * The symbolic output id of a named top-level layer of a layers model.
 *
 * @throws VisionError `INVALID_OPTION` naming the model's layers when there is no such layer.
 * @example
 * ```ts
 * const id = layerOutputId(model, 'conv_2');
 * ```
 */
export function layerOutputId(model: tf.LayersModel, name: string): number {
  const layer = (model.layers as unknown as WalkedLayer[]).find((l) => l.name === name);
  if (!layer) throw new VisionError('INVALID_OPTION', `layer '${name}' is not in the model; its layers are ${model.layers.map((l) => l.name).join(', ')}`);
  const node = layer.inboundNodes[0];
  if (!node || node.outputTensors.length !== 1) throw new VisionError('INVALID_OPTION', `layer '${name}' must have exactly one output to be explained`);
  return node.outputTensors[0].id;
}

/**
 * Runs a (functional or sequential) layers model eagerly, layer by layer in its order,
 * starting from `values` (the model inputs, and any intermediate tensors to substitute: a
 * layer whose outputs are already there is not run again). Adds every computed tensor to
 * `values` and returns the model's first output. Records gradients like any tfjs op; the
 * caller disposes what it made (run it in a tidy).
 *
 * @throws VisionError `INVALID_OPTION` when a layer cannot be reached from the given values.
 * @example
 * ```ts
 * const values: LayerValues = new Map([[model.inputs[0].id, batch]]);
 * const output = walkLayers(model, values);
 * ```
 */
export function walkLayers(model: tf.LayersModel, values: LayerValues): tf.Tensor {
  for (const layer of model.layers as unknown as WalkedLayer[]) {
    if (layer.getClassName() === 'InputLayer') continue;
    for (const node of layer.inboundNodes) {
      if (node.outputTensors.every((t) => values.has(t.id))) continue;
      const inputs = node.inputTensors.map((t) => values.get(t.id));
      if (inputs.some((t) => t === undefined)) continue; // a node of another model sharing this layer
      const args = inputs as tf.Tensor[];
      const out = layer.apply(args.length === 1 ? args[0] : args, { training: false }) as tf.Tensor | tf.Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      node.outputTensors.forEach((t, i) => values.set(t.id, outs[i]));
    }
  }
  const result = values.get(model.outputs[0].id);
  if (!result) throw new VisionError('INVALID_OPTION', 'could not run the layers model layer by layer (nested models are not supported for this method)');
  return result;
}

/**
 * The ids of the symbolic tensors that depend on tensor `id` (itself included), following the
 * model's layers in order.
 *
 * @example
 * ```ts
 * const recompute = downstreamOf(model, layerOutputId(model, 'conv_2'));
 * ```
 */
export function downstreamOf(model: tf.LayersModel, id: number): Set<number> {
  const found = new Set<number>([id]);
  for (const layer of model.layers as unknown as WalkedLayer[]) {
    for (const node of layer.inboundNodes) {
      if (node.inputTensors.some((t) => found.has(t.id))) node.outputTensors.forEach((t) => found.add(t.id));
    }
  }
  return found;
}

/**
 * The names of the layers that consume tensor `id` or anything computed from it.
 *
 * @example
 * ```ts
 * const differentiated = layersAfter(model, layerOutputId(model, 'conv_2'));
 * ```
 */
export function layersAfter(model: tf.LayersModel, id: number): Set<string> {
  const after = downstreamOf(model, id);
  const names = new Set<string>();
  for (const layer of model.layers as unknown as WalkedLayer[]) {
    if (layer.inboundNodes.some((node) => node.inputTensors.some((t) => after.has(t.id)))) names.add(layer.name);
  }
  return names;
}
