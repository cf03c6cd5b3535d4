/**
 * The SDK's kernels for tfjs' `wasm` backend (`scripts/backend-kernels.wat`, WebAssembly SIMD),
 * linked to the backend's own memory so they read and write its tensors in place — a plain
 * memory, or a threaded build's shared one (a second build of the module imports that) — and
 * the registry swap that puts one of them in front of tfjs' own kernel. Where they cannot link
 * (no WebAssembly SIMD), tfjs' kernel runs.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKEND_KERNELS_SHARED_WASM_BASE64, BACKEND_KERNELS_WASM_BASE64 } from './backend-kernels-wasm';

/** The kernel arguments tfjs passes a kernel function. @example `(args: KernelArgs) => args.inputs.x` */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The exports of `scripts/backend-kernels.wat` (byte offsets into the backend's memory). @example `kernels.minMax(a, b, out, n, 1, 1)` */
export interface BackendKernels {
  memory: WebAssembly.Memory;
  batchNorm(x: number, out: number, count: number, params: number, channels: number): void;
  minMax(a: number, b: number, out: number, count: number, mode: number, op: number): void;
  equal(a: number, b: number, out: number, count: number, mode: number, ints: number): void;
  channelOp(a: number, b: number, out: number, count: number, channels: number, op: number): void;
  meanMiddle(x: number, out: number, outer: number, reduce: number, inner: number): void;
}

/** What the SDK's kernels read of tfjs's `BackendWasm` (4.x). @example `backend.dataIdMap.get(x.dataId)!.memoryOffset` */
export interface WasmBackend {
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory; _malloc(bytes: number): number; _free(pointer: number): void };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  readSync(dataId: object): ArrayLike<number>;
}

const kernelModules = new Map<boolean, WebAssembly.Module | null>();
const instances = new WeakMap<WebAssembly.Memory, BackendKernels | null>();
const replaced = new Map<string, tf.KernelConfig>();

/** The compiled module for a plain or a shared memory, or null where WebAssembly SIMD is missing (compiled once each). */
function compiled(shared: boolean): WebAssembly.Module | null {
  let module = kernelModules.get(shared);
  if (module !== undefined) return module;
  try {
    const bytes = Uint8Array.from(atob(shared ? BACKEND_KERNELS_SHARED_WASM_BASE64 : BACKEND_KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    module = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    module = null;
  }
  kernelModules.set(shared, module);
  return module;
}

/**
 * The backend's own memory (where its tensors live), if it can be reached.
 *
 * @example
 * ```ts
 * const heap = new Int32Array(backendMemory(backend)!.buffer);
 * ```
 */
export function backendMemory(backend: WasmBackend): WebAssembly.Memory | undefined {
  return backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
}

/**
 * The kernels linked to this backend's memory, or null where they cannot link (no SIMD).
 *
 * @example
 * ```ts
 * const kernels = linkedKernels(args.backend as unknown as WasmBackend);
 * if (!kernels) return own.kernelFunc(args);
 * ```
 */
export function linkedKernels(backend: WasmBackend): BackendKernels | null {
  const memory = backendMemory(backend);
  if (!memory) return null;
  let kernels = instances.get(memory);
  if (kernels !== undefined) return kernels;
  const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  const module = compiled(shared);
  try {
    const exports = module ? new WebAssembly.Instance(module, { env: { memory } }).exports : undefined;
    kernels = exports
      ? {
          memory,
          batchNorm: exports.batch_norm as BackendKernels['batchNorm'],
          minMax: exports.min_max as BackendKernels['minMax'],
          equal: exports.equal as BackendKernels['equal'],
          channelOp: exports.channel_op as BackendKernels['channelOp'],
          meanMiddle: exports.mean_middle as BackendKernels['meanMiddle'],
        }
      : null;
  } catch {
    kernels = null;
  }
  instances.set(memory, kernels);
  return kernels;
}

/**
 * How two operands of a binary kernel pair up over `count` output values: 0 value by value (the
 * same number of values), 1 `b` one value, 2 `a` one value; -1 any other broadcast.
 *
 * @example
 * ```ts
 * operandPairing(12, 1, 12); // 1
 * ```
 */
export function operandPairing(aSize: number, bSize: number, count: number): number {
  if (aSize === count && bSize === count) return 0;
  if (aSize === count && bSize === 1) return 1;
  if (bSize === count && aSize === 1) return 2;
  return -1;
}

/**
 * Registers `kernelFunc` for `name` on the wasm backend in front of tfjs' own kernel, which it
 * receives to fall back on (once per name; nothing happens where the wasm backend is not registered).
 *
 * @example
 * ```ts
 * replaceWasmKernel('Maximum', (args, own) => own.kernelFunc(args));
 * ```
 */
export function replaceWasmKernel(name: string, kernelFunc: (args: KernelArgs, own: tf.KernelConfig) => tf.TensorInfo | tf.TensorInfo[]): void {
  if (replaced.has(name)) return;
  const own = tf.getKernel(name, 'wasm');
  if (!own) return;
  replaced.set(name, own);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...own, kernelFunc: ((args: KernelArgs) => kernelFunc(args, own)) as tf.KernelFunc });
}

/**
 * tfjs' own wasm kernel that {@link replaceWasmKernel} put the SDK's in front of (undefined
 * before that): for measurements against it.
 *
 * @example
 * ```ts
 * const own = replacedWasmKernel('Maximum'); // register it again to time tfjs' kernel
 * ```
 */
export function replacedWasmKernel(name: string): tf.KernelConfig | undefined {
  return replaced.get(name);
}

/**
 * Which of tfjs-wasm's kernels the SDK has put its own in front of, and whether its SIMD module
 * links to the current wasm backend's memory (null when wasm is not the current backend): where
 * it does not, the SIMD kernels hand every call to tfjs' (the slices run either way).
 *
 * @example
 * ```ts
 * wasmKernelStatus(); // { replaced: ['FusedBatchNorm', 'Maximum', …], simd: true, sharedMemory: false }
 * ```
 */
export function wasmKernelStatus(): { replaced: string[]; simd: boolean | null; sharedMemory: boolean | null } {
  const backend = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as WasmBackend) : undefined;
  const memory = backend ? backendMemory(backend) : undefined;
  return {
    replaced: [...replaced.keys()],
    simd: backend ? linkedKernels(backend) !== null : null,
    sharedMemory: memory ? typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer : null,
  };
}
