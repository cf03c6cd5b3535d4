import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Box } from '../../src/core/types';
import { type AugmentSample, augmentPhotometric, augmentSpatial, cropSample, flipSample, mixup, rotateSample } from '../../src/training/index';

const W = 64;
const H = 48;
const SQUARE: Box = { x1: 10, y1: 8, x2: 26, y2: 24 }; // pixels 10..25 × 8..23

/** A black image with a white square and its mask. */
function scene(): AugmentSample {
  const pixels = new Float32Array(H * W * 3);
  const mask = new Float32Array(H * W);
  for (let y = SQUARE.y1; y < SQUARE.y2; y++) {
    for (let x = SQUARE.x1; x < SQUARE.x2; x++) {
      pixels.fill(255, (y * W + x) * 3, (y * W + x) * 3 + 3);
      mask[y * W + x] = 1;
    }
  }
  return { image: tf.tensor3d(pixels, [H, W, 3]), boxes: [SQUARE], mask: tf.tensor2d(mask, [H, W]) };
}

/** Bounding box (pixel edges) of pixels brighter than half. */
function brightBox(image: tf.Tensor3D | tf.Tensor2D, threshold: number): Box | null {
  const [h, w] = image.shape;
  const channels = image.rank === 3 ? (image as tf.Tensor3D).shape[2] : 1;
  const data = image.dataSync();
  let box: Box | null = null;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[(y * w + x) * channels] > threshold) {
        box = box ? { x1: Math.min(box.x1, x), y1: Math.min(box.y1, y), x2: Math.max(box.x2, x + 1), y2: Math.max(box.y2, y + 1) } : { x1: x, y1: y, x2: x + 1, y2: y + 1 };
      }
    }
  }
  return box;
}

function expectEncloses(outer: Box, inner: Box, slack = 1): void {
  expect(outer.x1).toBeLessThanOrEqual(inner.x1 + slack);
  expect(outer.y1).toBeLessThanOrEqual(inner.y1 + slack);
  expect(outer.x2).toBeGreaterThanOrEqual(inner.x2 - slack);
  expect(outer.y2).toBeGreaterThanOrEqual(inner.y2 - slack);
}

function check(out: AugmentSample, tight: boolean): void {
  const drawn = brightBox(out.image, 127) as Box;
  const inMask = brightBox(out.mask as tf.Tensor2D, 0.5) as Box;
  const [box] = out.boxes as Box[];
  expectEncloses(box, drawn);
  expectEncloses(box, inMask);
  if (tight) {
    for (const k of ['x1', 'y1', 'x2', 'y2'] as const) {
      expect(Math.abs(box[k] - drawn[k])).toBeLessThanOrEqual(1.5);
      expect(Math.abs(inMask[k] - drawn[k])).toBeLessThanOrEqual(1.5);
    }
  }
  tf.dispose([out.image, out.mask as tf.Tensor]);
}

describe('augmentation keeps boxes and masks consistent with the image', () => {
  it('flip', () => {
    const s = scene();
    const out = flipSample(s);
    expect(out.boxes).toEqual([{ x1: W - 26, y1: 8, x2: W - 10, y2: 24 }]);
    check(out, true);
    tf.dispose([s.image, s.mask as tf.Tensor]);
  });

  it('crop and scale', () => {
    const s = scene();
    check(cropSample(s, { x: 4, y: 2, width: 40, height: 30 }), true);
    tf.dispose([s.image, s.mask as tf.Tensor]);
  });

  it.each([15, -30, 90])('rotate %i°', (degrees) => {
    const s = scene();
    check(rotateSample(s, degrees), degrees === 90);
    tf.dispose([s.image, s.mask as tf.Tensor]);
  });

  it('random combinations (seeded) and no tensor leaks', () => {
    const s = scene();
    const before = tf.memory().numTensors;
    for (let seed = 0; seed < 8; seed++) check(augmentSpatial(s, { flip: 0.5, crop: { minScale: 0.75 }, rotate: 20, seed }), false);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([s.image, s.mask as tf.Tensor]);
  });
});

describe('photometric augmentation and mixup', () => {
  it('jitters colours, adds noise and cutout within range, without leaks', () => {
    const batch = tf.fill([4, 16, 16, 3], 0.5) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const out = augmentPhotometric(batch, { brightness: 0.2, contrast: 0.3, saturation: 0.3, noise: 0.05, cutout: 0.25, seed: 1 });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(out.shape).toEqual([4, 16, 16, 3]);
    const values = out.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    expect(tf.moments(out).variance.dataSync()[0]).toBeGreaterThan(1e-4);
    const same = augmentPhotometric(batch, { brightness: 0.2, seed: 1 });
    const again = augmentPhotometric(batch, { brightness: 0.2, seed: 1 });
    expect(Array.from(same.dataSync())).toEqual(Array.from(again.dataSync()));
    tf.dispose([batch, out, same, again]);
  });

  it('mixup blends images and labels with the same weight', () => {
    const x = tf.tensor4d([0, 1, 0, 1], [4, 1, 1, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2) as tf.Tensor2D;
    const { x: mx, y: my, lambda } = mixup(x, y, { alpha: 0.4, seed: 3 });
    expect(lambda).toBeGreaterThan(0);
    expect(lambda).toBeLessThan(1);
    const xs = mx.dataSync();
    const ys = my.dataSync();
    for (let i = 0; i < 4; i++) expect(xs[i]).toBeCloseTo(ys[i * 2 + 1], 5); // image value = share of class 1
    tf.dispose([x, y, mx, my]);
  });
});

describe('augmentation rejects bad settings without hanging or leaking', () => {
  const invalid = (call: () => unknown, code: string, fragment: RegExp): void => {
    const before = tf.memory().numTensors;
    expect(call).toThrow(expect.objectContaining({ name: 'VisionError', code, message: expect.stringMatching(fragment) }));
    expect(tf.memory().numTensors).toBe(before);
  };

  it('mixup needs a finite alpha > 0, and tiny alphas give λ of 0 or 1, not NaN', () => {
    const x = tf.ones([2, 2, 2, 1]) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2) as tf.Tensor2D;
    for (const [alpha, shown] of [[Number.NaN, 'NaN'], [Number.POSITIVE_INFINITY, 'Infinity'], ['0.2', '"0.2"'], [0, '0'], [-1, '-1']] as const) {
      invalid(() => mixup(x, y, { alpha: alpha as number, seed: 1 }), 'INVALID_OPTION', new RegExp(`alpha is ${shown}; it must be a finite number > 0`));
    }
    for (const alpha of [1e-300, 1e-3]) {
      const out = mixup(x, y, { alpha, seed: 1 });
      expect(Number.isFinite(out.lambda)).toBe(true);
      expect(Array.from(out.y.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([out.x, out.y]);
    }
    tf.dispose([x, y]);
  });

  it('spatial and photometric helpers check their sample and options', () => {
    const s = scene();
    invalid(() => rotateSample(s, Number.NaN), 'INVALID_OPTION', /degrees is NaN; it must be a finite number/);
    invalid(() => augmentSpatial(s, { crop: { minScale: Number.NaN } }), 'INVALID_OPTION', /crop\.minScale is NaN; it must be a number in \(0, 1\]/);
    invalid(() => augmentSpatial(null as never, {}), 'INVALID_INPUT', /sample is null; it must be an object/);
    const same = augmentSpatial(s, undefined);
    expect(same.boxes).toEqual([SQUARE]);
    tf.dispose([same.image, same.mask as tf.Tensor]);
    const batch = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const copy = augmentPhotometric(batch, undefined);
    expect(copy.shape).toEqual([1, 4, 4, 3]);
    invalid(() => augmentPhotometric(batch, { noise: -1 }), 'INVALID_OPTION', /noise is -1/);
    // names they do not take were ignored: a 'rotation' of 30° rotated nothing, a 'hue' jitter changed nothing
    const labels = tf.ones([1, 2]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    invalid(() => augmentSpatial(s, { rotation: 30 } as never), 'INVALID_OPTION', /spatial augmentation options has unknown option\(s\) rotation; allowed: flip, crop, rotate, seed/);
    invalid(() => augmentSpatial(s, { crop: { minScale: 0.5, prob: 1 } } as never), 'INVALID_OPTION', /crop has unknown option\(s\) prob; allowed: minScale, probability/);
    invalid(() => augmentPhotometric(batch, { hue: 0.1 } as never), 'INVALID_OPTION', /photometric options has unknown option\(s\) hue; allowed: brightness/);
    invalid(() => mixup(batch, labels, { beta: 0.4 } as never), 'INVALID_OPTION', /mixup options has unknown option\(s\) beta; allowed: alpha, seed/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([copy, batch, labels, s.image, s.mask as tf.Tensor]);
  });

  it('boxes, seeds and fill are checked before any tensor is made; a box turned out of the image is dropped, not inverted', () => {
    const s = scene();
    const batch = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const labels = tf.ones([1, 2]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    invalid(() => augmentSpatial({ ...s, boxes: 'x' as never }, {}), 'INVALID_INPUT', /^boxes are "x"; augmentSpatial takes a list of boxes/);
    invalid(() => flipSample({ ...s, boxes: [SQUARE, null as never] }), 'INVALID_INPUT', /^boxes\[1\] is null; each box is \{ x1, y1, x2, y2 \}/);
    invalid(() => rotateSample({ ...s, boxes: [{ ...SQUARE, x2: Number.NaN }] }, 10), 'INVALID_INPUT', /^boxes\[0\] is \{ x1: 10, y1: 8, x2: NaN, y2: 24 \}/);
    invalid(() => cropSample({ ...s, boxes: [{ x1: 100, y1: 100, x2: 50, y2: 40 }] }, { x: 0, y: 0, width: 8, height: 8 }), 'INVALID_INPUT', /x2 ≥ x1 and y2 ≥ y1/);
    for (const seed of [1.5, 'x', Number.NaN]) {
      invalid(() => augmentSpatial(s, { flip: 0.5, seed: seed as never }), 'INVALID_OPTION', /^seed is .*; it must be an integer \(or a function/);
      invalid(() => augmentPhotometric(batch, { noise: 0.1, seed: seed as never }), 'INVALID_OPTION', /^seed is /);
      invalid(() => mixup(batch, labels, { seed: seed as never }), 'INVALID_OPTION', /^seed is /);
    }
    for (const fill of [Number.NaN, 1000, 'red']) invalid(() => rotateSample(s, 10, fill as never), 'INVALID_OPTION', /^fill is .*; it must be a pixel value from 0 to 255/);
    expect(tf.memory().numTensors).toBe(before);
    // a box at the top edge turned 45° about the centre of a 53×37 image ends above the image: dropped (it came back with y2 < y1)
    const image = tf.zeros([37, 53, 3]) as tf.Tensor3D;
    const turned = rotateSample({ image, boxes: [{ x1: 48, y1: 0, x2: 53, y2: 4, classId: 1 }, { x1: 20, y1: 12, x2: 30, y2: 24, classId: 2 }] as unknown as Box[] }, 45);
    expect(turned.boxes).toHaveLength(1);
    expect(turned.boxes!.every((b) => b.x2 > b.x1 && b.y2 > b.y1)).toBe(true);
    // a box's other fields travel with it: the one kept is class 2's (the labels stay lined up)
    expect(turned.boxes![0]).toMatchObject({ classId: 2 });
    for (const out of [flipSample({ image, boxes: [{ ...SQUARE, classId: 7 } as Box] }), cropSample({ image, boxes: [{ ...SQUARE, classId: 7 } as Box] }, { x: 0, y: 0, width: 40, height: 30 })]) {
      expect(out.boxes![0]).toMatchObject({ classId: 7 });
      out.image.dispose();
    }
    tf.dispose([image, turned.image, batch, labels, s.image, s.mask as tf.Tensor]);
  });

  it('flipSample, cropSample and mixup check their input instead of making NaN pixels or tfjs errors', () => {
    const s = scene();
    invalid(() => flipSample(null as never), 'INVALID_INPUT', /sample is null; it must be an object/);
    invalid(() => flipSample({ image: s.mask as never }), 'INVALID_INPUT', /image is rank 2; flipSample takes one \[H, W, C\] image tensor/);
    invalid(() => cropSample(s, null as never), 'INVALID_INPUT', /crop region is null; it must be an object/);
    invalid(() => cropSample(s, { x: Number.NaN, y: 0, width: 4, height: 4 }), 'INVALID_INPUT', /crop region x is NaN; it must be a finite number/);
    invalid(() => cropSample(s, { x: 0, y: 0, width: 0, height: 4 }), 'INVALID_INPUT', /crop region width is 0/);
    invalid(() => cropSample(s, { x: 0, y: 0, width: 4, height: 0.5 }), 'INVALID_INPUT', /crop region height is 0\.5; it must be at least 1 pixel/);
    const [noImages, noLabels] = [tf.zeros([0, 2, 2, 3]) as tf.Tensor4D, tf.zeros([0, 2]) as tf.Tensor2D];
    invalid(() => mixup(noImages, noLabels), 'INVALID_INPUT', /mixup needs at least one example/);
    tf.dispose([noImages, noLabels]);
    // a one-pixel-high (or wide) image crops to its own pixels, not NaN
    const strip = tf.tensor3d([10, 20, 30, 40, 50, 60], [1, 2, 3]);
    for (const out of [cropSample({ image: strip }, { x: 0, y: 0, width: 2, height: 1 }), augmentSpatial({ image: strip }, { crop: { minScale: 0.5 }, seed: 1 })]) {
      expect(out.image.shape).toEqual([1, 2, 3]);
      expect(Array.from(out.image.dataSync()).every(Number.isFinite)).toBe(true);
      out.image.dispose();
    }
    const whole = cropSample({ image: strip }, { x: 0, y: 0, width: 2, height: 1 }).image;
    Array.from(whole.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([10, 20, 30, 40, 50, 60][i], 4));
    tf.dispose([whole, strip, s.image, s.mask as tf.Tensor]);
  });
});
