// The SDK's tfjs-wasm kernel module in both builds: the plain one (Node's tfjs-wasm) and the one
// that imports a shared memory (threaded tfjs-wasm builds in cross-origin-isolated pages) give
// the same bits on the same inputs, and both equal a JavaScript reference of the operations
// tfjs-wasm's kernels do; wasmKernelStatus reports what is installed and linked.
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { BACKEND_KERNELS_SHARED_WASM_BASE64, BACKEND_KERNELS_WASM_BASE64 } from '../../src/runtime/backend-kernels-wasm';
import { wasmKernelStatus } from '../../src/runtime/wasm-kernel-link';
import { onBackendForFile } from '../helpers/file-backend';

onBackendForFile('wasm');

type Exports = Record<'batch_norm' | 'min_max' | 'equal' | 'channel_op', (...args: number[]) => void>;

function instance(base64: string, shared: boolean): { memory: WebAssembly.Memory; kernels: Exports } {
  const memory = new WebAssembly.Memory(shared ? { initial: 4, maximum: 65536, shared: true } : { initial: 4 });
  const module = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  return { memory, kernels: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports };
}

/** Seeded float32 values with NaN, ±0 and ±Infinity among them. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const specials = [Number.NaN, 0, -0, Infinity, -Infinity, 2];
  return Float32Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return i % 5 === 0 ? specials[s % specials.length] : (s / 2 ** 32 - 0.5) * 40;
  });
}

const f = Math.fround;
const N = 4 * 37 + 3; // rows of 37 channels (a scalar tail) and 3 more values for the elementwise kernels
const C = 37;

/** Runs every kernel of one build on the same inputs; returns each output's bytes. */
function runAll(build: { memory: WebAssembly.Memory; kernels: Exports }): Record<string, Uint8Array> {
  const { memory, kernels } = build;
  const at = { a: 0, b: 4096, out: 8192, params: 12288 };
  const a = values(N, 1);
  const b = values(N, 2);
  new Float32Array(memory.buffer, at.a, N).set(a);
  new Float32Array(memory.buffer, at.b, N).set(b);
  const mean = values(C, 3);
  const scale = values(C, 4);
  const norm = Float64Array.from(values(C, 5), (v) => f(Math.sqrt(f(Math.abs(v) + f(1e-3)))));
  const offset = Float64Array.from(values(C, 6));
  new Float32Array(memory.buffer, at.params, C).set(mean);
  new Float32Array(memory.buffer, at.params + 4 * C, C).set(scale);
  new Float64Array(memory.buffer, at.params + 8 * C, C).set(norm);
  new Float64Array(memory.buffer, at.params + 16 * C, C).set(offset);
  const read = (bytes: number): Uint8Array => new Uint8Array(memory.buffer, at.out, bytes).slice();
  const out: Record<string, Uint8Array> = {};
  kernels.batch_norm(at.a, at.out, 4 * C, at.params, C);
  out.batchNorm = read(16 * C);
  kernels.min_max(at.a, at.b, at.out, N, 0, 1);
  out.max = read(4 * N);
  kernels.min_max(at.a, at.b, at.out, N, 1, 0);
  out.minScalar = read(4 * N);
  kernels.equal(at.a, at.b, at.out, N, 2, 0);
  out.equalScalar = read(N);
  kernels.channel_op(at.a, at.b, at.out, 4 * C, C, 1);
  out.channelMul = read(16 * C);
  // the JavaScript reference of what tfjs-wasm computes
  const ref = {
    batchNorm: Float32Array.from({ length: 4 * C }, (_, i) => f(offset[i % C] + f(f(a[i] - mean[i % C]) * scale[i % C]) / norm[i % C])),
    max: Float32Array.from(a, (x, i) => (x < b[i] ? b[i] : x)),
    minScalar: Float32Array.from(a, (x) => (b[0] < x ? b[0] : x)),
    equalScalar: Uint8Array.from(b, (y) => (a[0] === y ? 1 : 0)),
    channelMul: Float32Array.from({ length: 4 * C }, (_, i) => f(a[i] * b[i % C])),
  };
  for (const [name, expected] of Object.entries(ref)) {
    const got = out[name];
    const want = new Uint8Array(expected.buffer);
    // NaN results may differ in payload bits: compare them as NaN
    const gotF = name === 'equalScalar' ? null : new Float32Array(got.buffer);
    const wantF = name === 'equalScalar' ? null : (expected as Float32Array);
    const same = gotF && wantF ? gotF.every((v, i) => Object.is(v, wantF[i]) || (Number.isNaN(v) && Number.isNaN(wantF[i]))) : got.every((v, i) => v === want[i]);
    expect(same, name).toBe(true);
  }
  return out;
}

describe('the SDK’s tfjs-wasm kernel module', () => {
  it('plain and shared-memory builds equal the JavaScript reference and each other', () => {
    const plain = runAll(instance(BACKEND_KERNELS_WASM_BASE64, false));
    const shared = runAll(instance(BACKEND_KERNELS_SHARED_WASM_BASE64, true));
    for (const name of Object.keys(plain)) expect(Array.from(shared[name]), name).toEqual(Array.from(plain[name]));
  });

  it('the shared build refuses a plain memory and the plain build a shared one (each links to its own kind)', () => {
    expect(() => instance(BACKEND_KERNELS_SHARED_WASM_BASE64, false)).toThrow();
    expect(() => instance(BACKEND_KERNELS_WASM_BASE64, true)).toThrow();
  });

  it('wasmKernelStatus: the replaced kernels, linked on Node’s (unthreaded) tfjs-wasm', () => {
    const status = wasmKernelStatus();
    expect(status.replaced).toEqual(expect.arrayContaining(['FusedBatchNorm', 'Maximum', 'Minimum', 'Equal', 'Add', 'Multiply', 'Slice', 'Unpack', 'SplitV', 'StridedSlice']));
    expect(status).toMatchObject({ simd: true, sharedMemory: false });
  });
});
