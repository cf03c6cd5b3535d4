/**
 * The SDK's faster kernels for tfjs' `wasm` backend, installed together: SIMD batch
 * normalisation (`wasm-batch-norm.ts`), `Maximum` / `Minimum` (`wasm-min-max.ts`), `Equal` and
 * per-channel `Add` / `Multiply` (`wasm-elementwise.ts`), spatial `Mean` (`wasm-mean.ts`), and slices
 * copied inside the backend's memory (`wasm-slice.ts`). Each computes exactly what tfjs-wasm's
 * own kernel does and falls back to it where it cannot run.
 */
import { useFastWasmBatchNorm } from './wasm-batch-norm';
import { useFastWasmElementwise } from './wasm-elementwise';
import { useFastWasmMean } from './wasm-mean';
import { useFastWasmMinMax } from './wasm-min-max';
import { useFastWasmSlices } from './wasm-slice';

/**
 * Puts the SDK's SIMD kernels in front of tfjs-wasm's own (once; nothing happens where the wasm
 * backend is not registered). {@link selectTfjsBackend} calls it whenever it picks wasm; apps
 * that set up tfjs-wasm themselves can call it after importing `@tensorflow/tfjs-backend-wasm`.
 *
 * @example
 * ```ts
 * await import('@tensorflow/tfjs-backend-wasm');
 * useFastWasmKernels(); // batch norm ~6×, min / max and slices faster, results bit-identical
 * ```
 */
export function useFastWasmKernels(): void {
  useFastWasmBatchNorm();
  useFastWasmMinMax();
  useFastWasmSlices();
  useFastWasmElementwise();
  useFastWasmMean();
}
