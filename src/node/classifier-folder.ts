import { existsSync } from 'node:fs';
import { checkModelId } from '../core/model-id';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { VisionError, describeError } from '../core/errors';
import { knownOptions, optionNames } from '../core/known-options';
import { shownValue } from '../core/shown-value';
import { parseJsonText } from '../runtime/json-text';
import { writeFileAtomic, writeFilesAtomic } from './atomic-write';
import { readModelFileText } from './local-file';
import type { ModelSpec } from '../models/model-spec';
import type { ModelRunner } from '../runtime/model-runner';
import type { TfjsBackendName } from '../runtime/tfjs-backend';
import { checkObject } from '../training/checks';
import { classifierToFiles, loadClassifier } from '../training/save';
import { loadMobileNetV2Backbone, type FeatureExtractor } from '../pipelines/embeddings/backbone';
import { checkClassNames, exportClassifier, headClasses } from '../training/transfer/classifier';
import { KnnClassifier, type KnnState } from '../training/transfer/knn';
import { KnnRunner } from '../training/transfer/knn-runner';

/**
 * A classifier loaded from a model folder (`visionpipe train` output): runner, card and
 * what to free afterwards.
 *
 * @example
 * ```ts
 * const { runner, spec, dispose }: LoadedClassifier = await loadClassifierFolder('my-model');
 * ```
 */
export interface LoadedClassifier {
  runner: ModelRunner;
  spec: ModelSpec;
  dispose(): void;
}

const KNN_FORMAT = 'visionpipe-knn-classifier@1';

/**
 * `knn.json` of a k-NN classifier folder: labels, the backbone it was trained on (and the
 * backbone layers its features come from; left out: `flatten_1`) and the stored training
 * embeddings.
 *
 * @example
 * ```ts
 * const saved = JSON.parse(readFileSync('my-model/knn.json', 'utf8')) as SavedKnnFolder;
 * ```
 */
export interface SavedKnnFolder {
  format: typeof KNN_FORMAT;
  id: string;
  backbone: 'nsfw-mobilenet-v2';
  layers?: string[];
  labels: string[];
  knn: KnnState;
}

/** The files each kind of classifier folder holds: saving one kind removes the other's, so the folder loads what was saved last. */
const KNN_FILES = ['knn.json'];
const LAYERS_FILES = ['model.json', 'weights.bin'];

/** Every name the options of {@link saveClassifierFolder} have. */
const SAVE_FOLDER_OPTION_NAMES = /* @__PURE__ */ optionNames<Parameters<typeof saveClassifierFolder>[3]>()(['labels', 'id']);

async function removeFiles(folder: string, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((name) => rm(join(folder, name), { force: true })));
}

/**
 * Writes a trained classifier into a folder that `visionpipe classify --model <folder>` loads:
 * a layers head composed with the backbone as `model.json` + `weights.bin` (the model card in
 * its metadata, loadable with `loadClassifier('<folder>/model.json')`), or a k-NN head as
 * `knn.json` (with the backbone's layers). A classifier of the other kind saved there before
 * is removed, so the folder always loads as the one saved last. Returns the files written.
 *
 * The files are written atomically (temporary files beside them, flushed, then renamed over
 * them): `weights.bin` is renamed before the `model.json` that names it, and the other kind's
 * files are removed only after the new ones are in place (`knn.json`, when present, is what
 * {@link loadClassifierFolder} reads). A failure or crash while writing leaves the folder loading
 * as the classifier saved before; a crash after the new files are in place, as the new one. The
 * one exception is a crash between the two renames (a moment) over a layers classifier: the
 * previous `model.json` with the new `weights.bin`, which loads as `MODEL_FORMAT` when the sizes
 * differ, and as the previous card with the new weights when the heads have the same shape.
 * A folder that cannot be made or written (a file in its path, no permission, a full disk) is
 * `INVALID_INPUT` saying why; options that are not an object, set a name it does not take (a
 * misspelt `label`) or whose labels are not one class name per class are `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * await saveClassifierFolder('my-model', backbone, head, { labels: ['cat', 'dog'], id: 'pets' });
 * ```
 */
export async function saveClassifierFolder(folder: string, backbone: FeatureExtractor, head: tf.LayersModel | KnnClassifier, options: { labels: string[]; id: string }): Promise<string[]> {
  try {
    return await saveFolder(folder, backbone, head, options);
  } catch (error) {
    if (error instanceof VisionError) throw error;
    throw new VisionError('INVALID_INPUT', `could not save the classifier in ${folder}: ${describeError(error)}`, { cause: error });
  }
}

async function saveFolder(folder: string, backbone: FeatureExtractor, head: tf.LayersModel | KnnClassifier, options: { labels: string[]; id: string }): Promise<string[]> {
  // checked before anything is written: a refused save leaves the folder's classifier as it was
  checkObject(options, 'saveClassifierFolder options');
  knownOptions(options, 'saveClassifierFolder options', SAVE_FOLDER_OPTION_NAMES);
  checkModelId(options.id, 'id');
  checkClassNames(options.labels, headClasses(head));
  await mkdir(folder, { recursive: true });
  if (head instanceof KnnClassifier) {
    const saved: SavedKnnFolder = { format: KNN_FORMAT, id: options.id, backbone: 'nsfw-mobilenet-v2', layers: [...backbone.layers], labels: options.labels, knn: await head.toJSON() };
    const path = join(folder, 'knn.json');
    await writeFileAtomic(path, JSON.stringify(saved));
    await removeFiles(folder, LAYERS_FILES);
    return [path];
  }
  const exported = exportClassifier(backbone, head, options);
  const model = exported.model;
  if (!model) throw new VisionError('INFERENCE_FAILED', 'the exported classifier has no layers model');
  const files = await classifierToFiles(model, exported.spec);
  const paths = [join(folder, 'model.json'), join(folder, 'weights.bin')];
  // model.json names weights.bin and is what a loader opens: renamed last
  await writeFilesAtomic([{ path: paths[1], data: files.weights }, { path: paths[0], data: JSON.stringify(files.json) }]);
  await removeFiles(folder, KNN_FILES);
  return paths;
}

/** A `MODEL_FORMAT` error naming the file, for saved data that does not fit (other codes, such as a failed backbone load, pass through). */
function formatError(path: string, error: unknown): unknown {
  if (!(error instanceof VisionError) || (error.code !== 'INVALID_INPUT' && error.code !== 'INVALID_OPTION')) return error;
  return new VisionError('MODEL_FORMAT', `${path}: ${error.message}`, { cause: error });
}

/** The checked contents of a `knn.json`: `MODEL_FORMAT` naming the file and the part that is wrong. */
function readKnnFolder(text: string, path: string): SavedKnnFolder & { layers: string[] } {
  const saved = parseJsonText(text, path, 'MODEL_FORMAT', `a visionpipe k-NN classifier (format '${KNN_FORMAT}')`) as Partial<SavedKnnFolder> | null;
  if (saved?.format !== KNN_FORMAT) throw new VisionError('MODEL_FORMAT', `${path}: not a visionpipe k-NN classifier (format '${KNN_FORMAT}')`);
  const names = (list: unknown): list is string[] => Array.isArray(list) && list.length > 0 && list.every((l) => typeof l === 'string' && l !== '');
  if (!names(saved.labels)) throw new VisionError('MODEL_FORMAT', `${path}: labels are ${shownValue(saved.labels)}; they must be class names (strings), one per class`);
  const layers = saved.layers ?? ['flatten_1'];
  if (!names(layers)) throw new VisionError('MODEL_FORMAT', `${path}: layers are ${shownValue(saved.layers)}; they must be backbone layer names (strings)`);
  if (typeof saved.knn !== 'object' || saved.knn === null) throw new VisionError('MODEL_FORMAT', `${path}: it has no k-NN state ('knn')`);
  return { ...(saved as SavedKnnFolder), layers };
}

async function loadKnnFolder(path: string, backend: TfjsBackendName | undefined): Promise<LoadedClassifier> {
  const saved = readKnnFolder(await readModelFileText(path), path);
  // the backbone first: it selects the tfjs backend the k-NN's tensors then live on (else tfjs' lazy cpu pick)
  const backbone = await loadMobileNetV2Backbone({ backend, layers: saved.layers }).catch((error: unknown) => {
    throw formatError(path, error);
  });
  let knn: KnnClassifier | null = null;
  try {
    knn = await KnnClassifier.fromJSON(saved.knn);
    if (saved.knn.dim !== backbone.dim) {
      throw new VisionError('MODEL_FORMAT', `${path}: the k-NN holds ${saved.knn.dim}-value features but the backbone (layers ${saved.layers.join(', ')}) gives ${backbone.dim}`);
    }
    const { spec } = exportClassifier(backbone, knn, { labels: saved.labels, id: saved.id });
    const runner = new KnnRunner(backbone, knn, true);
    return { runner, spec, dispose: () => runner.dispose() };
  } catch (error) {
    knn?.dispose();
    backbone.dispose();
    throw formatError(path, error);
  }
}

/**
 * Whether a folder holds a classifier that {@link loadClassifierFolder} reads.
 *
 * @example
 * ```ts
 * isClassifierFolder('my-model'); // true after `visionpipe train … --out my-model`
 * ```
 */
export function isClassifierFolder(folder: string): boolean {
  return existsSync(join(folder, 'model.json')) || existsSync(join(folder, 'knn.json'));
}

/**
 * Loads a classifier folder written by {@link saveClassifierFolder} (`visionpipe train`):
 * runner and card for `pipeline('image-classification', { model: runner, spec })`.
 * Dispose it after the pipeline.
 *
 * @example
 * ```ts
 * const { runner, spec, dispose } = await loadClassifierFolder('my-model');
 * const classifier = await pipeline('image-classification', { model: runner, spec });
 * ```
 */
export async function loadClassifierFolder(folder: string, backend?: TfjsBackendName): Promise<LoadedClassifier> {
  if (existsSync(join(folder, 'knn.json'))) return loadKnnFolder(join(folder, 'knn.json'), backend);
  if (!existsSync(join(folder, 'model.json'))) {
    throw new VisionError('INVALID_OPTION', `--model ${folder}: the folder has no model.json or knn.json; give a folder written by visionpipe train, a model id or a card file`);
  }
  const { runner, spec } = await loadClassifier(join(folder, 'model.json'), { backend });
  return { runner, spec, dispose: () => runner.dispose() };
}
