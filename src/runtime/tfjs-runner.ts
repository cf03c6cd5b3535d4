import * as tf from '@tensorflow/tfjs';
import { VisionError, describeError } from '../core/errors';
import type { Feed, ModelRunner, RawTensor, RunOptions, TensorDataType, TensorInfo } from './model-runner';
import { type LoadOptions, type ModelSource, sourceName } from './model-source';
import { type TfjsBackendOptions, lostBackendReason, onTfjsBackend, selectTfjsBackend } from './tfjs-backend';
import { type TfjsModelFiles, loadTfjsArtifacts } from './tfjs-artifacts';
import { fromRawTensor, toRawTensor } from './tensor-convert';
import { fuseConvolutions } from './graph-fusion';
import { pointwiseTransposedConvolutions } from './graph-transposed-conv';
import { unknownGraphOps } from './graph-op-check';
import { isTfTensor, validateFeeds } from './validate-feeds';
import { onActiveBackend } from './backend-residence';

/** Options for {@link createTfjsRunner}. @example `{ backend: 'wasm', onProgress, fuseConvolutions: false }` */
export interface TfjsRunnerOptions extends LoadOptions, TfjsBackendOptions {
  /**
   * Graph models: run each convolution with the bias add and activation that follow it as one
   * fused op (see `fuseConvolutions`; results equal within float32 rounding), and each
   * transposed convolution whose kernel equals its stride as a 1×1 convolution whose channels
   * are laid out as pixels (see `pointwiseTransposedConvolutions`; the same results). Default
   * `true`; `false` runs the graph exactly as converted.
   */
  fuseConvolutions?: boolean;
}

function info(name: string, shape: readonly (number | null)[] | undefined, dtype: string | undefined): TensorInfo {
  return { name, shape: (shape ?? []).map((d) => (d === null || d === undefined || d < 0 ? -1 : d)), dtype: (dtype ?? 'float32') as TensorDataType };
}

/** A tensor entry of a graph model's TF signature (model.json `signature.inputs/outputs`). */
interface SignatureEntry {
  name?: string;
  dtype?: string;
  tensorShape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
}

const TF_DTYPES: Record<string, TensorDataType> = {
  DT_FLOAT: 'float32', DT_HALF: 'float32', DT_DOUBLE: 'float32', DT_BOOL: 'bool', DT_STRING: 'string',
  DT_INT32: 'int32', DT_INT64: 'int32', DT_INT16: 'int32', DT_INT8: 'int32', DT_UINT8: 'int32', DT_UINT16: 'int32',
};

/**
 * Graph-model tensor infos: the graph's own placeholder attributes where present, else the
 * model.json signature (converted graphs usually carry output shapes and dtypes only there).
 */
function graphInfos(nodes: readonly { name: string; shape?: number[]; dtype?: string }[], signature: Record<string, SignatureEntry> | undefined): TensorInfo[] {
  const byNode = new Map<string, SignatureEntry>();
  for (const [key, entry] of Object.entries(signature ?? {})) {
    byNode.set((entry.name ?? key).replace(/:0$/, ''), entry);
    byNode.set(key, entry);
  }
  return nodes.map((node) => {
    const entry = byNode.get(node.name);
    const dims = entry?.tensorShape?.unknownRank ? undefined : entry?.tensorShape?.dim?.map((d) => Number(d.size ?? -1));
    const shape = node.shape && node.shape.length > 0 ? node.shape : dims;
    const dtype = node.dtype ?? (entry?.dtype ? TF_DTYPES[entry.dtype] : undefined);
    return info(node.name, shape, dtype);
  });
}

/** Names of every node of a graph model's topology (for a loaded model: the artifacts tfjs keeps). */
function graphNodeNames(source: tf.GraphModel | tf.io.ModelArtifacts): ReadonlySet<string> {
  const artifacts = source instanceof tf.GraphModel ? (source as unknown as { artifacts?: tf.io.ModelArtifacts }).artifacts : source;
  const topology = artifacts?.modelTopology as { node?: { name?: string }[] } | undefined;
  return new Set((topology?.node ?? []).flatMap((n) => (typeof n.name === 'string' ? [n.name] : [])));
}

/** A graph model and whether it has shown it needs `executeAsync` (control flow, dynamic shapes). */
interface GraphExecution {
  model: tf.GraphModel;
  needsAsync: boolean;
}

/** Runs a graph model synchronously until tfjs says it needs `executeAsync`, then asynchronously. */
async function executeGraph(graph: GraphExecution, inputs: tf.NamedTensorMap, names: string[]): Promise<tf.Tensor[]> {
  if (!graph.needsAsync) {
    try {
      const out = graph.model.execute(inputs, names);
      return Array.isArray(out) ? out : [out];
    } catch (error) {
      if (!/executeAsync/.test(describeError(error))) throw error;
      graph.needsAsync = true;
    }
  }
  const out = await graph.model.executeAsync(inputs, names);
  return Array.isArray(out) ? out : [out];
}

/**
 * Runs a tfjs graph or layers model. Create it with {@link createTfjsRunner}. Besides the
 * {@link ModelRunner} interface it offers `execute`, which keeps outputs as tensors on the
 * backend for callers that post-process on the GPU.
 *
 * @example
 * ```ts
 * const runner = await createTfjsRunner('models/centernet.json');
 * const out = await runner.run({ 'tower_0/images': input }, { outputs: ['tower_0/detections'] });
 * ```
 */
export class TfjsRunner implements ModelRunner {
  readonly runtime = 'tfjs' as const;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  private model: tf.GraphModel | tf.LayersModel | null;
  private graph: GraphExecution | null;
  private nodeNames: ReadonlySet<string> | null = null;
  private convertedNodeNames: ReadonlySet<string> | null = null;
  /** The graph as converted, built from `unfused` on the first call that reads a node the fusion folded away. */
  private asConverted: GraphExecution | null = null;
  /** Set by dispose(); the models are freed once no call is running (tfjs fails a graph whose weights go mid-run, leaving its tensors). */
  private disposed = false;
  private running = 0;

  /**
   * @param model the loaded model
   * @param backend the tfjs backend it runs on
   * @param metadata the model.json's user-defined metadata
   * @param unfused for a graph whose convolutions were fused at load: the artifacts as converted,
   *   kept (they share the weight bytes) to serve nodes the fusion folded away
   */
  constructor(
    model: tf.GraphModel | tf.LayersModel,
    readonly backend: string,
    readonly metadata: Readonly<Record<string, string>> = {},
    private readonly unfused?: tf.io.ModelArtifacts,
  ) {
    this.model = model;
    this.graph = model instanceof tf.GraphModel ? { model, needsAsync: false } : null;
    if (model instanceof tf.GraphModel) {
      const signature = model.modelSignature as { inputs?: Record<string, SignatureEntry>; outputs?: Record<string, SignatureEntry> } | undefined;
      this.inputs = graphInfos(model.inputs, signature?.inputs);
      this.outputs = graphInfos(model.outputs, signature?.outputs);
    } else {
      this.inputs = model.inputs.map((t) => info(t.name, t.shape, t.dtype));
      this.outputs = model.outputs.map((t) => info(t.name, t.shape, t.dtype));
    }
  }

  /** The underlying tfjs model (for transfer learning and inspection). */
  get tfModel(): tf.GraphModel | tf.LayersModel {
    if (!this.model || this.disposed) throw new VisionError('DISPOSED', 'this model runner was disposed');
    return this.model;
  }

  private convertedGraph(artifacts: tf.io.ModelArtifacts): GraphExecution {
    this.asConverted ??= { model: buildGraphModel(artifacts), needsAsync: false };
    return this.asConverted;
  }

  /**
   * The names among `names` this model cannot return: neither one of its `outputs` nor, for a
   * graph model, an internal graph node (e.g. a detector's scores before its in-graph NMS).
   * Empty when `run({ outputs: names })` can read them all.
   *
   * @example
   * ```ts
   * runner.unknownOutputs(['tower_0/detections', 'nope']); // ['nope']
   * ```
   */
  unknownOutputs(names: readonly string[]): string[] {
    return this.absentFromConverted(this.foldedOrUnknown(names));
  }

  /** The names among `missing` (absent from the loaded model) that the graph as converted lacks too. */
  private absentFromConverted(missing: string[]): string[] {
    if (missing.length === 0 || !this.unfused) return missing;
    const converted = (this.convertedNodeNames ??= graphNodeNames(this.unfused));
    return missing.filter((n) => !converted.has(n));
  }

  /** The names among `names` the loaded model cannot return (unknown, or folded away by fusion). */
  private foldedOrUnknown(names: readonly string[]): string[] {
    const model = this.tfModel;
    const internal = (n: string): boolean => model instanceof tf.GraphModel && (this.nodeNames ??= graphNodeNames(model)).has(n);
    return names.filter((n) => !this.outputs.some((o) => o.name === n) && !internal(n));
  }

  /**
   * Runs the model and returns the outputs as tensors, which the caller owns and must dispose.
   * Feeds are validated; tensors the caller passed are never disposed.
   */
  async execute(feeds: Record<string, Feed>, options: RunOptions = {}): Promise<Record<string, tf.Tensor>> {
    const model = this.tfModel;
    validateFeeds(this.inputs, feeds);
    const names = options.outputs ?? this.outputs.map((o) => o.name);
    const folded = this.foldedOrUnknown(names);
    const unknown = this.absentFromConverted(folded);
    if (unknown.length > 0) {
      throw new VisionError('INVALID_OPTION', `unknown output(s) ${unknown.join(', ')}; the model's outputs are ${this.outputs.map((o) => o.name).join(', ')}`);
    }
    const owned: tf.Tensor[] = [];
    const inputs: tf.NamedTensorMap = {};
    for (const [name, feed] of Object.entries(feeds)) {
      const tensor = isTfTensor(feed) ? feed : fromRawTensor(feed);
      if (!isTfTensor(feed)) owned.push(tensor);
      inputs[name] = tensor;
    }
    this.running++;
    try {
      // on the backend the model was built on, whatever another pipeline's creation made active;
      // a node the load-time fusion folded away is read from the graph as converted
      const unfused = folded.length > 0 ? this.unfused : undefined;
      const result = await onTfjsBackend(this.backend, async () => {
        // a feed made while another pipeline's backend was active is copied here first
        const local = await onActiveBackend(inputs, owned);
        return unfused ? executeGraph(this.convertedGraph(unfused), local, names) : this.invoke(model, local, names);
      });
      return Object.fromEntries(names.map((n, i) => [n, result[i]]));
    } catch (error) {
      if (error instanceof VisionError) throw error;
      throw new VisionError('INFERENCE_FAILED', `tfjs inference failed: ${describeError(error)}`, { cause: error });
    } finally {
      tf.dispose(owned);
      this.running--;
      if (this.disposed && this.running === 0) this.free();
    }
  }

  private async invoke(model: tf.GraphModel | tf.LayersModel, inputs: tf.NamedTensorMap, names: string[]): Promise<tf.Tensor[]> {
    if (this.graph) return executeGraph(this.graph, inputs, names);
    const layers = model as tf.LayersModel;
    const ordered = this.inputs.map((i) => inputs[i.name]);
    const out = layers.predict(ordered.length === 1 ? ordered[0] : ordered);
    const all = Array.isArray(out) ? out : [out];
    const picked = names.map((n) => all[this.outputs.findIndex((o) => o.name === n)]);
    tf.dispose(all.filter((t) => !picked.includes(t)));
    return picked;
  }

  async run(feeds: Record<string, Feed>, options: RunOptions = {}): Promise<Record<string, RawTensor>> {
    const outputs = await this.execute(feeds, options);
    try {
      const entries = await Promise.all(Object.entries(outputs).map(async ([n, t]) => [n, await toRawTensor(t)] as const));
      return Object.fromEntries(entries);
    } catch (error) {
      // on WebGPU a failure shows at the readback (a lost device: a bare DOMException "mapAsync")
      if (error instanceof VisionError) throw error;
      const lost = lostBackendReason(this.backend);
      if (lost) throw new VisionError('BACKEND_UNAVAILABLE', `${lost}: create the pipeline again (it then runs on the next backend of its list)`, { cause: error });
      throw new VisionError('INFERENCE_FAILED', `tfjs could not read the model's outputs: ${describeError(error)}`, { cause: error });
    } finally {
      tf.dispose(Object.values(outputs));
    }
  }

  /** Frees the model; a call still running ends first and the model is freed after it. Later calls are `DISPOSED`. */
  dispose(): void {
    this.disposed = true;
    if (this.running === 0) this.free();
  }

  private free(): void {
    this.model?.dispose();
    this.asConverted?.model.dispose();
    this.model = null;
    this.graph = null;
    this.asConverted = null;
  }
}

/** The engine's registered variables by name (a layers model's weights are variables). */
const registeredVariables = (): Record<string, tf.Variable> => (tf.engine().state as unknown as { registeredVariables: Record<string, tf.Variable> }).registeredVariables;

/**
 * Builds a layers model from loaded artifacts. tfjs makes each layer's weights as it builds
 * them, before it knows whether the topology and the weights fit: a model that fails (an
 * unknown layer, weights for fewer filters than declared) has its variables freed — they
 * leaked before, 163 MB for a topology declaring 300 000 filters.
 */
async function buildLayersModel(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  const before = new Set(Object.keys(registeredVariables()));
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    for (const [name, variable] of Object.entries(registeredVariables())) if (!before.has(name)) variable.dispose();
    throw error;
  }
}

/**
 * Builds a graph model from loaded artifacts. tfjs creates the weight tensors one by one and a
 * hostile manifest can make it throw half-way: the tidy scope frees those, while the weights of
 * a model that builds are kept. A graph with ops tfjs cannot run is refused here, not at every run.
 */
function buildGraphModel(artifacts: tf.io.ModelArtifacts): tf.GraphModel {
  let model: tf.GraphModel<tf.io.IOHandlerSync> | undefined;
  tf.tidy(() => {
    model = tf.loadGraphModelSync(artifacts);
    for (const tensors of Object.values(model.weights)) tensors.forEach((tensor) => tf.keep(tensor));
  });
  const unknown = unknownGraphOps(model as unknown as tf.GraphModel);
  if (unknown.length > 0) {
    model?.dispose();
    throw new Error(`it uses ops tfjs has no kernel for: ${unknown.join(', ')} (convert it with ops tfjs supports, or register them with tf.registerOp)`);
  }
  // the type parameter only records where the model came from (here: memory, synchronously)
  return model as unknown as tf.GraphModel;
}

/**
 * Loads a tfjs graph or layers model (URL, Node file path, or files in memory) on the best
 * available tfjs backend and wraps it in a {@link TfjsRunner}. A graph model's convolutions are
 * fused with the bias add and activation that follow them, and its non-overlapping transposed
 * convolutions run as 1×1 ones, unless `fuseConvolutions: false`.
 *
 * @example
 * ```ts
 * const runner = await createTfjsRunner('https://example.com/model.json', { backend: ['webgpu', 'wasm'] });
 * ```
 */
export async function createTfjsRunner(source: ModelSource | TfjsModelFiles, options: TfjsRunnerOptions = {}): Promise<TfjsRunner> {
  const backend = await selectTfjsBackend({ backend: options.backend, wasmPaths: options.wasmPaths });
  const { kind, artifacts } = await loadTfjsArtifacts(source, options);
  const name = typeof source === 'object' && 'json' in source ? (source.name ?? 'model.json') : sourceName(source);
  const fail = (error: unknown) => new VisionError('MODEL_FORMAT', `tfjs could not build the ${kind} model (${name}): ${describeError(error)}`, { cause: error });
  const rewrite = kind === 'graph' && options.fuseConvolutions !== false;
  let optimised = artifacts;
  try {
    // the load-time rewrites read the graph's nodes first: a hostile topology (a null node, a number as input) fails here
    const pointwise = rewrite ? pointwiseTransposedConvolutions(artifacts) : undefined;
    optimised = (rewrite ? fuseConvolutions(pointwise?.artifacts ?? artifacts) : undefined)?.artifacts ?? artifacts;
  } catch (error) {
    throw error instanceof VisionError ? error : fail(error);
  }
  const unfused = optimised !== artifacts ? artifacts : undefined;
  let model: tf.GraphModel | tf.LayersModel;
  try {
    // on the backend chosen above: another load may have made its own active while these files were read
    model = await onTfjsBackend(backend, async () => (kind === 'graph' ? buildGraphModel(optimised) : await buildLayersModel(artifacts)));
  } catch (error) {
    if (error instanceof VisionError && error.code === 'BACKEND_UNAVAILABLE') throw error;
    throw fail(error);
  }
  try {
    const metadata = Object.entries(artifacts.userDefinedMetadata ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
    return new TfjsRunner(model, backend, Object.fromEntries(metadata), unfused);
  } catch (error) {
    // a model whose signature cannot be read is freed, not leaked
    model.dispose();
    throw fail(error);
  }
}
