/**
 * Faster `Maximum` and `Minimum` for tfjs' `wasm` backend. Its own run a generic broadcasting
 * loop that calls the comparison through a function pointer per value; FaceRes (the
 * face-embedding model) clamps its activations with 27 of each, and they were 45 % of its kernel
 * time. These run `min_max` of `scripts/backend-kernels.wat` (WebAssembly SIMD pmax / pmin,
 * which are std::max / std::min exactly, NaN and signed zeros included) where both tensors are
 * float32 and one is a single value or both have the same number of values; other broadcasts
 * and dtypes go to tfjs' kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { type KernelArgs, type WasmBackend, linkedKernels, operandPairing, replaceWasmKernel } from './wasm-kernel-link';

const MAXIMUM = 1;
const MINIMUM = 0;

function minMax(args: KernelArgs, own: tf.KernelConfig, op: number): tf.TensorInfo | tf.TensorInfo[] {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const backend = args.backend as unknown as WasmBackend;
  const kernels = linkedKernels(backend);
  const aSize = tf.util.sizeFromShape(a.shape);
  const bSize = tf.util.sizeFromShape(b.shape);
  if (!kernels || a.dtype !== 'float32' || b.dtype !== 'float32' || aSize === 0 || bSize === 0) return own.kernelFunc(args);
  // the same values pairwise (shapes equal up to size-1 axes), or one value against all
  const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const count = tf.util.sizeFromShape(shape);
  const mode = operandPairing(aSize, bSize, count);
  if (mode < 0) return own.kernelFunc(args);
  const out = backend.makeOutput(shape, 'float32');
  const at = (t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  kernels.minMax(at(a), at(b), at(out), count, mode, op);
  return out;
}

/**
 * Puts the SIMD `Maximum` and `Minimum` in front of the `wasm` backend's own (once). Called by
 * {@link useFastWasmKernels}.
 *
 * @example
 * ```ts
 * useFastWasmMinMax(); // tf.maximum / tf.minimum with a scalar or a same-size tensor: SIMD on wasm
 * ```
 */
export function useFastWasmMinMax(): void {
  replaceWasmKernel('Maximum', (args, own) => minMax(args, own, MAXIMUM));
  replaceWasmKernel('Minimum', (args, own) => minMax(args, own, MINIMUM));
}
