import { VisionError, describeError } from '../core/errors';
import { containmentFolder, resolveContained } from './contained-path';
import { type LoadOptions, type ModelSource, type ProgressCounter, progressCounter, readModelBytes, sourceName } from './model-source';
import { type ProtobufField, protobufFields } from './protobuf-fields';

/** Field numbers of onnx.proto that lead to tensors. */
const MODEL = { graph: 7, functions: 25 };
const GRAPH = { node: 1, initializer: 5, sparseInitializer: 15 };
const FUNCTION = { node: 7, attributeProto: 11 };
const NODE = { attribute: 5 };
const ATTRIBUTE = { tensor: 5, graph: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 };
const SPARSE_TENSOR = { values: 1, indices: 2 };
const TENSOR = { externalData: 13 };

/** Subgraphs (If / Loop / Scan bodies) nest; a crafted file could nest them without end. */
const MAX_DEPTH = 64;

/**
 * One tensor an ONNX model keeps outside itself: its `external_data` entries `location` (the
 * file), and `offset` and `length` (of its bytes in that file) as the model writes them.
 *
 * @example
 * ```ts
 * const tensor: OnnxExternalTensor = { location: 'model.onnx.data', offset: '0', length: '4096' };
 * ```
 */
export interface OnnxExternalTensor {
  location: string;
  offset?: string;
  length?: string;
}

/** The length-delimited fields of a message with the given numbers. */
function* children(bytes: Uint8Array, message: ProtobufField, numbers: readonly number[]): Generator<ProtobufField> {
  if (message.end === undefined) return;
  for (const field of protobufFields(bytes, message.start, message.end)) if (field.end !== undefined && numbers.includes(field.number)) yield field;
}

function text(bytes: Uint8Array, field: ProtobufField): string {
  return new TextDecoder().decode(bytes.subarray(field.start, field.end));
}

/**
 * The tensors an ONNX model keeps in files beside it ("external data": each such tensor's
 * `external_data` entries), found in its initializers, sparse initializers, node attributes,
 * subgraphs and functions (their nodes and attribute defaults), in file order. onnxruntime
 * would read them relative to the working directory of a model given as bytes; the runner
 * reads them itself from the model's folder instead (see `createOnnxRunner`). The bytes are
 * read as protobuf C++ reads them (see `protobufFields`): no encoding hides a field from this
 * scan that onnxruntime would read, and bytes it cannot read are refused, never passed on.
 *
 * @param name - the model, as errors name it.
 * @throws VisionError `MODEL_FORMAT` for bytes that are not a well-formed protobuf message
 *   (onnxruntime is then never given them) or subgraphs nested deeper than 64.
 * @example
 * ```ts
 * onnxExternalData(bytes); // [{ location: 'model.onnx.data', offset: '0', length: '4096' }]
 * ```
 */
export function onnxExternalData(bytes: Uint8Array, name = 'the model'): OnnxExternalTensor[] {
  const found: OnnxExternalTensor[] = [];
  const tensor = (field: ProtobufField): void => {
    const entries: Record<string, string> = {};
    for (const entry of children(bytes, field, [TENSOR.externalData])) {
      let key = '';
      let value = '';
      for (const part of children(bytes, entry, [1, 2])) {
        if (part.number === 1) key = text(bytes, part);
        else value = text(bytes, part);
      }
      if (key === 'location' || key === 'offset' || key === 'length') entries[key] = value;
    }
    if (entries.location !== undefined) found.push({ location: entries.location, offset: entries.offset, length: entries.length });
  };
  const sparse = (field: ProtobufField): void => {
    for (const part of children(bytes, field, [SPARSE_TENSOR.values, SPARSE_TENSOR.indices])) tensor(part);
  };
  const attribute = (field: ProtobufField, depth: number): void => {
    for (const value of children(bytes, field, Object.values(ATTRIBUTE))) {
      if (value.number === ATTRIBUTE.tensor || value.number === ATTRIBUTE.tensors) tensor(value);
      else if (value.number === ATTRIBUTE.sparseTensor || value.number === ATTRIBUTE.sparseTensors) sparse(value);
      else graph(value, depth + 1);
    }
  };
  const nodes = (field: ProtobufField, nodeField: number, depth: number): void => {
    for (const node of children(bytes, field, [nodeField])) {
      for (const part of children(bytes, node, [NODE.attribute])) attribute(part, depth);
    }
  };
  const graph = (field: ProtobufField, depth: number): void => {
    if (depth > MAX_DEPTH) throw new VisionError('MODEL_FORMAT', `${name} nests subgraphs deeper than ${MAX_DEPTH}`);
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
      else {
        nodes(part, FUNCTION.node, 0);
        for (const defaults of children(bytes, part, [FUNCTION.attributeProto])) attribute(defaults, 0);
      }
    }
  } catch (error) {
    if (error instanceof VisionError) throw error;
    // fail closed: bytes this scan cannot read must not reach onnxruntime, which might read them otherwise
    throw new VisionError('MODEL_FORMAT', `${name} is not a valid ONNX model: its protobuf bytes are malformed (${describeError(error)}); expected an ONNX ModelProto as onnx.save writes it`, { cause: error });
  }
  return found;
}

/** Refuses a tensor whose offset or length is no plain decimal (a sign, hex, spaces, an exponent), or reaches past the end of its file. */
function checkBounds(tensor: OnnxExternalTensor, size: number, name: string): void {
  const offset = tensor.offset ?? '0';
  const length = tensor.length ?? '0';
  for (const [key, value] of [['offset', offset], ['length', length]] as const) {
    if (!/^\d+$/.test(value)) {
      throw new VisionError('MODEL_FORMAT', `${name}: a tensor's external data in ${JSON.stringify(tensor.location)} has ${key} ${JSON.stringify(value)}; an offset or length is a whole number of bytes, in decimal digits`);
    }
  }
  if (Number(offset) + Number(length) <= size) return;
  throw new VisionError(
    'MODEL_FORMAT',
    `${name}: a tensor's external data in ${JSON.stringify(tensor.location)} at offset ${offset}, length ${tensor.length ?? '(to the end)'} lies past the end of that file (${size} bytes); a tensor's offset and length must lie within its file`,
  );
}

/**
 * `graphBytes` plus the bytes the data files hold as far as their tensors tell (each file up to
 * its last tensor's end); `undefined` when a tensor's length is not given (it runs to its file's end).
 */
function expectedDataBytes(tensors: readonly OnnxExternalTensor[], files: readonly string[], graphBytes: number): number | undefined {
  let total = graphBytes;
  for (const file of files) {
    let end = 0;
    for (const tensor of tensors) {
      if (tensor.location !== file) continue;
      if (tensor.length === undefined) return undefined;
      end = Math.max(end, Number(tensor.offset ?? '0') + Number(tensor.length));
    }
    if (!Number.isFinite(end)) return undefined;
    total += end;
  }
  return total;
}

/**
 * The external data files of an ONNX model, read by visionpipe from the model's own folder (or
 * `modelRoot`) as a weight shard is: a name that climbs out, is absolute or a URL, or — links
 * followed — leads out is `INVALID_OPTION`, refused before anything is read. `undefined` when the
 * model keeps every tensor inside itself. The result is onnxruntime's `externalData` option.
 *
 * @throws VisionError `INVALID_OPTION` for an escaping name, or for a model given as bytes that
 *   names external data (it has no folder); `MODEL_LOAD_FAILED` for a file that cannot be read;
 *   `MODEL_FORMAT` for malformed model bytes, a tensor that lies past the end of its file, or one
 *   file named in two ways (`w.data`, `./w.data`).
 * @example
 * ```ts
 * const externalData = await readOnnxExternalData('models/big.onnx', bytes, {}); // [{ path: 'big.onnx.data', data }]
 * ```
 */
export async function readOnnxExternalData(source: ModelSource, bytes: Uint8Array, options: LoadOptions, counter: ProgressCounter = progressCounter()): Promise<{ path: string; data: Uint8Array }[] | undefined> {
  const name = sourceName(source);
  const tensors = onnxExternalData(bytes, name);
  const files = [...new Set(tensors.map((t) => t.location))];
  if (files.length === 0) return undefined;
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new VisionError('INVALID_OPTION', `the ONNX model keeps tensors in ${files.map((f) => JSON.stringify(f)).join(', ')}: load it from its file or URL, whose folder holds them (a model given as bytes has no folder)`);
  }
  const paths = files.map((file) => resolveContained(name, file, options.modelRoot)); // every name checked before any is read
  // onnxruntime finds data by the name a tensor gives: one file under 150 spellings (w.data, ./w.data, ././w.data…) was read 150 times (2.6 GB)
  const again = paths.findIndex((path, i) => paths.indexOf(path) !== i);
  if (again >= 0) {
    throw new VisionError('MODEL_FORMAT', `${name}: its tensors name one data file in two ways (${JSON.stringify(files[paths.indexOf(paths[again])])} and ${JSON.stringify(files[again])}); an ONNX model names each data file one way, as exporters write it`);
  }
  const within = containmentFolder(name, options.modelRoot);
  // the model's progress goes on over its data files: the total grows by what its tensors say the files hold
  counter.singleFile = false;
  counter.total = counter.total === undefined ? undefined : expectedDataBytes(tensors, files, counter.total);
  const sizes = new Map<string, number>();
  const data: { path: string; data: Uint8Array }[] = [];
  for (const [i, path] of paths.entries()) {
    const read = await readModelBytes(path, counter, options, within);
    sizes.set(files[i], read.byteLength);
    data.push({ path: files[i], data: read });
  }
  for (const tensor of tensors) checkBounds(tensor, sizes.get(tensor.location) ?? 0, name);
  return data;
}
