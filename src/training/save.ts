import * as tf from '@tensorflow/tfjs';
import { VisionError, describeError } from '../core/errors';
import { checkOptionsObject, optionNames } from '../core/known-options';
import type { ModelSpec } from '../models/model-spec';
import { type LoadModelOptions, loadModel, loadModelOptionsOf } from '../runtime/load-model';
import type { TfjsModelFiles } from '../runtime/tfjs-artifacts';
import { TfjsRunner } from '../runtime/tfjs-runner';
import { selectTfjsBackend } from '../runtime/tfjs-backend';

const SPEC_KEY = 'visionpipe';

/**
 * A trained model's files in memory — `model.json` (with the model card in its
 * `userDefinedMetadata`) and one weights buffer — plain data that crosses worker boundaries.
 * Write them to disk in Node (`model.json`, `weights.bin`) or pass them to {@link loadClassifier}.
 *
 * @example
 * ```ts
 * const files = await classifierToFiles(model, spec);
 * writeFileSync('out/model.json', JSON.stringify(files.json));
 * writeFileSync('out/weights.bin', files.weights);
 * ```
 */
export interface SavedModelFiles extends TfjsModelFiles {
  json: tf.io.ModelJSON;
  weights: Uint8Array;
}

function attachSpec(model: tf.LayersModel, spec: ModelSpec | undefined): void {
  if (spec) model.setUserDefinedMetadata({ [SPEC_KEY]: { ...spec, location: { url: 'model.json' } } as unknown as Record<string, unknown> });
}

/**
 * Serialises a trained layers model (and its card) to in-memory files.
 *
 * @example
 * ```ts
 * const files = await classifierToFiles(exported.model!, exported.spec);
 * ```
 */
export async function classifierToFiles(model: tf.LayersModel, spec?: ModelSpec): Promise<SavedModelFiles> {
  attachSpec(model, spec);
  let files: SavedModelFiles | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData;
    const buffer = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
    const json: tf.io.ModelJSON = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      userDefinedMetadata: artifacts.userDefinedMetadata,
    };
    files = { json, weights: new Uint8Array(buffer) };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: buffer.byteLength } };
  }));
  if (!files) throw new VisionError('INFERENCE_FAILED', 'tfjs did not hand over the model artifacts');
  return files;
}

/**
 * Saves a trained layers model with its card through a tfjs URL scheme: `indexeddb://name`
 * or `localstorage://name` (browser storage), `downloads://name` (the browser downloads
 * `name.json` + `name.weights.bin`), or an `http(s)://` endpoint (POST). In Node, write
 * {@link classifierToFiles}'s output with `fs` instead.
 *
 * @example
 * ```ts
 * await saveClassifier(model, spec, 'indexeddb://my-classifier');
 * ```
 */
export async function saveClassifier(model: tf.LayersModel, spec: ModelSpec | undefined, url: string): Promise<tf.io.SaveResult> {
  if (!/^(indexeddb|localstorage|downloads|https?):\/\//.test(url)) {
    throw new VisionError('INVALID_OPTION', `cannot save to '${url}'; use indexeddb://, localstorage://, downloads:// or http(s)://, or write the files yourself (classifierToFiles(), a training worker's toFiles(); in Node saveClassifierFolder())`);
  }
  attachSpec(model, spec);
  try {
    return await model.save(url);
  } catch (error) {
    // tfjs' "Cannot find any save handlers": the storage is not there (Node has none; a worker has no localStorage)
    if (/save handlers/i.test(describeError(error))) {
      throw new VisionError('INVALID_OPTION', `cannot save to '${url}': ${url.split(':')[0]} storage is not available here (Node has no browser storage; a worker has no localStorage). In Node write the files: saveClassifierFolder(folder, backbone, head, { labels, id }), classifierToFiles(model, spec), or a training worker's toFiles()`, { cause: error });
    }
    throw new VisionError('MODEL_LOAD_FAILED', `saving to '${url}' failed: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Options of {@link loadClassifier}: how its files are read (progress, abort, cache, the folder
 * they must stay in) and the tfjs backends to try. A classifier is a tfjs layers model, so
 * `loadModel`'s `format` and its ONNX and graph-model settings do not apply.
 *
 * @example
 * ```ts
 * const options: LoadClassifierOptions = { backend: 'wasm', onProgress: (p) => console.log(p.loaded) };
 * ```
 */
export type LoadClassifierOptions = Omit<LoadModelOptions, 'format' | 'executionProviders' | 'ort' | 'fuseConvolutions'>;

/** Every name {@link LoadClassifierOptions} has. */
const LOAD_CLASSIFIER_OPTION_NAMES = /* @__PURE__ */ optionNames<LoadClassifierOptions>()(['onProgress', 'signal', 'cache', 'modelRoot', 'backend', 'wasmPaths']);

/**
 * Loads a classifier saved by visionpipe — from in-memory files, a `model.json` path or URL,
 * or `indexeddb://` / `localstorage://` — and returns its runner and card, ready for
 * `pipeline('image-classification', { model: runner, spec })`. Options that are not an object
 * or set a name it does not take (a misspelt `backends`, `loadModel`'s `format`) are `INVALID_OPTION`;
 * weights holding NaN or ±Infinity (a diverged training saved) are `MODEL_FORMAT`.
 *
 * @example
 * ```ts
 * const { runner, spec } = await loadClassifier('indexeddb://my-classifier');
 * const classifier = await pipeline('image-classification', { model: runner, spec });
 * ```
 */
export async function loadClassifier(source: string | TfjsModelFiles, options: LoadClassifierOptions = {}): Promise<{ runner: TfjsRunner; spec: ModelSpec }> {
  checkOptionsObject(options, 'loadClassifier', LOAD_CLASSIFIER_OPTION_NAMES);
  let runner: TfjsRunner;
  if (typeof source === 'string' && /^(indexeddb|localstorage):\/\//.test(source)) {
    const backend = await selectTfjsBackend({ backend: options.backend, wasmPaths: options.wasmPaths });
    try {
      runner = new TfjsRunner(await tf.loadLayersModel(source), backend);
    } catch (error) {
      throw new VisionError('MODEL_LOAD_FAILED', `could not load '${source}': ${describeError(error)}`, { cause: error });
    }
  } else {
    const loaded = await loadModel(source, { ...loadModelOptionsOf(options), format: 'tfjs' });
    if (!(loaded instanceof TfjsRunner)) throw new VisionError('MODEL_FORMAT', 'expected a tfjs layers model');
    runner = loaded;
  }
  const model = runner.tfModel as tf.LayersModel;
  const stored = (model instanceof tf.LayersModel ? model.getUserDefinedMetadata() : undefined) as Record<string, unknown> | undefined;
  const spec = stored?.[SPEC_KEY] as ModelSpec | undefined;
  if (!spec) {
    runner.dispose();
    throw new VisionError('MODEL_FORMAT', 'this model has no visionpipe card in its metadata; load it with loadModel() and pass your own spec');
  }
  const broken = model instanceof tf.LayersModel ? nonFiniteWeight(model) : undefined;
  if (broken !== undefined) {
    runner.dispose();
    throw new VisionError('MODEL_FORMAT', `the classifier's weight '${broken}' holds NaN or ±Infinity (saved from a training that diverged?); every class would score NaN — train it again`);
  }
  return { runner, spec };
}

/** The name of the first weight of `model` holding NaN or ±Infinity, if any (one read for all of them). */
function nonFiniteWeight(model: tf.LayersModel): string | undefined {
  if (model.weights.length === 0) return undefined;
  const finite = tf.tidy(() => tf.stack(model.weights.map((w) => tf.all(tf.isFinite(w.read())))).dataSync());
  const index = finite.findIndex((ok) => ok === 0);
  return index >= 0 ? model.weights[index].name : undefined;
}
