/**
 * Rotated crops inside tfjs-wasm's memory: the `affine` export of the SIMD sampling kernel
 * (`scripts/sample-kernel.wat`) samples every output pixel whose four neighbours lie inside the
 * frame — one vector per pixel, positions in float64 as the JavaScript loop (`a·j + (b·i + c)`),
 * the blend in float32 — straight into the input tensor's memory; the caller's JavaScript loop fills the few
 * pixels at and beyond the frame's border. Frames are read as the region kernel reads them: a
 * tensor in place, or 8-bit pixels copied in when the copy is small beside the crop.
 */
import * as tf from '@tensorflow/tfjs';
import type { AffineMatrix } from '../rotated-region';
import { frameSource, heapKernels, vectorStoreFlag } from './heap-kernel';
import { HEADER_BYTES } from './kernel-tables';
import type { OpenFrame } from './open-frame';
import { type OutputLayout, type SampleTarget, outputLayout } from './sample-output';

/** `[lo, hi]` narrowed to the columns j where 0 ≤ k·j + base < limit, give or take one column (empty: hi < lo). */
function columnsWithin(k: number, base: number, limit: number, lo: number, hi: number): [number, number] {
  if (k === 0) return base >= 0 && base < limit ? [lo, hi] : [lo, -1];
  const p = k > 0 ? -base / k : (limit - base) / k;
  const q = k > 0 ? (limit - base) / k : -base / k;
  return [Math.max(lo, Math.ceil(p) - 1), Math.min(hi, Math.floor(q) + 1)];
}

/**
 * Per output row, the run of columns `[start, end)` whose four source neighbours all lie inside
 * a `width`×`height` frame (`end ≤ start`: none). The run is contiguous (the position moves
 * along a line); it is found from the map and checked with the very arithmetic of the kernel.
 *
 * @example
 * ```ts
 * const { start, end } = insideRuns([0.5, 0, 10, 0, 0.5, 10], 224, 224, 640, 480);
 * ```
 */
export function insideRuns(m: AffineMatrix, outWidth: number, outHeight: number, width: number, height: number): { start: Int32Array; end: Int32Array } {
  const [a, b, c, d, e, f] = m;
  const start = new Int32Array(outHeight);
  const end = new Int32Array(outHeight);
  for (let i = 0; i < outHeight; i++) {
    const rowX = b * i + c;
    const rowY = e * i + f;
    const inside = (j: number): boolean => {
      const x = a * j + rowX;
      const y = d * j + rowY;
      return x >= 0 && x < width - 1 && y >= 0 && y < height - 1;
    };
    // the columns where 0 ≤ position < limit for x and for y (one column of slack each way), then nudged to the exact test
    let [lo, hi] = columnsWithin(a, rowX, width - 1, 0, outWidth - 1);
    [lo, hi] = columnsWithin(d, rowY, height - 1, lo, hi);
    lo = Math.max(lo, 0);
    hi = Math.min(hi, outWidth - 1);
    if (hi < lo) {
      // no column (a nearly zero coefficient puts the bounds ~1e17 away, beyond what Int32Array holds)
      start[i] = 0;
      end[i] = 0;
      continue;
    }
    while (lo <= hi && !inside(lo)) lo++;
    while (hi >= lo && !inside(hi)) hi--;
    start[i] = lo;
    end[i] = hi + 1;
  }
  return { start, end };
}

/**
 * The frame rows the map's output rectangle covers: the corners' span, computed as the kernel
 * computes positions (`d·j + (e·i + f)`), with a row of margin above and two below (the kernel
 * reads the row under each position); undefined where a corner is not finite (coefficients so
 * large that they overflow), which the kernel does not take.
 */
function mappedRows(m: AffineMatrix, target: SampleTarget, frame: OpenFrame): [number, number] | undefined {
  const [, , , d, e, f] = m;
  const ys = [0, target.width - 1].flatMap((j) => [0, target.height - 1].map((i) => d * j + (e * i + f)));
  if (!ys.every(Number.isFinite)) return undefined;
  return [Math.floor(Math.min(...ys)) - 1, Math.min(Math.floor(Math.max(...ys)) + 2, frame.height - 1)];
}

/**
 * Samples the frame along an affine map into a float32 `[1, h, w, 3]` (or NCHW) tensor with the
 * SIMD kernel for the inside pixels, `border(values, runs)` writing every pixel outside each
 * row's run; `undefined` where the kernel cannot take the frame or target (not the wasm backend,
 * an int32 target, 8-bit pixels far larger than the crop, …).
 *
 * @example
 * ```ts
 * const input = affineInHeap(frame, matrix, target, (values, runs) => warpBorder(values, runs)) ?? warpWithJavaScript();
 * ```
 */
export function affineInHeap(
  frame: OpenFrame,
  m: AffineMatrix,
  target: SampleTarget,
  border: (values: Float32Array, runs: { start: Int32Array; end: Int32Array }, layout: OutputLayout) => void,
): tf.Tensor4D | undefined {
  const found = target.dtype === 'float32' ? heapKernels(frame) : undefined;
  if (!found) return undefined;
  const { backend, memory, affine } = found;
  const rows = mappedRows(m, target, frame);
  const source = rows && frameSource(frame, backend, memory, target.width * target.height, rows);
  if (!source) return undefined;
  const layout = outputLayout(target);
  const runs = insideRuns(m, target.width, target.height, frame.width, frame.height);
  const vectorStores = vectorStoreFlag(layout);
  // a vector store spills one value onto the next pixel: the output's very last pixel is left to the border loop
  const last = target.height - 1;
  if (vectorStores && runs.end[last] === target.width) runs.end[last]--;
  const segments: number[] = [];
  for (let i = 0; i < target.height; i++) {
    if (runs.end[i] > runs.start[i]) segments.push(i, runs.start[i], runs.end[i], (i * layout.rowStride + runs.start[i] * layout.pixelStride) * 4);
  }
  // allocations first (any may grow the memory and detach views), then the views
  const pointer = backend.wasm._malloc(HEADER_BYTES + 4 * segments.length) >>> 0; // unsigned: past 2 GiB _malloc gives a negative int
  if (pointer === 0) return undefined;
  const copyAt = source.copy ? backend.wasm._malloc(source.copy.length + 16) >>> 0 : 0;
  try {
    if (source.copy && copyAt === 0) return undefined;
    // uncleared memory: the kernel writes each row's inside run, `border` every other pixel
    const shape: [number, number, number, number] = target.layout === 'nchw' ? [1, 3, target.height, target.width] : [1, target.height, target.width, 3];
    const input = tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32')) as tf.Tensor4D;
    try {
      const values = new Float32Array(memory.buffer, backend.dataIdMap.get(input.dataId)!.memoryOffset, 3 * target.width * target.height);
      new Float32Array(memory.buffer, pointer, 8).set([...layout.gains, 0, ...layout.offsets, 0]);
      new Int32Array(memory.buffer, pointer + HEADER_BYTES, segments.length).set(segments);
      if (source.copy) new Uint8Array(memory.buffer, copyAt, source.copy.length).set(source.copy);
      const pixBytes = frame.channels * source.valueBytes;
      const [s0, s1, s2] = layout.slots;
      // offsets count from the frame's start: the copy begins `skipped` bytes into it (i32 arithmetic wraps)
      affine(source.copy ? (copyAt - source.skipped) | 0 : source.at, pointer, pointer + HEADER_BYTES, segments.length / 4, values.byteOffset, ...m, frame.width * pixBytes, pixBytes, layout.pixelStride * 4, s0 * 4, s1 * 4, s2 * 4, source.flag | vectorStores);
      border(values, runs, layout);
      return input;
    } catch (error) {
      input.dispose();
      throw error;
    }
  } finally {
    backend.wasm._free(pointer);
    if (copyAt !== 0) backend.wasm._free(copyAt);
  }
}
