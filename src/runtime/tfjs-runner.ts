import * as tf from '@tensorflow/tfjs';
import { VisionError, describeError } from '../core/errors';
import type { Feed, ModelRunner, RawTensor, RunOptions, TensorDataType, TensorInfo } from './model-runner';
import type { LoadOptions, ModelSource } from './model-source';
import { type TfjsBackendOptions, selectTfjsBackend } from './tfjs-backend';
import { type TfjsModelFiles, loadTfjsArtifacts } from './tfjs-artifacts';
import { fromRawTensor, toRawTensor } from './tensor-convert';
import { isTfTensor, validateFeeds } from './validate-feeds';

/** Options for {@link createTfjsRunner}. @example `{ backend: 'wasm', onProgress }` */
export interface TfjsRunnerOptions extends LoadOptions, TfjsBackendOptions {}

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

/** Names of every node of a graph model's topology (the artifacts tfjs keeps after loading). */
function graphNodeNames(model: tf.GraphModel): ReadonlySet<string> {
  const topology = (model as unknown as { artifacts?: tf.io.ModelArtifacts }).artifacts?.modelTopology as { node?: { name?: string }[] } | undefined;
  return new Set((topology?.node ?? []).flatMap((n) => (typeof n.name === 'string' ? [n.name] : [])));
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
  private needsAsync = false;
  private nodeNames: ReadonlySet<string> | null = null;

  constructor(
    model: tf.GraphModel | tf.LayersModel,
    readonly backend: string,
    readonly metadata: Readonly<Record<string, string>> = {},
  ) {
    this.model = model;
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
    if (!this.model) throw new VisionError('DISPOSED', 'this model runner was disposed');
    return this.model;
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
    const unknown = this.unknownOutputs(names);
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
    try {
      const result = await this.invoke(model, inputs, names);
      return Object.fromEntries(names.map((n, i) => [n, result[i]]));
    } catch (error) {
      if (error instanceof VisionError) throw error;
      throw new VisionError('INFERENCE_FAILED', `tfjs inference failed: ${describeError(error)}`, { cause: error });
    } finally {
      tf.dispose(owned);
    }
  }

  private async invoke(model: tf.GraphModel | tf.LayersModel, inputs: tf.NamedTensorMap, names: string[]): Promise<tf.Tensor[]> {
    if (model instanceof tf.GraphModel) {
      if (!this.needsAsync) {
        try {
          const out = model.execute(inputs, names);
          return Array.isArray(out) ? out : [out];
        } catch (error) {
          if (!/executeAsync/.test(describeError(error))) throw error;
          this.needsAsync = true;
        }
      }
      const out = await model.executeAsync(inputs, names);
      return Array.isArray(out) ? out : [out];
    }
    const ordered = this.inputs.map((i) => inputs[i.name]);
    const out = model.predict(ordered.length === 1 ? ordered[0] : ordered);
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
    } finally {
      tf.dispose(Object.values(outputs));
    }
  }

  dispose(): void {
    this.model?.dispose();
    this.model = null;
  }
}

/**
 * Builds a graph model from loaded artifacts. tfjs creates the weight tensors one by one and a
 * hostile manifest can make it throw half-way: the tidy scope frees those, while the weights of
 * a model that builds are kept.
 */
function buildGraphModel(artifacts: tf.io.ModelArtifacts): tf.GraphModel {
  let model: tf.GraphModel<tf.io.IOHandlerSync> | undefined;
  tf.tidy(() => {
    model = tf.loadGraphModelSync(artifacts);
    for (const tensors of Object.values(model.weights)) tensors.forEach((tensor) => tf.keep(tensor));
  });
  // the type parameter only records where the model came from (here: memory, synchronously)
  return model as unknown as tf.GraphModel;
}

/**
 * Loads a tfjs graph or layers model (URL, Node file path, or files in memory) on the best
 * available tfjs backend and wraps it in a {@link TfjsRunner}.
 *
 * @example
 * ```ts
 * const runner = await createTfjsRunner('https://example.com/model.json', { backend: ['webgpu', 'wasm'] });
 * ```
 */
export async function createTfjsRunner(source: ModelSource | TfjsModelFiles, options: TfjsRunnerOptions = {}): Promise<TfjsRunner> {
  const backend = await selectTfjsBackend(options);
  const { kind, artifacts } = await loadTfjsArtifacts(source, options);
  const fail = (error: unknown) => new VisionError('MODEL_FORMAT', `tfjs could not build the ${kind} model: ${describeError(error)}`, { cause: error });
  let model: tf.GraphModel | tf.LayersModel;
  try {
    model = kind === 'graph' ? buildGraphModel(artifacts) : await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw fail(error);
  }
  try {
    const metadata = Object.entries(artifacts.userDefinedMetadata ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
    return new TfjsRunner(model, backend, Object.fromEntries(metadata));
  } catch (error) {
    // a model whose signature cannot be read is freed, not leaked
    model.dispose();
    throw fail(error);
  }
}
