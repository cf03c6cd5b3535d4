/**
 * The matte passes in WebAssembly (`scripts/matte-kernel.wat`): bilinear upsamplings whole —
 * rows interpolated across (scalar), then down four pixels a step (SIMD) — for the fast guided
 * filter's full-size pass (`q = a·luma + b`, for 8-bit or int32 grey / RGB / RGBA guides) and for
 * `resizePlane`; and temporal smoothing (SIMD, the uncertainty read from its table). The
 * kernels have a memory of their own (grown to the largest frame seen, then kept, at most
 * 64 MiB; larger frames take the loops): inputs are copied in, the output copied out. Same
 * arithmetic as the JavaScript loops, in float32 (the loops work in float64): results agree
 * within float32 rounding.
 */
import { paddedIndices } from './guided-filter';
import { MATTE_KERNEL_WASM_BASE64 } from './matte-kernel-wasm';

type ApplyKernel = (
  acrossA: number,
  acrossB: number,
  rows: number,
  guide: number,
  out: number,
  width: number,
  height: number,
  channels: number,
  clamp: number,
  wr: number,
  wg: number,
  wb: number,
) => void;

type LerpRowsKernel = (across: number, rows: number, out: number, width: number, height: number) => void;
type AcrossKernel = (plane: number, rowList: number, count: number, taps: number, width: number, dst: number) => void;
type SmoothKernel = (current: number, previous: number, out: number, count: number, table: number, steps: number, ratio: number) => void;
type WidenKernel = (guide: number, input: number, guide64: number, input64: number, products: number, squares: number, count: number) => void;
type BoxMeanKernel = (values: number, rows: number, sums: number, out: number, width: number, height: number, xs: number, ys: number, window: number, area: number) => void;
type FitKernel = (meanI: number, meanP: number, corrIp: number, corrI: number, count: number, epsilon: number) => void;
type SubsampleKernel = (guide: number, xs: number, ys: number, out: number, lowWidth: number, lowHeight: number, k1: number, k2: number, wr: number, wg: number, wb: number) => void;

interface MatteKernels {
  apply: ApplyKernel;
  lerpRows: LerpRowsKernel;
  across: AcrossKernel;
  smooth: SmoothKernel;
  widen: WidenKernel;
  boxMean: BoxMeanKernel;
  fit: FitKernel;
  across64: AcrossKernel;
  subsample: SubsampleKernel;
  memory: WebAssembly.Memory;
}

const PAGE_BYTES = 65536;
/**
 * The most memory the kernels keep (a WebAssembly memory never shrinks): room for a resize to
 * 3840×2160, or the guided pass on a 2560×1440 RGBA frame (the matting pipeline refines at ≤ 1280
 * px by default). Larger frames take the JavaScript loops.
 */
const MAX_MEMORY_BYTES = 64 * 1024 * 1024;
/** Bytes a four-pixel step may read or write past an area's end. */
const SLACK = 16;

let enabled = true;
let kernels: MatteKernels | null | undefined;

/**
 * Turns the matte kernels on or off for the whole process (on by default); off, the fast
 * guided filter, `resizePlane` and temporal smoothing always take their JavaScript loops. For
 * tests and measurements.
 *
 * @example
 * ```ts
 * setMatteKernels(false); // compare with the JavaScript loops
 * ```
 */
export function setMatteKernels(on: boolean): void {
  enabled = on;
}

/** The kernels with at least `bytes` of memory, or null where WebAssembly SIMD is missing, they are turned off, or the memory would pass its cap or cannot grow. */
function kernelsWith(bytes: number): MatteKernels | null {
  if (!enabled) return null;
  if (kernels === undefined) {
    try {
      const code = Uint8Array.from(atob(MATTE_KERNEL_WASM_BASE64), (c) => c.charCodeAt(0));
      if (typeof WebAssembly !== 'object' || !WebAssembly.validate(code)) {
        kernels = null;
      } else {
        const memory = new WebAssembly.Memory({ initial: 1 });
        const { exports } = new WebAssembly.Instance(new WebAssembly.Module(code), { env: { memory } });
        kernels = { apply: exports.apply as ApplyKernel, lerpRows: exports.lerp_rows as LerpRowsKernel, across: exports.across as AcrossKernel, smooth: exports.smooth as SmoothKernel,
          widen: exports.widen as WidenKernel, boxMean: exports.box_mean as BoxMeanKernel, fit: exports.fit as FitKernel, across64: exports.across64 as AcrossKernel,
          subsample: exports.subsample as SubsampleKernel, memory };
      }
    } catch {
      kernels = null;
    }
  }
  if (!kernels || bytes > MAX_MEMORY_BYTES) return null;
  const { memory } = kernels;
  if (bytes > memory.buffer.byteLength) {
    try {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
    } catch {
      return null;
    }
  }
  return kernels;
}

/** Rounds a byte count up to 16. */
const aligned = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * A tap table at `at` (12 bytes an output position): byte offsets of the source values before and
 * after it in a block of `rowBytes`-byte rows (source row r stored at `slots[r]`, else at r; 4
 * for positions within a row), and the weight of the second one.
 */
function writeTapTable(buffer: ArrayBuffer, at: number, taps: AxisTaps, rowBytes: number, slots?: Int32Array): void {
  const count = taps.i0.length;
  const ints = new Int32Array(buffer, at, 3 * count);
  const floats = new Float32Array(buffer, at, 3 * count);
  for (let o = 0; o < count; o++) {
    ints[3 * o] = (slots ? slots[taps.i0[o]] : taps.i0[o]) * rowBytes;
    ints[3 * o + 1] = (slots ? slots[taps.i1[o]] : taps.i1[o]) * rowBytes;
    floats[3 * o + 2] = taps.w1[o];
  }
}

/** The byte offsets of `count` consecutive `rowBytes`-byte rows (0, rowBytes, 2·rowBytes, …), written at `at`. */
function writeRowList(buffer: ArrayBuffer, at: number, count: number, rowBytes: number): void {
  const list = new Int32Array(buffer, at, count);
  for (let k = 0; k < count; k++) list[k] = k * rowBytes;
}

/** Per output position along one axis: the source positions before (`i0`) and after (`i1`), and the weight of the second one. @example `const taps: AxisTaps = axisTaps(96, 480);` */
export interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  w1: Float32Array;
}

/**
 * What the fast guided filter's kernel path reads: the subsampled guide and input on the grid
 * with the filter's radius there and ε, the taps that take the grid across to the guide's width
 * (`upX`) and down to its height (`upY`), and the guide with its luma weights. With `down` (the
 * taps from the guide to the grid), the grid's guide is subsampled from the guide in the kernel
 * (`grid.guide` is not read), as `subsampleGuide` would.
 *
 * @example
 * ```ts
 * const pass: GuidedApplyPass = { grid: { guide: guideLow, input: inputLow, width: 128, height: 96, radius: 1, epsilon: 1e-3 }, upX, upY, guide, luma: [0.299 / 255, 0.587 / 255, 0.114 / 255], clamp: true };
 * ```
 */
export interface GuidedApplyPass {
  grid: { guide: Float32Array; input: Float32Array; width: number; height: number; radius: number; epsilon: number };
  /** Per output column: the grid columns either side and the weight of the right one. */
  upX: AxisTaps;
  /** Per output row: the grid rows above and below, and the weight of the lower one. */
  upY: AxisTaps;
  /** Per grid column and row: the guide's pixels either side and the weight of the second one. */
  down?: { x: AxisTaps; y: AxisTaps };
  guide: { data: ArrayLike<number>; width: number; height: number; channels: number };
  /** Luma weights of R, G, B (the guide's scale folded in; grey: [scale, 0, 0]). */
  luma: readonly [number, number, number];
  clamp: boolean;
}

/** Byte offsets of consecutive areas of the given byte sizes (each rounded up to 16), and their end. */
function layout(...bytes: number[]): { at: number[]; end: number } {
  const at: number[] = [];
  let end = 0;
  for (const size of bytes) {
    at.push(end);
    end += aligned(size);
  }
  return { at, end };
}

/**
 * Runs the whole fast guided filter in the kernels into `out` (`width × height` values): the
 * guide subsampled onto the grid where `pass.down` is given (bit-identical to `subsampleGuide`
 * for 8-bit guides), the coefficients on the grid in float64 (bit-identical to
 * `guidedCoefficients`), their means taken across to the guide's width (as the JavaScript loop
 * does, then float32), then down and applied to the guide's pixels four at a time; false, with `out` untouched, where the
 * kernels cannot take it (no WebAssembly SIMD, turned off, a guide that is not 8-bit or int32 grey
 * / RGB / RGBA, a frame past the memory cap, memory that cannot grow). Int32 guides — tensor
 * frames, 0–255 — are copied in as bytes, values clamped to 0–255. Options are the caller's to check.
 *
 * @example
 * ```ts
 * if (!applyInKernel(pass, out)) applyWithJavaScript(pass, out);
 * ```
 */
export function applyInKernel(pass: GuidedApplyPass, out: Float32Array): boolean {
  const { guide, upX, upY, grid } = pass;
  const { data, width, height, channels } = guide;
  // 8-bit guides as they are; int32 ones (tensor frames, 0–255) copied in as bytes, clamped to 0–255
  const ints = data instanceof Int32Array;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || ints) || !(channels === 1 || channels === 3 || channels === 4)) return false;
  const n = grid.width * grid.height;
  const window = 2 * grid.radius + 1;
  const plane = 8 * n + SLACK;
  const acrossBytes = 4 * grid.height * width + SLACK;
  const guideBytes = width * height * channels;
  // guide, input (float32); guide, input, meanI, meanP, corrIp, corrI, products, squares, rows (float64); sums; xs; ys; row list; taps; a, b across; row table; guide; out; down taps x, y
  const { at, end } = layout(4 * n + SLACK, 4 * n + SLACK, ...Array<number>(9).fill(plane), 8 * grid.width + SLACK, 4 * (grid.width + window), 4 * (grid.height + window), 4 * grid.height, 12 * width, acrossBytes, acrossBytes, 12 * height, guideBytes + SLACK, 4 * width * height + SLACK, 12 * grid.width, 12 * grid.height);
  const [guideLow, inputLow, guide64, input64, meanI, meanP, corrIp, corrI, products, squares, rows, sums, xs, ys, rowList, taps, acrossA, acrossB, rowTable, guideAt, outAt, downX, downY] = at;
  const found = kernelsWith(end);
  if (!found) return false;
  const buffer = found.memory.buffer;
  if (!pass.down) new Float32Array(buffer, guideLow, n).set(grid.guide);
  new Float32Array(buffer, inputLow, n).set(grid.input);
  new Int32Array(buffer, xs, grid.width + window - 1).set(paddedIndices(grid.width, grid.radius).map((i) => 8 * i));
  new Int32Array(buffer, ys, grid.height + window - 1).set(paddedIndices(grid.height, grid.radius).map((i) => 8 * grid.width * i));
  writeRowList(buffer, rowList, grid.height, 8 * grid.width);
  writeTapTable(buffer, taps, upX, 8);
  writeTapTable(buffer, rowTable, upY, 4 * width);
  const pixels = data.length === guideBytes ? data : data.subarray(0, guideBytes);
  if (ints) new Uint8ClampedArray(buffer, guideAt, guideBytes).set(pixels);
  else new Uint8Array(buffer, guideAt, guideBytes).set(pixels);
  const [wr, wg, wb] = pass.luma;
  if (pass.down) {
    writeTapTable(buffer, downX, pass.down.x, channels);
    writeTapTable(buffer, downY, pass.down.y, width * channels);
    const rgb = channels >= 3;
    found.subsample(guideAt, downX, downY, guideLow, grid.width, grid.height, rgb ? 1 : 0, rgb ? 2 : 0, wr, wg, wb);
  }
  const box = (values: number, into: number): void => found.boxMean(values, rows, sums, into, grid.width, grid.height, xs, ys, window, window * window);
  found.widen(guideLow, inputLow, guide64, input64, products, squares, n);
  box(guide64, meanI);
  box(input64, meanP);
  box(products, corrIp);
  box(squares, corrI);
  // a into corrIp, b into corrI; their means into products and squares
  found.fit(meanI, meanP, corrIp, corrI, n, grid.epsilon);
  box(corrIp, products);
  box(corrI, squares);
  found.across64(products, rowList, grid.height, taps, width, acrossA);
  found.across64(squares, rowList, grid.height, taps, width, acrossB);
  found.apply(acrossA, acrossB, rowTable, guideAt, outAt, width, height, channels, pass.clamp ? 1 : 0, wr, wg, wb);
  out.set(new Float32Array(buffer, outAt, width * height));
  return true;
}

/**
 * A plane resized bilinearly in the SIMD kernels into `out` (`xs.i0.length × ys.i0.length`
 * values): the source rows the vertical taps read (row r is listed at `slots[r]`, `count` in
 * all) interpolated across with the `xs` taps, then down with the `ys` taps. False, with `out`
 * untouched, where the kernels cannot run.
 *
 * @example
 * ```ts
 * const done = resizeInKernel(plane, 256, slotsOfRows, count, axisTaps(256, 320), axisTaps(256, 240), out);
 * ```
 */
export function resizeInKernel(plane: Float32Array, width: number, slots: Int32Array, count: number, xs: AxisTaps, ys: AxisTaps, out: Float32Array): boolean {
  const outWidth = xs.i0.length;
  const outHeight = ys.i0.length;
  const rowList = aligned(4 * plane.length + SLACK);
  const taps = rowList + aligned(4 * count);
  const across = taps + aligned(12 * outWidth);
  const rows = across + aligned(4 * count * outWidth + SLACK);
  const outAt = rows + aligned(12 * outHeight);
  const found = kernelsWith(outAt + aligned(4 * outWidth * outHeight + SLACK));
  if (!found) return false;
  const buffer = found.memory.buffer;
  new Float32Array(buffer, 0, plane.length).set(plane);
  const list = new Int32Array(buffer, rowList, count);
  for (let r = 0; r < slots.length; r++) if (slots[r] >= 0) list[slots[r]] = 4 * width * r;
  writeTapTable(buffer, taps, xs, 4);
  writeTapTable(buffer, rows, ys, 4 * outWidth, slots);
  found.across(0, rowList, count, taps, outWidth, across);
  found.lerpRows(across, rows, outAt, outWidth, outHeight);
  out.set(new Float32Array(buffer, outAt, outWidth * outHeight));
  return true;
}

/**
 * Temporal smoothing in the SIMD kernel into `out` (which may be `previous`): each value
 * `p + (previous − p)·u·ratio`, `u` read from `table` (`steps + 1` values at p = i / steps,
 * linear between them). False, with `out` untouched, where the kernel cannot run.
 *
 * @example
 * ```ts
 * if (!smoothInKernel(current, previous, 0.7, table, previous)) smoothWithJavaScript();
 * ```
 */
export function smoothInKernel(current: Float32Array, previous: Float32Array, ratio: number, table: Float32Array, out: Float32Array): boolean {
  const count = current.length;
  const currentAt = aligned(4 * table.length + SLACK);
  const previousAt = currentAt + aligned(4 * count + SLACK);
  const found = kernelsWith(previousAt + aligned(4 * count + SLACK));
  if (!found) return false;
  const buffer = found.memory.buffer;
  new Float32Array(buffer, 0, table.length).set(table);
  new Float32Array(buffer, currentAt, count).set(current);
  new Float32Array(buffer, previousAt, count).set(previous);
  found.smooth(currentAt, previousAt, previousAt, count, 0, table.length - 1, ratio);
  out.set(new Float32Array(buffer, previousAt, count));
  return true;
}
