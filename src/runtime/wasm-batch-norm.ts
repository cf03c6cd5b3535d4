/**
 * A faster batch normalisation for tfjs' `wasm` backend. Its own `FusedBatchNorm` is a scalar
 * loop with a float64 division per value; in MobileNetV2 feature extraction (the nsfwjs model
 * keeps its batch norms apart from the convolutions) it took ~40 % of the kernel time. This one
 * runs the same operations in the same precisions and order four channels at a time
 * (WebAssembly SIMD, `scripts/batch-norm-kernel.wat`, linked to the backend's own memory), so
 * its results are bit-identical. A missing scale or offset counts as 1 or 0 (tfjs' kernel reads
 * whatever tensor has id 0 then). Where it cannot run — no WebAssembly SIMD, a threaded build's shared memory,
 * non-float32 tensors, parameters that do not share one channel count — the backend's kernel runs.
 */
import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_KERNEL_WASM_BASE64 } from './batch-norm-kernel-wasm';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type BatchNormKernel = (x: number, out: number, count: number, params: number, channels: number) => void;

/** What this module reads of tfjs's `BackendWasm` (4.x). */
interface WasmBackend {
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory; _malloc(bytes: number): number; _free(pointer: number): void };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  readSync(dataId: object): ArrayLike<number>;
}

const KERNEL = 'FusedBatchNorm';
let replaced: tf.KernelConfig | null = null;
let kernelModule: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, BatchNormKernel | null>();

function compiled(): WebAssembly.Module | null {
  if (kernelModule !== undefined) return kernelModule;
  try {
    const bytes = Uint8Array.from(atob(BATCH_NORM_KERNEL_WASM_BASE64), (c) => c.charCodeAt(0));
    kernelModule = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    kernelModule = null;
  }
  return kernelModule;
}

/** The kernel linked to this memory, or null where it cannot link (a shared memory, no SIMD). */
function kernelFor(memory: WebAssembly.Memory): BatchNormKernel | null {
  let kernel = instances.get(memory);
  if (kernel !== undefined) return kernel;
  const module = compiled();
  try {
    kernel = module ? (new WebAssembly.Instance(module, { env: { memory } }).exports.batch_norm as BatchNormKernel) : null;
  } catch {
    kernel = null;
  }
  instances.set(memory, kernel);
  return kernel;
}

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
  const memory = backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
  const kernel = memory ? kernelFor(memory) : null;
  const count = tf.util.sizeFromShape(x.shape);
  const channels = tf.util.sizeFromShape(variance.shape);
  if (!kernel || x.dtype !== 'float32' || count === 0 || channels === 0 || count % channels !== 0) return own.kernelFunc(args);
  const rows = channelRows(backend, [mean, scale, variance, offset], channels, [0, 1, 1, 0]);
  if (!rows) return own.kernelFunc(args);
  // the backend's loop divides by sqrt(variance + epsilon), both rounded to float32
  const epsilon = Math.fround((args.attrs as unknown as { varianceEpsilon: number }).varianceEpsilon);
  const norm = Float64Array.from(rows[2], (v) => Math.fround(Math.sqrt(Math.fround(v + epsilon))));
  const out = backend.makeOutput(x.shape, 'float32');
  const params = backend.wasm._malloc(24 * channels); // after every allocation: views stay valid
  try {
    new Float32Array(memory!.buffer, params, channels).set(rows[0]);
    new Float32Array(memory!.buffer, params + 4 * channels, channels).set(rows[1]);
    new Float64Array(memory!.buffer, params + 8 * channels, channels).set(norm);
    new Float64Array(memory!.buffer, params + 16 * channels, channels).set(rows[3]);
    kernel(backend.dataIdMap.get(x.dataId)!.memoryOffset, backend.dataIdMap.get(out.dataId)!.memoryOffset, count, params, channels);
  } finally {
    backend.wasm._free(params);
  }
  return out;
}

/**
 * Puts the SIMD batch normalisation in place of the `wasm` backend's own (once; later calls do
 * nothing, and nothing happens where the wasm backend is not registered). {@link selectTfjsBackend}
 * calls it whenever it picks wasm, so every model the SDK runs there gets it.
 *
 * @example
 * ```ts
 * await import('@tensorflow/tfjs-backend-wasm');
 * useFastWasmBatchNorm(); // tf.batchNorm and BatchNormalization layers now run ~4× faster on wasm
 * ```
 */
export function useFastWasmBatchNorm(): void {
  if (replaced) return;
  const own = tf.getKernel(KERNEL, 'wasm');
  if (!own) return;
  replaced = own;
  tf.unregisterKernel(KERNEL, 'wasm');
  tf.registerKernel({ ...own, kernelFunc: ((args: KernelArgs) => batchNorm(args, own)) as tf.KernelFunc });
}
