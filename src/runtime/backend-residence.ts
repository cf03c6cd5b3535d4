/**
 * Where a tfjs tensor's data lives. tfjs has one active backend per realm, and a tensor made
 * while another pipeline's backend was active lives on that backend; using it on this one makes
 * tfjs move it with a synchronous read, which WebGPU cannot do correctly (a wasm model read a
 * WebGPU-sampled input as stale data, and the WebGPU device was lost). Such tensors are copied
 * here with an asynchronous read instead.
 */
import * as tf from '@tensorflow/tfjs';

/** The backend instance that holds a tensor's data (tfjs' engine bookkeeping; undefined if unknown). */
function residenceOf(tensor: tf.Tensor): tf.KernelBackend | undefined {
  const engine = tf.engine() as unknown as { state: { tensorInfo: WeakMap<object, { backend?: tf.KernelBackend }> } };
  return engine.state.tensorInfo.get(tensor.dataId)?.backend;
}

/**
 * The tensors of `inputs` on the active backend: those living on another backend are copied
 * over through an asynchronous read (the copies are added to `owned`, for the caller to free);
 * the others are returned as they are.
 *
 * @example
 * ```ts
 * const local = await onActiveBackend(inputs, owned); // inside onTfjsBackend(...)
 * ```
 */
export async function onActiveBackend(inputs: tf.NamedTensorMap, owned: tf.Tensor[]): Promise<tf.NamedTensorMap> {
  const active = tf.backend();
  const out: tf.NamedTensorMap = {};
  for (const [name, tensor] of Object.entries(inputs)) {
    const home = residenceOf(tensor);
    if (home === undefined || home === active) {
      out[name] = tensor;
      continue;
    }
    const copy = tf.tensor(await tensor.data(), tensor.shape, tensor.dtype);
    owned.push(copy);
    out[name] = copy;
  }
  return out;
}
