/**
 * The matte upsampling passes in WebAssembly SIMD (`scripts/matte-kernel.wat`), four pixels a
 * step, both finishing a bilinear upsampling whose rows were interpolated across in JavaScript:
 * the fast guided filter's full-size pass (`q = a·luma + b`, `a` and `b` interpolated down, for
 * 8-bit grey / RGB / RGBA guides) and a resize's vertical pass (rows interpolated down). The
 * kernels have a memory of their own (grown to the largest frame seen, then kept, at most
 * 64 MiB; larger frames take the loops): the guide is copied in, the output copied out. Same
 * arithmetic as the JavaScript loops, in float32 (the loops work in float64): results agree
 * within float32 rounding.
 */
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

interface MatteKernels {
  apply: ApplyKernel;
  lerpRows: LerpRowsKernel;
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
 * Turns the SIMD matte passes on or off for the whole process (on by default); off, the fast
 * guided filter and `resizePlane` always take their JavaScript loops. For tests and measurements.
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
        kernels = { apply: exports.apply as ApplyKernel, lerpRows: exports.lerp_rows as LerpRowsKernel, memory };
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
 * The kernels' row table at `at` (12 bytes an output row): byte offsets of the rows above and
 * below in a block of `rowBytes`-byte rows (source row r stored at `slots[r]`, else at r), and
 * the weight of the lower one.
 */
function writeRowTable(buffer: ArrayBuffer, at: number, upY: VerticalTaps, rowBytes: number, slots?: Int32Array): void {
  const height = upY.i0.length;
  const ints = new Int32Array(buffer, at, 3 * height);
  const floats = new Float32Array(buffer, at, 3 * height);
  for (let y = 0; y < height; y++) {
    ints[3 * y] = (slots ? slots[upY.i0[y]] : upY.i0[y]) * rowBytes;
    ints[3 * y + 1] = (slots ? slots[upY.i1[y]] : upY.i1[y]) * rowBytes;
    floats[3 * y + 2] = upY.w1[y];
  }
}

/** Per output row: the source rows above (`i0`) and below (`i1`), and the weight of the lower one. @example `const taps: VerticalTaps = axisTaps(96, 480);` */
export interface VerticalTaps {
  i0: Int32Array;
  i1: Int32Array;
  w1: Float32Array;
}

/**
 * What the full-size pass reads: `rows` coefficient rows of the guide's width for a and for b
 * (written by `fillAcross` where the pass runs), the vertical taps of the output rows, and the
 * guide with its luma weights.
 *
 * @example
 * ```ts
 * const pass: GuidedApplyPass = { rows: 96, fillAcross: (a, b) => interpolateAcross(a, b), upY, guide, luma: [0.299 / 255, 0.587 / 255, 0.114 / 255], clamp: true };
 * ```
 */
export interface GuidedApplyPass {
  rows: number;
  /** Writes the a and b rows, interpolated across to the guide's width, one after another. */
  fillAcross: (acrossA: Float32Array, acrossB: Float32Array) => void;
  /** Per output row: the coefficient rows above and below, and the weight of the lower one. */
  upY: VerticalTaps;
  guide: { data: ArrayLike<number>; width: number; height: number; channels: number };
  /** Luma weights of R, G, B (the guide's scale folded in; grey: [scale, 0, 0]). */
  luma: readonly [number, number, number];
  clamp: boolean;
}

/**
 * Runs the full-size pass in the SIMD kernel into `out` (`width × height` values), the
 * coefficient rows written straight into the kernel's memory; false, with `out` untouched and
 * `fillAcross` not called, where the kernel cannot take it (no WebAssembly SIMD, turned off, a guide
 * that is not 8-bit grey / RGB / RGBA, a frame past the memory cap, memory that cannot grow).
 *
 * @example
 * ```ts
 * if (!applyInKernel(pass, out)) applyWithJavaScript(pass, out);
 * ```
 */
export function applyInKernel(pass: GuidedApplyPass, out: Float32Array): boolean {
  const { guide, upY } = pass;
  const { data, width, height, channels } = guide;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray) || !(channels === 1 || channels === 3 || channels === 4)) return false;
  const planeValues = pass.rows * width;
  const planeBytes = aligned(planeValues * 4 + SLACK);
  const guideBytes = width * height * channels;
  const acrossB = planeBytes;
  const rows = 2 * planeBytes;
  const guideAt = rows + aligned(12 * height);
  const outAt = guideAt + aligned(guideBytes + SLACK);
  const found = kernelsWith(outAt + aligned(4 * width * height + SLACK));
  if (!found) return false;
  const buffer = found.memory.buffer;
  pass.fillAcross(new Float32Array(buffer, 0, planeValues), new Float32Array(buffer, acrossB, planeValues));
  writeRowTable(buffer, rows, upY, 4 * width);
  new Uint8Array(buffer, guideAt, guideBytes).set(data.length === guideBytes ? data : data.subarray(0, guideBytes));
  const [wr, wg, wb] = pass.luma;
  found.apply(0, acrossB, rows, guideAt, outAt, width, height, channels, pass.clamp ? 1 : 0, wr, wg, wb);
  out.set(new Float32Array(buffer, outAt, width * height));
  return true;
}

/**
 * A resize's vertical pass in the SIMD kernel into `out` (`width × upY.i0.length` values):
 * output row y = row `i0` + (row `i1` − row `i0`)·`w1`, where `fillAcross` writes the
 * `count` source rows the taps read, interpolated across to `width` values, one after another
 * into the kernel's memory (source row r at slot `slots[r]`). False, with `out` untouched and
 * `fillAcross` not called, where the kernel cannot run.
 *
 * @example
 * ```ts
 * const done = lerpRowsInKernel(count, (across) => fillRows(across), slots, axisTaps(96, 480), 640, out);
 * ```
 */
export function lerpRowsInKernel(count: number, fillAcross: (across: Float32Array) => void, slots: Int32Array, upY: VerticalTaps, width: number, out: Float32Array): boolean {
  const height = upY.i0.length;
  const rows = aligned(count * width * 4 + SLACK);
  const outAt = rows + aligned(12 * height);
  const found = kernelsWith(outAt + aligned(4 * width * height + SLACK));
  if (!found) return false;
  const buffer = found.memory.buffer;
  fillAcross(new Float32Array(buffer, 0, count * width));
  writeRowTable(buffer, rows, upY, 4 * width, slots);
  found.lerpRows(0, rows, outAt, width, height);
  out.set(new Float32Array(buffer, outAt, width * height));
  return true;
}
