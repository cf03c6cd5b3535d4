/**
 * Faster `Slice`, `Unpack`, `SplitV` and simple `StridedSlice` for tfjs' `wasm` backend. Its
 * own slice is a JavaScript kernel that first copies the whole input out of the wasm memory
 * (`readSync`, a fresh buffer) and then copies each row through a new `subarray`: unstacking
 * HandTrack's [1, 512, 720, 3] input took 14 ms, and slicing its [1, 12804, 8] anchors 5 ms.
 * These copy inside the backend's memory: a contiguous slice in one `copyWithin`, other slices
 * row by row (short rows value by value). They move the same bits (4-byte values copied as
 * integers), give the same shapes, and leave strings and complex numbers to tfjs' kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { type KernelArgs, type WasmBackend, backendMemory, replaceWasmKernel } from './wasm-kernel-link';

/** Rows at least this long are copied with `copyWithin`; shorter ones value by value. */
const COPY_WITHIN_ROW = 32;

/** Bytes per value of the dtypes copied here (others go to tfjs' kernels). */
function valueBytes(dtype: tf.DataType): number {
  return dtype === 'float32' || dtype === 'int32' ? 4 : dtype === 'bool' ? 1 : 0;
}

/** A view of the whole memory in units of one value. */
function heapView(memory: WebAssembly.Memory, bytes: number): Int32Array | Uint8Array {
  return bytes === 4 ? new Int32Array(memory.buffer) : new Uint8Array(memory.buffer);
}

/** Copies `count` values inside `heap` (element indices): long runs by `copyWithin`, short ones value by value. */
function copyValues(heap: Int32Array | Uint8Array, to: number, from: number, count: number): void {
  if (count >= COPY_WITHIN_ROW) heap.copyWithin(to, from, from + count);
  else for (let k = 0; k < count; k++) heap[to + k] = heap[from + k];
}

/** The slice of `x` at `begin` / `size` (as `tf.slice` takes them) as a new tensor in the backend's memory. */
function sliceInHeap(backend: WasmBackend, memory: WebAssembly.Memory, x: tf.TensorInfo, begin: number | number[], size?: number | number[]): tf.TensorInfo {
  const [start, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  const out = backend.makeOutput(extent, x.dtype); // may grow the memory: views after it
  const count = tf.util.sizeFromShape(extent);
  if (count === 0) return out;
  const bytes = valueBytes(x.dtype);
  const heap = heapView(memory, bytes);
  const xAt = backend.dataIdMap.get(x.dataId)!.memoryOffset / bytes;
  const outAt = backend.dataIdMap.get(out.dataId)!.memoryOffset / bytes;
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, start, extent)) {
    const from = xAt + tf.slice_util.computeFlatOffset(start, strides);
    heap.copyWithin(outAt, from, from + count);
    return out;
  }
  const rank = x.shape.length;
  const row = extent[rank - 1];
  const index = new Array<number>(rank - 1).fill(0); // position among the rows (all axes but the last)
  let from = xAt + tf.slice_util.computeFlatOffset(start, strides);
  for (let to = outAt, end = outAt + count; to < end; to += row) {
    copyValues(heap, to, from, row);
    // the next row: step the last axis but one, carrying into the axes before it
    for (let axis = rank - 2; axis >= 0; axis--) {
      from += strides[axis];
      if (++index[axis] < extent[axis]) break;
      from -= strides[axis] * extent[axis];
      index[axis] = 0;
    }
  }
  return out;
}

/** The backend and its memory where this tensor's values can be copied here, else null. */
function copyable(args: KernelArgs, x: tf.TensorInfo): { backend: WasmBackend; memory: WebAssembly.Memory } | null {
  const backend = args.backend as unknown as WasmBackend;
  const memory = valueBytes(x.dtype) > 0 ? backendMemory(backend) : undefined;
  return memory ? { backend, memory } : null;
}

function slice(args: KernelArgs, own: tf.KernelConfig): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const found = copyable(args, x);
  if (!found) return own.kernelFunc(args);
  const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
  return sliceInHeap(found.backend, found.memory, x, begin, size);
}

function unpack(args: KernelArgs, own: tf.KernelConfig): tf.TensorInfo | tf.TensorInfo[] {
  const { value } = args.inputs as { value: tf.TensorInfo };
  const found = copyable(args, value);
  if (!found) return own.kernelFunc(args);
  const rank = value.shape.length;
  let { axis } = args.attrs as unknown as { axis: number };
  if (axis < 0) axis += rank;
  const shape = value.shape.filter((_, i) => i !== axis);
  const begin = new Array<number>(rank).fill(0);
  const size = [...value.shape];
  size[axis] = 1;
  return Array.from({ length: value.shape[axis] }, (_, i) => {
    begin[axis] = i;
    const { dataId, dtype } = sliceInHeap(found.backend, found.memory, value, begin, size);
    return { dataId, dtype, shape };
  });
}

function splitV(args: KernelArgs, own: tf.KernelConfig): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const found = copyable(args, x);
  if (!found) return own.kernelFunc(args);
  const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
  const at = tf.util.parseAxisParam(axis, x.shape)[0];
  const begin = new Array<number>(x.shape.length).fill(0);
  return tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, at).map((s) => {
    const size = [...x.shape];
    size[at] = s;
    const part = sliceInHeap(found.backend, found.memory, x, begin, size);
    begin[at] += s;
    return part;
  });
}

/** The attributes of tfjs' `StridedSlice` kernel. @example `const { begin, end, strides } = attrs as unknown as StridedSliceAttrs;` */
export interface StridedSliceAttrs {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/** tfjs' own path for strided slices that are plain slices (stride 1), copied here; others go to its kernel. */
function stridedSlice(args: KernelArgs, own: tf.KernelConfig): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const found = copyable(args, x);
  if (!found) return own.kernelFunc(args);
  const a = args.attrs as unknown as StridedSliceAttrs;
  const info = tf.slice_util.sliceInfo(x.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
  if (info.isIdentity || !(info.sliceDim0 || info.isSimpleSlice)) return own.kernelFunc(args);
  const size = tf.slice_util.computeOutShape(info.begin, info.end, info.strides);
  const { dataId, dtype } = sliceInHeap(found.backend, found.memory, x, info.begin, size);
  return { dataId, dtype, shape: info.finalShape };
}

/**
 * Puts the in-memory `Slice`, `Unpack`, `SplitV` and `StridedSlice` in front of the `wasm`
 * backend's own (once). Called by `useFastWasmKernels`.
 *
 * @example
 * ```ts
 * useFastWasmSlices(); // tf.slice, tf.unstack, tf.split: no copy of the whole input per call
 * ```
 */
export function useFastWasmSlices(): void {
  replaceWasmKernel('Slice', slice);
  replaceWasmKernel('Unpack', unpack);
  replaceWasmKernel('SplitV', splitV);
  replaceWasmKernel('StridedSlice', stridedSlice);
}
