// The trainer that visionpipe's worker scripts (worker.js, node-worker.js) open on
// `openTrainer`: training's host composed with the MobileNetV2 backbone and the
// image-classification pipeline, which training itself may not import (shared/DESIGN.md).
import { createClassificationPipeline } from './pipelines/classification/classification-pipeline';
import { loadMobileNetV2Backbone } from './pipelines/embeddings/backbone';
import { assembleTrainerHost } from './training/worker/trainer-host';
import type { TrainerApi } from './training/worker/trainer-protocol';

/**
 * The worker side of `createTrainingWorker` and `createGestureTrainingWorker`: embeds images
 * with the frozen MobileNetV2 backbone, trains heads, classifies frames with the
 * image-classification pipeline over the trained model, and teaches gestures.
 *
 * @example
 * ```ts
 * Comlink.expose(createTrainerHost(), port);
 * ```
 */
export function createTrainerHost(): TrainerApi {
  return assembleTrainerHost({ loadBackbone: loadMobileNetV2Backbone, createClassifier: createClassificationPipeline });
}
