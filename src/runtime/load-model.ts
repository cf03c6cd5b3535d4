import { VisionError, throwIfAborted } from '../core/errors';
import { checkOptionsObject, optionNames } from '../core/known-options';
import { checkLoadingOptions } from './loading-options';
import type { ModelRunner } from './model-runner';
import { type ModelSource, forgetCachedFiles, sourceName, trackCachedFiles } from './model-source';
import { type OnnxRunnerOptions, createOnnxRunner } from './onnx-runner';
import { ensureNodeTfjsBackend, tfjsBackendOrder } from './tfjs-backend';
import { type PackedModelSource, loadPackedModel } from './packed-model';
import { type TfjsModelFiles } from './tfjs-artifacts';
import { type TfjsRunnerOptions, createTfjsRunner } from './tfjs-runner';
import type { ModelFormat } from '../core/card-types';
export type { ModelFormat } from '../core/card-types';

/**
 * Options for {@link loadModel}: loading (progress, abort, cache) plus the runtime options of
 * whichever runner the format needs.
 *
 * @example
 * ```ts
 * await loadModel(url, { backend: 'wasm', executionProviders: ['wasm'], onProgress });
 * ```
 */
export interface LoadModelOptions extends TfjsRunnerOptions, Omit<OnnxRunnerOptions, keyof TfjsRunnerOptions> {
  /** Force a format instead of guessing it from the name or bytes. */
  format?: ModelFormat;
}

/** The names {@link LoadModelOptions} has. */
const LOAD_MODEL_OPTION_NAMES = /* @__PURE__ */ optionNames<LoadModelOptions>()(['format', 'backend', 'wasmPaths', 'fuseConvolutions', 'onProgress', 'signal', 'cache', 'modelRoot', 'executionProviders', 'ort']);

/**
 * The {@link loadModel} options among a caller's wider options (a pipeline's, a backbone's):
 * what `loadModel` takes, the rest left behind.
 *
 * @example
 * ```ts
 * const runner = await loadModel(source, { ...loadModelOptionsOf(pipelineOptions), format: spec.format });
 * ```
 */
export function loadModelOptionsOf(options: object): LoadModelOptions {
  const given = options as Record<string, unknown>;
  return Object.fromEntries(LOAD_MODEL_OPTION_NAMES.filter((name) => given[name] !== undefined).map((name) => [name, given[name]])) as LoadModelOptions;
}

/** Everything {@link loadModel} accepts. @example `const s: AnyModelSource = { model: 'x/model.min.js' };` */
export type AnyModelSource = ModelSource | TfjsModelFiles | PackedModelSource;

function guessFormat(source: AnyModelSource): ModelFormat {
  if (typeof source === 'object' && 'json' in source) return 'tfjs';
  if (typeof source === 'object' && 'model' in source) return 'tfjs-packed';
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    if (source.byteLength === 0) throw new VisionError('MODEL_FORMAT', 'model bytes are empty (0 bytes, or a detached buffer)');
    const first = source instanceof Uint8Array ? source[0] : new Uint8Array(source, 0, 1)[0];
    if (first === 0x7b) {
      throw new VisionError('MODEL_FORMAT', 'these bytes look like a tfjs model.json; pass { json, weights } so the weights come with it');
    }
    return 'onnx';
  }
  const name = sourceName(source).split(/[?#]/)[0].toLowerCase();
  if (name.endsWith('.onnx') || name.endsWith('.ort')) return 'onnx';
  if (name.endsWith('.min.js')) return 'tfjs-packed';
  if (name.endsWith('.json')) return 'tfjs';
  throw new VisionError('MODEL_FORMAT', `cannot tell the format of '${sourceName(source)}'; name it *.onnx, model.json or model.min.js, or pass { format: 'onnx' | 'tfjs' | 'tfjs-packed' }`);
}

/**
 * Loads any supported model — ONNX (onnxruntime), tfjs graph or layers model.json, or a
 * `.min.js`-packed tfjs model — and returns a {@link ModelRunner}. Option names it does not take
 * are `INVALID_OPTION`; a `signal` aborted at any time before it returns is `ABORTED`, with
 * nothing left loaded.
 *
 * @example
 * ```ts
 * const runner = await loadModel('https://example.com/yolov8n.onnx', { onProgress: (p) => console.log(p) });
 * console.log(runner.inputs, runner.outputs);
 * ```
 */
export async function loadModel(source: AnyModelSource, options: LoadModelOptions = {}): Promise<ModelRunner> {
  if (source === null || source === undefined) {
    throw new VisionError('MODEL_LOAD_FAILED', 'no model source given; pass a URL, a file path, bytes, { json, weights } or { model }');
  }
  checkOptionsObject(options, 'loadModel', LOAD_MODEL_OPTION_NAMES);
  checkLoadingOptions(options);
  tfjsBackendOrder(options.backend); // also for ONNX, whose pre- and post-processing run on it
  const tracked = trackCachedFiles(options);
  let runner: ModelRunner;
  try {
    runner = await loadOfFormat(source, tracked);
  } catch (error) {
    // a file that is no model, or could not be read whole: not kept (a backend that cannot run it says nothing of the file)
    if (!(error instanceof VisionError) || error.code === 'MODEL_FORMAT' || error.code === 'MODEL_LOAD_FAILED') await forgetCachedFiles(tracked);
    throw error;
  }
  // an abort while the graph or session was being built: nobody will receive this runner
  if (options.signal?.aborted) {
    runner.dispose();
    throwIfAborted(options.signal, 'model loading');
  }
  return runner;
}

async function loadOfFormat(source: AnyModelSource, options: LoadModelOptions): Promise<ModelRunner> {
  const format = options.format ?? guessFormat(source);
  if (format === 'onnx') {
    if (typeof source === 'object' && ('json' in source || 'model' in source)) {
      throw new VisionError('INVALID_OPTION', "format 'onnx' needs a URL, a file path or bytes");
    }
    // the pipeline's pre- and post-processing still make tfjs tensors: wasm in Node, as for tfjs models
    await ensureNodeTfjsBackend();
    return createOnnxRunner(source, options);
  }
  if (format === 'tfjs-packed') {
    if (typeof source === 'object' && 'json' in source) throw new VisionError('INVALID_OPTION', "format 'tfjs-packed' needs a .min.js URL, path or bytes, or { model }; { json, weights } is format 'tfjs'");
    const packed = typeof source === 'object' && 'model' in source ? source : { model: source as ModelSource };
    return createTfjsRunner(await loadPackedModel(packed, options), options);
  }
  if (format === 'tfjs') {
    if (typeof source === 'object' && 'model' in source) throw new VisionError('INVALID_OPTION', "format 'tfjs' needs a model.json source");
    return createTfjsRunner(source, options);
  }
  throw new VisionError('INVALID_OPTION', `unknown model format '${String(format)}'; allowed: onnx, tfjs, tfjs-packed`);
}
