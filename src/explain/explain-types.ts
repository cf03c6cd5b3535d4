import type { Box } from '../core/types';
import type { HeatMap } from './heat-map';

/**
 * How {@link explain} measures what mattered: `occlusion` (any model, any runtime: grey
 * patches slid over the image, heat = how much the score drops), and for tfjs models
 * `gradients` (|∂score/∂pixel|, max over channels), `smoothgrad` (gradients averaged over
 * noisy copies) and `grad-cam` (class activation map at a named layer).
 *
 * @example
 * ```ts
 * const method: ExplainMethod = 'grad-cam';
 * ```
 */
export type ExplainMethod = 'occlusion' | 'gradients' | 'smoothgrad' | 'grad-cam';

/**
 * The detection to explain: its box (image pixels) and class, e.g. a `Detection` from an
 * earlier `detector.run` on the same image. Each run of the model scores it by the
 * best-matching detection of that class (IoU ≥ `iouThreshold`), else 0; the gradient methods
 * differentiate the best raw candidate score of that class among the candidates overlapping it
 * (YOLO-style detectors, families `yolov5` and `yolov8`).
 *
 * @example
 * ```ts
 * const target: DetectionTarget = detections[0];
 * ```
 */
export interface DetectionTarget {
  box: Box;
  classId: number;
}

/** Progress of a long explanation: model runs (or gradient samples) done of the total. @example `onProgress: ({ done, total }) => bar.set(done / total)` */
export interface ExplainProgress {
  done: number;
  total: number;
}

/**
 * Options of {@link explain}. Sizes are in image pixels; `fill` in pixel units 0–255.
 *
 * @example
 * ```ts
 * await explain(classifier, photo, { method: 'occlusion', patchSize: 32, stride: 16, batchSize: 8 });
 * await explain(detector, photo, { method: 'occlusion', target: detections[0] });
 * await explain(classifier, photo, { method: 'grad-cam', layer: 'block_16_project' });
 * await explain(yoloDetector, photo, { method: 'smoothgrad', target: detections[0], samples: 8 });
 * ```
 */
export interface ExplainOptions {
  /** Default `occlusion`. */
  method?: ExplainMethod;
  /** Classification: the class to explain (default: the image's top class). */
  classId?: number;
  /** Detection (required there): the detection to explain. */
  target?: DetectionTarget;
  /** Detection: IoU with the target above which a detection of its class counts as it (default 0.5). */
  iouThreshold?: number;
  /**
   * Occlusion: side of the square patch in image pixels (default: a patch ⅛ of the image's
   * width by ⅛ of its height, at least 1 — about 15 positions per axis whatever the aspect ratio).
   */
  patchSize?: number;
  /** Occlusion: step between patches in image pixels, on both axes (default: half the patch's size on each axis). */
  stride?: number;
  /** Occlusion: the patch's colour, one grey level or RGB, 0–255 (default 128). */
  fill?: number | readonly [number, number, number];
  /** Occlusion: occluded copies per model call where the model takes a batch (default 16; fewer where a batch would hold over 2^24 values, e.g. 111 copies of a 224² input). */
  batchSize?: number;
  /** SmoothGrad: noisy samples (default 16). */
  samples?: number;
  /** SmoothGrad: noise standard deviation as a share of the 0–255 pixel range (default 0.15). */
  sigma?: number;
  /** SmoothGrad: an integer seed for the noise, so that a map can be made again (default: new noise each call). */
  seed?: number;
  /** Grad-CAM: the layer (layers models) or graph node (graph models) whose activations are weighed. */
  layer?: string;
  /** Aborts the work between model calls (`VisionError('ABORTED')`). */
  signal?: AbortSignal;
  /** Called after each model call (occlusion) or gradient sample (SmoothGrad). */
  onProgress?: (progress: ExplainProgress) => void;
}

/**
 * What {@link explain} returns: the heat map at the image's size (owned: `close()` it), the
 * method, and the explained class with its score on the unaltered image — the score the heat
 * map explains: the model's own output for classifiers (a logit for `logits` models, a
 * probability for `probabilities` models), the matched detection's score for detectors.
 *
 * @example
 * ```ts
 * const { heatMap, classId, score } = await explain(classifier, photo);
 * heatMap.close();
 * ```
 */
export interface Explanation {
  heatMap: HeatMap;
  method: ExplainMethod;
  classId: number;
  label: string;
  score: number;
  imageSize: { width: number; height: number };
}
