import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { Feed, ModelRunner, RawTensor, RunOptions, TensorInfo } from '../../runtime/model-runner';
import { fromRawTensor } from '../../runtime/tensor-convert';
import { isTfTensor, validateFeeds } from '../../runtime/validate-feeds';
import type { FeatureBackbone } from './feature-backbone';
import type { KnnClassifier } from './knn';

/** Raises each predicted class's share by one float32 step where another class has the same share (a tie `predict` gave to the nearer neighbours). */
function liftTieWinners(scores: Float32Array, predicted: Int32Array, classes: number): void {
  const step = new Float32Array(1);
  const bits = new Int32Array(step.buffer);
  predicted.forEach((winner, i) => {
    const row = scores.subarray(i * classes, (i + 1) * classes);
    if (!row.some((share, c) => c !== winner && share === row[winner])) return;
    step[0] = row[winner];
    bits[0]++; // the next float32 up (shares are positive)
    row[winner] = step[0];
  });
}

/**
 * A {@link ModelRunner} for backbone + k-NN: image batch → features → vote shares
 * (`scores`, family `probabilities`: votes / k). Lets a k-NN classifier run in
 * `pipeline('image-classification', { model: runner, spec })`. Make it with `exportClassifier`.
 * Where the predicted class ties with another, its share is one float32 step higher, so the
 * pipeline's ranking by score gives the tie to the nearer neighbours as `KnnClassifier.predict` does.
 *
 * @example
 * ```ts
 * const { runner, spec } = exportClassifier(backbone, knn, { labels });
 * const out = await runner.run({ [runner.inputs[0].name]: batch });
 * ```
 */
export class KnnRunner implements ModelRunner {
  readonly runtime = 'tfjs' as const;
  readonly backend: string;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, string>> = {};
  private disposed = false;

  /** `owns`: disposing the runner also frees the backbone and the k-NN classifier. */
  constructor(
    private readonly extractor: FeatureBackbone,
    private readonly knn: KnnClassifier,
    private readonly owns = false,
  ) {
    this.backend = tf.getBackend();
    const input = extractor.model.inputs[0];
    this.inputs = [{ name: input.name, shape: input.shape.map((d) => (d === null ? -1 : d)), dtype: 'float32' }];
    this.outputs = [{ name: 'scores', shape: [-1, knn.numClasses], dtype: 'float32' }];
  }

  async run(feeds: Record<string, Feed>, options: RunOptions = {}): Promise<Record<string, RawTensor>> {
    if (this.disposed) throw new VisionError('DISPOSED', 'this k-NN runner was disposed');
    if (options.outputs?.some((o) => o !== 'scores')) throw new VisionError('INVALID_OPTION', `unknown output(s) ${options.outputs.join(', ')}; the only output is scores`);
    validateFeeds(this.inputs, feeds);
    const feed = feeds[this.inputs[0].name];
    const x = isTfTensor(feed) ? feed : fromRawTensor(feed);
    try {
      const features = await this.extractor.extract(x as tf.Tensor4D);
      try {
        const { scores: data, predicted } = await this.knn.predictWithScores(features);
        liftTieWinners(data, predicted, this.knn.numClasses);
        return { scores: { dtype: 'float32', dims: [features.shape[0], this.knn.numClasses], data } };
      } finally {
        features.dispose();
      }
    } finally {
      if (!isTfTensor(feed)) x.dispose();
    }
  }

  /** Marks the runner disposed; the backbone and the k-NN classifier stay the caller's unless it `owns` them. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.owns) return;
    this.knn.dispose();
    this.extractor.dispose();
  }
}
