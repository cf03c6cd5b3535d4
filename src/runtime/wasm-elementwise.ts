/**
 * Faster `Equal`, and `Add` / `Multiply` by a per-channel vector, for tfjs' `wasm` backend.
 * tfjs-wasm compares through a generic broadcasting loop with a function call per value
 * (CenterNet's peak test, `Equal` of two [1, 128, 128, 80] heatmaps: 7.5 ms), and its bias adds
 * and channel scalings of unfused graphs ([1, 128, 128, 16] + [16] in Selfie) run ~4× slower
 * than its same-shape adds. These run `equal` and `channel_op` of `scripts/backend-kernels.wat`
 * (WebAssembly SIMD, the same IEEE operations: equal results; float32 sums and products are
 * the same in either operand order). Other shapes and dtypes go to tfjs' kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { type KernelArgs, type WasmBackend, linkedKernels, operandPairing, replaceWasmKernel } from './wasm-kernel-link';

const ADD = 0;
const MULTIPLY = 1;

function equal(args: KernelArgs, own: tf.KernelConfig): tf.TensorInfo | tf.TensorInfo[] {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const backend = args.backend as unknown as WasmBackend;
  const kernels = linkedKernels(backend);
  const ints = a.dtype === 'int32' ? 1 : 0;
  if (!kernels || a.dtype !== b.dtype || (a.dtype !== 'float32' && a.dtype !== 'int32')) return own.kernelFunc(args);
  const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const count = tf.util.sizeFromShape(shape);
  const mode = operandPairing(tf.util.sizeFromShape(a.shape), tf.util.sizeFromShape(b.shape), count);
  if (mode < 0 || count === 0) return own.kernelFunc(args);
  const out = backend.makeOutput(shape, 'bool');
  const at = (t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  kernels.equal(at(a), at(b), at(out), count, mode, ints);
  return out;
}

/** The channel count when `vector` holds one value per channel of `full`'s last axis ([C] or [1, …, 1, C]) and the result has `full`'s shape; else 0. */
function channelsOf(full: tf.TensorInfo, vector: tf.TensorInfo): number {
  const channels = full.shape[full.shape.length - 1];
  const last = vector.shape[vector.shape.length - 1];
  if (full.shape.length === 0 || vector.shape.length === 0 || vector.shape.length > full.shape.length || last !== channels || channels < 2) return 0;
  return vector.shape.slice(0, -1).every((d) => d === 1) ? channels : 0;
}

function channelOp(args: KernelArgs, own: tf.KernelConfig, op: number): tf.TensorInfo | tf.TensorInfo[] {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return own.kernelFunc(args);
  // the full operand and the per-channel one, in either order (float32 + and · commute exactly)
  const [full, vector] = channelsOf(a, b) > 0 ? [a, b] : [b, a];
  const channels = channelsOf(full, vector);
  const count = tf.util.sizeFromShape(full.shape);
  const backend = args.backend as unknown as WasmBackend;
  const kernels = channels > 0 && count > 0 ? linkedKernels(backend) : null;
  if (!kernels) return own.kernelFunc(args);
  const out = backend.makeOutput([...full.shape], 'float32');
  const at = (t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  kernels.channelOp(at(full), at(vector), at(out), count, channels, op);
  return out;
}

/**
 * Puts the SIMD `Equal`, `Add` and `Multiply` in front of the `wasm` backend's own (once; each
 * takes only the cases above). Called by `useFastWasmKernels`.
 *
 * @example
 * ```ts
 * useFastWasmElementwise(); // tf.equal, bias adds and channel scalings: SIMD on wasm
 * ```
 */
export function useFastWasmElementwise(): void {
  replaceWasmKernel('Equal', equal);
  replaceWasmKernel('Add', (args, own) => channelOp(args, own, ADD));
  replaceWasmKernel('Multiply', (args, own) => channelOp(args, own, MULTIPLY));
}
