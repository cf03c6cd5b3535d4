import { onnx } from 'onnx-proto';

/** A float32 initializer (constant weight) of an ONNX graph. */
export interface Initializer {
  name: string;
  dims: number[];
  values: ArrayLike<number>;
}

/** One ONNX node: operator, inputs, outputs and attributes (ints, floats or int lists). */
export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[]>;
}

/** A graph input or output: name, element type (1 float32, 6 int32, 7 int64) and dims (string = dynamic). */
export interface ValueSpec {
  name: string;
  type?: number;
  dims: (number | string)[];
}

function valueInfo(value: ValueSpec): onnx.IValueInfoProto {
  return {
    name: value.name,
    type: {
      tensorType: {
        elemType: value.type ?? onnx.TensorProto.DataType.FLOAT,
        shape: { dim: value.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: number | number[]): onnx.IAttributeProto {
  if (Array.isArray(value)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value };
  if (Number.isInteger(value)) return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
}

/**
 * Builds a small ONNX model (opset 13) from nodes, weights, inputs and outputs: a real model
 * file that onnxruntime loads and runs, for format and end-to-end tests.
 */
export function buildOnnxModel(spec: {
  nodes: NodeSpec[];
  initializers?: Initializer[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  metadata?: Record<string, string>;
}): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'visionpipe-tests',
    opsetImport: [{ domain: '', version: 13 }],
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'test-graph',
      node: spec.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: (spec.initializers ?? []).map((w) => ({
        name: w.name,
        dims: w.dims,
        dataType: onnx.TensorProto.DataType.FLOAT,
        floatData: Array.from(w.values),
      })),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
