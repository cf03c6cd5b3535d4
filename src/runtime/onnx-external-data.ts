import { VisionError } from '../core/errors';
import { containmentFolder, resolveContained } from './contained-path';
import { type LoadOptions, type ModelSource, progressCounter, readModelBytes, sourceName } from './model-source';
import { type ProtobufField, protobufFields } from './protobuf-fields';

/** Field numbers of onnx.proto that lead to tensors. */
const MODEL = { graph: 7, functions: 25 };
const GRAPH = { node: 1, initializer: 5, sparseInitializer: 15 };
const FUNCTION = { node: 7 };
const NODE = { attribute: 5 };
const ATTRIBUTE = { tensor: 5, graph: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 };
const SPARSE_TENSOR = { values: 1, indices: 2 };
const TENSOR = { externalData: 13 };

/** Subgraphs (If / Loop / Scan bodies) nest; a crafted file could nest them without end. */
const MAX_DEPTH = 64;

/** The length-delimited fields of a message with the given numbers. */
function* children(bytes: Uint8Array, message: ProtobufField, numbers: readonly number[]): Generator<ProtobufField> {
  if (message.end === undefined) return;
  for (const field of protobufFields(bytes, message.start, message.end)) if (field.end !== undefined && numbers.includes(field.number)) yield field;
}

function text(bytes: Uint8Array, field: ProtobufField): string {
  return new TextDecoder().decode(bytes.subarray(field.start, field.end));
}

/**
 * The files an ONNX model keeps some of its tensors in ("external data": each such tensor's
 * `external_data` entry `location`), found in its initializers, sparse initializers, node
 * attributes, subgraphs and functions — in order, each once. onnxruntime would read them
 * relative to the working directory of a model given as bytes; the runner reads them itself
 * from the model's folder instead (see `createOnnxRunner`).
 *
 * @throws VisionError `MODEL_FORMAT` for subgraphs nested deeper than 64; malformed bytes give
 *   no locations (onnxruntime then says what is wrong with the file).
 * @example
 * ```ts
 * onnxExternalDataFiles(bytes); // ['model.onnx.data']
 * ```
 */
export function onnxExternalDataFiles(bytes: Uint8Array): string[] {
  const found = new Set<string>();
  const tensor = (field: ProtobufField): void => {
    for (const entry of children(bytes, field, [TENSOR.externalData])) {
      let key = '';
      let value = '';
      for (const part of children(bytes, entry, [1, 2])) {
        if (part.number === 1) key = text(bytes, part);
        else value = text(bytes, part);
      }
      if (key === 'location') found.add(value);
    }
  };
  const sparse = (field: ProtobufField): void => {
    for (const part of children(bytes, field, [SPARSE_TENSOR.values, SPARSE_TENSOR.indices])) tensor(part);
  };
  const nodes = (field: ProtobufField, nodeField: number, depth: number): void => {
    for (const node of children(bytes, field, [nodeField])) {
      for (const attribute of children(bytes, node, [NODE.attribute])) {
        for (const value of children(bytes, attribute, Object.values(ATTRIBUTE))) {
          if (value.number === ATTRIBUTE.tensor || value.number === ATTRIBUTE.tensors) tensor(value);
          else if (value.number === ATTRIBUTE.sparseTensor || value.number === ATTRIBUTE.sparseTensors) sparse(value);
          else graph(value, depth + 1);
        }
      }
    }
  };
  const graph = (field: ProtobufField, depth: number): void => {
    if (depth > MAX_DEPTH) throw new VisionError('MODEL_FORMAT', `the ONNX model nests subgraphs deeper than ${MAX_DEPTH}`);
    for (const part of children(bytes, field, [GRAPH.initializer, GRAPH.sparseInitializer])) {
      if (part.number === GRAPH.initializer) tensor(part);
      else sparse(part);
    }
    nodes(field, GRAPH.node, depth);
  };
  try {
    const model: ProtobufField = { number: 0, start: 0, end: bytes.length };
    for (const part of children(bytes, model, [MODEL.graph, MODEL.functions])) {
      if (part.number === MODEL.graph) graph(part, 0);
      else nodes(part, FUNCTION.node, 0);
    }
  } catch (error) {
    if (error instanceof VisionError) throw error;
    return [];
  }
  return [...found];
}

/**
 * The external data files of an ONNX model, read by visionpipe from the model's own folder (or
 * `modelRoot`) as a weight shard is: a name that climbs out, is absolute or a URL, or — links
 * followed — leads out is `INVALID_OPTION`, refused before anything is read. `undefined` when the
 * model keeps every tensor inside itself. The result is onnxruntime's `externalData` option.
 *
 * @throws VisionError `INVALID_OPTION` for an escaping name, or for a model given as bytes that
 *   names external data (it has no folder); `MODEL_LOAD_FAILED` for a file that cannot be read.
 * @example
 * ```ts
 * const externalData = await readOnnxExternalData('models/big.onnx', bytes, {}); // [{ path: 'big.onnx.data', data }]
 * ```
 */
export async function readOnnxExternalData(source: ModelSource, bytes: Uint8Array, options: LoadOptions): Promise<{ path: string; data: Uint8Array }[] | undefined> {
  const files = onnxExternalDataFiles(bytes);
  if (files.length === 0) return undefined;
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new VisionError('INVALID_OPTION', `the ONNX model keeps tensors in ${files.map((f) => JSON.stringify(f)).join(', ')}: load it from its file or URL, whose folder holds them (a model given as bytes has no folder)`);
  }
  const name = sourceName(source);
  const paths = files.map((file) => resolveContained(name, file, options.modelRoot)); // every name checked before any is read
  const within = containmentFolder(name, options.modelRoot);
  const counter = progressCounter();
  const data: { path: string; data: Uint8Array }[] = [];
  for (const [i, path] of paths.entries()) data.push({ path: files[i], data: await readModelBytes(path, counter, options, within) });
  return data;
}
