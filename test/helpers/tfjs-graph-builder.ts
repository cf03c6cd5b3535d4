import type { TfjsModelFiles } from '../../src/node/index';

/** A float32 or int32 constant of a hand-built tfjs graph model. */
export interface GraphConst {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: ArrayLike<number>;
}

/** One graph node as tensorflowjs_converter writes it (op, inputs, attributes). */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

const TF_TYPES = { float32: 'DT_FLOAT', int32: 'DT_INT32' } as const;

/** A float32 output of a hand-built tfjs graph model: the node's name and shape. */
export interface GraphOutput {
  name: string;
  shape: number[];
}

/**
 * Builds a real tfjs graph model (model.json topology + weight bytes) in memory — the format
 * `tensorflowjs_converter` produces from a SavedModel — from a float32 input placeholder,
 * constants and nodes, with one output or several (in signature order). tfjs loads and
 * executes it like any converted model.
 */
export function buildTfjsGraphModel(spec: {
  input: { name: string; shape: number[] };
  consts: GraphConst[];
  nodes: GraphNode[];
  output: GraphOutput | readonly GraphOutput[];
}): TfjsModelFiles {
  const outputs = Array.isArray(spec.output) ? spec.output : [spec.output as GraphOutput];
  const shape = (dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });
  const placeholder = { name: spec.input.name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shape(spec.input.shape) } } };
  const consts = spec.consts.map((c) => ({
    name: c.name,
    op: 'Const',
    attr: { value: { tensor: { dtype: TF_TYPES[c.dtype], tensorShape: shape(c.shape) } }, dtype: { type: TF_TYPES[c.dtype] } },
  }));
  const bytes = spec.consts.map((c) => new Uint8Array((c.dtype === 'float32' ? Float32Array.from(c.values) : Int32Array.from(c.values)).buffer));
  const json = {
    format: 'graph-model',
    generatedBy: 'visionpipe-tests',
    convertedBy: 'visionpipe-tests',
    modelTopology: { node: [placeholder, ...consts, ...spec.nodes], library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: spec.consts.map((c) => ({ name: c.name, shape: c.shape, dtype: c.dtype })) }],
    signature: {
      inputs: { [`${spec.input.name}:0`]: { name: `${spec.input.name}:0`, dtype: 'DT_FLOAT', tensorShape: shape(spec.input.shape) } },
      outputs: Object.fromEntries(outputs.map((o) => [`${o.name}:0`, { name: `${o.name}:0`, dtype: 'DT_FLOAT', tensorShape: shape(o.shape) }])),
    },
  };
  return { json, weights: bytes };
}
