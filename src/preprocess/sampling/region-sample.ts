/**
 * Model inputs sampled straight out of a frame by a {@link SamplePlan}: a crop region
 * (`tf.image.cropAndResize` semantics) or a whole-frame fit (letterbox / stretch / centre crop,
 * `resizeBilinear` semantics), normalised, ordered and typed in one pass. Pixels in memory are
 * read in place, so the full frame is never copied or cast to float — only the ~2 × 2 pixels
 * behind each output pixel are read. On the wasm backend a WebAssembly SIMD kernel samples frame
 * tensors in tfjs-wasm's memory and 8-bit frames copied there (`heap-kernel.ts`); other pixels
 * in memory go through the JavaScript loop below. YUV planes and canvas captures have their own
 * samplers; other tensors (WebGL, WebGPU) use `tf.image.cropAndResize` on the backend.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { CropRegion } from '../crop-region';
import { normalize } from '../normalize';
import { captureInto } from './capture-sample';
import type { Pixels } from './heap-pixels';
import type { OpenFrame } from './open-frame';
import { type SampleTarget, fillPad, openSink, outputLayout, sampleSize } from './sample-output';
import { type SampleGrid, sampleGrid } from './sample-grid';
import { sampleBatchInHeap } from './heap-kernel';
import { type SamplePlan, regionPlan } from './sample-plan';
import { sampleYuvInto } from './yuv-sample';

/**
 * The per-frame loop, kept apart from everything else: its arguments are typed arrays and
 * plain objects only, so V8's optimised code holds no reference to a frame's short-lived
 * objects and survives garbage collections (otherwise each full GC deoptimises it and the
 * next frame samples ~10× slower). One pass per output row, the twelve source values of a
 * pixel read once each, the blends written out: no helper calls per pixel. Sample positions
 * are those of the kernels (float32 for cropAndResize); the blend is in double.
 */
function blend(data: Pixels, out: Int32Array | Float32Array, grid: SampleGrid): void {
  const { top: tops, ty: tys, rowInside, left, tx, first, end, right, down, k1, k2, layout } = grid;
  const { height, pixelStride, rowStride } = layout;
  const s0 = layout.slots[0];
  const s1 = layout.slots[1];
  const s2 = layout.slots[2];
  const g0 = layout.gains[0];
  const g1 = layout.gains[1];
  const g2 = layout.gains[2];
  const o0 = layout.offsets[0];
  const o1 = layout.offsets[1];
  const o2 = layout.offsets[2];
  for (let i = 0; i < height; i++) {
    if (rowInside[i] === 0) continue;
    const top = tops[i];
    const y = tys[i];
    for (let j = first, o = i * rowStride + first * pixelStride; j < end; j++, o += pixelStride) {
      const x = tx[j];
      const tl = top + left[j];
      const tr = tl + right;
      const bl = tl + down;
      const br = bl + right;
      const tl0 = data[tl];
      const tl1 = data[tl + k1];
      const tl2 = data[tl + k2];
      const bl0 = data[bl];
      const bl1 = data[bl + k1];
      const bl2 = data[bl + k2];
      const upper0 = tl0 + (data[tr] - tl0) * x;
      const upper1 = tl1 + (data[tr + k1] - tl1) * x;
      const upper2 = tl2 + (data[tr + k2] - tl2) * x;
      const lower0 = bl0 + (data[br] - bl0) * x;
      const lower1 = bl1 + (data[br + k1] - bl1) * x;
      const lower2 = bl2 + (data[br + k2] - bl2) * x;
      out[o + s0] = (upper0 + (lower0 - upper0) * y) * g0 + o0;
      out[o + s1] = (upper1 + (lower1 - upper1) * y) * g1 + o1;
      out[o + s2] = (upper2 + (lower2 - upper2) * y) * g2 + o2;
    }
  }
}

function sampleOnBackend(tensor: tf.Tensor3D, region: CropRegion, target: SampleTarget): tf.Tensor4D {
  return tf.tidy(() => {
    const rgb = tensor.shape[2] === 3 ? tensor : tensor.shape[2] === 4 ? tf.slice(tensor, [0, 0, 0], [-1, -1, 3]) : tf.tile(tensor, [1, 1, 3]);
    const box = tf.tensor2d([[region.yMin, region.xMin, region.yMax, region.xMax]]);
    const crop = tf.image.cropAndResize(tf.expandDims(rgb, 0) as tf.Tensor4D, box, tf.zeros([1], 'int32') as tf.Tensor1D, [target.height, target.width], 'bilinear', 0);
    const ordered = target.channelOrder === 'bgr' ? tf.reverse(crop, -1) : crop;
    let x = normalize(ordered, target.normalization);
    if (target.layout === 'nchw') x = tf.transpose(x, [0, 3, 1, 2]);
    if (target.dtype === 'int32') x = tf.cast(target.rounding === 'round' ? tf.round(x) : x, 'int32');
    return x as tf.Tensor4D;
  });
}

/**
 * Whether {@link sampleFrame} can sample this frame without a tensor (pixels in memory, YUV
 * planes or a browser picture drawn at model size).
 *
 * @example
 * ```ts
 * if (canSample(frame)) input = sampleFrame(frame, plan, target);
 * ```
 */
export function canSample(frame: OpenFrame): boolean {
  return frame.gpu !== undefined || frame.yuv !== undefined || frame.drawable !== undefined || frame.pixels !== undefined;
}

/**
 * Samples a plan out of a frame into a `[1, height, width, 3]` (or NCHW `[1, 3, height,
 * width]`) tensor the caller owns. Needs {@link canSample}; otherwise throws `INVALID_INPUT`.
 *
 * @example
 * ```ts
 * const { plan } = fitPlan(frame.width, frame.height, spec);
 * const input = sampleFrame(frame, plan, { width: 512, height: 512, normalization: 'none', dtype: 'float32' });
 * ```
 */
export function sampleFrame(frame: OpenFrame, plan: SamplePlan, target: SampleTarget): tf.Tensor4D {
  return sampleFrameBatch(frame, [plan], target);
}

/** {@link sampleFrame} for several plans: a `[plans.length, …]` batch, sample k from plan k. */
function sampleFrameBatch(frame: OpenFrame, plans: readonly SamplePlan[], target: SampleTarget): tf.Tensor4D {
  if (!canSample(frame)) throw new VisionError('INVALID_INPUT', 'the frame has neither pixels, YUV planes nor a picture to draw');
  if (frame.gpu) {
    const { sampler, picture } = frame.gpu;
    return joinSamples(plans.length, (k) => sampler.sample(picture, plans[k], target));
  }
  if (frame.pixels) {
    const input = sampleBatchInHeap(frame, plans, target);
    if (input) return input;
  }
  const layout = outputLayout(target);
  const sink = openSink(target, plans.length);
  const size = sampleSize(target);
  try {
    // pixels in memory are read once for all the plans
    const pixels = frame.yuv || frame.drawable ? undefined : frame.pixels!();
    plans.forEach((plan, k) => {
      const values = sink.values.subarray(k * size, (k + 1) * size);
      fillPad(values, plan, layout);
      if (frame.yuv) sampleYuvInto(frame.yuv, plan, values, layout);
      else if (frame.drawable) captureInto(frame.drawable, frame.width, frame.height, plan, values, layout);
      else blend(pixels!, values, sampleGrid(frame, plan, layout));
    });
  } catch (error) {
    // a picture closed or emptied meanwhile: the tensor the samples went into is freed
    sink.abandon();
    throw error;
  }
  return sink.finish();
}

/** Single samples 0 … count − 1 joined into one batch (each freed; none left on a failure). */
function joinSamples(count: number, sample: (k: number) => tf.Tensor4D): tf.Tensor4D {
  if (count === 1) return sample(0);
  const samples: tf.Tensor4D[] = [];
  try {
    for (let k = 0; k < count; k++) samples.push(sample(k));
    return tf.concat(samples);
  } finally {
    tf.dispose(samples);
  }
}

/**
 * Cuts `region` (0–1 of the frame; may extend beyond it) out of the frame and resamples it to
 * the target size with `tf.image.cropAndResize` semantics, normalised and typed: a
 * `[1, height, width, 3]` tensor the caller owns. int32 targets truncate, as a tfjs cast does
 * (unless `rounding: 'round'`). The black outside the image is black after normalisation too.
 *
 * @throws VisionError `INVALID_INPUT` for an empty or non-finite region.
 *
 * @example
 * ```ts
 * const input = sampleRegion(frame, fullFrameRegion(frame.width, frame.height), { width: 192, height: 192, normalization: 'none', dtype: 'int32' });
 * ```
 */
export function sampleRegion(frame: OpenFrame, region: CropRegion, target: SampleTarget): tf.Tensor4D {
  const plan = regionPlan(region, frame.width, frame.height, target.width, target.height);
  if (canSample(frame)) return sampleFrame(frame, plan, target);
  if (!frame.tensor) throw new VisionError('INVALID_INPUT', 'the frame has neither pixels nor a tensor');
  return sampleOnBackend(frame.tensor, region, target);
}

/**
 * {@link sampleRegion} for several regions of one frame at once: a `[regions.length, height,
 * width, 3]` (or NCHW) batch the caller owns, sample k cut from region k, for models that take
 * a batch (one call for all the faces of a frame). Pixels in memory are written straight into
 * the batch; other frames are sampled one by one and joined.
 *
 * @throws VisionError `INVALID_INPUT` for no regions, or an empty or non-finite region.
 *
 * @example
 * ```ts
 * const faces = sampleRegions(frame, crops, { width: 192, height: 192, normalization: 'unit', dtype: 'float32' });
 * ```
 */
export function sampleRegions(frame: OpenFrame, regions: readonly CropRegion[], target: SampleTarget): tf.Tensor4D {
  if (regions.length === 0) throw new VisionError('INVALID_INPUT', 'sampleRegions needs at least one region');
  const plans = regions.map((region) => regionPlan(region, frame.width, frame.height, target.width, target.height));
  if (canSample(frame)) return sampleFrameBatch(frame, plans, target);
  if (!frame.tensor) throw new VisionError('INVALID_INPUT', 'the frame has neither pixels nor a tensor');
  const tensor = frame.tensor;
  return joinSamples(regions.length, (k) => sampleOnBackend(tensor, regions[k], target));
}
