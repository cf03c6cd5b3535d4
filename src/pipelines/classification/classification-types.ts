import type { ModelSpec } from '../../models/model-spec';
import type { BasePipelineOptions } from '../shared/pipeline-options';
import type { ClassificationTta } from './classification-tta';

/**
 * Options of an image-classification pipeline. Default model: `nsfw-mobilenet-v2`. For your
 * own model pass a {@link ModelSpec} (or a runner plus `spec`).
 *
 * @example
 * ```ts
 * await pipeline('image-classification', { model: mySpec, topK: 3 });
 * ```
 */
export interface ClassificationOptions extends BasePipelineOptions, ClassificationRunOptions {
  /** The card of a ready runner passed as `model`. */
  spec?: ModelSpec;
}

/** Per-call options of an image-classification pipeline. @example `await classifier.run(img, { topK: 1 })` */
export interface ClassificationRunOptions {
  /** How many classes to return (default: the spec's, else 5). */
  topK?: number;
  /** Drop classes scoring below this (default 0). */
  threshold?: number;
  /** Test-time augmentation: also classify mirrored / cropped copies and average the probabilities (scores are then probabilities for every model family). */
  tta?: ClassificationTta;
}
