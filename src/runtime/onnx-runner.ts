import type * as ortTypes from 'onnxruntime-web';
import { VisionError, describeError } from '../core/errors';
import { getPlatform } from '../core/platform';
import { shownValue } from '../core/shown-value';
import { type GpuBufferFeed, type GpuDeviceHandle, isGpuBufferFeed } from './gpu-feed';
import type { Feed, ModelRunner, RawTensor, RunOptions, TensorData, TensorDataType, TensorInfo } from './model-runner';
import { type LoadOptions, type LoadProgress, type ModelSource, progressCounter, readModelBytes, sourceName } from './model-source';
import { readOnnxExternalData } from './onnx-external-data';
import { readOnnxMetadata } from './onnx-metadata';
import { float32Output, halfFeeds } from './half-precision';
import { byteFeeds } from './byte-feeds';
import { toRawTensor } from './tensor-convert';
import { isTfTensor, validateFeeds } from './validate-feeds';

type Ort = typeof ortTypes;

/** onnxruntime execution providers visionpipe knows. @example `const ep: OnnxExecutionProvider = 'wasm';` */
export type OnnxExecutionProvider = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/**
 * Options for {@link createOnnxRunner}.
 *
 * @example
 * ```ts
 * await createOnnxRunner('yolo.onnx', { executionProviders: ['webgpu', 'wasm'] });
 * ```
 */
export interface OnnxRunnerOptions extends LoadOptions {
  /** Providers to try in order. Default: webgpu → wasm in browsers; cpu with onnxruntime-node. */
  executionProviders?: readonly OnnxExecutionProvider[];
  /** Use this onnxruntime module (e.g. a preconfigured onnxruntime-web) instead of the default. */
  ort?: unknown;
}

const PROVIDERS: readonly OnnxExecutionProvider[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

interface OrtChoice {
  ort: Ort;
  native: boolean;
}

/** Whether `value` looks like an onnxruntime module: `InferenceSession.create` and a `Tensor` class. */
function isOrtModule(value: unknown): value is Ort {
  const module = value as { InferenceSession?: { create?: unknown }; Tensor?: unknown } | null;
  return typeof module === 'object' && module !== null && typeof module.InferenceSession?.create === 'function' && typeof module.Tensor === 'function';
}

async function chooseOrt(options: OnnxRunnerOptions): Promise<OrtChoice> {
  if (options.ort !== undefined) {
    if (!isOrtModule(options.ort)) {
      throw new VisionError('INVALID_OPTION', `ort is ${shownValue(options.ort)}; it must be an onnxruntime module (import * as ort from 'onnxruntime-web'), with InferenceSession.create and Tensor`);
    }
    return { ort: options.ort, native: false };
  }
  const loadNative = getPlatform().loadOnnxRuntime;
  if (loadNative) {
    try {
      return { ort: (await loadNative()) as Ort, native: true };
    } catch {
      // onnxruntime-node is optional: fall back to onnxruntime-web's wasm below.
    }
  }
  return { ort: await import('onnxruntime-web'), native: false };
}

function providerList(options: OnnxRunnerOptions, native: boolean): OnnxExecutionProvider[] {
  const list = options.executionProviders ?? (native ? ['cpu'] : typeof navigator !== 'undefined' && 'gpu' in navigator ? ['webgpu', 'wasm'] : ['wasm']);
  for (const ep of list) {
    if (!PROVIDERS.includes(ep)) {
      throw new VisionError('INVALID_OPTION', `unknown execution provider '${String(ep)}'; allowed: ${PROVIDERS.join(', ')}`);
    }
  }
  if (list.length === 0) throw new VisionError('INVALID_OPTION', `executionProviders is empty; allowed: ${PROVIDERS.join(', ')}`);
  return [...list];
}

function metadataInfo(meta: ortTypes.InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) return { name: meta.name, shape: [], dtype: 'float32' };
  return {
    name: meta.name,
    shape: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
    dtype: (meta.type === 'float32' ? 'float32' : meta.type) as TensorDataType,
  };
}

/**
 * Runs an ONNX model with onnxruntime (onnxruntime-node in Node when `visionpipe/node` is
 * loaded, else onnxruntime-web). Create it with {@link createOnnxRunner}. On onnxruntime-web's
 * webgpu execution provider, `gpuDevice` is onnxruntime's own `GPUDevice` and `run` also takes
 * {@link GpuBufferFeed}s made on it (fed with `Tensor.fromGpuBuffer`: no upload).
 *
 * @example
 * ```ts
 * const runner = await createOnnxRunner(bytes);
 * const { output } = await runner.run({ images: { dtype: 'float32', dims: [1, 3, 640, 640], data } });
 * ```
 */
export class OnnxRunner implements ModelRunner {
  readonly runtime = 'onnxruntime' as const;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  private session: ortTypes.InferenceSession | null;
  /** Runs of the session still in flight, and the session to release once they end (dispose() came during one). */
  private running = 0;
  private releaseAfterRuns: ortTypes.InferenceSession | null = null;

  constructor(
    private readonly ort: Ort,
    session: ortTypes.InferenceSession,
    readonly backend: string,
    readonly metadata: Readonly<Record<string, string>> = {},
    /** onnxruntime's WebGPU device (webgpu EP only): GPU-buffer feeds must be made on it. */
    readonly gpuDevice?: GpuDeviceHandle,
  ) {
    this.session = session;
    this.inputs = session.inputMetadata.map(metadataInfo);
    this.outputs = session.outputMetadata.map(metadataInfo);
  }

  /**
   * The names among `names` that are not outputs of this session: empty when
   * `run({ outputs: names })` can read them all.
   *
   * @example
   * ```ts
   * runner.unknownOutputs(['output0', 'nope']); // ['nope']
   * ```
   */
  unknownOutputs(names: readonly string[]): string[] {
    return names.filter((n) => !this.outputs.some((o) => o.name === n));
  }

  /**
   * Runs the model. Half-precision models take float32 feeds too (rounded to float16) and
   * give float16 outputs back as float32, as every other model does; byte-image models (a uint8
   * input) take int32 feeds of 0–255 too.
   */
  async run(given: Record<string, Feed | GpuBufferFeed>, options: RunOptions = {}): Promise<Record<string, RawTensor>> {
    const session = this.session;
    if (!session) throw new VisionError('DISPOSED', 'this model runner was disposed');
    // counted from the first await to the last read: a dispose() in between releases the session afterwards
    this.running++;
    try {
      return await this.runOn(session, given, options);
    } finally {
      this.running--;
      if (this.running === 0 && this.releaseAfterRuns) {
        void this.releaseAfterRuns.release();
        this.releaseAfterRuns = null;
      }
    }
  }

  private async runOn(session: ortTypes.InferenceSession, given: Record<string, Feed | GpuBufferFeed>, options: RunOptions): Promise<Record<string, RawTensor>> {
    const feeds = await byteFeeds(this.inputs, await halfFeeds(this.inputs, given));
    validateFeeds(this.inputs, feeds, this.gpuDevice !== undefined);
    const names = options.outputs ?? this.outputs.map((o) => o.name);
    const unknown = this.unknownOutputs(names);
    if (unknown.length > 0) {
      throw new VisionError('INVALID_OPTION', `unknown output(s) ${unknown.join(', ')}; the model's outputs are ${this.outputs.map((o) => o.name).join(', ')}`);
    }
    const inputs: Record<string, ortTypes.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) {
      if (isGpuBufferFeed(feed)) {
        inputs[name] = this.ort.Tensor.fromGpuBuffer(feed.gpuBuffer, { dataType: feed.dtype, dims: feed.dims });
        continue;
      }
      const raw = isTfTensor(feed) ? await toRawTensor(feed) : feed;
      inputs[name] = new this.ort.Tensor(raw.dtype as 'float32', raw.data as Float32Array, raw.dims);
    }
    let results: ortTypes.InferenceSession.ReturnType;
    try {
      results = await session.run(inputs, names);
    } catch (error) {
      throw new VisionError('INFERENCE_FAILED', `onnxruntime inference failed: ${describeError(error)}`, { cause: error });
    }
    const out: Record<string, RawTensor> = {};
    for (const name of names) {
      const tensor = results[name];
      const data = (tensor.location === 'cpu' || tensor.location === undefined ? tensor.data : await tensor.getData(true)) as TensorData;
      out[name] = float32Output({ dtype: tensor.type as TensorDataType, dims: [...tensor.dims], data: data.slice() as TensorData });
      tensor.dispose();
    }
    return out;
  }

  /**
   * Frees the session; one still running is released when its last run ends (onnxruntime-node
   * releasing a session mid-run can abort the whole process). Later runs are `DISPOSED`.
   */
  dispose(): void {
    const session = this.session;
    this.session = null;
    if (!session) return;
    if (this.running > 0) this.releaseAfterRuns = session;
    else void session.release();
  }
}

/**
 * onnxruntime-web's WebGPU device once a webgpu session is open, or `undefined` where it cannot
 * be reached (then inputs are uploaded from the CPU as on the other providers). With
 * `env.wasm.proxy` the sessions live in onnxruntime's worker: asking here would create another
 * device, whose buffers that worker could not read.
 */
async function ortDevice(ort: Ort): Promise<GPUDevice | undefined> {
  if (ort.env.wasm?.proxy) return undefined;
  try {
    const device = (await ort.env.webgpu?.device) as GPUDevice | undefined;
    return device && typeof device.createBuffer === 'function' ? device : undefined;
  } catch {
    return undefined;
  }
}

/** onnxruntime-node has no wasm provider, nor takes external data as bytes: those run on onnxruntime-web (wasm). */
function onWeb(requested: OnnxExecutionProvider, native: boolean, external: boolean): boolean {
  return native && (requested === 'wasm' || external);
}

/** The provider a session was tried on, as errors name it: onnxruntime-web's wasm where it stood in for onnxruntime-node. */
function triedOn(requested: OnnxExecutionProvider, native: boolean, external: boolean): string {
  if (!onWeb(requested, native, external)) return requested;
  return requested === 'wasm' ? 'wasm (onnxruntime-web)' : `wasm (onnxruntime-web, in place of ${requested}: the model keeps tensors in external data)`;
}

/**
 * Loads an ONNX model from a URL, a Node file path or bytes and opens an onnxruntime session
 * on the first execution provider that works. Corrupt or truncated files, and external data
 * that does not fit its file, are `MODEL_FORMAT`; a session that no provider can open is
 * `BACKEND_UNAVAILABLE`, naming each provider tried (onnxruntime-web's wasm where it stood in
 * for onnxruntime-node). Tensors the model keeps in
 * external data files are read from its folder with the checks weight shards get (see
 * `readOnnxExternalData`), and run on onnxruntime-web's wasm in Node (onnxruntime-node does not
 * take them as bytes).
 *
 * @example
 * ```ts
 * const runner = await createOnnxRunner('/models/ssd.onnx', { onProgress: (p) => console.log(p.loaded) });
 * ```
 */
export async function createOnnxRunner(source: ModelSource, options: OnnxRunnerOptions = {}): Promise<OnnxRunner> {
  const { ort, native } = await chooseOrt(options);
  const providers = providerList(options, native);
  const counter = progressCounter(undefined, { singleFile: true });
  // the model file's last event (loaded = total) waits until it is known whether data files follow: it said 100 % before them
  let held: LoadProgress | undefined;
  const onProgress = options.onProgress;
  const graphOptions = onProgress ? { ...options, onProgress: (p: LoadProgress) => (p.total !== undefined && p.loaded >= p.total ? (held = p) : onProgress(p)) } : options;
  const bytes = await readModelBytes(source, counter, graphOptions);
  // tensors kept in files beside the model: read here from its folder, never by onnxruntime from the working directory
  const externalData = await readOnnxExternalData(source, bytes, options, counter);
  if (held && externalData === undefined) onProgress?.(held);
  const reasons: string[] = [];
  for (const requested of providers) {
    try {
      const web = onWeb(requested, native, externalData !== undefined);
      const module = web ? await import('onnxruntime-web') : ort;
      const provider = web ? 'wasm' : requested;
      const session = await module.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all', ...(externalData ? { externalData } : {}) });
      const device = provider === 'webgpu' ? await ortDevice(module) : undefined;
      return new OnnxRunner(module, session, provider, readOnnxMetadata(bytes), device);
    } catch (error) {
      const reason = describeError(error);
      // the file's own faults (a tensor whose bytes do not fit its shape, shapes that contradict): not a provider's
      if (/protobuf|parse|invalid model|ModelProto|Load model|external data|TensorProto|raw_data|ShapeInferenceError/i.test(reason)) {
        throw new VisionError('MODEL_FORMAT', `${sourceName(source)} is not a valid ONNX model: ${reason}`, { cause: error });
      }
      reasons.push(`${triedOn(requested, native, externalData !== undefined)}: ${reason}`);
    }
  }
  throw new VisionError('BACKEND_UNAVAILABLE', `onnxruntime could not open ${sourceName(source)} on any execution provider (${reasons.join('; ')})`);
}
