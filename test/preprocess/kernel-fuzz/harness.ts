/**
 * The fuzz loop: runs a kind's fixed cases, then its random ones (each from its own seed), and
 * tallies them. A case that throws, leaks tensors, hits a canary or finds a difference is a
 * failure that names its kind, number, seed (KERNEL_FUZZ_SEED picks another set) and parameters;
 * pasted into its kind's fixed cases, the parameters rerun it alone.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { canaryProblems } from './canaries';
import { Random, SEED, caseSeed } from './random';

/**
 * What a case found: its problems, and whether a kernel (not only the loop) computed it.
 *
 * @example
 * ```ts
 * const outcome: Outcome = { problems: valueProblems(kernel, loop, 1e-6), kernel: true };
 * ```
 */
export interface Outcome {
  problems: string[];
  kernel: boolean;
}

/**
 * The fuzz's findings of one kind of case.
 *
 * @example
 * ```ts
 * const tally: Tally = fuzz('smooth', [], 150, smoothCase, runSmoothCase);
 * ```
 */
export interface Tally {
  cases: number;
  kernel: number;
  failures: string[];
}

/**
 * Runs the fixed cases, then `count` random ones, each from its own seed, and tallies them; a
 * case that throws, leaks tensors, hits a canary or finds a difference is a failure that names
 * its kind, number, seed and parameters.
 *
 * @example
 * ```ts
 * const tally = fuzz('affine', AFFINE_CASES, 800, affineCase, runAffineCase);
 * ```
 */
export function fuzz<P>(kind: string, fixed: readonly P[], count: number, make: (r: Random) => P, run: (params: P) => Outcome): Tally {
  const tally: Tally = { cases: 0, kernel: 0, failures: [] };
  for (let k = -fixed.length; k < count; k++) {
    const seed = k < 0 ? undefined : caseSeed(kind, k);
    const params = seed === undefined ? fixed[k + fixed.length] : make(new Random(seed));
    const before = tf.memory().numTensors;
    let problems: string[];
    try {
      const outcome = run(params);
      problems = outcome.problems;
      if (outcome.kernel) tally.kernel++;
      const after = tf.memory().numTensors;
      if (after !== before) problems.push(`${after - before} tensors leaked`);
    } catch (error) {
      problems = [`threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
    }
    problems.push(...canaryProblems());
    tally.cases++;
    const name = seed === undefined ? `fixed case ${k + fixed.length}` : `case ${k} (KERNEL_FUZZ_SEED=${SEED}, case seed ${seed})`;
    if (problems.length > 0) tally.failures.push(`${kind} ${name}: ${problems.join('; ')}\n  parameters: ${JSON.stringify(params)}`);
  }
  return tally;
}

/**
 * Expects no failures, and the kernel to have computed at least `share` of the cases (else the fuzz would test the loop against itself).
 *
 * @example
 * ```ts
 * expectClean(fuzz('resize', [], 400, resizeCase, runResizeCase), 1);
 * ```
 */
export function expectClean(tally: Tally, share: number): void {
  expect(tally.failures, `${tally.failures.length} of ${tally.cases} cases failed:\n${tally.failures.join('\n')}`).toEqual([]);
  expect(tally.kernel / tally.cases, `the kernel computed ${tally.kernel} of ${tally.cases} cases`).toBeGreaterThanOrEqual(share);
}
