/**
 * An axis-aligned box in pixel coordinates of the original image: corners `(x1, y1)` top-left
 * and `(x2, y2)` bottom-right.
 *
 * @example
 * ```ts
 * const box: Box = { x1: 10, y1: 20, x2: 110, y2: 220 };
 * ```
 */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * Milliseconds spent in each stage of one pipeline run.
 *
 * @example
 * ```ts
 * console.log(`inference took ${result.timing.inference.toFixed(1)} ms`);
 * ```
 */
export interface Timing {
  preprocess: number;
  inference: number;
  postprocess: number;
  total: number;
}

/**
 * One class of an image-classification result.
 *
 * @example
 * ```ts
 * const top: Classification = { label: 'Neutral', classId: 2, score: 0.93 };
 * ```
 */
export interface Classification {
  label: string;
  classId: number;
  score: number;
}

/**
 * A point of interest in pixel coordinates of the original image (a face landmark, a body
 * joint), with its confidence and name where the model gives them.
 *
 * @example
 * ```ts
 * const nose: Keypoint = { x: 412, y: 230, score: 0.93, name: 'nose' };
 * ```
 */
export interface Keypoint {
  x: number;
  y: number;
  score?: number;
  name?: string;
}

/**
 * One detected object: its box in pixels of the original image, a normalised copy (0–1 of
 * the image width/height), its score and class.
 *
 * @example
 * ```ts
 * for (const d of result.detections) console.log(d.label, d.score, d.box);
 * ```
 */
export interface Detection {
  box: Box;
  boxNormalized: Box;
  score: number;
  classId: number;
  label: string;
  /** Landmarks that come with the box (e.g. BlazeFace's eyes, nose, mouth, ears). */
  keypoints?: Keypoint[];
}

/** The size of an image in pixels. @example `const s: ImageSize = { width: 640, height: 480 };` */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * How a model input was made from the source image, so that coordinates can be mapped back:
 * `source = (input - pad) / scale + crop`. Produced by the preprocessing helpers (resize,
 * letterbox, centre crop) and consumed by post-processing.
 *
 * @example
 * ```ts
 * const xSource = (xInput - meta.padX) / meta.scaleX + meta.cropX;
 * ```
 */
export interface InputTransform {
  sourceWidth: number;
  sourceHeight: number;
  inputWidth: number;
  inputHeight: number;
  scaleX: number;
  scaleY: number;
  padX: number;
  padY: number;
  cropX: number;
  cropY: number;
}
