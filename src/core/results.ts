import type { Classification, Timing } from './types';

/** The fields every pipeline result carries. @example `result.timing.total` */
export interface TimedResult {
  timing: Timing;
  /** Size of the input image in pixels. */
  imageSize: { width: number; height: number };
}

/**
 * The result of classifying one image: classes, best first.
 *
 * @example
 * ```ts
 * const { classes: [best] } = await classifier.run(img);
 * console.log(best.label, best.score);
 * ```
 */
export interface ClassificationResult extends TimedResult {
  classes: Classification[];
}
