/**
 * float32 ↔ float16 against numpy (`astype(np.float16)` / `astype(np.float32)`, run by
 * /usr/bin/python3): every half bit pattern back, and float32 values chosen to hit each
 * branch — rounding ties both ways, subnormals, the overflow edge, NaN, ±0 — plus random bits.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { float16Values, float32ToHalfBits, halfBitsToFloat32 } from '../../src/core/float16';

/** numpy's conversion of raw bytes: `to` 'half' reads float32 and gives float16 bits; 'single' the reverse. */
function numpy(bytes: Uint8Array, to: 'half' | 'single'): Uint8Array {
  const script =
    to === 'half'
      ? 'import sys, numpy as np; sys.stdout.buffer.write(np.frombuffer(sys.stdin.buffer.read(), "<f4").astype(np.float16).tobytes())'
      : 'import sys, numpy as np; sys.stdout.buffer.write(np.frombuffer(sys.stdin.buffer.read(), "<f2").astype(np.float32).tobytes())';
  const run = spawnSync('/usr/bin/python3', ['-W', 'ignore', '-c', script], { input: bytes, maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`numpy failed (apt-get install -y python3-numpy): ${run.stderr.toString()}`);
  return new Uint8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.byteLength);
}

function floats(): Float32Array {
  const special = [0, -0, 1, -1, 65504, 65519.99, 65520, -65520, 1e6, Infinity, -Infinity, NaN, 2 ** -14, 2 ** -15, 2 ** -24, 2 ** -25, 2 ** -25 * 1.0001, 2 ** -26, 1e-8, 5.96e-8, 6.1e-5];
  // ties: 1 + k/2048 sits halfway between two halves (1 ulp = 1/1024 at [1, 2)); k odd rounds to even
  for (let k = 1; k < 40; k += 2) special.push(1 + k / 2048, -(1 + k / 2048), 2 ** -14 * (1 + k / 2048), 2 ** -20 * (1 + k / 8));
  const random = new Uint32Array(200_000);
  let seed = 12345;
  for (let i = 0; i < random.length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    random[i] = seed;
  }
  const values = new Float32Array(special.length + random.length);
  values.set(special);
  values.set(new Float32Array(random.buffer), special.length);
  return values;
}

describe('float16', () => {
  it('rounds float32 to the float16 bits numpy gives (ties to even, subnormals, overflow, NaN)', () => {
    const values = floats();
    const expected = new Uint16Array(numpy(new Uint8Array(values.buffer), 'half').slice().buffer);
    const got = float32ToHalfBits(values);
    const isNaNHalf = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
    let mismatches = 0;
    for (let i = 0; i < values.length; i++) {
      // numpy keeps a NaN's payload bits; any NaN is NaN
      if (isNaNHalf(expected[i]) ? !isNaNHalf(got[i]) : got[i] !== expected[i]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('reads every float16 bit pattern back as numpy does', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const expected = new Float32Array(numpy(new Uint8Array(all.buffer), 'single').slice().buffer);
    const got = halfBitsToFloat32(all);
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(expected[i])) expect(got[i]).toBeNaN();
      else if (got[i] !== expected[i] || Object.is(got[i], -0) !== Object.is(expected[i], -0)) expect([i, got[i]]).toEqual([i, expected[i]]);
    }
    expect(float16Values(new Uint16Array([0x3c00, 0xc000]))).toEqual(new Float32Array([1, -2]));
    expect(float16Values(new Float32Array(2))).toBeUndefined();
  });
});
