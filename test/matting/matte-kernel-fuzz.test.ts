/**
 * A seeded, deterministic differential fuzz of the hand-written WebAssembly SIMD matte kernels
 * (scripts/matte-kernel.wat) against the JavaScript loops they replace, hunting memory-safety and
 * correctness bugs. Hundreds of random cases of `resizePlane`, the fast guided filter (grey / RGB
 * / RGBA 8-bit guides to the kernel; float and grey + alpha guides and `fastGuidedFilter`, which
 * stay on the loop) and temporal smoothing (`smoothWithPrevious`, into a new plane or over the
 * previous one), on planes of 1×1, 1×N, N×1, 2×2 and odd sizes up to 1000×1000, now and then with
 * NaNs in the matte. Each case checks (a) that nothing throws, (b) that the kernel's result equals
 * the loop's within the tolerances of matte-kernel.test.ts, (c) that no tensor leaks, and (d) that
 * canary tensors in tfjs-wasm's heap stay intact. The kernels work in a WebAssembly memory of
 * their own, so after all cases a same-size resize and the guided filter of a constant matte still
 * give their known answers (no corruption of it).
 * A failure names its case — kind, number, seed (KERNEL_FUZZ_SEED picks another set) and
 * parameters; pasted into its kind's fixed cases, the parameters rerun it alone.
 * The helpers are in test/preprocess/kernel-fuzz/; the sampling kernel's fuzz is
 * test/preprocess/sampler-fuzz.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';
import { canaryProblems, placeCanaries, removeCanaries } from '../preprocess/kernel-fuzz/canaries';
import { expectClean, fuzz } from '../preprocess/kernel-fuzz/harness';
import { matteKnownAnswers } from '../preprocess/kernel-fuzz/known-answers';
import { GUIDED_CASES, guidedCase, resizeCase, smoothCase } from '../preprocess/kernel-fuzz/matte-cases';
import { runGuidedCase, runResizeCase, runSmoothCase } from '../preprocess/kernel-fuzz/matte-runs';

describe('the WebAssembly SIMD matte kernels against the JavaScript loops, fuzzed (seeded)', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    placeCanaries();
    expect(matteKnownAnswers()).toEqual([]);
  });
  afterAll(removeCanaries);

  it('matte planes resized (resizePlane)', () => {
    expectClean(fuzz('resize', [], 200, resizeCase, runResizeCase), 1);
  });

  it('the fast guided filter (fastGuidedFilterInto, fastGuidedFilter)', () => {
    expectClean(fuzz('guided', GUIDED_CASES, 150, guidedCase, runGuidedCase), 0.5);
  });

  it('mattes smoothed with the previous one (smoothWithPrevious)', () => {
    expectClean(fuzz('smooth', [], 75, smoothCase, runSmoothCase), 1);
  });

  it('after all cases the heap is intact: canaries and known answers unchanged', () => {
    expect(canaryProblems()).toEqual([]);
    expect(matteKnownAnswers()).toEqual([]);
  });
});
