import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';

/** A node of a graph model's topology: its name, op and inputs (`name`, `name:1`, `^control`). */
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

const graphNodes = (model: tf.GraphModel): GraphNode[] => (model as unknown as { artifacts?: { modelTopology?: { node?: GraphNode[] } } }).artifacts?.modelTopology?.node ?? [];

/**
 * The names of the graph nodes that depend on node `from` (not itself: fed there, it is not
 * run): those a gradient with respect to its value flows through.
 *
 * @example
 * ```ts
 * checkGradientKernels('grad-cam', model, (name) => graphNodesAfter(model, 'act').has(name));
 * ```
 */
export function graphNodesAfter(model: tf.GraphModel, from: string): Set<string> {
  const consumers = new Map<string, string[]>();
  for (const node of graphNodes(model)) {
    for (const input of node.input ?? []) {
      const source = input.replace(/^\^/, '').replace(/:\d+$/, '');
      consumers.set(source, [...(consumers.get(source) ?? []), node.name]);
    }
  }
  const after = new Set([from.replace(/:\d+$/, '')]);
  const queue = [...after];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    for (const next of consumers.get(name) ?? []) {
      if (!after.has(next)) {
        after.add(next);
        queue.push(next);
      }
    }
  }
  after.delete(from.replace(/:\d+$/, ''));
  return after;
}

/** The config field of a layers-model layer that names its activation. */
interface ConfiguredLayer {
  getClassName(): string;
  getConfig(): { activation?: unknown };
}

/**
 * Whether tfjs computes a convolution *filter* gradient when differentiating the model: it does
 * for every convolution it fuses with a linear (or no) activation — computing all input
 * gradients at once — which convolutions followed by a separate activation layer and graph
 * models' fused convolutions are. Layers convolutions with a ReLU run unfused under a gradient.
 */
function needsFilterGradients(model: tf.GraphModel | tf.LayersModel, differentiated: (layerName: string) => boolean): boolean {
  if (model instanceof tf.GraphModel) return graphNodes(model).some((node) => differentiated(node.name) && /Conv/.test(node.op));
  return (model.layers as unknown as (ConfiguredLayer & { name: string })[]).some(
    (layer) => differentiated(layer.name) && /Conv/.test(layer.getClassName()) && layer.getConfig().activation !== 'relu',
  );
}

/**
 * Refuses a gradient method up front (before tfjs would fail half-way through backpropagation
 * and strand the tensors it saved) when the active backend lacks the convolution filter
 * gradient this model needs — the wasm backend has none. `differentiated` narrows the model to
 * the layers (graph nodes) the gradient flows through (Grad-CAM: those after its layer).
 *
 * @throws VisionError `BACKEND_UNAVAILABLE` naming the kernel, the backend and what to do instead.
 * @example
 * ```ts
 * checkGradientKernels('smoothgrad', model);
 * checkGradientKernels('grad-cam', model, (name) => afterCut.has(name));
 * ```
 */
export function checkGradientKernels(method: string, model: tf.GraphModel | tf.LayersModel, differentiated: (layerName: string) => boolean = () => true): void {
  const backend = tf.getBackend();
  if (tf.getKernel('Conv2DBackpropFilter', backend) || !needsFilterGradients(model, differentiated)) return;
  throw new VisionError(
    'BACKEND_UNAVAILABLE',
    `method '${method}' needs the gradient kernel Conv2DBackpropFilter for this model's convolutions (convolutions without a fused ReLU), which the tfjs '${backend}' backend lacks: run the model on the cpu, webgl or webgpu backend, or use method 'occlusion'`,
  );
}
