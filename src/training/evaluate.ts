import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import { accuracy } from '../core/accuracy';
import { checkClassLabels, checkFinite, checkNumber, checkObject, checkTensor } from './checks';
import { headKindOf, headLoss } from './transfer/heads';
import { type ClassificationLoss, resolveLoss, type LossName } from './losses';
import { checkLive } from './model-liveness';

/**
 * Inputs with integer class labels.
 *
 * @example
 * ```ts
 * const data: LabeledTensors = { x: embeddings, labels: Int32Array.from([0, 2, 1]) };
 * ```
 */
export interface LabeledTensors {
  x: tf.Tensor;
  labels: Int32Array | readonly number[];
}

/** The model's feature shape (after the batch axis) and class count, where it declares them. */
function modelShape(model: tf.LayersModel): { features: (number | null)[] | undefined; numClasses: number | undefined } {
  const input = model.inputs?.[0]?.shape;
  const output = model.outputs?.[0]?.shape;
  const last = output?.[output.length - 1];
  return { features: input?.slice(1), numClasses: typeof last === 'number' ? last : undefined };
}

/** Throws `INVALID_INPUT` unless `x` is a live tensor of the model's feature shape (`[N, …]`). */
function checkFeatures(model: tf.LayersModel, x: unknown, name: string): asserts x is tf.Tensor {
  checkTensor(x, name);
  const { features } = modelShape(model);
  const got = x.shape.slice(1);
  if (features && (features.length !== got.length || features.some((d, i) => d !== null && d !== got[i]))) {
    throw new VisionError('INVALID_INPUT', `${name} has shape [${x.shape.join(', ')}]; the model takes [N, ${features.map((d) => d ?? '?').join(', ')}]`);
  }
}

/**
 * Throws `INVALID_INPUT` unless `data` is labelled tensors the model can take: a live model, `x`
 * of its feature shape with at least one row, one class index per row below its class count,
 * finite values. `name` is what the message calls the data.
 *
 * @example
 * ```ts
 * await checkLabeledData(model, validation, 'validationData'); // validationData.labels has 5 entries for 6 examples; …
 * ```
 */
export async function checkLabeledData(model: tf.LayersModel, data: LabeledTensors, name: string): Promise<void> {
  checkLive(model);
  checkObject(data, name, 'INVALID_INPUT');
  checkFeatures(model, data.x, `${name}.x`);
  checkClassLabels(data.labels, `${name}.labels`, data.x.shape[0], modelShape(model).numClasses);
  if (data.x.shape[0] === 0) throw new VisionError('INVALID_INPUT', `${name} has no examples`);
  await checkFinite(data.x, `${name}.x`);
}

/**
 * Runs a model in inference mode over `x` in batches and returns the raw outputs as one
 * row-major `Float32Array` `[N, C]` (plain data) and `C`. `INVALID_INPUT` when `x` is not a
 * tensor of the model's feature shape, `INVALID_OPTION` when `batchSize` is not a positive integer.
 *
 * @example
 * ```ts
 * const { scores, numClasses } = await predictScores(model, x);
 * ```
 */
export async function predictScores(model: tf.LayersModel, x: tf.Tensor, batchSize = 256): Promise<{ scores: Float32Array; numClasses: number }> {
  checkLive(model);
  checkFeatures(model, x, 'x');
  checkNumber(batchSize, 'batchSize', 'positive integer');
  const n = x.shape[0];
  const chunks: Float32Array[] = [];
  let numClasses = 0;
  for (let start = 0; start < n; start += batchSize) {
    const out = tf.tidy(() => model.predict(tf.slice(x, start, Math.min(batchSize, n - start))) as tf.Tensor2D);
    numClasses = out.shape[1];
    chunks.push((await out.data()) as Float32Array);
    out.dispose();
  }
  const scores = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    scores.set(c, offset);
    offset += c.length;
  }
  return { scores, numClasses };
}

/**
 * Loss and accuracy of a classifier on labelled data (inference mode, batched); the loss is
 * `lossFn`, by default the one `fit` trains the model with (a `buildHead` head's own, else
 * cross-entropy). The data is
 * checked first ({@link checkLabeledData}): `INVALID_INPUT` for `x` that is no tensor of the
 * model's feature shape or has no rows, labels that are not one class index per row below the
 * model's class count, or NaN/Infinity features; `INVALID_OPTION` for a `batchSize` that is not
 * a positive integer.
 *
 * @example
 * ```ts
 * const { loss, accuracy } = await evaluateClassifier(model, { x, labels });
 * ```
 */
export async function evaluateClassifier(model: tf.LayersModel, data: LabeledTensors, lossFn?: LossName | ClassificationLoss, batchSize = 256): Promise<{ loss: number; accuracy: number; predicted: Int32Array }> {
  await checkLabeledData(model, data, 'data');
  checkNumber(batchSize, 'batchSize', 'positive integer');
  // the loss fit trains the model with: a head's own (hinge for an svm head), else cross-entropy
  const kind = headKindOf(model);
  const loss = resolveLoss(lossFn ?? (kind === undefined ? 'cross-entropy' : headLoss(kind)));
  const n = data.x.shape[0];
  let total = 0;
  const predicted = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [l, p] = tf.tidy(() => {
      const logits = model.predict(tf.slice(data.x, start, size)) as tf.Tensor2D;
      const y = tf.tensor1d(Int32Array.from(data.labels).subarray(start, start + size), 'int32');
      return [tf.mul(loss(y, logits), size), tf.argMax(logits, 1)];
    });
    total += (await l.data())[0];
    predicted.set(await p.data(), start);
    tf.dispose([l, p]);
  }
  return { loss: total / n, accuracy: accuracy(predicted, data.labels), predicted };
}
