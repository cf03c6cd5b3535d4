import type { ModelRunner } from '../../runtime/model-runner';

/**
 * A runner with whether its pipeline owns it (and so must dispose it).
 *
 * @example
 * ```ts
 * const model: OwnedRunner = { runner, ownsRunner: true };
 * ```
 */
export interface OwnedRunner {
  runner: ModelRunner;
  ownsRunner: boolean;
}

/**
 * Builds a pipeline from resolved models so that nothing leaks when building fails: if
 * `build` throws, every runner owned by `models` and every runner passed to `adopt` (models
 * loaded while building, such as a person detector) is disposed, last loaded first; runners
 * the caller passed in are never disposed.
 *
 * @example
 * ```ts
 * const model = await resolveModel('pose-estimation', MOVENET_LIGHTNING.id, options);
 * return disposeOnFailure([model], async (adopt) => {
 *   const detector = adopt(await resolveModel('object-detection', BLAZEPOSE_DETECTOR.id, { model: BLAZEPOSE_DETECTOR }));
 *   return new PosePipeline(model, detector.runner);
 * });
 * ```
 */
export async function disposeOnFailure<T>(models: readonly OwnedRunner[], build: (adopt: <M extends OwnedRunner>(model: M) => M) => T | Promise<T>): Promise<T> {
  const owned = models.filter((m) => m.ownsRunner).map((m) => m.runner);
  const adopt = <M extends OwnedRunner>(model: M): M => {
    if (model.ownsRunner) owned.push(model.runner);
    return model;
  };
  try {
    return await build(adopt);
  } catch (error) {
    for (const runner of owned.reverse()) runner.dispose();
    throw error;
  }
}
