/// <reference types="@webgpu/types" />
/**
 * One GPU helper object per `GPUDevice` (samplers, filters, assemblers keep pipelines and
 * buffer pools that belong to one device), the device of tfjs's active WebGPU backend, and a
 * tensor's GPU buffer there.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';

/**
 * The `GPUDevice` of the active tfjs backend, or `undefined` when it is not `webgpu`.
 *
 * @example
 * ```ts
 * const device = tfjsWebgpuDevice(); // GPUDevice on webgpu, undefined on wasm/webgl/cpu
 * ```
 */
export function tfjsWebgpuDevice(): GPUDevice | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  return (tf.backend() as unknown as { device?: GPUDevice }).device;
}

/**
 * The object `cache` holds for `device`, made by `make` on first use; `undefined` without a device.
 *
 * @example
 * ```ts
 * const filters = new WeakMap<GPUDevice, GpuRowFilter>();
 * const filter = perDevice(filters, tfjsWebgpuDevice(), (d) => new GpuRowFilter(d));
 * ```
 */
export function perDevice<T>(cache: WeakMap<GPUDevice, T>, device: GPUDevice | undefined, make: (device: GPUDevice) => T): T | undefined {
  if (!device) return undefined;
  let made = cache.get(device);
  if (made === undefined) {
    made = make(device);
    cache.set(device, made);
  }
  return made;
}

/**
 * The tensor's data in a GPU buffer of the WebGPU backend, or `BACKEND_UNAVAILABLE` (data on
 * the CPU, another backend); `what` names the tensor in the message.
 *
 * @example
 * ```ts
 * const gpuData = gpuDataOf(output, 'output tensor'); // gpuData.buffer; then tf.dispose(gpuData.tensorRef)
 * ```
 */
export function gpuDataOf(tensor: tf.Tensor, what: string): tf.GPUData {
  try {
    return tensor.dataToGPU();
  } catch (error) {
    throw new VisionError('BACKEND_UNAVAILABLE', `the ${what}'s data is not on the GPU: ${(error as Error).message}`, { cause: error });
  }
}
