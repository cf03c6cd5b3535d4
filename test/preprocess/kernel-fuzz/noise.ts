/**
 * The noise every fuzzed frame, plane and guide is cut from, each at its own offset: bytes drawn
 * from the fuzz's seed, made once per test file, so that a case's parameters (size, offset) fix
 * its values too.
 */
import { Random, SEED } from './random';

/**
 * The largest side of a matte plane or guide: the noise holds a 4-channel guide of this size.
 *
 * @example
 * ```ts
 * const [outWidth, outHeight] = size(r, MAX_PLANE);
 * ```
 */
export const MAX_PLANE = 1000;

/**
 * Bytes of noise past the largest frame or guide: the range of their offsets into it.
 *
 * @example
 * ```ts
 * const offset = r.int(0, NOISE_SPARE);
 * ```
 */
export const NOISE_SPARE = 65536;

let bytes: Uint8Array | undefined;

/**
 * The noise (the same for a seed), drawn on first use.
 *
 * @example
 * ```ts
 * const values = noise().subarray(offset, offset + width * height * channels);
 * ```
 */
export function noise(): Uint8Array {
  if (!bytes) {
    const r = new Random(SEED);
    const words = Uint32Array.from({ length: (MAX_PLANE * MAX_PLANE * 4 + NOISE_SPARE) / 4 + 1 }, () => Math.floor(4294967296 * r.next()));
    bytes = new Uint8Array(words.buffer);
  }
  return bytes;
}

/**
 * `count` values of a plane cut from the noise at `offset`, mapped to [lo, hi], with a NaN at `nans` places.
 *
 * @example
 * ```ts
 * const matte = planeOf(width * height, 1234, -0.2, 1.2, 1); // one NaN
 * ```
 */
export function planeOf(count: number, offset: number, lo: number, hi: number, nans: number): Float32Array {
  const noiseBytes = noise();
  const plane = new Float32Array(count);
  for (let i = 0; i < count; i++) plane[i] = lo + ((hi - lo) * noiseBytes[offset + i]) / 255;
  for (let k = 0; k < nans; k++) plane[(k * 7919 + offset) % count] = Number.NaN;
  return plane;
}
