/**
 * IEEE 754 half precision (float16) ↔ float32: half-precision exports (Ultralytics'
 * `half=True`) take and give float16 tensors, held as raw `Uint16Array` bits (or a
 * `Float16Array` where the runtime has one), while tfjs and the decoders work in float32.
 */

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

/**
 * Float32 values as float16 bits, rounded to the nearest half (ties to even), as numpy's
 * `astype(np.float16)`: values past ±65504 become ±Infinity, tiny ones subnormals or ±0, NaN
 * stays NaN.
 *
 * @example
 * ```ts
 * float32ToHalfBits(new Float32Array([1, -2, 65520])); // Uint16Array [0x3c00, 0xc000, 0x7c00]
 * ```
 */
export function float32ToHalfBits(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    asFloat[0] = values[i];
    const f = bits[0];
    const sign = (f >>> 16) & 0x8000;
    const exponent = f & 0x7f800000;
    let significand = f & 0x007fffff;
    if (exponent >= 0x47800000) {
      // past the half range: Infinity, or NaN kept NaN (a quiet NaN's top bit)
      out[i] = exponent === 0x7f800000 && significand !== 0 ? sign | 0x7e00 : sign | 0x7c00;
    } else if (exponent <= 0x38000000) {
      // a half subnormal or zero: shift the full significand down, rounding on the bits shifted out
      if (exponent < 0x33000000) {
        out[i] = sign;
        continue;
      }
      const shift = 113 - (exponent >>> 23);
      significand = (0x00800000 + significand) >>> shift;
      const lost = f & ((1 << shift) - 1);
      if ((significand & 0x3fff) !== 0x1000 || lost !== 0) significand += 0x1000;
      out[i] = sign + (significand >>> 13);
    } else {
      // normal: rebias the exponent; a rounding carry moves into it (up to Infinity), which is right
      if ((significand & 0x3fff) !== 0x1000) significand += 0x1000;
      out[i] = sign + (((exponent - 0x38000000) >>> 13) + (significand >>> 13));
    }
  }
  return out;
}

/**
 * Float16 bits as float32 values (exact: every half is a float32).
 *
 * @example
 * ```ts
 * halfBitsToFloat32(new Uint16Array([0x3c00, 0x7c00])); // Float32Array [1, Infinity]
 * ```
 */
export function halfBitsToFloat32(half: Uint16Array): Float32Array {
  const out = new Float32Array(half.length);
  for (let i = 0; i < half.length; i++) {
    const h = half[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * fraction * 2 ** -24;
    else if (exponent === 31) out[i] = fraction ? Number.NaN : sign * Infinity;
    else out[i] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/**
 * Whether `data` is a `Float16Array` (ES2025; onnxruntime hands float16 tensors out as one
 * where the JavaScript engine has it, e.g. Chromium ≥ 135).
 *
 * @example
 * ```ts
 * if (isFloat16Array(tensor.data)) values = Float32Array.from(tensor.data);
 * ```
 */
export function isFloat16Array(data: unknown): data is ArrayLike<number> & ArrayBufferView {
  const ctor = (globalThis as { Float16Array?: new () => unknown }).Float16Array;
  return typeof ctor === 'function' && data instanceof ctor;
}

/**
 * A float16 tensor's data — raw bits in a `Uint16Array` or a `Float16Array` — as float32
 * values; `undefined` for any other storage.
 *
 * @example
 * ```ts
 * const values = float16Values(output.data); // Float32Array
 * ```
 */
export function float16Values(data: unknown): Float32Array | undefined {
  if (data instanceof Uint16Array) return halfBitsToFloat32(data);
  if (isFloat16Array(data)) return Float32Array.from(data);
  return undefined;
}
