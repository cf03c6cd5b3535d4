/**
 * Any image → the model input of a rotated crop region (MediaPipe's rotated ROI): sampled along
 * the region's affine map — bilinear, black beyond the frame — from pixels in memory, from a
 * tensor, or on the WebGPU backend from the picture in a GPU texture by one compute pass (no
 * pixel read back to the CPU).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageInput } from '../core/image-input';
import { type InputSpec, checkInputSpec } from './prepare';
import { type PrepareInputOptions, sampleTarget } from './prepare-input';
import { checkOptionsObject } from '../core/known-options';
import { type RotatedRegion, rotatedRegionAffine } from './rotated-region';
import { sampleAffine } from './sampling/affine-sample';
import { openFrame } from './sampling/open-frame';

/**
 * Samples `region` (source pixels, turned by its rotation) out of any image at the spec's size:
 * a `[1, height, width, 3]` (or NCHW) tensor the caller owns, normalised, ordered and typed as
 * the spec says; the spec's `fit` and `padValue` do not apply (beyond the frame is black). On
 * the WebGPU backend browser pictures are sampled on the GPU unless `gpuSampling: false`.
 *
 * @throws VisionError `INVALID_OPTION` for a bad spec, `INVALID_INPUT` for a bad image or region.
 *
 * @example
 * ```ts
 * const input = await prepareRotatedInput(videoFrame, { centerX: 320, centerY: 240, width: 200, height: 200, rotation: Math.PI / 4 }, { width: 224, height: 224, normalization: 'unit' });
 * ```
 */
export async function prepareRotatedInput(image: ImageInput, region: RotatedRegion, spec: InputSpec, options: Pick<PrepareInputOptions, 'gpuSampling'> = {}): Promise<tf.Tensor4D> {
  checkOptionsObject(options, 'prepareRotatedInput', ['gpuSampling']);
  checkInputSpec(spec);
  const matrix = rotatedRegionAffine(region, spec.width, spec.height);
  const frame = await openFrame(image, { gpuSampling: options.gpuSampling });
  try {
    return sampleAffine(frame, matrix, sampleTarget(spec));
  } finally {
    frame.release();
  }
}
