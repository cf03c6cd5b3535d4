/**
 * Fast bilinear resizing of a dense float plane (half-pixel centres, as OpenCV `INTER_LINEAR`
 * and PyTorch `align_corners=False`, edges clamped), for bringing a working-size matte to a
 * frame of any size: each source row is interpolated across once, then rows are blended (in
 * the WebAssembly matte kernels where they run, `matte-kernel.ts`).
 */
import { VisionError } from '../../core/errors';
import { resizeInKernel } from './matte-kernel';

/**
 * Source index pairs and weights of each output position along one axis (half-pixel centres,
 * edges clamped): output `o` blends source `i0[o]` and `i1[o]` with weight `w1[o]` on `i1`.
 *
 * @example
 * ```ts
 * const { i0, i1, w1 } = axisTaps(256, 320);
 * ```
 */
export function axisTaps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w1: Float32Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(0, (o + 0.5) * scale - 0.5);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[o] = lo;
    i1[o] = Math.min(lo + 1, inSize - 1);
    w1[o] = src - lo;
  }
  return { i0, i1, w1 };
}

/** One source row (starting at `base`) interpolated across to the output width (`xs` taps) into `into`. */
function interpolateRow(plane: Float32Array, base: number, xs: ReturnType<typeof axisTaps>, into: Float32Array): void {
  const { i0, i1, w1 } = xs;
  for (let x = 0; x < into.length; x++) {
    const a = plane[base + i0[x]];
    into[x] = a + (plane[base + i1[x]] - a) * w1[x];
  }
}

/**
 * A `width`×`height` plane resized bilinearly to `outWidth`×`outHeight`: into `out` when given
 * (every value written), else into a new array.
 *
 * @throws VisionError `INVALID_INPUT` when `out` does not hold `outWidth × outHeight` values.
 * @example
 * ```ts
 * const frameMatte = resizePlane(matte, 512, 384, 1920, 1440);
 * ```
 */
export function resizePlane(plane: Float32Array, width: number, height: number, outWidth: number, outHeight: number, out: Float32Array = new Float32Array(outWidth * outHeight)): Float32Array {
  if (out.length !== outWidth * outHeight) throw new VisionError('INVALID_INPUT', `resizePlane: out has ${out.length} values; a ${outWidth}×${outHeight} plane has ${outWidth * outHeight}`);
  const xs = axisTaps(width, outWidth);
  const ys = axisTaps(height, outHeight);
  if (blendRowsInKernel(plane, width, height, xs, ys, out)) return out;
  // rows of the source interpolated across to the output width, kept while consecutive output rows need them
  let rowA = new Float32Array(outWidth);
  let rowB = new Float32Array(outWidth);
  let loadedA = -1;
  let loadedB = -1;
  for (let o = 0; o < outHeight; o++) {
    const y0 = ys.i0[o];
    const y1 = ys.i1[o];
    if (loadedA !== y0) {
      if (loadedB === y0) {
        [rowA, rowB] = [rowB, rowA];
        [loadedA, loadedB] = [loadedB, loadedA];
      } else {
        interpolateRow(plane, y0 * width, xs, rowA);
        loadedA = y0;
      }
    }
    if (loadedB !== y1) {
      interpolateRow(plane, y1 * width, xs, rowB);
      loadedB = y1;
    }
    const w = ys.w1[o];
    const offset = o * outWidth;
    for (let x = 0; x < outWidth; x++) {
      const a = rowA[x];
      out[offset + x] = a + (rowB[x] - a) * w;
    }
  }
  return out;
}

/**
 * The rows `ys` reads, each listed once (in the order first needed), resized in the matte
 * kernels into `out`; false where they cannot run.
 */
function blendRowsInKernel(plane: Float32Array, width: number, height: number, xs: ReturnType<typeof axisTaps>, ys: ReturnType<typeof axisTaps>, out: Float32Array): boolean {
  const slots = new Int32Array(height).fill(-1);
  let used = 0;
  for (let o = 0; o < ys.i0.length; o++) {
    if (slots[ys.i0[o]] < 0) slots[ys.i0[o]] = used++;
    if (slots[ys.i1[o]] < 0) slots[ys.i1[o]] = used++;
  }
  return resizeInKernel(plane, width, slots, used, xs, ys, out);
}
