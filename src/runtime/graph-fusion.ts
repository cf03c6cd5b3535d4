/**
 * Load-time graph optimisation for tfjs graph models: a convolution followed by its bias add
 * (and an activation) becomes one fused convolution, as TensorFlow's Grappler does when a
 * model is converted with optimisation on. Models converted from TFLite or ONNX often arrive
 * with `Conv2D → Add(bias) → Relu6` as three ops; each is a pass over the activations and a
 * kernel dispatch, while every tfjs backend runs the fused form as one (XNNPACK on wasm adds the
 * bias and clamps inside the convolution).
 */
import type { io } from '@tensorflow/tfjs';
import { type GraphNode, base64, consumersOf, isFloat, plainInputs, referencedNode } from './graph-nodes';
import { ownEntry } from '../core/own-entry';

/** The activations a fused convolution applies after its bias, by op name (tfjs' fused-op names). */
const FUSABLE_ACTIVATIONS: Readonly<Record<string, string>> = { Relu: 'Relu', Relu6: 'Relu6', Sigmoid: 'Sigmoid', Elu: 'Elu' };

/** Fused counterparts of the plain convolutions. */
const FUSED_OP: Readonly<Record<string, string>> = { Conv2D: '_FusedConv2D', DepthwiseConv2dNative: 'FusedDepthwiseConv2dNative' };

/** Bias-add ops (commutative for a rank-1 constant operand). */
const BIAS_OPS = new Set(['Add', 'AddV2', 'BiasAdd']);

/**
 * What {@link fuseConvolutions} changed: how many convolutions now carry their bias, and how
 * many of those their activation too.
 *
 * @example
 * ```ts
 * const { artifacts, report } = fuseConvolutions(loaded);
 * console.log(`${report.biases} biases and ${report.activations} activations fused`);
 * ```
 */
export interface FusionReport {
  /** Convolutions that now add their bias themselves (one per fused chain). */
  biases: number;
  /** Of those, the ones that also apply the activation that followed the bias add. */
  activations: number;
}

/** Names a caller may ask for by name: the signature's inputs and outputs. */
function signatureNames(signature: io.ModelArtifacts['signature']): Set<string> {
  const names = new Set<string>();
  const entries = signature as { inputs?: Record<string, { name?: string }>; outputs?: Record<string, { name?: string }> } | undefined;
  for (const group of [entries?.inputs, entries?.outputs]) {
    for (const [key, entry] of Object.entries(group ?? {})) names.add(referencedNode(entry?.name ?? key));
  }
  return names;
}

/** The number of output channels of a convolution whose filter is a weight of known shape. */
function outputChannels(conv: GraphNode, shapes: ReadonlyMap<string, readonly number[]>): number | undefined {
  const filter = shapes.get(conv.input?.[1] ?? '');
  if (!filter || filter.length !== 4) return undefined;
  return conv.op === 'Conv2D' ? filter[3] : filter[2] * filter[3];
}

/** The bias weight a bias-add node adds to `conv`'s output, when it is a float vector of `channels` values. */
function biasOperand(add: GraphNode, conv: GraphNode, channels: number, shapes: ReadonlyMap<string, readonly number[]>, constants: ReadonlySet<string>): string | undefined {
  const inputs = add.input ?? [];
  if (inputs.length !== 2 || !plainInputs(add) || !isFloat(add)) return undefined;
  if (add.op === 'BiasAdd' && (inputs[0] !== conv.name || (add.attr?.data_format?.s !== undefined && add.attr.data_format.s !== base64('NHWC')))) return undefined;
  const other = inputs[0] === conv.name ? inputs[1] : inputs[1] === conv.name ? inputs[0] : undefined;
  if (other === undefined || other === conv.name || !constants.has(other)) return undefined;
  const shape = shapes.get(other);
  return shape && shape.length === 1 && shape[0] === channels ? other : undefined;
}

/**
 * Rewrites a graph model's topology so that each `Conv2D` / `DepthwiseConv2dNative` (NHWC,
 * float) whose only consumer adds a constant bias vector — and, where that add's only consumer
 * is a `Relu`, `Relu6`, `Sigmoid` or `Elu`, the activation too — runs as one `_FusedConv2D` /
 * `FusedDepthwiseConv2dNative`. The fused node takes the name of the chain's last node, so
 * everything downstream (and a caller asking for that node by name) is unchanged; the fused
 * intermediates disappear. Nodes named in the signature are never folded away. Weights are
 * untouched (the bias is the same weight, now an argument of the convolution); results equal
 * the unfused graph's within float32 rounding (the bias is added inside the accumulation).
 * Returns the artifacts unchanged (same object) when nothing fuses. Gradients are unaffected:
 * while recording a gradient tfjs runs a fused convolution with an activation as its separate
 * ops, the same ops the graph as converted has.
 *
 * @example
 * ```ts
 * const { artifacts: fused, report } = fuseConvolutions(artifacts);
 * const model = tf.loadGraphModelSync(fused);
 * ```
 */
export function fuseConvolutions(artifacts: io.ModelArtifacts): { artifacts: io.ModelArtifacts; report: FusionReport } {
  const report: FusionReport = { biases: 0, activations: 0 };
  const topology = artifacts.modelTopology as { node?: GraphNode[] } | undefined;
  const nodes = topology?.node;
  if (!Array.isArray(nodes) || !artifacts.weightSpecs) return { artifacts, report };
  const shapes = new Map(artifacts.weightSpecs.map((spec) => [spec.name, spec.shape] as const));
  const floatWeights = new Set(artifacts.weightSpecs.filter((spec) => spec.dtype === 'float32').map((spec) => spec.name));
  const constants = new Set(nodes.filter((node) => node.op === 'Const' && floatWeights.has(node.name)).map((node) => node.name));
  const consumers = consumersOf(nodes);
  const named = signatureNames(artifacts.signature);
  const soleConsumer = (node: GraphNode): GraphNode | undefined => {
    const list = consumers.get(node.name);
    return list?.length === 1 && !named.has(node.name) ? list[0] : undefined;
  };
  const removed = new Set<string>();
  const replaced = new Map<string, GraphNode>();
  for (const conv of nodes) {
    const fusedOp = ownEntry(FUSED_OP, conv.op);
    const format = conv.attr?.data_format?.s;
    if (!fusedOp || !isFloat(conv) || !plainInputs(conv) || (format !== undefined && format !== base64('NHWC'))) continue;
    const channels = outputChannels(conv, shapes);
    const add = soleConsumer(conv);
    if (channels === undefined || !add || !BIAS_OPS.has(add.op)) continue;
    const bias = biasOperand(add, conv, channels, shapes, constants);
    if (bias === undefined) continue;
    const next = soleConsumer(add);
    const activationOp = next && ownEntry(FUSABLE_ACTIVATIONS, next.op);
    const activation = next && activationOp && isFloat(next) && plainInputs(next) && next.input?.length === 1 ? next : undefined;
    const last = activation ?? add;
    const fusedOps = activation ? [base64('BiasAdd'), base64(activationOp as string)] : [base64('BiasAdd')];
    const fused: GraphNode = {
      ...conv,
      name: last.name,
      op: fusedOp,
      input: [conv.input![0], conv.input![1], bias],
      attr: { ...conv.attr, fused_ops: { list: { s: fusedOps } }, num_args: { i: '1' } },
    };
    removed.add(conv.name);
    if (activation) removed.add(add.name);
    replaced.set(last.name, fused);
    report.biases++;
    if (activation) report.activations++;
  }
  if (report.biases === 0) return { artifacts, report };
  const rewritten = nodes.filter((node) => !removed.has(node.name)).map((node) => replaced.get(node.name) ?? node);
  return { artifacts: { ...artifacts, modelTopology: { ...topology, node: rewritten } }, report };
}
