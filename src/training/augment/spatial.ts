import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { shownData, shownValue } from '../../core/shown-value';
import type { Box } from '../../core/types';
import { checkNumber, checkObject, checkOptionalNumber, checkSeed } from '../checks';
import { toRandom } from '../random';
import { knownOptions, optionNames } from '../../core/known-options';

/**
 * An image with optional boxes (pixel coordinates) and mask (`[H, W]` or `[H, W, 1]`, same
 * size as the image), transformed together by {@link augmentSpatial}. A box's other fields (a
 * `classId`, a label) are kept, so that a box the transform drops takes them with it.
 *
 * @example
 * ```ts
 * const sample: AugmentSample = { image, boxes: [{ x1: 10, y1: 10, x2: 40, y2: 40 }], mask };
 * ```
 */
export interface AugmentSample {
  image: tf.Tensor3D;
  boxes?: Box[];
  mask?: tf.Tensor2D | tf.Tensor3D;
}

/**
 * Random geometric augmentation settings. Each is applied with its probability / range.
 *
 * @example
 * ```ts
 * const ops: SpatialAugmentation = { flip: 0.5, crop: { minScale: 0.7 }, rotate: 15 };
 * ```
 */
export interface SpatialAugmentation {
  /** Probability of a horizontal flip (default 0). */
  flip?: number;
  /** Random crop covering `minScale`–1 of each side, resized back to the original size. */
  crop?: { minScale: number; probability?: number };
  /** Maximum rotation in degrees, either way (default 0). */
  rotate?: number;
  seed?: number | (() => number);
}

const corners = (b: Box): [number, number][] => [[b.x1, b.y1], [b.x2, b.y1], [b.x1, b.y2], [b.x2, b.y2]];

function enclose(points: [number, number][], width: number, height: number): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return {
    x1: Math.max(0, Math.min(...xs)), y1: Math.max(0, Math.min(...ys)),
    x2: Math.min(width, Math.max(...xs)), y2: Math.min(height, Math.max(...ys)),
  };
}

function asMask4d(mask: tf.Tensor2D | tf.Tensor3D): tf.Tensor4D {
  return tf.tidy(() => (mask.rank === 2 ? mask.expandDims(-1) : mask).expandDims(0).toFloat() as tf.Tensor4D);
}

function restoreMask(original: tf.Tensor2D | tf.Tensor3D, m: tf.Tensor4D): tf.Tensor2D | tf.Tensor3D {
  return tf.tidy(() => {
    const binary = tf.cast(tf.greater(m, 0.5), original.dtype).squeeze([0]);
    return (original.rank === 2 ? binary.squeeze([2]) : binary) as tf.Tensor2D | tf.Tensor3D;
  });
}

/**
 * Horizontal flip of an image with its boxes and mask.
 *
 * @example
 * ```ts
 * const flipped = flipSample({ image, boxes });
 * ```
 */
export function flipSample(sample: AugmentSample): AugmentSample {
  checkSample(sample, 'flipSample');
  const [, width] = sample.image.shape;
  return {
    image: tf.tidy(() => tf.reverse(sample.image, 1)),
    boxes: sample.boxes?.map((b) => ({ ...b, x1: width - b.x2, y1: b.y1, x2: width - b.x1, y2: b.y2 })),
    mask: sample.mask ? tf.tidy(() => tf.reverse(sample.mask as tf.Tensor, 1) as tf.Tensor2D | tf.Tensor3D) : undefined,
  };
}

/**
 * Crops the region `[x, y, w, h]` (pixels, edges) and resizes it back to the image size with
 * half-pixel centres (torchvision's `resized_crop`); boxes are mapped the same way and clipped
 * (boxes left with no area are dropped), the mask is resampled the same way and cut at 0.5
 * (nearest-neighbour rounding differs between tfjs backends at exact half positions).
 * `x`, `y` must be finite and `width`, `height` at least 1 (`INVALID_INPUT` otherwise); parts
 * of the region more than a pixel outside the image come out black.
 *
 * @example
 * ```ts
 * const zoomed = cropSample({ image, boxes }, { x: 20, y: 10, width: 200, height: 150 });
 * ```
 */
export function cropSample(sample: AugmentSample, region: { x: number; y: number; width: number; height: number }): AugmentSample {
  checkSample(sample, 'cropSample');
  checkObject(region, 'crop region', 'INVALID_INPUT');
  checkNumber(region.x, 'crop region x', 'finite', 'INVALID_INPUT');
  checkNumber(region.y, 'crop region y', 'finite', 'INVALID_INPUT');
  for (const side of ['width', 'height'] as const) {
    checkNumber(region[side], `crop region ${side}`, 'positive', 'INVALID_INPUT');
    if (region[side] < 1) throw new VisionError('INVALID_INPUT', `crop region ${side} is ${region[side]}; it must be at least 1 pixel`);
  }
  const [height, width] = sample.image.shape;
  const { x, y } = region;
  // half-pixel centres, as the boxes below (and torchvision's resized_crop): output pixel j
  // samples the source at x + (j + ½)·w/W − ½. The source is padded with a copy of its edge
  // pixels, so that the half pixel past the edge takes the edge's value (not black); positions
  // are in the padded image (+1). A projective transform, not cropAndResize: tfjs-wasm's
  // cropAndResize mixes up positions (a one-pixel-high image came out as its first pixel twice).
  const scaleX = region.width / width;
  const scaleY = region.height / height;
  const transforms = [[scaleX, 0, x + 0.5 * scaleX + 0.5, 0, scaleY, y + 0.5 * scaleY + 0.5, 0, 0]];
  const crop = (t: tf.Tensor4D): tf.Tensor4D =>
    tf.tidy(() => tf.image.transform(tf.mirrorPad(t, [[0, 0], [1, 1], [1, 1], [0, 0]], 'symmetric'), transforms, 'bilinear', 'constant', 0, [height, width]));
  const sx = width / region.width;
  const sy = height / region.height;
  const boxes = sample.boxes
    ?.map((b) => ({ ...b, ...enclose([[(b.x1 - x) * sx, (b.y1 - y) * sy], [(b.x2 - x) * sx, (b.y2 - y) * sy]], width, height) }))
    .filter((b) => b.x2 > b.x1 && b.y2 > b.y1);
  let mask: tf.Tensor2D | tf.Tensor3D | undefined;
  if (sample.mask) {
    const m4 = asMask4d(sample.mask);
    const cropped = crop(m4);
    mask = restoreMask(sample.mask, cropped);
    tf.dispose([m4, cropped]);
  }
  const image = tf.tidy(() => {
    const resized = crop(sample.image.toFloat().expandDims(0) as tf.Tensor4D).squeeze([0]);
    // an integer image is rounded (a cast alone truncates 19.999998 to 19)
    return tf.cast(sample.image.dtype === 'float32' ? resized : tf.round(resized), sample.image.dtype) as tf.Tensor3D;
  });
  return { image, boxes, mask };
}

/**
 * Rotates an image, its mask and boxes by `degrees` (counter-clockwise as seen on screen)
 * about the image centre; uncovered corners are filled with `fill` (0–255). Each box becomes
 * the axis-aligned box enclosing its rotated corners, so it still encloses its object, cut to
 * the image; a box turned wholly out of the image is dropped (as {@link cropSample} drops boxes
 * left with no area).
 *
 * @example
 * ```ts
 * const turned = rotateSample({ image, boxes, mask }, 10);
 * ```
 */
export function rotateSample(sample: AugmentSample, degrees: number, fill = 0): AugmentSample {
  checkSample(sample, 'rotateSample');
  checkNumber(degrees, 'degrees', 'finite');
  checkNumber(fill, 'fill', 'pixel');
  const [height, width] = sample.image.shape;
  const radians = (degrees * Math.PI) / 180;
  // box edges rotate about the image centre in edge coordinates (W/2, H/2); tfjs takes the
  // same centre in pixel-index coordinates ((W−1)/2, (H−1)/2), given as fractions of the size
  const cx = width / 2;
  const cy = height / 2;
  const center: [number, number] = [(width - 1) / (2 * width), (height - 1) / (2 * height)];
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  // screen counter-clockwise with y pointing down
  const turn = ([px, py]: [number, number]): [number, number] => [cx + (px - cx) * cos + (py - cy) * sin, cy - (px - cx) * sin + (py - cy) * cos];
  const boxes = sample.boxes?.map((b) => ({ ...b, ...enclose(corners(b).map(turn), width, height) })).filter((b) => b.x2 > b.x1 && b.y2 > b.y1);
  const image = tf.tidy(() => tf.cast(tf.image.rotateWithOffset(sample.image.toFloat().expandDims(0) as tf.Tensor4D, radians, fill, center).squeeze([0]), sample.image.dtype) as tf.Tensor3D);
  let mask: tf.Tensor2D | tf.Tensor3D | undefined;
  if (sample.mask) {
    const m4 = asMask4d(sample.mask);
    const turned = tf.image.rotateWithOffset(m4, radians, 0, center);
    mask = restoreMask(sample.mask, turned);
    tf.dispose([m4, turned]);
  }
  return { image, boxes, mask };
}

function checkSample(sample: AugmentSample, helper: string): void {
  checkObject(sample, 'sample', 'INVALID_INPUT');
  if (!(sample.image instanceof tf.Tensor) || sample.image.rank !== 3) {
    const shown = sample.image instanceof tf.Tensor ? `rank ${sample.image.rank}` : shownValue(sample.image);
    throw new VisionError('INVALID_INPUT', `image is ${shown}; ${helper} takes one [H, W, C] image tensor`);
  }
  const { boxes, mask } = sample;
  if (boxes !== undefined) {
    if (!Array.isArray(boxes)) throw new VisionError('INVALID_INPUT', `boxes are ${shownValue(boxes)}; ${helper} takes a list of boxes { x1, y1, x2, y2 } in pixels`);
    boxes.forEach((box: unknown, i) => {
      const b = box as Partial<Box> | null;
      const finite = typeof b === 'object' && b !== null && [b.x1, b.y1, b.x2, b.y2].every((v) => typeof v === 'number' && Number.isFinite(v));
      if (!finite || b.x2! < b.x1! || b.y2! < b.y1!) {
        throw new VisionError('INVALID_INPUT', `boxes[${i}] is ${shownData(box)}; each box is { x1, y1, x2, y2 }, finite pixels with x2 ≥ x1 and y2 ≥ y1`);
      }
    });
  }
  if (mask === undefined) return;
  const [height, width] = sample.image.shape;
  if (!(mask instanceof tf.Tensor) || (mask.rank !== 2 && mask.rank !== 3) || mask.shape[0] !== height || mask.shape[1] !== width) {
    const shown = mask instanceof tf.Tensor ? `[${mask.shape.join(', ')}]` : shownValue(mask);
    throw new VisionError('INVALID_INPUT', `mask is ${shown}; ${helper} takes a mask of the image's size, [${height}, ${width}] or [${height}, ${width}, C]`);
  }
}

function checkSpatial(ops: SpatialAugmentation): void {
  checkObject(ops, 'spatial augmentation options');
  knownOptions(ops, 'spatial augmentation options', optionNames<SpatialAugmentation>()(['flip', 'crop', 'rotate', 'seed']));
  checkSeed(ops.seed);
  checkOptionalNumber(ops.flip, 'flip', 'probability');
  checkOptionalNumber(ops.rotate, 'rotate', 'finite');
  if (ops.crop === undefined) return;
  checkObject(ops.crop, 'crop');
  knownOptions(ops.crop, 'crop', ['minScale', 'probability']);
  checkNumber(ops.crop.minScale, 'crop.minScale', 'fraction');
  checkOptionalNumber(ops.crop.probability, 'crop.probability', 'probability');
}

/**
 * Random geometric augmentation of one sample — flip, crop-and-scale, rotation — applied
 * to the image, boxes and mask consistently. Returns new tensors (the input is left alone).
 *
 * @example
 * ```ts
 * const out = augmentSpatial({ image, boxes, mask }, { flip: 0.5, crop: { minScale: 0.8 }, rotate: 10, seed: 1 });
 * ```
 */
export function augmentSpatial(sample: AugmentSample, ops: SpatialAugmentation = {}): AugmentSample {
  checkSample(sample, 'augmentSpatial');
  checkSpatial(ops);
  const random = toRandom(ops.seed);
  let current: AugmentSample = { image: sample.image.clone(), boxes: sample.boxes?.map((b) => ({ ...b })), mask: sample.mask?.clone() };
  const step = (next: AugmentSample): void => {
    tf.dispose([current.image, ...(current.mask ? [current.mask] : [])]);
    current = next;
  };
  if (ops.flip && random() < ops.flip) step(flipSample(current));
  if (ops.crop && random() < (ops.crop.probability ?? 1)) {
    const [height, width] = current.image.shape;
    const scale = ops.crop.minScale + (1 - ops.crop.minScale) * random();
    const w = Math.max(2, Math.round(width * scale));
    const h = Math.max(2, Math.round(height * scale));
    step(cropSample(current, { x: Math.floor(random() * (width - w + 1)), y: Math.floor(random() * (height - h + 1)), width: w, height: h }));
  }
  if (ops.rotate) step(rotateSample(current, (random() * 2 - 1) * ops.rotate));
  return current;
}
