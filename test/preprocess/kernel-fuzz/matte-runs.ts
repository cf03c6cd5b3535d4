/**
 * Runs a case of the matte kernels (resizePlane, the fast guided filter, temporal smoothing):
 * once with the kernels on, once off (the JavaScript loops), and compares the two with the
 * tolerances of matte-kernel.test.ts. The kernels keep a WebAssembly memory of their own; the
 * loops' planes are plain Float32Arrays.
 */
import { FastGuidedFilterWorkspace, type GuidePixels, fastGuidedFilter, fastGuidedFilterInto, fastGuidedGridSize, subsampleGuide } from '../../../src/postprocess/masks/fast-guided-filter';
import { setMatteKernels } from '../../../src/postprocess/masks/matte-kernel';
import { smoothWithPrevious } from '../../../src/postprocess/masks/temporal-smoothing';
import { resizePlane } from '../../../src/postprocess/masks/upsample';
import { valueProblems } from './compare';
import type { Outcome } from './harness';
import type { GuidedCase, ResizeCase, SmoothCase } from './matte-cases';
import { noise, planeOf } from './noise';

/** Runs `compute` with the matte kernels on, then off (the loops). */
function kernelAndLoop<T>(compute: () => T): [T, T] {
  try {
    const kernel = compute();
    setMatteKernels(false);
    return [kernel, compute()];
  } finally {
    setMatteKernels(true);
  }
}

/**
 * Runs a {@link ResizeCase}: `resizePlane`, kernel against loop.
 *
 * @example
 * ```ts
 * expectClean(fuzz('resize', [], 400, resizeCase, runResizeCase), 1);
 * ```
 */
export function runResizeCase(c: ResizeCase): Outcome {
  const plane = planeOf(c.width * c.height, c.offset, -0.2, 1.2, c.nans);
  const [kernel, loop] = kernelAndLoop(() => resizePlane(plane, c.width, c.height, c.outWidth, c.outHeight));
  // matte-kernel.test.ts: < 1e-6 on values around 0–1
  return { problems: valueProblems(kernel, loop, 1e-6), kernel: true };
}

/**
 * Runs a {@link GuidedCase}: `fastGuidedFilterInto` (8-bit guides go to the kernel) or `fastGuidedFilter` (always the loop), kernel against loop.
 *
 * @example
 * ```ts
 * expectClean(fuzz('guided', GUIDED_CASES, 300, guidedCase, runGuidedCase), 0.5);
 * ```
 */
export function runGuidedCase(c: GuidedCase): Outcome {
  const { width, height, channels } = c;
  const { lowWidth, lowHeight } = fastGuidedGridSize(width, height, c.subsample);
  const lowRadius = Math.max(1, Math.round(c.radius / c.subsample));
  if (c.api === 'plain') {
    const grey = planeOf(width * height, c.offset, 0, 1, 0);
    const input = planeOf(width * height, c.offset + 1, 0, 1, c.nans);
    const [kernel, loop] = kernelAndLoop(() => fastGuidedFilter(grey, input, width, height, { radius: c.radius, epsilon: c.epsilon, subsample: c.subsample }));
    return { problems: valueProblems(kernel, loop, 0), kernel: false };
  }
  const bytes = noise().subarray(c.offset, c.offset + width * height * channels);
  const data = c.guide === 'float32' ? Float32Array.from(bytes, (v) => v / 255) : c.guide === 'uint8' ? Uint8Array.from(bytes) : Uint8ClampedArray.from(bytes);
  const guide: GuidePixels = { data, width, height, channels, scale: c.guide === 'float32' ? 1 : 1 / 255 };
  const workspace = new FastGuidedFilterWorkspace(width, height, lowWidth, lowHeight);
  // a soft disc (a person-like matte) with noise on it
  const matte = planeOf(lowWidth * lowHeight, c.offset + 7, 0, 0.2, c.nans);
  for (let y = 0; y < lowHeight; y++) {
    for (let x = 0; x < lowWidth; x++) matte[y * lowWidth + x] += 0.8 / (1 + Math.exp((Math.hypot((x - lowWidth / 2) / lowWidth, (y - lowHeight / 2) / lowHeight) - 0.3) * 40));
  }
  workspace.inputLow.set(matte);
  subsampleGuide(guide, workspace);
  const [kernel, loop] = kernelAndLoop(() => fastGuidedFilterInto(guide, workspace, { lowRadius, epsilon: c.epsilon, clamp: c.clamp }, new Float32Array(width * height).fill(-7)));
  const took = c.guide !== 'float32' && channels !== 2;
  // matte-kernel.test.ts: < 2e-6
  return { problems: valueProblems(kernel, loop, took ? 2e-6 : 0), kernel: took };
}

/**
 * Runs a {@link SmoothCase}: `smoothWithPrevious`, into a new plane or over the previous one, kernel against loop.
 *
 * @example
 * ```ts
 * expectClean(fuzz('smooth', [], 150, smoothCase, runSmoothCase), 1);
 * ```
 */
export function runSmoothCase(c: SmoothCase): Outcome {
  // values at and past 0 and 1 (clamped into the uncertainty table), NaNs
  const current = planeOf(c.length, c.offset, -0.5, 1.5, c.nans);
  const previous = planeOf(c.length, c.offset + 3, 0, 1, 0);
  const [kernel, loop] = kernelAndLoop(() => {
    const into = c.inPlace ? previous.slice() : undefined;
    return smoothWithPrevious(current, into ?? previous, c.ratio, into);
  });
  // matte-kernel.test.ts: < 1e-6
  return { problems: valueProblems(kernel, loop, 1e-6), kernel: true };
}
