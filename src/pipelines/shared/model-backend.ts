import { onTfjsBackend } from '../../runtime/tfjs-backend';
import type { ModelRunner } from '../../runtime/model-runner';

/**
 * Runs `work` — preprocessing that makes tfjs tensors for `runner`'s model — with the runner's
 * tfjs backend active, so its tensors are made where the model runs (and a WebGPU pipeline's
 * last run leaves no GPU sampler to a wasm pipeline's frame). Work for an onnxruntime runner
 * runs as it is. `work` must not run a model itself (one hold at a time).
 *
 * @example
 * ```ts
 * const prepared = await onModelBackend(runner, () => prepareInput(image, spec.input));
 * ```
 */
export function onModelBackend<T>(runner: ModelRunner, work: () => Promise<T>): Promise<T> {
  return runner.runtime === 'tfjs' ? onTfjsBackend(runner.backend, work) : work();
}
