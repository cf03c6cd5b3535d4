import type { ModelSpec } from '../../models/model-spec';
import type { AnyModelSource, LoadModelOptions } from '../../runtime/load-model';
import type { ModelRunner } from '../../runtime/model-runner';
import type { ImageInput } from '../../core/image-input';
import { optionNames } from '../../core/known-options';

/**
 * Options every pipeline takes when it is created: which model (a catalogue id, a
 * {@link ModelSpec}, or a model file plus the spec fields it needs), where catalogued models
 * are served from in browsers, and the loading/runtime options.
 *
 * @example
 * ```ts
 * await pipeline('object-detection', { model: 'centernet-coco', backend: 'wasm', onProgress: console.log });
 * ```
 */
export interface BasePipelineOptions extends LoadModelOptions {
  /** A catalogue id, a model card, or an already loaded runner (used as is, not disposed by the pipeline). */
  model?: string | ModelSpec | ModelRunner;
  /** A model file for `spec` (overrides the spec's location). */
  modelSource?: AnyModelSource;
  /** Browsers: base URL under which `<package>/<path>` of catalogued models is served. */
  modelBaseUrl?: string;
}

/**
 * The names of {@link LoadModelOptions}: how a model is loaded and on which runtime.
 *
 * @example
 * ```ts
 * const loading = Object.fromEntries(LOAD_OPTION_NAMES.map((name) => [name, options[name]]));
 * ```
 */
export const LOAD_OPTION_NAMES = optionNames<LoadModelOptions>()(['format', 'fuseConvolutions', 'onProgress', 'signal', 'cache', 'modelRoot', 'backend', 'wasmPaths', 'executionProviders', 'ort']);

/**
 * The names of {@link BasePipelineOptions}, which every pipeline's creation options start with.
 *
 * @example
 * ```ts
 * const CREATE_NAMES = optionNames<DetectionOptions>()([...BASE_PIPELINE_OPTION_NAMES, 'spec', 'tracker', …]);
 * ```
 */
export const BASE_PIPELINE_OPTION_NAMES = optionNames<BasePipelineOptions>()([...LOAD_OPTION_NAMES, 'model', 'modelSource', 'modelBaseUrl']);

/**
 * What every task pipeline offers: `run` on one image and `dispose` to free the model.
 *
 * @example
 * ```ts
 * const result = await p.run(image);
 * p.dispose();
 * ```
 */
export interface Pipeline<RunOptions, Result> {
  readonly task: string;
  /** The model card in use. */
  readonly spec: ModelSpec;
  /** The runner (tfjs or onnxruntime) and its backend. */
  readonly runner: ModelRunner;
  run(input: ImageInput, options?: RunOptions): Promise<Result>;
  dispose(): void;
}


