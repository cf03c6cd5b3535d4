/**
 * A faster batch normalisation for tfjs' `wasm` backend. Its own `FusedBatchNorm` is a scalar
 * loop with a float64 division per value; in MobileNetV2 feature extraction (the nsfwjs model
 * keeps its batch norms apart from the convolutions) it took ~40 % of the kernel time. This one
 * runs the same operations in the same precisions and order four channels at a time
 * (WebAssembly SIMD, `batch_norm` in `scripts/backend-kernels.wat`), so
 * its results are bit-identical. A missing scale or offset counts as 1 or 0 (tfjs' kernel reads
 * whatever tensor has id 0 then). Where it cannot run — no WebAssembly SIMD,
 * non-float32 tensors, parameters that do not share one channel count — the backend's kernel runs.
 */
import * as tf from '@tensorflow/tfjs';
import { type KernelArgs, type WasmBackend, linkedKernels, replaceWasmKernel } from './wasm-kernel-link';

/** Each parameter's values repeated to `channels` (sizes 1 or `channels`), or null where they do not fit. */
function channelRows(backend: WasmBackend, params: readonly (tf.TensorInfo | undefined)[], channels: number, defaults: readonly number[]): Float32Array[] | null {
  const rows: Float32Array[] = [];
  for (const [i, param] of params.entries()) {
    const row = new Float32Array(channels);
    if (!param) row.fill(defaults[i]);
    else {
      const size = tf.util.sizeFromShape(param.shape);
      if (param.dtype !== 'float32' || (size !== channels && size !== 1)) return null;
      const values = backend.readSync(param.dataId);
      if (size === 1) row.fill(values[0]);
      else row.set(values);
    }
    rows.push(row);
  }
  return rows;
}

function batchNorm(args: KernelArgs, own: tf.KernelConfig): tf.TensorInfo | tf.TensorInfo[] {
  const { x, mean, variance, offset, scale } = args.inputs as { x: tf.TensorInfo; mean: tf.TensorInfo; variance: tf.TensorInfo; offset?: tf.TensorInfo; scale?: tf.TensorInfo };
  const backend = args.backend as unknown as WasmBackend;
  const kernels = linkedKernels(backend);
  const count = tf.util.sizeFromShape(x.shape);
  const channels = tf.util.sizeFromShape(variance.shape);
  if (!kernels || x.dtype !== 'float32' || count === 0 || channels === 0 || count % channels !== 0) return own.kernelFunc(args);
  const rows = channelRows(backend, [mean, scale, variance, offset], channels, [0, 1, 1, 0]);
  if (!rows) return own.kernelFunc(args);
  // the backend's loop divides by sqrt(variance + epsilon), both rounded to float32
  const epsilon = Math.fround((args.attrs as unknown as { varianceEpsilon: number }).varianceEpsilon);
  const norm = Float64Array.from(rows[2], (v) => Math.fround(Math.sqrt(Math.fround(v + epsilon))));
  const out = backend.makeOutput(x.shape, 'float32');
  const params = backend.wasm._malloc(24 * channels) >>> 0; // after every allocation: views stay valid; unsigned: past 2 GiB _malloc gives a negative int
  try {
    new Float32Array(kernels.memory.buffer, params, channels).set(rows[0]);
    new Float32Array(kernels.memory.buffer, params + 4 * channels, channels).set(rows[1]);
    new Float64Array(kernels.memory.buffer, params + 8 * channels, channels).set(norm);
    new Float64Array(kernels.memory.buffer, params + 16 * channels, channels).set(rows[3]);
    kernels.batchNorm(backend.dataIdMap.get(x.dataId)!.memoryOffset, backend.dataIdMap.get(out.dataId)!.memoryOffset, count, params, channels);
  } finally {
    backend.wasm._free(params);
  }
  return out;
}

/**
 * Puts the SIMD batch normalisation in front of the `wasm` backend's own `FusedBatchNorm`
 * (once). Called by {@link useFastWasmKernels}.
 *
 * @example
 * ```ts
 * useFastWasmBatchNorm(); // tf.batchNorm and BatchNormalization layers now run ~6× faster on wasm
 * ```
 */
export function useFastWasmBatchNorm(): void {
  replaceWasmKernel('FusedBatchNorm', batchNorm);
}
