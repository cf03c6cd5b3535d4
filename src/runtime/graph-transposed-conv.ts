/**
 * Load-time rewrite of transposed convolutions whose kernel equals their stride (the 2×2,
 * stride-2 "deconvolution" that ends many segmentation decoders, e.g. MediaPipe Selfie and
 * Meet): such a kernel never overlaps itself, so output pixel `(i·s + a, j·s + b)` is input
 * pixel `(i, j)` times kernel tap `(a, b)` — a 1×1 convolution to `s·s·O` channels whose
 * channels are then laid out as `s×s` pixels (reshape, transpose, reshape). tfjs' wasm backend
 * runs `Conv2DBackpropInput` as a plain loop, the 1×1 convolution in XNNPACK: on Selfie's
 * 128²×16 → 256² layer 1.25 against 0.28 ms, with identical results (each output is the same
 * single sum over the input channels). Every op of the rewrite has a tfjs gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { io } from '@tensorflow/tfjs';
import { type GraphNode, base64, consumersOf, isFloat, plainInputs } from './graph-nodes';
import { storedValueBytes } from './tfjs-artifacts';


/** Byte offsets of each weight in the artifacts' weight data (undefined past a string weight, whose size varies). */
function weightOffsets(specs: readonly io.WeightsManifestEntry[]): Map<string, { spec: io.WeightsManifestEntry; offset: number }> {
  const offsets = new Map<string, { spec: io.WeightsManifestEntry; offset: number }>();
  let offset = 0;
  for (const spec of specs) {
    const bytes = storedValueBytes(spec);
    if (bytes === undefined) break;
    offsets.set(spec.name, { spec, offset });
    offset += spec.shape.reduce((a, b) => a * b, 1) * bytes;
  }
  return offsets;
}

/** One weight's values, dequantized (float16, uint8 and uint16 weights included). */
function readWeight(weightData: io.WeightData, entry: { spec: io.WeightsManifestEntry; offset: number }): Float32Array | Int32Array {
  const { spec, offset } = entry;
  const bytes = spec.shape.reduce((a, b) => a * b, 1) * storedValueBytes(spec)!;
  const slice = new tf.io.CompositeArrayBuffer(weightData).slice(offset, offset + bytes);
  const tensor = tf.io.decodeWeights(slice, [spec])[spec.name];
  try {
    return tensor.dataSync() as Float32Array | Int32Array;
  } finally {
    tensor.dispose();
  }
}

/** An attribute's integer list (strides, dilations), or undefined. */
const intList = (node: GraphNode, name: string): number[] | undefined => node.attr?.[name]?.list?.i?.map(Number);

/** A Const node of the given dtype and shape, as a converted model.json stores it. */
function constNode(name: string, dtype: 'float32' | 'int32', shape: readonly number[]): GraphNode {
  const type = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
  return { name, op: 'Const', attr: { value: { tensor: { dtype: type, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } }, dtype: { type } } };
}

/** The plan of one rewrite: the layer's sizes and its 1×1 filter. */
interface Rewrite {
  node: GraphNode;
  stride: number;
  height: number;
  width: number;
  channels: number;
  pointwise: Float32Array;
  inputChannels: number;
}

/**
 * The rewrite of one `Conv2DBackpropInput` node, or undefined unless it is float NHWC with
 * stride `s` ≥ 2 both ways, kernel `s×s`, dilation 1, SAME or VALID padding (both pad nothing
 * when the kernel equals the stride), a constant filter and a constant output size whose
 * height and width are multiples of `s` (so that the input is exactly `1/s` of it).
 */
function planRewrite(node: GraphNode, offsets: ReturnType<typeof weightOffsets>, weightData: io.WeightData): Rewrite | undefined {
  const [sizesName, filterName] = node.input ?? [];
  const padding = node.attr?.padding?.s;
  const strides = intList(node, 'strides');
  const dilations = intList(node, 'dilations') ?? [1, 1, 1, 1];
  const format = node.attr?.data_format?.s;
  if (node.input?.length !== 3 || !plainInputs(node) || !isFloat(node) || (format !== undefined && format !== base64('NHWC'))) return undefined;
  if ((padding !== base64('SAME') && padding !== base64('VALID')) || !strides || strides.length !== 4 || dilations.some((d) => d !== 1)) return undefined;
  const [, stride, strideX] = strides;
  const filter = offsets.get(filterName);
  const sizes = offsets.get(sizesName);
  if (!(stride >= 2 && strideX === stride && strides[0] === 1 && strides[3] === 1) || filter?.spec.dtype !== 'float32' || sizes?.spec.dtype !== 'int32') return undefined;
  const [kh, kw, channels, inputChannels] = filter.spec.shape;
  if (filter.spec.shape.length !== 4 || kh !== stride || kw !== stride || sizes.spec.shape.join() !== '4') return undefined;
  const [, height, width, outChannels] = readWeight(weightData, sizes);
  if (outChannels !== channels || !(height > 0 && width > 0 && height % stride === 0 && width % stride === 0)) return undefined;
  // filter [a][b][o][c] → 1×1 filter [c][(a·s + b)·O + o]
  const taps = readWeight(weightData, filter);
  const group = stride * stride * channels;
  const pointwise = new Float32Array(inputChannels * group);
  for (let k = 0; k < group; k++) for (let c = 0; c < inputChannels; c++) pointwise[c * group + k] = taps[k * inputChannels + c];
  return { node, stride, height, width, channels, pointwise, inputChannels };
}

/** The nodes and weights that replace one transposed convolution (the last node keeps its name). */
function rewriteNodes(plan: Rewrite): { nodes: GraphNode[]; weights: { spec: io.WeightsManifestEntry; values: Float32Array | Int32Array }[] } {
  const { node, stride: s, height, width, channels, pointwise, inputChannels } = plan;
  const p = `${node.name}/pointwise`;
  const T = { T: { type: 'DT_FLOAT' } };
  const ones = { list: { i: ['1', '1', '1', '1'] } };
  const weights = [
    { spec: { name: `${p}/filter`, shape: [1, 1, inputChannels, s * s * channels], dtype: 'float32' as const }, values: pointwise },
    { spec: { name: `${p}/rows_shape`, shape: [4], dtype: 'int32' as const }, values: Int32Array.of(-1, width / s, s, s * channels) },
    { spec: { name: `${p}/perm`, shape: [4], dtype: 'int32' as const }, values: Int32Array.of(0, 2, 1, 3) },
    { spec: { name: `${p}/out_shape`, shape: [4], dtype: 'int32' as const }, values: Int32Array.of(-1, height, width, channels) },
  ];
  const consts = weights.map(({ spec }) => constNode(spec.name, spec.dtype, spec.shape));
  const conv = { name: p, op: 'Conv2D', input: [node.input![2], `${p}/filter`], attr: { ...T, strides: ones, dilations: ones, padding: { s: base64('VALID') }, data_format: { s: base64('NHWC') } } };
  const rows = { name: `${p}/rows`, op: 'Reshape', input: [p, `${p}/rows_shape`], attr: { ...T, Tshape: { type: 'DT_INT32' } } };
  const interleaved = { name: `${p}/interleaved`, op: 'Transpose', input: [rows.name, `${p}/perm`], attr: { ...T, Tperm: { type: 'DT_INT32' } } };
  const out = { name: node.name, op: 'Reshape', input: [interleaved.name, `${p}/out_shape`], attr: { ...T, Tshape: { type: 'DT_INT32' } } };
  return { nodes: [...consts, conv, rows, interleaved, out], weights };
}

/**
 * Rewrites each transposed convolution (`Conv2DBackpropInput`) of a graph model whose kernel
 * equals its stride as a 1×1 `Conv2D` to `s·s·O` channels, then `Reshape` → `Transpose` →
 * `Reshape` to the layer's output (named as the layer was, so everything downstream and a
 * caller asking for it by name is unchanged). The 1×1 filter is a new float32 weight (the
 * kernel reordered, dequantized where it was quantized) put before the model's weights with the
 * small shape constants; the old filter and size constants leave the graph where no other layer
 * reads them (their bytes stay); the input artifacts are not modified. Returns them unchanged (same
 * object) when no layer qualifies: float NHWC, stride ≥ 2 equal both ways, kernel = stride,
 * dilation 1, SAME or VALID padding, a constant filter and a constant output size whose height
 * and width are multiples of the stride.
 *
 * @example
 * ```ts
 * const { artifacts: faster, rewritten } = pointwiseTransposedConvolutions(artifacts);
 * const model = tf.loadGraphModelSync(faster); // same outputs, no Conv2DBackpropInput left
 * ```
 */
export function pointwiseTransposedConvolutions(artifacts: io.ModelArtifacts): { artifacts: io.ModelArtifacts; rewritten: number } {
  const topology = artifacts.modelTopology as { node?: GraphNode[] } | undefined;
  const nodes = topology?.node;
  const { weightSpecs, weightData } = artifacts;
  if (!Array.isArray(nodes) || !weightSpecs || !weightData || !nodes.some((node) => node.op === 'Conv2DBackpropInput')) return { artifacts, rewritten: 0 };
  const offsets = weightOffsets(weightSpecs);
  const names = new Set([...nodes.map((node) => node.name), ...weightSpecs.map((spec) => spec.name)]);
  const replacements = new Map<string, GraphNode[]>();
  const added: { spec: io.WeightsManifestEntry; values: Float32Array | Int32Array }[] = [];
  for (const node of nodes) {
    if (node.op !== 'Conv2DBackpropInput') continue;
    const plan = planRewrite(node, offsets, weightData);
    if (!plan) continue;
    const { nodes: replacement, weights } = rewriteNodes(plan);
    // new names must be new (and the filter and sizes may be shared with other layers: they stay)
    if (replacement.some((n) => n.name !== node.name && names.has(n.name))) continue;
    replacements.set(node.name, replacement);
    added.push(...weights);
  }
  if (replacements.size === 0) return { artifacts, rewritten: 0 };
  const replaced = nodes.flatMap((node) => replacements.get(node.name) ?? [node]);
  // a filter or size constant no layer reads any more goes (tfjs takes a graph without a signature's
  // unconsumed nodes for outputs); its weight stays, unread, so that no other weight moves
  const consumers = consumersOf(replaced);
  const orphaned = new Set([...replacements.keys()].flatMap((name) => nodes.find((node) => node.name === name)!.input!.slice(0, 2)).filter((name) => !consumers.has(name)));
  const kept = replaced.filter((node) => !(node.op === 'Const' && orphaned.has(node.name)));
  // the new weights first: tfjs reads weights one after another from the start, and weight data
  // may run on past the manifest's weights (a model with string weights)
  const prepended = added.map(({ values }) => values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength) as ArrayBuffer);
  return {
    artifacts: {
      ...artifacts,
      modelTopology: { ...topology, node: kept },
      weightSpecs: [...added.map(({ spec }) => spec), ...weightSpecs],
      weightData: [...prepended, ...(Array.isArray(weightData) ? weightData : [weightData])],
    },
    rewritten: replacements.size,
  };
}
