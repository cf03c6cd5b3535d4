// A hand-built graph of convolution chains for the load-time fusion tests (Node and Chromium).
import { type GraphConst, type GraphNode, buildTfjsGraphModel } from './tfjs-graph-builder';

/** The float32 type attribute of a node. */
export const T = { T: { type: 'DT_FLOAT' } };
/** A string attribute value as model.json stores it. */
export const b64 = (text: string) => Buffer.from(text).toString('base64');
/** Attributes of a stride-1, SAME, NHWC convolution. */
export const CONV = { ...T, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } } };

/** Seeded values in [-0.5, 0.5) (an LCG). */
export function seeded(n: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

/** A float32 constant of seeded values. */
export const weight = (name: string, shape: number[], seed: number): GraphConst => ({ name, shape, dtype: 'float32', values: seeded(shape.reduce((a, b) => a * b, 1), seed) });

/**
 * image [1,6,6,3] → conv1 3×3 (4) → AddV2 b1 → Relu6 'r1' → depthwise ×2 (8) → Add(b2, ·) →
 * Sigmoid 'sig' → conv3 1×1 (5) → BiasAdd b3 'out': three chains, two activations.
 */
export function chainGraph(options: { activation?: string; outputs?: string[]; logits?: boolean } = {}) {
  const nodes: GraphNode[] = [
    { name: 'conv1', op: 'Conv2D', input: ['image', 'f1'], attr: CONV },
    { name: 'add1', op: 'AddV2', input: ['conv1', 'b1'], attr: T },
    { name: 'r1', op: options.activation ?? 'Relu6', input: ['add1'], attr: T },
    { name: 'dw', op: 'DepthwiseConv2dNative', input: ['r1', 'f2'], attr: CONV },
    { name: 'add2', op: 'Add', input: ['b2', 'dw'], attr: T },
    { name: 'sig', op: 'Sigmoid', input: ['add2'], attr: T },
    { name: 'conv3', op: 'Conv2D', input: ['sig', 'f3'], attr: CONV },
    { name: 'out', op: 'BiasAdd', input: ['conv3', 'b3'], attr: { ...T, data_format: { s: b64('NHWC') } } },
  ];
  const consts = [weight('f1', [3, 3, 3, 4], 1), weight('b1', [4], 2), weight('f2', [3, 3, 4, 2], 3), weight('b2', [8], 4), weight('f3', [1, 1, 8, 5], 5), weight('b3', [5], 6)];
  if (options.logits) {
    // a classifier head: the mean over height and width → logits [1,5]
    consts.push({ name: 'axes', shape: [2], dtype: 'int32', values: [1, 2] });
    nodes.push({ name: 'logits', op: 'Mean', input: ['out', 'axes'], attr: { ...T, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } } });
    return buildTfjsGraphModel({ input: { name: 'image', shape: [1, 6, 6, 3] }, consts, nodes, output: { name: 'logits', shape: [1, 5] } });
  }
  return buildTfjsGraphModel({ input: { name: 'image', shape: [1, 6, 6, 3] }, consts, nodes, output: (options.outputs ?? ['out']).map((name) => ({ name, shape: [1, 6, 6, 5] })) });
}

