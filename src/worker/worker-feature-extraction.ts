import { VisionError } from '../core/errors';
import type { ImageInput } from '../core/image-input';
import type { ModelSpec } from '../models/model-spec';
import type { FeatureExtractionBatchResult } from '../pipelines/embeddings/feature-extraction-types';
import type { VisionWorker, WorkerRegistration } from './vision-worker';
import { type RemoteRunnerInfo, WorkerPipeline } from './worker-pipeline';

/**
 * An image-feature-extraction pipeline in a worker: the in-thread one's `run`, `runBatch` (the
 * images transferred together, batched by the worker's pipeline) and `dim`.
 *
 * @example
 * ```ts
 * const embedder = await createWorkerPipeline('image-feature-extraction', { worker: true });
 * const index = new SimilarityIndex(embedder.dim);
 * const { embeddings } = await embedder.runBatch(photos);
 * ```
 */
export class WorkerFeatureExtractionPipeline extends WorkerPipeline<'image-feature-extraction'> {
  constructor(
    spec: ModelSpec,
    runner: RemoteRunnerInfo,
    worker: VisionWorker,
    registration: WorkerRegistration,
    ownsWorker: boolean,
    /** Length of each embedding. */
    readonly dim: number,
  ) {
    super('image-feature-extraction', spec, runner, worker, registration, ownsWorker);
  }

  /**
   * Embeds several images in the worker, as the in-thread `runBatch` does (one reply; the
   * images are transferred as `run` transfers one). The call's time limit (`timeoutMs`) is
   * that of one run per 16 images.
   *
   * @throws VisionError `INVALID_INPUT` for something that is not an array of images, and as
   * the in-thread `runBatch`.
   */
  runBatch(images: readonly ImageInput[], options?: Record<string, never>): Promise<FeatureExtractionBatchResult> {
    if (!Array.isArray(images)) return Promise.reject(new VisionError('INVALID_INPUT', 'runBatch takes an array of images'));
    // the time limit is a run's per 16 images (the in-thread batch size): a large batch is no hang
    const weight = Math.max(1, Math.ceil(images.length / 16));
    return this.send(images, options, (api, values, mark, id) => api.runBatch(id, mark(values), options), { weight }) as Promise<FeatureExtractionBatchResult>;
  }
}
