/**
 * The tables the `sample` kernel of `scripts/sample-kernel.wat` reads for one plan, written
 * straight into WebAssembly memory: a header (gains, offsets), then per inside column its byte
 * offset from a row's start and its weight, then per inside row its byte offset from the
 * frame's start, its weight and where the row's first inside column is written. The taps are
 * those of `sample-grid.ts` (lower neighbour clamped to the second-last pixel, the weight
 * measured from it, a one-pixel axis reads its only pixel with weight 0), computed on the fly:
 * a crop that changes every frame (a tracked face or hand) builds no intermediate arrays.
 */
import type { OutputLayout } from './sample-output';
import type { SamplePlan } from './sample-plan';

/** Bytes of the header: gains (f32 × 4), then offsets (f32 × 4). @example `pointer + HEADER_BYTES` */
export const HEADER_BYTES = 32;

/** The frame's size as the tables need it. @example `{ width: 640, height: 480, channels: 3 }` */
export interface FrameShape {
  width: number;
  height: number;
  channels: number;
}

/**
 * The most bytes {@link writeKernelTables} writes for a plan of this output size (every
 * column and row inside).
 *
 * @example
 * ```ts
 * const pointer = wasm._malloc(kernelTablesBytes(layout));
 * ```
 */
export function kernelTablesBytes(layout: OutputLayout): number {
  return HEADER_BYTES + 8 * layout.width + 12 * layout.height;
}

/**
 * The first and last frame rows that the inside samples of these plans read (a sample reads
 * its row and the one below), or `[0, 0]` when none is inside.
 *
 * @example
 * ```ts
 * const [first, last] = rowsRead(plans, frame);
 * ```
 */
export function rowsRead(plans: readonly SamplePlan[], frame: FrameShape): [number, number] {
  const lastTop = Math.max(frame.height - 2, 0);
  const below = frame.height > 1 ? 1 : 0;
  let first = frame.height;
  let last = -1;
  for (const plan of plans) {
    const ys = plan.y.positions;
    for (let i = 0; i < ys.length; i++) {
      const p = ys[i];
      if (Number.isNaN(p)) continue;
      const row = Math.min(Math.floor(p), lastTop);
      if (row < first) first = row;
      if (row + below > last) last = row + below;
    }
  }
  return last < 0 ? [0, 0] : [first, last];
}

/**
 * Writes the kernel's tables of one plan at the start of `ints` / `floats` (two views of the
 * same memory, from the header on) and returns how many columns and rows are inside. Frame
 * values are `valueBytes` wide; output offsets count float32 / int32 values of the layout.
 *
 * @example
 * ```ts
 * const { ncols, nrows } = writeKernelTables(new Int32Array(memory.buffer, pointer, n), new Float32Array(memory.buffer, pointer, n), plan, frame, layout, 4);
 * ```
 */
export function writeKernelTables(ints: Int32Array, floats: Float32Array, plan: SamplePlan, frame: FrameShape, layout: OutputLayout, valueBytes: number): { ncols: number; nrows: number } {
  const { width: w, height: h, channels: c } = frame;
  const { gains, offsets } = layout;
  floats[0] = gains[0];
  floats[1] = gains[1];
  floats[2] = gains[2];
  floats[3] = 0;
  floats[4] = offsets[0];
  floats[5] = offsets[1];
  floats[6] = offsets[2];
  floats[7] = 0;
  // inside columns are one contiguous run
  const xs = plan.x.positions;
  let first = 0;
  while (first < xs.length && Number.isNaN(xs[first])) first++;
  let end = xs.length;
  while (end > first && Number.isNaN(xs[end - 1])) end--;
  const lastLeft = Math.max(w - 2, 0);
  let k = HEADER_BYTES / 4;
  for (let j = first; j < end; j++, k += 2) {
    const p = xs[j];
    if (Number.isNaN(p)) {
      ints[k] = 0;
      floats[k + 1] = 0;
      continue;
    }
    const a = Math.min(Math.floor(p), lastLeft);
    ints[k] = a * c * valueBytes;
    floats[k + 1] = w > 1 ? p - a : 0;
  }
  const ys = plan.y.positions;
  const lastTop = Math.max(h - 2, 0);
  const rowBytes = w * c * valueBytes;
  const firstOut = first * layout.pixelStride;
  let nrows = 0;
  for (let i = 0; i < ys.length; i++) {
    const p = ys[i];
    if (Number.isNaN(p) || first === end) continue;
    const a = Math.min(Math.floor(p), lastTop);
    ints[k] = a * rowBytes;
    floats[k + 1] = h > 1 ? p - a : 0;
    ints[k + 2] = (i * layout.rowStride + firstOut) * 4;
    k += 3;
    nrows++;
  }
  return { ncols: end - first, nrows };
}
