/**
 * Runs a case of the sampling kernel (crop regions, whole-frame fits, rotated crops): once
 * through the kernel directly, its result disposed and its memory left dirty (the kernels do not
 * clear what they write over), then through the sampler with the kernel on and with it off (the
 * JavaScript loop), and compares the two — values within the tolerances of simd-sampling and
 * simd-affine tests, and the frame rows the kernel reads against those copied for it.
 */
import * as tf from '@tensorflow/tfjs';
import { sampleAffine } from '../../../src/preprocess/sampling/affine-sample';
import { affineInHeap } from '../../../src/preprocess/sampling/heap-affine';
import { sampleBatchInHeap, setSimdSampling } from '../../../src/preprocess/sampling/heap-kernel';
import { sampleFrame, sampleRegion, sampleRegions } from '../../../src/preprocess/sampling/region-sample';
import type { SampleTarget } from '../../../src/preprocess/sampling/sample-output';
import { fitPlan, legacyResizePlan, regionPlan } from '../../../src/preprocess/sampling/sample-plan';
import type { AffineCase } from './affine-cases';
import { sampleProblems, tensorProblems } from './compare';
import { openTestFrame } from './frames';
import type { Outcome } from './harness';
import { affineRows, planRows, rowProblems } from './read-rows';
import type { FitCase, RegionCase } from './sampler-cases';

/** What memory the kernels do not clear is filled with before they run (it must not survive). */
const DIRT = -9999;

/** Runs `compute` with the SIMD sampling kernel off: the JavaScript loop's result. */
function withLoop<T>(compute: () => T): T {
  setSimdSampling(false);
  try {
    return compute();
  } finally {
    setSimdSampling(true);
  }
}

/** Disposes a kernel's result and fills a tensor of its shape with {@link DIRT}: the next one likely gets that memory, which the kernels do not clear. */
function leaveDirt(tensor: tf.Tensor | undefined): void {
  if (!tensor) return;
  tensor.dispose();
  tf.fill(tensor.shape, DIRT, tensor.dtype).dispose();
}

/**
 * Runs a {@link RegionCase}: `sampleRegion` (one region) or `sampleRegions` (a batch), kernel against loop.
 *
 * @example
 * ```ts
 * expectClean(fuzz('region', [], 600, regionCase, runRegionCase), 0.4);
 * ```
 */
export function runRegionCase({ frame: params, regions, target }: RegionCase): Outcome {
  const test = openTestFrame(params);
  const { frame } = test;
  const sample = (into: SampleTarget): tf.Tensor4D => (regions.length === 1 ? sampleRegion(frame, regions[0], into) : sampleRegions(frame, regions, into));
  try {
    const plans = regions.map((region) => regionPlan(region, frame.width, frame.height, target.width, target.height));
    const direct = sampleBatchInHeap(frame, plans, target);
    leaveDirt(direct);
    test.takeCopiedRows();
    const simd = sample(target);
    const copied = test.takeCopiedRows();
    const js = withLoop(() => sample(target));
    const took = direct !== undefined;
    const floatLoop = (): tf.Tensor => withLoop(() => sample({ ...target, dtype: 'float32', rounding: undefined }));
    const problems = [...sampleProblems(simd, js, target, took, floatLoop), ...(took ? rowProblems(planRows(plans, frame.height), copied) : [])];
    tf.dispose([simd, js]);
    return { problems, kernel: took };
  } finally {
    test.dispose();
  }
}

/**
 * Runs a {@link FitCase}: `sampleFrame` with a fit or legacy resize plan, kernel against loop.
 *
 * @example
 * ```ts
 * expectClean(fuzz('fit', [], 300, fitCase, runFitCase), 0.4);
 * ```
 */
export function runFitCase({ frame: params, fit, padValue, target }: FitCase): Outcome {
  const test = openTestFrame(params);
  const { frame } = test;
  try {
    const plan = fit === 'legacy' ? legacyResizePlan(frame.width, frame.height, target.width, target.height) : fitPlan(frame.width, frame.height, { width: target.width, height: target.height, fit, padValue }).plan;
    const direct = sampleBatchInHeap(frame, [plan], target);
    leaveDirt(direct);
    test.takeCopiedRows();
    const simd = sampleFrame(frame, plan, target);
    const copied = test.takeCopiedRows();
    const js = withLoop(() => sampleFrame(frame, plan, target));
    const took = direct !== undefined;
    const floatLoop = (): tf.Tensor => withLoop(() => sampleFrame(frame, plan, { ...target, dtype: 'float32', rounding: undefined }));
    const problems = [...sampleProblems(simd, js, target, took, floatLoop), ...(took ? rowProblems(planRows([plan], frame.height), copied) : [])];
    tf.dispose([simd, js]);
    return { problems, kernel: took };
  } finally {
    test.dispose();
  }
}

/**
 * Runs an {@link AffineCase}: `sampleAffine`, kernel against loop (simd-affine.test.ts's tolerances).
 *
 * @example
 * ```ts
 * expectClean(fuzz('affine', AFFINE_CASES, 800, affineCase, runAffineCase), 0.4);
 * ```
 */
export function runAffineCase({ frame: params, matrix, target }: AffineCase): Outcome {
  const test = openTestFrame(params);
  const { frame } = test;
  try {
    const direct = affineInHeap(frame, matrix, target, () => undefined);
    leaveDirt(direct);
    test.takeCopiedRows();
    const simd = sampleAffine(frame, matrix, target);
    const copied = test.takeCopiedRows();
    const js = withLoop(() => sampleAffine(frame, matrix, target));
    const took = direct !== undefined;
    // simd-affine.test.ts: 0–255 values blended in float32 instead of double, ≤ 2e-5 after /255, else ≤ 1e-4
    const tolerance = took ? (target.normalization === 'unit' ? 2e-5 : 1e-4) : 0;
    const problems = [...tensorProblems(simd, js, tolerance), ...(took ? rowProblems(affineRows(matrix, target, frame.width, frame.height), copied) : [])];
    tf.dispose([simd, js]);
    return { problems, kernel: took };
  } finally {
    test.dispose();
  }
}
