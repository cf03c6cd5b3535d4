import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { confusionMatrix } from '../../eval/classification';
import { NSFW_MOBILENET_V2 } from '../../models/catalog';
import { evaluateClassifier } from '../../training/evaluate';
import { fit } from '../../training/fit';
import { stratifiedSplit } from '../../training/split';
import { type FeatureExtractor, loadMobileNetV2Backbone } from '../../pipelines/embeddings/backbone';
import { buildHead, headLoss } from '../../training/transfer/heads';
import { KnnClassifier } from '../../training/transfer/knn';
import type { CliArgs, TrainHead } from './args';
import { writeFileAtomic } from '../atomic-write';
import { saveClassifierFolder } from '../classifier-folder';
import { EmbeddingCache, cacheFolder } from './embedding-cache';
import { listClassFolders } from './train-dataset';
import { embedFiles } from './train-embed';
import { confusedPairs, confusionLines, epochLine } from './train-report';

/** Training defaults: epochs, validation share, seed, early-stopping patience, k-NN candidates. */
const DEFAULTS = { head: 'softmax', epochs: 50, validation: 0.2, seed: 1, patience: 5, ks: [1, 3, 5, 7, 9, 15] } as const;

type Print = (line: string) => void;
type Split = { xTrain: tf.Tensor2D; yTrain: Int32Array; xVal: tf.Tensor2D; yVal: Int32Array };

function rows(features: Float32Array, dim: number, indices: readonly number[]): tf.Tensor2D {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((r, i) => out.set(features.subarray(r * dim, (r + 1) * dim), i * dim));
  return tf.tensor2d(out, [indices.length, dim]);
}

/** Trains the head on the split; returns it with its predictions on the validation rows. */
async function trainHead(kind: TrainHead, data: Split, numClasses: number, args: CliArgs, print: Print): Promise<{ head: tf.LayersModel | KnnClassifier; predicted: Int32Array }> {
  if (kind === 'knn') {
    const knn = new KnnClassifier({ numClasses });
    await knn.fit(data.xTrain, data.yTrain);
    const perK = await knn.chooseK(data.xVal, data.yVal, DEFAULTS.ks);
    for (const [k, accuracy] of perK) print(`k ${String(k).padStart(2)}  val accuracy ${accuracy.toFixed(3)}`);
    print(`chose k = ${knn.k}`);
    return { head: knn, predicted: await knn.predict(data.xVal) };
  }
  const seed = args.seed ?? DEFAULTS.seed;
  const epochs = args.epochs ?? DEFAULTS.epochs;
  const head = buildHead(kind, { inputDim: data.xTrain.shape[1], numClasses, seed });
  const result = await fit(head, { x: data.xTrain, labels: data.yTrain }, {
    epochs, batchSize: 8, optimizer: { name: 'adam', learningRate: 1e-3 }, loss: headLoss(kind), seed,
    validationData: { x: data.xVal, labels: data.yVal }, monitor: 'val_loss', earlyStopping: { patience: DEFAULTS.patience },
    onEpochEnd: (log) => print(epochLine(log, epochs)),
  });
  if (result.stoppedEarly) print(`early stopping after epoch ${result.history.length}: val loss did not improve for ${DEFAULTS.patience} epochs; kept epoch ${result.bestEpoch + 1}`);
  const { predicted } = await evaluateClassifier(head, { x: data.xVal, labels: data.yVal }, headLoss(kind));
  return { head, predicted };
}

/**
 * `visionpipe train <dataset> --out <folder>`: transfer learning on the frozen MobileNetV2
 * backbone (nsfwjs, `flatten_1`, 1280 features). Reads one sub-folder per class, computes the
 * embeddings once (cached on disk by image content, see `EmbeddingCache`; a cache folder that
 * cannot be written gets one warning on stderr and the run goes on uncached), splits them
 * (stratified), trains a softmax, SVM, MLP or k-NN head with early stopping (one line per
 * epoch), prints the validation accuracy and confusion matrix, and saves a model folder that
 * `visionpipe classify --model <folder>` loads, with a `training.json` report (head, labels,
 * validation accuracy). Each file is replaced atomically (see `saveClassifierFolder`); the report
 * is written after the model, so a crash in between leaves the new model beside the previous
 * run's report (or none). Returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runTrain(parseCliArgs(['train', 'data/', '--out', 'my-model', '--head', 'mlp']), console.log, console.error);
 * ```
 */
export async function runTrain(args: CliArgs, print: Print, printError: Print): Promise<number> {
  if (args.inputs.length !== 1) throw new VisionError('INVALID_OPTION', `train takes one dataset folder (one sub-folder of images per class); got ${args.inputs.length}`);
  if (args.out === undefined) throw new VisionError('INVALID_OPTION', 'train needs --out <folder> to save the model in');
  const kind = args.head ?? DEFAULTS.head;
  const dataset = await listClassFolders(args.inputs[0]);
  const counts = dataset.labels.map((_, c) => dataset.files.filter((f) => f.label === c).length);
  print(`${args.inputs[0]}: ${dataset.files.length} images, ${dataset.labels.length} classes (${dataset.labels.map((l, c) => `${l} ${counts[c]}`).join(', ')})`);
  let backbone: FeatureExtractor | undefined;
  const owned: tf.Tensor[] = [];
  let head: tf.LayersModel | KnnClassifier | undefined;
  try {
    backbone = await loadMobileNetV2Backbone({ backend: args.backend });
    const started = Date.now();
    const cache = new EmbeddingCache(cacheFolder(), `${NSFW_MOBILENET_V2.id}-flatten_1`, backbone.dim);
    const embeddings = await embedFiles(dataset.files.map((f) => f.path), backbone, cache, (line) => printError(`visionpipe: warning: ${line}`));
    if (embeddings.failures.length > 0) {
      embeddings.failures.forEach((f) => printError(`visionpipe: ${f.image}: ${f.message} [${f.code}]`));
      printError(`visionpipe: ${embeddings.failures.length} of ${dataset.files.length} images could not be read; fix or remove them and train again`);
      return 1;
    }
    print(`embeddings: ${dataset.files.length} images (${embeddings.fromCache} from cache) in ${((Date.now() - started) / 1000).toFixed(1)} s on ${tf.getBackend()}`);
    const labels = dataset.files.map((f) => f.label);
    const split = stratifiedSplit(labels, { validationFraction: args.validation ?? DEFAULTS.validation, seed: args.seed ?? DEFAULTS.seed });
    const data: Split = {
      xTrain: rows(embeddings.features, embeddings.dim, split.train),
      yTrain: Int32Array.from(split.train, (i) => labels[i]),
      xVal: rows(embeddings.features, embeddings.dim, split.validation),
      yVal: Int32Array.from(split.validation, (i) => labels[i]),
    };
    owned.push(data.xTrain, data.xVal);
    print(`training a ${kind} head on ${split.train.length} images, validating on ${split.validation.length}`);
    const trained = await trainHead(kind, data, dataset.labels.length, args, print);
    head = trained.head;
    const matrix = confusionMatrix(trained.predicted, data.yVal, dataset.labels.length);
    const right = matrix.reduce((a, row, i) => a + row[i], 0);
    const accuracy = right / data.yVal.length;
    print(`validation accuracy ${accuracy.toFixed(3)} (${right} of ${data.yVal.length})`);
    confusionLines(matrix, dataset.labels).forEach((line) => print(line));
    const mistakes = confusedPairs(matrix, dataset.labels);
    print(mistakes.length > 0 ? `most confused: ${mistakes.join(', ')}` : 'no confusions on the validation images');
    const id = `visionpipe-${kind}-classifier`;
    const files = await saveClassifierFolder(args.out, backbone, head, { labels: dataset.labels, id });
    const summary = { head: kind, labels: dataset.labels, images: counts, train: split.train.length, validation: split.validation.length, validationAccuracy: accuracy, confusion: matrix };
    await writeFileAtomic(join(args.out, 'training.json'), `${JSON.stringify(summary, null, 2)}\n`);
    print(`saved → ${args.out} (${files.map((f) => basename(f)).join(', ')}, training.json)`);
    print(`use it: visionpipe classify <images> --model ${args.out}`);
    return 0;
  } finally {
    tf.dispose(owned);
    head?.dispose();
    backbone?.dispose();
  }
}
