/**
 * A seeded, deterministic differential fuzz of the hand-written WebAssembly SIMD sampling kernel
 * (scripts/sample-kernel.wat) against the JavaScript loops it replaces, hunting memory-safety and
 * correctness bugs such as the one fixed in b0bfd31 (exact 90° / 180° turns reaching past the
 * frame made bogus inside runs: the affine kernel read out of bounds and corrupted tfjs-wasm's
 * heap). Hundreds of random cases of:
 *
 * - crop regions and batches of them (`sampleRegion`, `sampleRegions`), whole-frame fits and
 *   legacy resizes (`sampleFrame`) — the kernel's `sample` export;
 * - rotated crops (`sampleAffine`) — its `affine` export: turns at and next to multiples of 90°,
 *   scales 0.05–5, tiny, zero and huge coefficients, whole-pixel positions, maps far outside;
 *
 * from int32 / float32 frame tensors read in place and 8-bit RGB / RGBA pixels copied into the
 * wasm memory, frames of 1×1, 1×N, N×1, 2×2 and odd sizes up to 700 px, outputs of 1…300 px in
 * every form (NHWC / NCHW, RGB / BGR, each normalisation, float32 and int32 rounded or truncated).
 * Each case checks (a) that nothing throws, (b) that the kernel's result equals the loop's within
 * the tolerances of simd-sampling and simd-affine tests, (c) that no tensor leaks, and — as a
 * stray access need not change a result — (d) that canary tensors between the fuzz's own stay
 * intact and that every row of an 8-bit frame the kernel reads was copied into the wasm memory.
 * After all cases, fixed samples still give their known answers (no heap corruption).
 * A failure names its case — kind, number, seed (KERNEL_FUZZ_SEED picks another set) and
 * parameters; pasted into its kind's fixed cases, the parameters rerun it alone.
 * The helpers are in test/preprocess/kernel-fuzz/; the matte kernels' fuzz is
 * test/matting/matte-kernel-fuzz.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../src/node/index';
import { AFFINE_CASES, affineCase } from './kernel-fuzz/affine-cases';
import { canaryProblems, placeCanaries, removeCanaries } from './kernel-fuzz/canaries';
import { valueProblems } from './kernel-fuzz/compare';
import { expectClean, fuzz } from './kernel-fuzz/harness';
import { referenceSamples, samplerKnownAnswers } from './kernel-fuzz/known-answers';
import { fitCase, regionCase } from './kernel-fuzz/sampler-cases';
import { runAffineCase, runFitCase, runRegionCase } from './kernel-fuzz/sampler-runs';

describe('the WebAssembly SIMD sampling kernel against the JavaScript loops, fuzzed (seeded)', () => {
  let before: Float32Array[] = [];

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    placeCanaries();
    expect(samplerKnownAnswers()).toEqual([]);
    before = referenceSamples();
  });
  afterAll(removeCanaries);

  it('crop regions and batches of them (sampleRegion, sampleRegions)', () => {
    expectClean(fuzz('region', [], 300, regionCase, runRegionCase), 0.4);
  });

  it('whole-frame fits and legacy resizes (sampleFrame)', () => {
    expectClean(fuzz('fit', [], 150, fitCase, runFitCase), 0.4);
  });

  it('rotated crops (sampleAffine)', () => {
    expectClean(fuzz('affine', AFFINE_CASES, 400, affineCase, runAffineCase), 0.4);
  });

  it('after all cases the heap is intact: canaries, known answers and reference samples unchanged', () => {
    expect(canaryProblems()).toEqual([]);
    expect(samplerKnownAnswers()).toEqual([]);
    const after = referenceSamples();
    after.forEach((values, k) => expect(valueProblems(values, before[k], 0), `reference sample ${k}`).toEqual([]));
  });
});
