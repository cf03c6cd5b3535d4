/**
 * Random cases of the sampling kernel's `sample` export (scripts/sample-kernel.wat): frames of
 * 1×1, 1×N, N×1, 2×2 and odd sizes up to 700 px in every kind (int32 / float32 tensors, 8-bit RGB
 * / RGBA pixels, now and then grey ones the kernel must decline), outputs of 1…300 px in every
 * form, and crop regions inside, across, far outside, degenerate or huge — or whole-frame fits.
 */
import type { CropRegion } from '../../../src/preprocess/crop-region';
import type { Normalization } from '../../../src/preprocess/normalize';
import type { SampleTarget } from '../../../src/preprocess/sampling/sample-output';
import type { FrameKind, FrameParams } from './frames';
import { NOISE_SPARE } from './noise';
import { type Random, size } from './random';

const MAX_FRAME = 700;
const MAX_OUTPUT = 300;
const NORMALIZATIONS: readonly Normalization[] = ['none', 'unit', 'symmetric', 'imagenet'];

/**
 * A random frame of up to 700 px a side.
 *
 * @example
 * ```ts
 * const test = openTestFrame(frameParams(r));
 * ```
 */
export function frameParams(r: Random): FrameParams {
  const [width, height] = size(r, MAX_FRAME);
  const kind = r.pick<FrameKind>(['int32', 'float32', 'uint8', 'uint8-clamped']);
  // grey frames are the loop's on both sides: a few check that the kernel declines them cleanly
  const channels = r.chance(0.08) ? 1 : r.pick([3, 4] as const);
  return { width, height, channels, kind, offset: r.int(0, NOISE_SPARE), nans: kind === 'float32' && r.chance(0.15) ? r.int(1, 4) : 0 };
}

/**
 * A random output of 1…300 px a side of this dtype: any normalisation, channel order, layout and (int32) rounding.
 *
 * @example
 * ```ts
 * const target = targetOf(r, r.chance(0.6) ? 'float32' : 'int32');
 * ```
 */
export function targetOf(r: Random, dtype: 'float32' | 'int32'): SampleTarget {
  const [width, height] = size(r, MAX_OUTPUT);
  return {
    width,
    height,
    normalization: r.pick(NORMALIZATIONS),
    dtype,
    channelOrder: r.pick([undefined, 'rgb', 'bgr'] as const),
    layout: r.pick([undefined, 'nhwc', 'nchw'] as const),
    rounding: dtype === 'int32' ? r.pick([undefined, 'truncate', 'round'] as const) : undefined,
  };
}

/** One axis of a crop region (0–1 of the frame): inside, partly, mostly or wholly outside, degenerate tiny, huge, or on whole pixels. */
function span(r: Random, pixels: number): [number, number] {
  switch (r.int(0, 6)) {
    case 0: {
      const lo = r.uniform(0, 0.95);
      return [lo, lo + (1 - lo) * r.uniform(0.01, 1)];
    }
    case 1: {
      const lo = r.uniform(-0.6, 0.6);
      return [lo, lo + r.uniform(0.2, 1.6)];
    }
    case 2:
      return r.chance(0.5) ? [r.uniform(-3, -0.8), r.uniform(-0.1, 0.2)] : [r.uniform(0.8, 1.1), r.uniform(1.5, 4)];
    case 3:
      return r.chance(0.5) ? [r.uniform(-4, -1.5), r.uniform(-1.4, -1e-6)] : [r.pick([1, 1 + 1e-9, r.uniform(1.001, 3)]), r.uniform(3.001, 5)];
    case 4: {
      const lo = r.uniform(-0.2, 1.2);
      return [lo, lo + r.pick([1e-12, 1e-9, 1e-6, 1 / pixels])];
    }
    case 5:
      // float32 positions past 1e38 are infinite
      return r.chance(0.8) ? [-r.logUniform(1, 1e6), r.logUniform(1, 1e6)] : [-r.pick([1e30, 1e39, 1e300]), r.pick([1e30, 1e39, 1e300])];
    default: {
      const n = Math.max(pixels - 1, 1);
      const lo = r.int(-2, pixels) / n;
      return [lo, lo + r.int(1, pixels + 2) / n];
    }
  }
}

/**
 * A crop region, or a batch of them, of a frame into a target.
 *
 * @example
 * ```ts
 * const c: RegionCase = { frame: { width: 7, height: 5, channels: 3, kind: 'int32', offset: 0, nans: 0 }, regions: [{ xMin: -0.1, yMin: 0.2, xMax: 0.7, yMax: 1.1 }], target: { width: 4, height: 4, normalization: 'unit', dtype: 'float32' } };
 * ```
 */
export interface RegionCase {
  frame: FrameParams;
  regions: CropRegion[];
  target: SampleTarget;
}

/**
 * A random {@link RegionCase}: one region in most, else a batch of 2–4.
 *
 * @example
 * ```ts
 * const tally = fuzz('region', [], 600, regionCase, runRegionCase);
 * ```
 */
export function regionCase(r: Random): RegionCase {
  const frame = frameParams(r);
  const regions = Array.from({ length: r.chance(0.7) ? 1 : r.int(2, 4) }, () => {
    const [xMin, xMax] = span(r, frame.width);
    const [yMin, yMax] = span(r, frame.height);
    return { xMin, yMin, xMax, yMax };
  });
  return { frame, regions, target: targetOf(r, r.chance(0.6) ? 'float32' : 'int32') };
}

/**
 * A whole frame fitted into a target, or resized the legacy way.
 *
 * @example
 * ```ts
 * const c: FitCase = { frame: { width: 640, height: 1, channels: 4, kind: 'uint8', offset: 9, nans: 0 }, fit: 'letterbox', padValue: 114, target: { width: 32, height: 32, normalization: 'none', dtype: 'int32' } };
 * ```
 */
export interface FitCase {
  frame: FrameParams;
  /** `legacy`: legacyResizePlan; else fitPlan with this fit and pad value. */
  fit: 'stretch' | 'letterbox' | 'center-crop' | 'legacy';
  padValue?: number;
  target: SampleTarget;
}

/**
 * A random {@link FitCase}.
 *
 * @example
 * ```ts
 * const tally = fuzz('fit', [], 300, fitCase, runFitCase);
 * ```
 */
export function fitCase(r: Random): FitCase {
  return {
    frame: frameParams(r),
    fit: r.pick(['stretch', 'letterbox', 'center-crop', 'legacy'] as const),
    padValue: r.pick([undefined, 0, 114, 255, Math.round(r.uniform(0, 255) * 8) / 8]),
    target: targetOf(r, r.chance(0.6) ? 'float32' : 'int32'),
  };
}
