/**
 * Reading tensors in place: where the tfjs backend keeps a tensor's values in CPU memory (the
 * wasm heap, the cpu backend's arrays), samplers read and write them without a copy.
 */
import * as tf from '@tensorflow/tfjs';

/** Pixel values, interleaved channels, row after row. @example `const pixels: Pixels = new Uint8Array(4 * 4 * 3);` */
export type Pixels = ArrayLike<number>;

interface WasmBackendLike {
  typedArrayFromHeap(info: { shape: number[]; dtype: string; dataId: object }): Pixels;
}

/**
 * A zero-copy view of a tensor's values where the backend keeps them in CPU memory (wasm: its
 * heap; cpu: its arrays); `undefined` on GPU backends and for other dtypes.
 *
 * @example
 * ```ts
 * const view = heapPixels(frameTensor)?.();
 * ```
 */
export function heapPixels(tensor: tf.Tensor): (() => Pixels) | undefined {
  if (tensor.dtype !== 'int32' && tensor.dtype !== 'float32') return undefined;
  const name = tf.getBackend();
  if (name === 'wasm') {
    const backend = tf.backend() as unknown as Partial<WasmBackendLike>;
    if (typeof backend.typedArrayFromHeap !== 'function') return undefined;
    return () => (backend as WasmBackendLike).typedArrayFromHeap({ shape: tensor.shape, dtype: tensor.dtype, dataId: tensor.dataId });
  }
  if (name === 'cpu') return () => tensor.dataSync();
  return undefined;
}

