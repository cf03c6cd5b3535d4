import type { AxisTaps } from './axis-taps';

/** Adds row `from` of `src` (`length` values) times `weight` into `dst` at `to`. */
function addScaled(dst: Float32Array, to: number, src: ArrayLike<number>, from: number, length: number, weight: number): void {
  for (let k = 0; k < length; k++) dst[to + k] += weight * src[from + k];
}

/**
 * Resamples pixels in memory (`height` × `width` × `channels`, row-major, any numeric array —
 * a decoded image, tfjs-wasm's heap, a cpu tensor's values) through both axes' taps into a
 * float32 `[rows, columns, min(channels, 3)]` array (RGB of RGBA; grey stays one channel),
 * `pad` where a tap list marks the sample outside. Separable, as Pillow: the axis whose pass
 * costs less goes first, and each pass reads only the taps' rows or columns — an antialiased
 * shrink of a 48-megapixel photo stays in tens of megabytes.
 *
 * @example
 * ```ts
 * const rgb = resamplePixels(raw.data, raw.width, raw.height, raw.channels, axisTaps(x, 224, 'antialias'), axisTaps(y, 224, 'antialias'), 0);
 * ```
 */
export function resamplePixels(pixels: ArrayLike<number>, width: number, height: number, channels: number, x: AxisTaps, y: AxisTaps, pad: number): Float32Array {
  const columns = x.inside.length;
  const rows = y.inside.length;
  const kept = Math.min(channels, 3);
  const out = new Float32Array(rows * columns * kept);
  const rowsFirst = rows * width * y.size + rows * columns * x.size <= height * columns * x.size + rows * columns * y.size;
  if (rowsFirst) {
    // rows × width × kept: each output row is a weighted sum of whole source rows
    const between = new Float32Array(rows * width * kept);
    const rowValues = new Float32Array(width * kept);
    for (let i = 0; i < rows; i++) {
      if (y.inside[i] === 0) continue;
      for (let t = 0; t < y.size; t++) {
        const weight = y.weight[i * y.size + t];
        if (weight === 0) continue;
        const source = y.index[i * y.size + t] * width * channels;
        if (channels === kept) addScaled(between, i * width * kept, pixels, source, width * kept, weight);
        else {
          for (let j = 0; j < width; j++) for (let c = 0; c < kept; c++) rowValues[j * kept + c] = pixels[source + j * channels + c];
          addScaled(between, i * width * kept, rowValues, 0, width * kept, weight);
        }
      }
    }
    filterColumns(between, width, out, columns, rows, kept, x);
  } else {
    // height × columns × kept first, then the rows
    const between = new Float32Array(height * columns * kept);
    for (let i = 0; i < height; i++) filterRow(pixels, i * width * channels, channels, between, i * columns * kept, kept, x);
    for (let i = 0; i < rows; i++) {
      if (y.inside[i] === 0) continue;
      for (let t = 0; t < y.size; t++) {
        const weight = y.weight[i * y.size + t];
        if (weight !== 0) addScaled(out, i * columns * kept, between, y.index[i * y.size + t] * columns * kept, columns * kept, weight);
      }
    }
  }
  fillPad(out, rows, columns, kept, x, y, pad);
  return out;
}

/** One row's columns through the taps: `src` from `from` (stride `channels`) into `dst` at `to` (stride `kept`). */
function filterRow(src: ArrayLike<number>, from: number, channels: number, dst: Float32Array, to: number, kept: number, x: AxisTaps): void {
  const columns = x.inside.length;
  for (let j = 0; j < columns; j++) {
    if (x.inside[j] === 0) continue;
    for (let c = 0; c < kept; c++) {
      let sum = 0;
      for (let t = 0; t < x.size; t++) sum += x.weight[j * x.size + t] * src[from + x.index[j * x.size + t] * channels + c];
      dst[to + j * kept + c] = sum;
    }
  }
}

function filterColumns(between: Float32Array, width: number, out: Float32Array, columns: number, rows: number, kept: number, x: AxisTaps): void {
  for (let i = 0; i < rows; i++) filterRow(between, i * width * kept, kept, out, i * columns * kept, kept, x);
}

function fillPad(out: Float32Array, rows: number, columns: number, kept: number, x: AxisTaps, y: AxisTaps, pad: number): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      if (y.inside[i] === 1 && x.inside[j] === 1) continue;
      out.fill(pad, (i * columns + j) * kept, (i * columns + j + 1) * kept);
    }
  }
}
