/**
 * Where each model-input pixel reads the frame: one source position per output row and column
 * (bilinear between the two neighbours), or "outside" (the pad value). Two geometries build
 * plans: a crop region with `tf.image.cropAndResize` semantics (corners aligned, black outside
 * the image), and a fit of the whole frame — stretch, letterbox (Ultralytics) or centre crop —
 * with `tf.image.resizeBilinear(…, halfPixelCenters)` semantics, exactly what
 * {@link prepareImage} computes on a tensor. Every sampler (in memory, YUV planes, canvas)
 * reads the same plan.
 */
import { VisionError } from '../../core/errors';
import type { InputTransform } from '../../core/types';
import type { CropRegion } from '../crop-region';
import { type AxisFit, fitGeometry } from '../geometry';
import type { InputSpec } from '../prepare';
import { shownData } from '../../core/shown-value';

/**
 * The samples along one axis: `positions[j]` is the source pixel index (fractional) that output
 * index j reads, NaN where it lies outside (pad). Inside samples follow `start + j · step`
 * (before clamping to the readable range), which a canvas reproduces by drawing the frame
 * scaled by `1 / step`.
 *
 * @example
 * ```ts
 * const axis: SampleAxis = { positions: Float64Array.of(0, 1.5, 3), start: 0, step: 1.5 };
 * ```
 */
export interface SampleAxis {
  positions: Float64Array;
  start: number;
  step: number;
}

/**
 * A complete sampling plan: both axes and the value (0–255 pixel units, before normalisation)
 * of the samples outside.
 *
 * @example
 * ```ts
 * const plan = regionPlan({ xMin: 0, yMin: -1 / 6, xMax: 1, yMax: 7 / 6 }, 640, 480, 192, 192);
 * ```
 */
export interface SamplePlan {
  x: SampleAxis;
  y: SampleAxis;
  pad: number;
}

/**
 * Source positions of one axis computed in float32 exactly as TF's CropAndResize kernel does
 * (corners aligned; samples beyond the image are outside).
 */
function cropAxis(min: number, max: number, size: number, out: number): SampleAxis {
  const f = Math.fround;
  const a = f(min);
  const b = f(max);
  const step = out > 1 ? f(f(f(b - a) * (size - 1)) / (out - 1)) : 0;
  const start = out > 1 ? f(a * (size - 1)) : f(f(0.5 * f(a + b)) * (size - 1));
  const positions = new Float64Array(out);
  for (let i = 0; i < out; i++) {
    const v = out > 1 ? f(start + f(i * step)) : start;
    positions[i] = v < 0 || v > size - 1 ? Number.NaN : v;
  }
  // a canvas needs the affine form; a one-sample axis reads the middle (scale by the crop)
  return { positions, start, step: out > 1 ? step : (max - min) * size };
}

/**
 * Cuts `region` (0–1 of the frame; may extend beyond it, which is black) and resamples it to
 * `outWidth` × `outHeight` with `tf.image.cropAndResize` semantics.
 *
 * @throws VisionError `INVALID_INPUT` for an empty or non-finite region.
 *
 * @example
 * ```ts
 * const plan = regionPlan(fullFrameRegion(640, 480), 640, 480, 192, 192);
 * ```
 */
export function regionPlan(region: CropRegion, width: number, height: number, outWidth: number, outHeight: number): SamplePlan {
  const values = [region.xMin, region.yMin, region.xMax, region.yMax];
  if (!values.every(Number.isFinite) || !(region.xMax > region.xMin) || !(region.yMax > region.yMin)) {
    throw new VisionError('INVALID_INPUT', `crop region must be finite and non-empty; got ${shownData(region)}`);
  }
  return { x: cropAxis(region.xMin, region.xMax, width, outWidth), y: cropAxis(region.yMin, region.yMax, height, outHeight), pad: 0 };
}

/**
 * Resamples the whole `width` × `height` frame to `outWidth` × `outHeight` with the legacy
 * semantics of `tf.image.resizeBilinear` (no aligned corners, no half-pixel centres): output
 * index j reads source position `j · size / out` (float32), clamped to the last pixel. Detectors
 * ported from TF.js code that resizes this way (HandTrack in `@vladmandic/human`) need it to see
 * the same pixels.
 *
 * @throws VisionError `INVALID_INPUT` for a size that is not a positive integer.
 *
 * @example
 * ```ts
 * const plan = legacyResizePlan(1920, 1280, 768, 512);
 * ```
 */
export function legacyResizePlan(width: number, height: number, outWidth: number, outHeight: number): SamplePlan {
  for (const [name, v] of [['width', width], ['height', height], ['outWidth', outWidth], ['outHeight', outHeight]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new VisionError('INVALID_INPUT', `legacyResizePlan: ${name} must be a positive integer; got ${v}`);
  }
  const axis = (size: number, out: number): SampleAxis => {
    const f = Math.fround;
    const step = f(size / out);
    const positions = new Float64Array(out);
    for (let j = 0; j < out; j++) positions[j] = Math.min(f(j * step), size - 1);
    return { positions, start: 0, step };
  };
  return { x: axis(width, outWidth), y: axis(height, outHeight), pad: 0 };
}

/**
 * Half-pixel bilinear resize of the source span [from, from + span) to output indices
 * [offset, offset + resized) of an axis of length `out`; reads clamp to the span (as resizing
 * a slice does), the rest is pad.
 */
function fitAxis({ from, span, offset, resized }: AxisFit, out: number): SampleAxis {
  const ratio = span / resized;
  const start = from + (0.5 - offset) * ratio - 0.5;
  const positions = new Float64Array(out).fill(Number.NaN);
  for (let j = Math.max(0, offset); j < Math.min(out, offset + resized); j++) {
    positions[j] = Math.min(Math.max(start + j * ratio, from), from + span - 1);
  }
  return { positions, start, step: ratio };
}

/**
 * The plan that fits a whole `width` × `height` frame to the model input as {@link prepareImage}
 * does (`fit` stretch, letterbox or center-crop; bilinear), with the transform that maps
 * model-input coordinates back to the frame.
 *
 * @throws VisionError `INVALID_OPTION` for an unknown fit or a bad size.
 *
 * @example
 * ```ts
 * const { plan, transform } = fitPlan(1920, 1280, { width: 512, height: 512, fit: 'letterbox', padValue: 0 });
 * ```
 */
export function fitPlan(width: number, height: number, spec: InputSpec): { plan: SamplePlan; transform: InputTransform } {
  const fit = spec.fit ?? 'stretch';
  const geometry = fitGeometry(width, height, spec.width, spec.height, fit, { cropFraction: spec.cropFraction });
  const pad = fit === 'letterbox' ? (spec.padValue ?? 114) : 0;
  return { plan: { x: fitAxis(geometry.x, spec.width), y: fitAxis(geometry.y, spec.height), pad }, transform: geometry.transform };
}
