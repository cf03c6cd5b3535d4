/**
 * Canary tensors in tfjs-wasm's heap: small tensors of known values with holes between them,
 * where the fuzz's frames and outputs will likely land. A stray write need not change a kernel's
 * result, but a kernel that writes out of bounds will likely hit a canary; the fuzz checks them
 * after every case.
 */
import * as tf from '@tensorflow/tfjs';

/** The value of each canary tensor's element k. */
const canaryValue = (n: number, k: number): number => ((n * 131 + k * 7) % 251) - 125.5;
/** Small tensors of known values, with holes between them (where the fuzz's frames and outputs will likely land): a kernel that writes out of bounds will likely hit one. */
let canaries: tf.Tensor1D[] = [];

/**
 * Places the canaries (once the backend is chosen).
 *
 * @example
 * ```ts
 * beforeAll(async () => {
 *   await selectTfjsBackend({ backend: 'wasm' });
 *   placeCanaries();
 * });
 * ```
 */
export function placeCanaries(): void {
  const spacers: tf.Tensor[] = [];
  for (let n = 0; n < 24; n++) {
    canaries.push(tf.tensor1d(Array.from({ length: 64 }, (_, k) => canaryValue(n, k)), 'float32'));
    spacers.push(tf.zeros([3 * (1 << (n % 12)) * 64 + 3 * n]));
  }
  tf.dispose(spacers);
}

/**
 * A problem where a canary was overwritten, else none.
 *
 * @example
 * ```ts
 * expect(canaryProblems()).toEqual([]);
 * ```
 */
export function canaryProblems(): string[] {
  const hit = canaries.findIndex((canary, n) => !canary.dataSync().every((v, k) => v === Math.fround(canaryValue(n, k))));
  return hit < 0 ? [] : [`canary tensor ${hit} was overwritten (an out-of-bounds write into tfjs-wasm's heap)`];
}

/**
 * Disposes the canaries.
 *
 * @example
 * ```ts
 * afterAll(removeCanaries);
 * ```
 */
export function removeCanaries(): void {
  tf.dispose(canaries);
  canaries = [];
}
