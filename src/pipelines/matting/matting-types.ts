import type { Mask } from '../../core/mask';
import type { RgbaImage } from '../../core/rgba-image';
import type { ModelSpec } from '../../models/model-spec';
import type { TimedResult } from '../../core/results';
import type { BasePipelineOptions } from '../shared/pipeline-options';

/**
 * Edge refinement of a person-segmentation matte: a fast guided filter (He & Sun, "Fast Guided
 * Filter", 2015) guided by the frame's luma. Its linear coefficients are fitted on a grid whose
 * longer side is `gridSide` (the frame subsampled `s = longer side / gridSide` times, the
 * model's matte mapped onto that grid directly), then upsampled bilinearly and applied to the
 * frame's pixels in one pass that also produces the frame-size matte. Frames whose longer side
 * exceeds `maxSide` are refined at that working size and the result resized to the frame.
 *
 * @example
 * ```ts
 * await matting.run(frame, { refine: { radius: 6, epsilon: 1e-3, gridSide: 256 } });
 * ```
 */
export interface MattingRefineOptions {
  /**
   * Window radius in frame pixels (working-size pixels for frames larger than `maxSide`); on the
   * coefficient grid it is `max(1, round(radius / s))`. Default: longer side / 128, at least 1
   * (3 at 320×240).
   */
  radius?: number;
  /** Regularisation ε (guide in 0–1 units). Default 1e-3. */
  epsilon?: number;
  /**
   * Longest side of the working size. Default: none where the frame's pixels are in memory
   * (files, raw buffers, ImageData, tensors on wasm / cpu: refined in place at the frame's size,
   * which costs less than a smaller guide plus a resize), else 1280 (pixels sampled from a GPU
   * texture or tensor).
   */
  maxSide?: number;
  /** Longest side of the coefficient grid (≥ 16); as large as the frame: the full guided filter. Default 128. */
  gridSide?: number;
}

/**
 * Per-call options of a video-matting pipeline.
 *
 * @example
 * ```ts
 * await matting.runForVideo(frame, t, { downsampleRatio: 0.4 }); // RVM
 * await matting.run(photo, { refine: false }); // Selfie / Meet: the raw upsampled matte
 * ```
 */
export interface VideoMattingRunOptions {
  /** Person-segmentation models: guided-filter edge refinement, or `false` for none. Default on. */
  refine?: MattingRefineOptions | false;
  /** RVM: the ratio of its internal low-resolution pass, in (0, 1]. Default: from the frame size (see `recommendedDownsampleRatio`). */
  downsampleRatio?: number;
  /** RVM: also return the foreground colours. Default true. */
  outputForeground?: boolean;
}

/**
 * Options of a video-matting pipeline. Default model: MediaPipe Selfie (`selfie-segmentation`,
 * Apache-2.0); `meet-segmentation` and the opt-in `rvm` (Robust Video Matting, GPL-3.0 upstream)
 * are the others in the catalogue.
 *
 * @example
 * ```ts
 * const matting = await pipeline('video-matting', { model: 'rvm', maxInputSide: 1280 });
 * ```
 */
export interface VideoMattingOptions extends BasePipelineOptions, VideoMattingRunOptions {
  /** The card of a ready runner passed as `model`. */
  spec?: ModelSpec;
  /**
   * Person-segmentation models in video mode: the weight, in [0, 1], of the previous frame's
   * matte where this frame's is unsure (MediaPipe's segmentation smoothing); `false` for none.
   * Default 0.7.
   */
  smoothing?: number | false;
  /** RVM: frames whose longer side is larger are scaled down to it before the model (the matte comes back at the frame's size). Default 1920. */
  maxInputSide?: number;
}

/**
 * The matte of one frame at the frame's size: `alpha` (a `probability` {@link Mask}, 1 =
 * person) and, for RVM, the `foreground` colours as an RGBA image whose alpha channel is the
 * matte (draw it over any background for the composite). Close both when done.
 *
 * @example
 * ```ts
 * const { alpha, foreground } = await matting.runForVideo(frame, performance.now());
 * alpha.close();
 * foreground?.close();
 * ```
 */
export interface VideoMattingResult extends TimedResult {
  alpha: Mask;
  foreground?: RgbaImage;
  /** RVM: the downsample ratio used for this frame. */
  downsampleRatio?: number;
}

/**
 * What a matting engine gives the pipeline for one frame: the matte at the frame's size
 * (row-major, 0–1), optionally the foreground RGBA, and the stage timings.
 *
 * @example
 * ```ts
 * const { alpha, width, height } = await engine.matte(frame, { video: false, refine: false });
 * ```
 */
export interface MatteOutput {
  alpha: Float32Array;
  foreground?: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
  downsampleRatio?: number;
  timing: TimedResult['timing'];
  /** Takes `alpha` back once its mask is closed (for a later frame's matte). */
  recycle?: (alpha: Float32Array) => void;
}
