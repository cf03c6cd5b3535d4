/**
 * Classification TTA on real photos (nsfwjs MobileNetV2): the averaged probabilities equal the
 * mean of the pipeline's own results on the mirrored and cropped pictures made here by hand,
 * five-crop views have torchvision's FiveCrop geometry, the answer stays right, nothing leaks, and bad options are
 * VisionErrors.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundHalfEven } from '../../src/core/round-half-even';
import { type ClassificationPipeline, VisionError, classificationViews, decodeImageFile, pipeline } from '../../src/node/index';
import { fixturePhoto } from '../helpers/photos';

describe('image-classification TTA (nsfwjs MobileNetV2, real photos)', () => {
  let classifier: ClassificationPipeline;
  beforeAll(async () => {
    classifier = await pipeline('image-classification');
  });
  afterAll(() => classifier?.dispose());

  it('five crops are the four corners and the centre (torchvision FiveCrop), each with its mirror', () => {
    const [w, h, cw, ch] = [451, 300, Math.round(451 * 0.875), Math.round(300 * 0.875)];
    const views = classificationViews({ crops: 'five' }, w, h);
    expect(views).toHaveLength(12);
    expect(views.filter((v) => v.crop).map((v) => [v.crop!.x, v.crop!.y, v.flip])).toEqual(
      [[0, 0], [w - cw, 0], [0, h - ch], [w - cw, h - ch], [28, 18]].flatMap(([x, y]) => [[x, y, false], [x, y, true]]),
    );
    // the centre as torchvision's center_crop places it: int(round(37 / 2)) = 18 (Python rounds halves to even; 19 before)
    expect([w - cw, h - ch]).toEqual([56, 37]);
  });

  it('flips + centre crop: the mean of the 4 views’ probabilities', async () => {
    const raw = await decodeImageFile(fixturePhoto('chelsea'));
    const image = tf.tensor3d(Int32Array.from(raw.data), [raw.height, raw.width, 3], 'int32');
    const [w, h] = [raw.width, raw.height];
    const [cw, ch] = [Math.round(w * 0.875), Math.round(h * 0.875)];
    const origins = [[roundHalfEven((w - cw) / 2), roundHalfEven((h - ch) / 2)]];
    const pictures = [image, ...origins.map(([x, y]) => tf.slice(image, [y, x, 0], [ch, cw, 3]))];
    const sum = new Float64Array(5);
    for (const picture of pictures) {
      for (const p of [picture, tf.reverse(picture, 1)]) {
        for (const c of (await classifier.run(p, { topK: 5 })).classes) sum[c.classId] += c.score / 4;
        if (p !== picture) p.dispose();
      }
    }
    const before = tf.memory().numTensors;
    const { classes } = await classifier.run(image, { topK: 5, tta: { flips: true, crops: 1 } });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(pictures);
    expect(classes[0].label).toBe('Neutral');
    for (const c of classes) expect(Math.abs(c.score - sum[c.classId])).toBeLessThan(1e-5);
    expect(classes.reduce((s, c) => s + c.score, 0)).toBeCloseTo(1, 4);
  });

  it('an n×n grid of crops, flips off; set at creation as a default', async () => {
    expect(classificationViews({ crops: 3, flips: false }, 100, 80)).toHaveLength(10);
    expect(classificationViews({ crops: 2, cropFraction: 0.5 }, 100, 80)[2]).toEqual({ crop: { x: 0, y: 0, width: 50, height: 40 }, flip: false });
    const withTta = await pipeline('image-classification', { tta: { crops: 1, flips: false } });
    try {
      const { classes } = await withTta.run(fixturePhoto('coffee'));
      expect(classes[0].label).toBe('Neutral');
    } finally {
      withTta.dispose();
    }
  });

  it('rejects bad TTA options with VisionError naming what is allowed', async () => {
    const photo = fixturePhoto('coffee');
    await expect(classifier.run(photo, { tta: { crops: 'ten' as 'five' } })).rejects.toThrow(/tta.crops must be 'five' or an integer grid size from 1 to 8/);
    await expect(classifier.run(photo, { tta: { cropFraction: 1.2 } })).rejects.toThrow(/cropFraction must be a number in \(0, 1\)/);
    await expect(classifier.run(photo, { tta: { flips: false } })).rejects.toThrow(/one view only/);
    await expect(classifier.run(photo, { tta: { flip: true } as never })).rejects.toThrow(/unknown option\(s\) flip; allowed: flips, crops, cropFraction/);
    await expect(pipeline('image-classification', { tta: { crops: 0 } })).rejects.toBeInstanceOf(VisionError);
  });
});
