/**
 * Crop regions: the part of a frame (in 0–1 of its width and height, possibly reaching beyond
 * it) that a sampler resamples to the model input — a person, hand or face ROI, or the whole
 * frame padded to a square. The policies that choose a region from a model's output (e.g.
 * MoveNet's crop around the previous pose) live with their task.
 */

/**
 * A rectangle in 0–1 of the image width/height; it may extend beyond the image (the part
 * outside is filled with black when sampled).
 *
 * @example
 * ```ts
 * const whole: CropRegion = { xMin: 0, yMin: 0, xMax: 1, yMax: 1 };
 * ```
 */
export interface CropRegion {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/**
 * The square region centred on the image that contains all of it (the image padded to a
 * square): a 640×480 frame gives y from −1/6 to 7/6.
 *
 * @example
 * ```ts
 * fullFrameRegion(640, 480); // { xMin: 0, yMin: -0.1666…, xMax: 1, yMax: 1.1666… }
 * ```
 */
export function fullFrameRegion(width: number, height: number): CropRegion {
  if (width > height) {
    const half = width / height / 2;
    return { xMin: 0, yMin: 0.5 - half, xMax: 1, yMax: 0.5 + half };
  }
  const half = height / width / 2;
  return { xMin: 0.5 - half, yMin: 0, xMax: 0.5 + half, yMax: 1 };
}
