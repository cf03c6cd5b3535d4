import { VisionError } from '../../core/errors';
import type { ModelSpec } from '../../models/model-spec';
import type { ModelRunner } from '../../runtime/model-runner';

/**
 * What all model-backed task pipelines share: their model card, their runner, whether they own
 * it, and the dispose-once life cycle. Task pipelines extend it and implement `run`.
 *
 * @example
 * ```ts
 * class MyPipeline extends ModelPipeline {
 *   readonly task = 'my-task';
 *   async run(image: ImageInput) { this.assertUsable(); ... }
 * }
 * ```
 */
export abstract class ModelPipeline {
  abstract readonly task: string;
  private disposed = false;

  constructor(
    /** The model card in use. */
    readonly spec: ModelSpec,
    /** The runner (tfjs or onnxruntime) and its backend. */
    readonly runner: ModelRunner,
    private readonly ownsRunner: boolean,
  ) {}

  /**
   * Throws `DISPOSED` once {@link dispose} was called (its runs call it first, and so do
   * helpers that take a pipeline, such as `explain`).
   *
   * @example
   * ```ts
   * classifier.assertUsable(); // throws VisionError('DISPOSED') after classifier.dispose()
   * ```
   */
  assertUsable(): void {
    if (this.disposed) throw new VisionError('DISPOSED', `this ${this.task} pipeline was disposed`);
  }

  /** Frees the model (unless it was passed in ready-made); later runs throw `DISPOSED`. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ownsRunner) this.runner.dispose();
  }
}
