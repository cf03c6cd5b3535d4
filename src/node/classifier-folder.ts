import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import { parseJsonText } from '../runtime/json-text';
import type { ModelSpec } from '../models/model-spec';
import type { ModelRunner } from '../runtime/model-runner';
import type { TfjsBackendName } from '../runtime/tfjs-backend';
import { classifierToFiles, loadClassifier } from '../training/save';
import { loadMobileNetV2Backbone, type FeatureExtractor } from '../pipelines/embeddings/backbone';
import { exportClassifier } from '../training/transfer/classifier';
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
 * `knn.json` of a k-NN classifier folder: labels, the backbone it was trained on and the
 * stored training embeddings.
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
  labels: string[];
  knn: KnnState;
}

/**
 * Writes a trained classifier into a folder that `visionpipe classify --model <folder>` loads:
 * a layers head composed with the backbone as `model.json` + `weights.bin` (the model card in
 * its metadata, loadable with `loadClassifier('<folder>/model.json')`), or a k-NN head as
 * `knn.json`. Returns the files written.
 *
 * @example
 * ```ts
 * await saveClassifierFolder('my-model', backbone, head, { labels: ['cat', 'dog'], id: 'pets' });
 * ```
 */
export async function saveClassifierFolder(folder: string, backbone: FeatureExtractor, head: tf.LayersModel | KnnClassifier, options: { labels: string[]; id: string }): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  if (head instanceof KnnClassifier) {
    const saved: SavedKnnFolder = { format: KNN_FORMAT, id: options.id, backbone: 'nsfw-mobilenet-v2', labels: options.labels, knn: await head.toJSON() };
    const path = join(folder, 'knn.json');
    await writeFile(path, JSON.stringify(saved));
    return [path];
  }
  const exported = exportClassifier(backbone, head, options);
  const model = exported.model;
  if (!model) throw new VisionError('INFERENCE_FAILED', 'the exported classifier has no layers model');
  const files = await classifierToFiles(model, exported.spec);
  const paths = [join(folder, 'model.json'), join(folder, 'weights.bin')];
  await writeFile(paths[0], JSON.stringify(files.json));
  await writeFile(paths[1], files.weights);
  return paths;
}

async function loadKnnFolder(path: string, backend: TfjsBackendName | undefined): Promise<LoadedClassifier> {
  const saved = parseJsonText(await readFile(path, 'utf8'), path, 'MODEL_FORMAT', `a visionpipe k-NN classifier (format '${KNN_FORMAT}')`) as SavedKnnFolder | null;
  if (saved?.format !== KNN_FORMAT) throw new VisionError('MODEL_FORMAT', `${path}: not a visionpipe k-NN classifier (format '${KNN_FORMAT}')`);
  // the backbone first: it selects the tfjs backend the k-NN's tensors then live on (else tfjs' lazy cpu pick)
  const backbone = await loadMobileNetV2Backbone({ backend });
  let knn: KnnClassifier;
  try {
    knn = await KnnClassifier.fromJSON(saved.knn);
  } catch (error) {
    backbone.dispose();
    throw error;
  }
  const { spec } = exportClassifier(backbone, knn, { labels: saved.labels, id: saved.id });
  const runner = new KnnRunner(backbone, knn, true);
  return { runner, spec, dispose: () => runner.dispose() };
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
