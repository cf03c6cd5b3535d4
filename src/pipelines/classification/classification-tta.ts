/**
 * Test-time augmentation of image classification: the classifier also sees mirrored and
 * cropped copies of the image, and their class probabilities are averaged.
 */
import { knownOptions } from '../../core/known-options';
import { roundHalfEven } from '../../core/round-half-even';
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';

/**
 * Test-time augmentation of a classifier (as torchvision's `FiveCrop` / `TenCrop`
 * evaluation): the whole image, plus `crops`, each also mirrored when `flips`; the class
 * probabilities of all views are averaged.
 *
 * @example
 * ```ts
 * await classifier.run(photo, { tta: { flips: true, crops: 'five' } }); // 12 views
 * ```
 */
export interface ClassificationTta {
  /** Also run the mirror image of every view. Default true. */
  flips?: boolean;
  /** `'five'`: the four corners and the centre; a number n: an n×n grid of evenly spaced crops (1: the centre). Default: no crops. */
  crops?: 'five' | number;
  /** Side of a crop as a fraction of the image's side, in (0, 1). Default 0.875. */
  cropFraction?: number;
}

/**
 * One view: a region of the image (pixels; the whole image when absent), maybe mirrored.
 *
 * @example
 * ```ts
 * const view: ClassificationView = { crop: { x: 0, y: 0, width: 200, height: 200 }, flip: true };
 * ```
 */
export interface ClassificationView {
  crop?: { x: number; y: number; width: number; height: number };
  flip: boolean;
}

function checkTta(tta: ClassificationTta): { flips: boolean; fraction: number } {
  if (tta == null || typeof tta !== 'object') throw new VisionError('INVALID_OPTION', "tta must be an object like { flips: true, crops: 'five' }");
  knownOptions(tta, 'tta', ['flips', 'crops', 'cropFraction']);
  const flips = tta.flips ?? true;
  if (typeof flips !== 'boolean') throw new VisionError('INVALID_OPTION', `tta.flips must be true or false; got ${String(flips)}`);
  const { crops } = tta;
  if (crops !== undefined && crops !== 'five' && !(Number.isInteger(crops) && crops >= 1 && crops <= 8)) {
    throw new VisionError('INVALID_OPTION', `tta.crops must be 'five' or an integer grid size from 1 to 8; got ${String(crops)}`);
  }
  const fraction = tta.cropFraction ?? 0.875;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
    throw new VisionError('INVALID_OPTION', `tta.cropFraction must be a number in (0, 1); got ${String(fraction)}`);
  }
  if (!flips && crops === undefined) throw new VisionError('INVALID_OPTION', "tta asks for one view only (the whole image); set flips: true or crops: 'five' | n");
  return { flips, fraction };
}

/**
 * Crop origins along one side: `n` evenly spaced from the start to the end (the middle for 1),
 * halves rounded to even as torchvision's `center_crop` (`int(round(room / 2))`) rounds them.
 */
function spaced(side: number, crop: number, n: number): number[] {
  const room = side - crop;
  return n === 1 ? [roundHalfEven(room / 2)] : Array.from({ length: n }, (_, i) => roundHalfEven((room * i) / (n - 1)));
}

/**
 * The views a {@link ClassificationTta} asks for on a `width`×`height` image: the whole image,
 * then the crops (row by row), each followed by its mirror when `flips`.
 *
 * @throws VisionError `INVALID_OPTION` naming the bad field and what is allowed.
 *
 * @example
 * ```ts
 * classificationViews({ crops: 'five', flips: false }, 640, 480).length; // 6
 * ```
 */
export function classificationViews(tta: ClassificationTta, width: number, height: number): ClassificationView[] {
  const { flips, fraction } = checkTta(tta);
  const cw = Math.max(1, Math.round(width * fraction));
  const ch = Math.max(1, Math.round(height * fraction));
  const crop = (x: number, y: number) => ({ x, y, width: cw, height: ch });
  let regions: ClassificationView['crop'][] = [undefined];
  if (tta.crops === 'five') {
    const [xs, ys] = [spaced(width, cw, 2), spaced(height, ch, 2)];
    const [cx, cy] = [spaced(width, cw, 1)[0], spaced(height, ch, 1)[0]];
    regions = [undefined, crop(xs[0], ys[0]), crop(xs[1], ys[0]), crop(xs[0], ys[1]), crop(xs[1], ys[1]), crop(cx, cy)];
  } else if (tta.crops !== undefined) {
    const n = tta.crops;
    regions = [undefined, ...spaced(height, ch, n).flatMap((y) => spaced(width, cw, n).map((x) => crop(x, y)))];
  }
  return regions.flatMap((region) => (flips ? [false, true] : [false]).map((flip) => (region ? { crop: region, flip } : { flip })));
}

/**
 * The picture a view sees (a new tensor; `image` is left alone).
 *
 * @example
 * ```ts
 * const mirrored = renderClassificationView(image, { flip: true });
 * ```
 */
export function renderClassificationView(image: tf.Tensor3D, view: ClassificationView): tf.Tensor3D {
  return tf.tidy(() => {
    const region = view.crop ? tf.slice(image, [view.crop.y, view.crop.x, 0], [view.crop.height, view.crop.width, 3]) : image;
    return view.flip ? tf.reverse(region, 1) : tf.clone(region);
  });
}
