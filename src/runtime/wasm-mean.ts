/**
 * A faster `Mean` over the middle axes (NHWC spatial means) for tfjs' `wasm` backend. tfjs-wasm
 * transposes the reduced axes to the end first (a full copy of the input) and then sums each
 * output's values in order; CenterNet's [1, 128, 128, 128] spatial mean took 4 ms. This one sums
 * straight through the input, four channels a step, each output's values in the same order in
 * float32 and divided by float32(count) as tfjs' loop does, so the results are bit-identical.
 * Means over the innermost axes (no transpose), over axes that are not one block in increasing
 * order (tfjs sums in the order the axes are given), and of other dtypes go to tfjs' kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { type KernelArgs, type WasmBackend, linkedKernels, replaceWasmKernel } from './wasm-kernel-link';

function mean(args: KernelArgs, own: tf.KernelConfig): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const backend = args.backend as unknown as WasmBackend;
  const kernels = x.dtype === 'float32' ? linkedKernels(backend) : null;
  if (!kernels) return own.kernelFunc(args);
  const shape = x.shape;
  const axes = tf.util.parseAxisParam(axis, shape);
  const first = axes[0];
  const last = axes[axes.length - 1];
  // one block of axes in increasing order (tfjs sums in the order the axes are given) with at least one axis after it
  const block = axes.length > 0 && axes.every((a, i) => a === first + i);
  if (!block || last >= shape.length - 1 || tf.util.sizeFromShape(shape) === 0) return own.kernelFunc(args);
  const outer = tf.util.sizeFromShape(shape.slice(0, first));
  const reduce = tf.util.sizeFromShape(shape.slice(first, last + 1));
  const inner = tf.util.sizeFromShape(shape.slice(last + 1));
  const outShape = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  const out = backend.makeOutput(outShape, 'float32');
  const at = (t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  kernels.meanMiddle(at(x), at(out), outer, reduce, inner);
  return out;
}

/**
 * Puts the middle-axes `Mean` in front of the `wasm` backend's own (once). Called by
 * `useFastWasmKernels`.
 *
 * @example
 * ```ts
 * useFastWasmMean(); // tf.mean(x, [1, 2]) of NHWC feature maps: no transpose on wasm
 * ```
 */
export function useFastWasmMean(): void {
  replaceWasmKernel('Mean', mean);
}
