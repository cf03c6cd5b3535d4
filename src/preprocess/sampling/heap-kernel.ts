/**
 * Sampling inside tfjs-wasm's own memory: a 1.5 kB WebAssembly SIMD kernel
 * (`scripts/sample-kernel.wat`) imports the wasm backend's `WebAssembly.Memory` and blends a
 * frame tensor's pixels straight into the input tensor's memory, one output pixel per vector,
 * with its per-column and per-row tables malloc'ed beside them: nothing is copied. 8-bit frames
 * in JavaScript memory (raw RGB/RGBA buffers, ImageData, decoded files) have the rows a call
 * reads copied into that memory first, when the copy is small beside the samples made from it.
 * It computes what the JavaScript loop of `region-sample.ts` does, in float32 instead of double
 * (values agree to float rounding; int32 inputs may differ by one on .5 ties). The JavaScript
 * loop stays the fallback: other backends, threaded wasm builds (shared memory), no
 * WebAssembly SIMD. The module's `affine` export (rotated crops) is driven by `heap-affine.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import { type WasmBackend, backendMemory } from '../../runtime/wasm-kernel-link';
import type { OpenFrame } from './open-frame';
import { type OutputLayout, type SampleTarget, fillPad, outputLayout, sampleSize } from './sample-output';
import { HEADER_BYTES, kernelTablesBytes, rowsRead, writeKernelTables } from './kernel-tables';
import { SAMPLE_KERNEL_WASM_BASE64 } from './sample-kernel-wasm';
import type { SamplePlan } from './sample-plan';

/** The `affine` export of the kernel module (see scripts/sample-kernel.wat). @example `const { affine } = heapKernels(frame)!;` */
export type AffineKernel = (
  src: number, header: number, segs: number, nsegs: number, out: number,
  a: number, b: number, c: number, d: number, e: number, f: number,
  rowBytes: number, pixBytes: number, pixel: number, s0: number, s1: number, s2: number, flags: number,
) => void;

type SampleKernel = (
  src: number, header: number, cols: number, ncols: number, rows: number, nrows: number,
  out: number, right: number, down: number, pixel: number, s0: number, s1: number, s2: number, flags: number, row: number,
) => void;

/** What this module reads of tfjs's `BackendWasm` (4.x): the SDK's wasm-kernel view of it. @example `backend.wasm._malloc(64)` */
export type WasmBackendInternals = WasmBackend;

const FLOAT_FRAME = 1;
const UINT8_FRAME = 2;
const ROUND = 4;
const TRUNCATE = 8;
const VECTOR_STORE = 16;

let enabled = true;
let kernelModule: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, { sample: SampleKernel; affine: AffineKernel } | null>();
/**
 * The rows of an 8-bit frame in JavaScript memory that a call reads are copied into the wasm
 * memory for the kernel when they hold at most this many bytes per output sample of the call.
 * Measured (2 cores, Node 20, whole frames copied): copy and kernel break even with the
 * JavaScript loop at ~150–225 bytes a sample (1080p RGBA → 192²); at 127 (1080p RGBA → 256²)
 * they take 0.54 ms against 0.73, at 14 (640×480 RGB → 256²) 0.27 against 0.71.
 */
const COPY_BYTES_PER_SAMPLE = 128;

/**
 * Turns the SIMD kernel on or off for the whole process (on by default); off, every frame
 * takes the JavaScript loop. For tests and measurements.
 *
 * @example
 * ```ts
 * setSimdSampling(false); // compare with the JavaScript loop
 * ```
 */
export function setSimdSampling(on: boolean): void {
  enabled = on;
}

/** The compiled kernel, or null where WebAssembly SIMD is missing (compiled once). */
function simdModule(): WebAssembly.Module | null {
  if (kernelModule !== undefined) return kernelModule;
  try {
    const bytes = Uint8Array.from(atob(SAMPLE_KERNEL_WASM_BASE64), (c) => c.charCodeAt(0));
    kernelModule = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    kernelModule = null;
  }
  return kernelModule;
}

/** The kernels linked to this memory, or null when they cannot link (a shared memory). */
function kernelFor(memory: WebAssembly.Memory): { sample: SampleKernel; affine: AffineKernel } | null {
  let kernels = instances.get(memory);
  if (kernels !== undefined) return kernels;
  const module = simdModule();
  try {
    const exports = module ? new WebAssembly.Instance(module, { env: { memory } }).exports : undefined;
    kernels = exports ? { sample: exports.sample as SampleKernel, affine: exports.affine as AffineKernel } : null;
  } catch {
    kernels = null;
  }
  instances.set(memory, kernels);
  return kernels;
}

function wasmBackend(): WasmBackendInternals | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as Partial<WasmBackendInternals>;
  const wasm = backend.wasm;
  if (!wasm || !backend.dataIdMap || typeof wasm._malloc !== 'function' || typeof wasm._free !== 'function' || typeof backend.makeOutput !== 'function') return undefined;
  return backend as WasmBackendInternals;
}

/**
 * The kernels' vector-store flag where the output is RGB in NHWC order (a pixel's vector may be
 * stored whole: its fourth lane lands on the next pixel, which is written after it), else 0.
 *
 * @example
 * ```ts
 * const flags = frameFlag | vectorStoreFlag(outputLayout(target));
 * ```
 */
export function vectorStoreFlag(layout: OutputLayout): number {
  const [s0, s1, s2] = layout.slots;
  return layout.pixelStride === 3 && s0 === 0 && s1 === 1 && s2 === 2 ? VECTOR_STORE : 0;
}

function kernelFlags(frameFlag: number, target: SampleTarget, layout: OutputLayout): number {
  let flags = frameFlag | vectorStoreFlag(layout);
  if (target.dtype === 'int32') flags |= target.rounding === 'round' ? ROUND : TRUNCATE;
  return flags;
}

/** Whether the pad, normalised, is stored alike by `fillPad` and by rounding (int32 targets that round). */
function padStoresExactly(plan: SamplePlan, layout: OutputLayout, target: SampleTarget): boolean {
  if (target.dtype !== 'int32' || target.rounding !== 'round') return true;
  return [0, 1, 2].every((c) => Number.isInteger(plan.pad * layout.gains[c] + layout.offsets[c]));
}

/**
 * The backend, its memory and the kernels linked to it, where they can sample frames of this
 * kind (an int32 / float32 tensor or pixels in memory, 3 or 4 channels, on the wasm backend).
 *
 * @example
 * ```ts
 * const found = heapKernels(frame);
 * ```
 */
export function heapKernels(frame: OpenFrame): { backend: WasmBackendInternals; memory: WebAssembly.Memory; sample: SampleKernel; affine: AffineKernel } | undefined {
  const tensor = frame.tensor;
  const kind = tensor ? tensor.dtype === 'int32' || tensor.dtype === 'float32' : frame.pixels !== undefined;
  const backend = enabled && kind && (frame.channels === 3 || frame.channels === 4) ? wasmBackend() : undefined;
  const memory = backend && backendMemory(backend);
  const kernels = memory ? kernelFor(memory) : null;
  return backend && memory && kernels ? { backend, memory, ...kernels } : undefined;
}

/**
 * Where the kernels read the frame: a tensor's values where tfjs keeps them, or the rows of an
 * 8-bit frame to copy into the memory (`copy`, starting `skipped` bytes into the frame; `flag`:
 * the kernels' frame-type flag).
 *
 * @example
 * ```ts
 * const source = frameSource(frame, backend, memory, 192 * 192, [0, frame.height - 1]);
 * ```
 */
export type FrameSource = { at: number; copy?: undefined; skipped: 0; valueBytes: 4; flag: number } | { at?: undefined; copy: Uint8Array | Uint8ClampedArray; skipped: number; valueBytes: 1; flag: number };

/**
 * The {@link FrameSource} of a frame for a call that makes `samples` output pixels from frame
 * rows `rows[0]`…`rows[1]`, or undefined (a tensor not in the memory, or 8-bit rows not worth
 * copying for so few samples). Only the rows read are copied; the kernels' byte offsets, which
 * count from the frame's start, still land on them (the source pointer is moved back by the
 * rows skipped).
 *
 * @example
 * ```ts
 * const source = frameSource(frame, backend, memory, 224 * 224, [120, 380]);
 * ```
 */
export function frameSource(frame: OpenFrame, backend: WasmBackendInternals, memory: WebAssembly.Memory, samples: number, rows: readonly [number, number]): FrameSource | undefined {
  const tensor = frame.tensor;
  if (tensor) {
    const at = backend.dataIdMap.get(tensor.dataId)?.memoryOffset;
    // a vector load at the last pixel reads up to 12 bytes past the frame: it must stay in memory
    if (at === undefined || at + 4 * tensor.size + 16 > memory.buffer.byteLength) return undefined;
    return { at, skipped: 0, valueBytes: 4, flag: tensor.dtype === 'float32' ? FLOAT_FRAME : 0 };
  }
  const pixels = frame.pixels?.();
  const eightBit = pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray;
  const rowBytes = frame.width * frame.channels;
  if (!eightBit || pixels.length !== rowBytes * frame.height) return undefined;
  const first = Math.min(Math.max(rows[0], 0), frame.height - 1);
  const last = Math.min(Math.max(rows[1], first), frame.height - 1);
  const copy = pixels.subarray(first * rowBytes, (last + 1) * rowBytes);
  return copy.length <= COPY_BYTES_PER_SAMPLE * samples ? { copy, skipped: first * rowBytes, valueBytes: 1, flag: UINT8_FRAME } : undefined;
}

/**
 * Whether {@link sampleInHeap} can take this kind of frame: an int32 / float32 RGB or RGBA
 * tensor, or RGB / RGBA pixels in memory, on the wasm backend, WebAssembly SIMD available, the
 * kernel not turned off. (8-bit pixels much larger than the samples asked of them still go to
 * the JavaScript loop.)
 *
 * @example
 * ```ts
 * if (canSampleInHeap(frame)) input = sampleFrame(frame, plan, target);
 * ```
 */
export function canSampleInHeap(frame: OpenFrame): boolean {
  return heapKernels(frame) !== undefined;
}

/**
 * Samples a plan out of a frame with the SIMD kernel — a tensor in tfjs-wasm's memory, or 8-bit
 * pixels copied there — into a new input tensor the caller owns (`[1, h, w, 3]` or NCHW);
 * `undefined` when the kernel cannot take it (not the wasm backend, not an int32 / float32
 * tensor or 8-bit pixels with 3 or 4 channels, pixels much larger than the sample, no
 * WebAssembly SIMD, kernel turned off), and the JavaScript loop samples it instead.
 *
 * @example
 * ```ts
 * const input = sampleInHeap(frame, fitPlan(frame.width, frame.height, spec).plan, target) ?? sampleWithJavaScript();
 * ```
 */
export function sampleInHeap(frame: OpenFrame, plan: SamplePlan, target: SampleTarget): tf.Tensor4D | undefined {
  return sampleBatchInHeap(frame, [plan], target);
}

/**
 * {@link sampleInHeap} for several plans at once: one `[plans.length, h, w, 3]` (or NCHW) batch
 * tensor, sample k from plan k, written in place by the kernel.
 *
 * @example
 * ```ts
 * const crops = sampleBatchInHeap(frame, regions.map((r) => regionPlan(r, frame.width, frame.height, 192, 192)), target);
 * ```
 */
export function sampleBatchInHeap(frame: OpenFrame, plans: readonly SamplePlan[], target: SampleTarget): tf.Tensor4D | undefined {
  const found = heapKernels(frame);
  const layout = outputLayout(target);
  if (!found || plans.length === 0 || !plans.every((plan) => padStoresExactly(plan, layout, target))) return undefined;
  const { backend, memory, sample: kernel } = found;
  const source = frameSource(frame, backend, memory, plans.length * target.width * target.height, rowsRead(plans, frame));
  if (!source) return undefined;
  const shape: [number, number, number, number] = target.layout === 'nchw' ? [plans.length, 3, target.height, target.width] : [plans.length, target.height, target.width, 3];
  // allocations first (any may grow the memory and detach views), then the views
  const scratchAt = Math.ceil(kernelTablesBytes(layout) / 16) * 16;
  const pointer = backend.wasm._malloc(scratchAt + 16 * layout.width) >>> 0; // unsigned: past 2 GiB _malloc gives a negative int
  if (pointer === 0) return undefined;
  // an 8-bit frame's copy, with room for the vector load past its last pixel
  const copyAt = source.copy ? backend.wasm._malloc(source.copy.length + 16) >>> 0 : 0;
  let input: tf.Tensor4D | undefined;
  try {
    if (source.copy && copyAt === 0) return undefined;
    // uncleared memory: the kernel writes every sample inside the frame, fillPad every other one
    input = tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, target.dtype)) as tf.Tensor4D;
    const output = backend.dataIdMap.get(input.dataId)!.memoryOffset;
    if (source.copy) new Uint8Array(memory.buffer, copyAt, source.copy.length).set(source.copy);
    // offsets count from the frame's start: the copy begins `skipped` bytes into it (i32 arithmetic wraps)
    const from = source.copy ? (copyAt - source.skipped) | 0 : source.at;
    const size = sampleSize(target);
    const [s0, s1, s2] = layout.slots;
    const flags = kernelFlags(source.flag, target, layout);
    const bytes = source.valueBytes;
    const right = frame.width > 1 ? frame.channels * bytes : 0;
    const down = frame.height > 1 ? frame.width * frame.channels * bytes : 0;
    const ints = new Int32Array(memory.buffer, pointer, scratchAt / 4);
    const floats = new Float32Array(memory.buffer, pointer, scratchAt / 4);
    const tablesAt = pointer + HEADER_BYTES;
    for (let k = 0; k < plans.length; k++) {
      const at = output + 4 * size * k;
      const { ncols, nrows } = writeKernelTables(ints, floats, plans[k], frame, layout, bytes);
      fillPad(target.dtype === 'int32' ? new Int32Array(memory.buffer, at, size) : new Float32Array(memory.buffer, at, size), plans[k], layout, false);
      kernel(from, pointer, tablesAt, ncols, tablesAt + ncols * 8, nrows, at, right, down, layout.pixelStride * 4, s0 * 4, s1 * 4, s2 * 4, flags, pointer + scratchAt);
    }
    return input;
  } catch (error) {
    input?.dispose();
    throw error;
  } finally {
    backend.wasm._free(pointer);
    if (copyAt !== 0) backend.wasm._free(copyAt);
  }
}
