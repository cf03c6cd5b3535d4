import * as tf from '@tensorflow/tfjs';
import { accuracy } from '../core/accuracy';
import { type ClassificationLoss, resolveLoss, type LossName } from './losses';

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

/**
 * Runs a model in inference mode over `x` in batches and returns the raw outputs as one
 * row-major `Float32Array` `[N, C]` (plain data) and `C`.
 *
 * @example
 * ```ts
 * const { scores, numClasses } = await predictScores(model, x);
 * ```
 */
export async function predictScores(model: tf.LayersModel, x: tf.Tensor, batchSize = 256): Promise<{ scores: Float32Array; numClasses: number }> {
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
 * Loss and accuracy of a classifier on labelled data (inference mode, batched).
 *
 * @example
 * ```ts
 * const { loss, accuracy } = await evaluateClassifier(model, { x, labels });
 * ```
 */
export async function evaluateClassifier(model: tf.LayersModel, data: LabeledTensors, lossFn: LossName | ClassificationLoss = 'cross-entropy', batchSize = 256): Promise<{ loss: number; accuracy: number; predicted: Int32Array }> {
  const loss = resolveLoss(lossFn);
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
