/**
 * A kernel's result against the JavaScript loop's, as problems (empty when they agree): values
 * within a tolerance (NaN matches NaN only), tensors of the same dtype and shape, and samples
 * with the tolerances of simd-sampling.test.ts — where an int32 target may differ by one grey
 * level only on a rounding tie.
 */
import type * as tf from '@tensorflow/tfjs';
import type { SampleTarget } from '../../../src/preprocess/sampling/sample-output';

/** The largest difference between a kernel's values and the loop's (NaN matches NaN only), where it is, and how many values differ. */
function difference(kernel: ArrayLike<number>, loop: ArrayLike<number>): { max: number; at: number; count: number } {
  let max = 0;
  let at = -1;
  let count = 0;
  for (let i = 0; i < loop.length; i++) {
    const nan = Number.isNaN(kernel[i]);
    const d = nan || Number.isNaN(loop[i]) ? (nan === Number.isNaN(loop[i]) ? 0 : Infinity) : Math.abs(kernel[i] - loop[i]);
    if (d > 0) count++;
    if (d > max) {
      max = d;
      at = i;
    }
  }
  return { max, at, count };
}

/**
 * Problems of a kernel's values against the loop's: a difference over the tolerance.
 *
 * @example
 * ```ts
 * expect(valueProblems(resizePlane(plane, 9, 4, 9, 4), plane, 0)).toEqual([]);
 * ```
 */
export function valueProblems(kernel: ArrayLike<number>, loop: ArrayLike<number>, tolerance: number): string[] {
  if (kernel.length !== loop.length) return [`${kernel.length} values, the loop ${loop.length}`];
  const { max, at, count } = difference(kernel, loop);
  return max <= tolerance ? [] : [`differs from the loop by ${max} > ${tolerance} at value ${at} (kernel ${kernel[at]}, loop ${loop[at]}; ${count} of ${loop.length} values differ)`];
}

/**
 * Problems of a kernel's tensor against the loop's: another dtype or shape, or values over the tolerance.
 *
 * @example
 * ```ts
 * const problems = tensorProblems(simd, js, 1e-4);
 * ```
 */
export function tensorProblems(kernel: tf.Tensor, loop: tf.Tensor, tolerance: number): string[] {
  if (kernel.dtype !== loop.dtype || kernel.shape.join() !== loop.shape.join()) return [`a ${kernel.dtype} [${kernel.shape}] tensor, the loop a ${loop.dtype} [${loop.shape}] one`];
  return valueProblems(kernel.dataSync(), loop.dataSync(), tolerance);
}

/**
 * A sample by the kernel against the loop's, with the tolerances of simd-sampling.test.ts: float
 * rounding (≤ 1e-4); for int32 targets one grey level where the value lies on a tie — within 1e-4
 * of a whole number when truncating, of a half when rounding — as the loop's float32 sample
 * (`floatLoop`) shows, float32 and double rounding taking it either way; none where the kernel
 * declined (both are the loop's).
 *
 * @example
 * ```ts
 * const floatLoop = (): tf.Tensor => withLoop(() => sampleFrame(frame, plan, { ...target, dtype: 'float32', rounding: undefined }));
 * const problems = sampleProblems(simd, js, target, took, floatLoop);
 * ```
 */
export function sampleProblems(kernel: tf.Tensor, loop: tf.Tensor, target: SampleTarget, took: boolean, floatLoop: () => tf.Tensor): string[] {
  const problems = tensorProblems(kernel, loop, !took ? 0 : target.dtype === 'int32' ? 1 : 1e-4);
  if (problems.length > 0 || !took || target.dtype !== 'int32') return problems;
  const [k, l] = [kernel.dataSync(), loop.dataSync()];
  const differ = l.findIndex((v, i) => v !== k[i]);
  if (differ < 0) return [];
  const exact = floatLoop();
  const values = exact.dataSync();
  exact.dispose();
  const tie = (v: number): number => (target.rounding === 'round' ? Math.floor(v) + 0.5 : Math.round(v));
  const off = l.findIndex((v, i) => v !== k[i] && Math.abs(values[i] - tie(values[i])) > 1e-4);
  return off < 0 ? [] : [`value ${off} is ${k[off]}, the loop's ${l[off]}, but ${values[off]} is no tie`];
}
