import type * as tf from '@tensorflow/tfjs';
import type { InputSpec } from '../../core/card-types';
import type { LabeledImage, LongWorkOptions } from '../../core/labeled-data';

/**
 * A frozen backbone as transfer learning uses it: a tfjs layers model from image batch to
 * features `[N, dim]`, the input spec its images need, and feature extraction from prepared
 * batches or labelled images. visionpipe's `FeatureExtractor` (`loadMobileNetV2Backbone`,
 * `createFeatureExtractor`) is one.
 *
 * @example
 * ```ts
 * const backbone: FeatureBackbone = await loadMobileNetV2Backbone();
 * const { x, labels } = await backbone.extractImages(samples);
 * ```
 */
export interface FeatureBackbone {
  /** Image batch → features `[N, dim]`; its layers are frozen until `unfreezeLastLayers`. */
  readonly model: tf.LayersModel;
  readonly dim: number;
  readonly input: InputSpec;
  /** Features of a prepared image batch (normalised as `input` says); the caller owns the result. */
  extract(x: tf.Tensor4D, options?: LongWorkOptions & { batchSize?: number }): Promise<tf.Tensor2D>;
  /** Features of labelled images, prepared as `input` says; the caller owns `x`. */
  extractImages(samples: readonly LabeledImage[], options?: LongWorkOptions & { batchSize?: number }): Promise<{ x: tf.Tensor2D; labels: Int32Array }>;
  /** Frees what the backbone loaded. */
  dispose(): void;
}
