/** How far apart two aspect ratios may be (relative) and still be one shape: 1366×768 and 1280×720 are. */
const SHAPE_TOLERANCE = 0.01;

/**
 * Whether two frame sizes have one shape (aspect ratio, within 1 %): a frame scaled to the
 * other size (a camera switching resolution) shows the same place at the same 0–1 position,
 * so video state can be carried over; a frame of another shape (cropped, padded, turned to
 * portrait) says nothing of where things went.
 *
 * @example
 * ```ts
 * sameShape({ width: 640, height: 480 }, { width: 1280, height: 960 }); // true
 * sameShape({ width: 640, height: 480 }, { width: 1280, height: 720 }); // false
 * ```
 */
export function sameShape(a: { width: number; height: number }, b: { width: number; height: number }): boolean {
  return Math.abs((a.width * b.height) / (a.height * b.width) - 1) <= SHAPE_TOLERANCE;
}
