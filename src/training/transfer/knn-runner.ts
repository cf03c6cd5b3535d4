import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { Feed, ModelRunner, RawTensor, RunOptions, TensorInfo } from '../../runtime/model-runner';
import { fromRawTensor } from '../../runtime/tensor-convert';
import { isTfTensor, validateFeeds } from '../../runtime/validate-feeds';
import type { FeatureBackbone } from './feature-backbone';
import type { KnnClassifier } from './knn';

/**
 * A {@link ModelRunner} for backbone + k-NN: image batch → features → vote shares
 * (`scores`, family `probabilities`). Lets a k-NN classifier run in
 * `pipeline('image-classification', { model: runner, spec })`. Make it with `exportClassifier`.
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
        const data = await this.knn.predictScores(features);
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
