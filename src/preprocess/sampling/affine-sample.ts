/**
 * Model inputs sampled along an affine map of the frame (a rotated crop region): bilinear, with
 * black beyond the image (each of the four neighbours outside reads 0, as OpenCV's
 * `warpAffine(…, INTER_LINEAR | WARP_INVERSE_MAP, BORDER_CONSTANT)`), normalised, ordered and
 * typed in one pass. Pixels in memory are read in place (on the wasm backend the inside pixels by
 * the SIMD kernel, `heap-affine.ts`, for float32 inputs); browser pictures opened on the WebGPU
 * backend are sampled by the GPU sampler's compute shader (the same taps, weights and border);
 * tensors on GPU backends go through `tf.image.transform`, which has the same semantics.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { normalize } from '../normalize';
import type { AffineMatrix } from '../rotated-region';
import type { Pixels } from './heap-pixels';
import type { OpenFrame } from './open-frame';
import { affineInHeap } from './heap-affine';
import { type OutputLayout, type SampleTarget, openSink, outputLayout } from './sample-output';

/** The frame's geometry as the per-pixel loop reads it. */
interface SourceShape {
  width: number;
  height: number;
  channels: number;
  /** Offsets of G and B within a pixel (grey images read channel 0 three times). */
  k1: number;
  k2: number;
}

/**
 * The per-frame loop (plain numbers and typed arrays only, as the region sampler's): each output
 * pixel reads the four source pixels around its mapped position and blends them; a neighbour
 * outside the image counts as black.
 */
function warp(data: Pixels, out: Int32Array | Float32Array, m: AffineMatrix, source: SourceShape, layout: OutputLayout, skip?: { start: Int32Array; end: Int32Array }): void {
  const { width: w, height: h, channels: c, k1, k2 } = source;
  const { width, height, pixelStride, rowStride } = layout;
  const [s0, s1, s2] = layout.slots;
  const [g0, g1, g2] = layout.gains;
  const [o0, o1, o2] = layout.offsets;
  const [a, b, cx, d, e, cy] = m;
  const rowBytes = w * c;
  for (let i = 0; i < height; i++) {
    // columns [from, to) are already sampled (the SIMD kernel's inside run)
    const from = skip ? skip.start[i] : width;
    const to = skip ? skip.end[i] : width;
    // positions as the kernel and insideRuns compute them: a·j + (b·i + c)
    const rowX = b * i + cx;
    const rowY = e * i + cy;
    for (let j = 0, o = i * rowStride; j < width; j++, o += pixelStride) {
      if (j === from && to > from) {
        j = to - 1;
        o = i * rowStride + j * pixelStride;
        continue;
      }
      const x = a * j + rowX;
      const y = d * j + rowY;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      let v0 = 0;
      let v1 = 0;
      let v2 = 0;
      if (x0 >= 0 && x0 < w - 1 && y0 >= 0 && y0 < h - 1) {
        // all four neighbours inside (most pixels): the same products, summed in the same order
        const p = y0 * rowBytes + x0 * c;
        const q = p + rowBytes;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        v0 = w00 * data[p] + w01 * data[p + c] + w10 * data[q] + w11 * data[q + c];
        v1 = w00 * data[p + k1] + w01 * data[p + c + k1] + w10 * data[q + k1] + w11 * data[q + c + k1];
        v2 = w00 * data[p + k2] + w01 * data[p + c + k2] + w10 * data[q + k2] + w11 * data[q + c + k2];
      } else if (x0 >= -1 && x0 < w && y0 >= -1 && y0 < h) {
        // the four neighbours, each with its weight where it lies inside
        for (let n = 0; n < 4; n++) {
          const px = x0 + (n & 1);
          const py = y0 + (n >> 1);
          if (px < 0 || px >= w || py < 0 || py >= h) continue;
          const weight = (n & 1 ? fx : 1 - fx) * (n >> 1 ? fy : 1 - fy);
          const p = py * rowBytes + px * c;
          v0 += weight * data[p];
          v1 += weight * data[p + k1];
          v2 += weight * data[p + k2];
        }
      }
      out[o + s0] = v0 * g0 + o0;
      out[o + s1] = v1 * g1 + o1;
      out[o + s2] = v2 * g2 + o2;
    }
  }
}

function warpOnBackend(tensor: tf.Tensor3D, m: AffineMatrix, target: SampleTarget): tf.Tensor4D {
  return tf.tidy(() => {
    const rgb = tensor.shape[2] === 3 ? tensor : tensor.shape[2] === 4 ? tf.slice(tensor, [0, 0, 0], [-1, -1, 3]) : tf.tile(tensor, [1, 1, 3]);
    const image = tf.expandDims(tf.cast(rgb, 'float32'), 0) as tf.Tensor4D;
    const crop = tf.image.transform(image, tf.tensor2d([[m[0], m[1], m[2], m[3], m[4], m[5], 0, 0]]), 'bilinear', 'constant', 0, [target.height, target.width]);
    const ordered = target.channelOrder === 'bgr' ? tf.reverse(crop, -1) : crop;
    let x = normalize(ordered, target.normalization);
    if (target.layout === 'nchw') x = tf.transpose(x, [0, 3, 1, 2]);
    if (target.dtype === 'int32') x = tf.cast(target.rounding === 'round' ? tf.round(x) : x, 'int32');
    return x as tf.Tensor4D;
  });
}

/**
 * Whether {@link sampleAffine} can sample this frame: its pixels are in memory, it is a tensor,
 * or a picture in a GPU texture. (Browser pictures opened for capture-time resizing are not.)
 *
 * @example
 * ```ts
 * if (!canSampleAffine(frame)) throw new Error('open the frame without resizeOnCapture to crop it rotated');
 * const input = sampleAffine(frame, matrix, target);
 * ```
 */
export function canSampleAffine(frame: OpenFrame): boolean {
  return frame.pixels !== undefined || frame.tensor !== undefined || frame.gpu !== undefined;
}

/**
 * Samples the frame along an affine map into a `[1, height, width, 3]` (or NCHW) tensor the
 * caller owns: output pixel (j, i) is the bilinear blend at source position
 * `(a·j + b·i + c, d·j + e·i + f)`, black beyond the image, then normalised and typed as the
 * target says. Build the map of a rotated crop with `rotatedRegionAffine`.
 *
 * @throws VisionError `INVALID_INPUT` for a non-finite map or a frame {@link canSampleAffine} refuses.
 *
 * @example
 * ```ts
 * const input = sampleAffine(frame, rotatedRegionAffine(roi, 224, 224), { width: 224, height: 224, normalization: 'unit', dtype: 'float32' });
 * ```
 */
export function sampleAffine(frame: OpenFrame, matrix: AffineMatrix, target: SampleTarget): tf.Tensor4D {
  if (matrix.length !== 6 || !matrix.every(Number.isFinite)) throw new VisionError('INVALID_INPUT', `an affine map needs 6 finite numbers [a, b, c, d, e, f]; got [${matrix.join(', ')}]`);
  if (frame.gpu) return frame.gpu.sampler.sampleAffine(frame.gpu.picture, matrix, target);
  if (!frame.pixels) {
    if (!frame.tensor) throw new VisionError('INVALID_INPUT', 'a rotated crop needs a frame with pixels in memory, a tensor or a picture on the GPU (not one opened with resizeOnCapture)');
    return warpOnBackend(frame.tensor, matrix, target);
  }
  const k = frame.channels >= 3 ? 1 : 0;
  const source: SourceShape = { width: frame.width, height: frame.height, channels: frame.channels, k1: k, k2: 2 * k };
  const pixels = frame.pixels;
  const direct = affineInHeap(frame, matrix, target, (values, runs, layout) => warp(pixels(), values, matrix, source, layout, runs));
  if (direct) return direct;
  const layout = outputLayout(target);
  const sink = openSink(target);
  try {
    warp(pixels(), sink.values, matrix, source, layout);
  } catch (error) {
    sink.abandon();
    throw error;
  }
  return sink.finish();
}
