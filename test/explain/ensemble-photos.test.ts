/**
 * Test-time augmentation and an ensemble of real COCO detectors (CenterNet + NanoDet +
 * COCO-SSD) on real photos: merged boxes are sensible — every person that at least two models
 * (or views) find appears exactly once, and no two merged boxes of one class overlap at
 * IoU > 0.55 — and nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Detection, type DetectionPipeline, type DetectorEnsemble, VisionError, decodeImageFile, ensemble, iou, pipeline } from '../../src/node/index';
import { COCO_SSD } from '../../src/models/zoo-cards';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { fetchForTest } from '../models/zoo-cache';

const flat = (d: Detection) => [d.box.x1, d.box.y1, d.box.x2, d.box.y2];
const overlap = (a: Detection, b: Detection) => iou(flat(a), 0, flat(b), 0);
const people = (ds: readonly Detection[]) => ds.filter((d) => d.label === 'person');

/** Same-class pairs of merged boxes overlapping above `limit` (duplicates). */
function duplicates(ds: readonly Detection[], limit = 0.55): number {
  let n = 0;
  ds.forEach((a, i) => ds.slice(i + 1).forEach((b) => (n += a.classId === b.classId && overlap(a, b) > limit ? 1 : 0)));
  return n;
}

/** People found by at least two of `sets` (matched at IoU ≥ 0.5 to the first set that has them). */
function agreedPeople(sets: readonly Detection[][]): Detection[] {
  const agreed: Detection[] = [];
  sets.forEach((set, s) => {
    for (const p of people(set)) {
      if (agreed.some((a) => overlap(a, p) >= 0.5)) continue;
      const others = sets.filter((_, t) => t !== s && people(sets[t]).some((q) => overlap(p, q) >= 0.5)).length;
      if (others >= 1) agreed.push(p);
    }
  });
  return agreed;
}

const PHOTOS = [facePhoto(1), fixturePhoto('astronaut')];

describe('ensemble of CenterNet + NanoDet + COCO-SSD on real photos', () => {
  let members: DetectionPipeline[];
  let combined: DetectorEnsemble;
  beforeAll(async () => {
    await fetchForTest(COCO_SSD);
    members = [await pipeline('object-detection'), await pipeline('object-detection', { model: 'nanodet-coco' }), await pipeline('object-detection', { model: 'coco-ssd', agnostic: true })];
    combined = ensemble(members, { merge: 'wbf', weights: [2, 1, 1] });
  }, 120_000);
  afterAll(() => combined?.dispose());

  it.each(PHOTOS)('every person found by ≥ 2 models appears once; no duplicates at IoU > 0.55 (%s)', async (path) => {
    const image = await decodeImageFile(path);
    const singles = await Promise.all(members.map((m) => m.run(image).then((r) => r.detections)));
    const { detections } = await combined.run(image);
    const agreed = agreedPeople(singles);
    expect(agreed.length).toBeGreaterThan(0);
    for (const p of agreed) expect(people(detections).filter((d) => overlap(d, p) >= 0.5).length, `person at x1=${p.box.x1.toFixed(0)}`).toBe(1);
    expect(duplicates(detections)).toBe(0);
    // the union of three models holds more boxes than any one of them; merging keeps fewer than their sum
    expect(detections.length).toBeLessThan(singles.reduce((s, d) => s + d.length, 0));
    const scores = detections.map((d) => d.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("the run's maxDetections, threshold and agnostic hold for the merged detections, as for one detector (they reached the members only)", async () => {
    const image = await decodeImageFile(facePhoto(1));
    const all = (await combined.run(image, { threshold: 0.2 })).detections;
    expect(all.length).toBeGreaterThan(2);
    expect(all.some((d) => d.score < 0.5)).toBe(true); // WBF scores a box found by some members only lower
    expect((await combined.run(image, { threshold: 0.2, maxDetections: 2 })).detections).toEqual(all.slice(0, 2));
    const confident = (await combined.run(image, { threshold: 0.5 })).detections;
    expect(confident.length).toBeGreaterThan(0);
    for (const d of confident) expect(d.score).toBeGreaterThanOrEqual(0.5);
    await expect(combined.run(image, { maxDetections: 1.5 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'maxDetections is 1.5; it must be a whole number ≥ 0' });
  });

  it('merge by NMS and soft-NMS also gives the astronaut once; tensor count stays flat', async () => {
    const image = await decodeImageFile(fixturePhoto('astronaut'));
    for (const merge of ['nms', 'soft-nms'] as const) {
      // a second ensemble over the same members (not disposed: that would dispose the shared members)
      const { detections } = await ensemble(members, { merge, threshold: 0.2 }).run(image);
      expect(duplicates(detections, 0.7)).toBe(0);
      expect(people(detections).length).toBe(1);
    }
    const before = tf.memory().numTensors;
    await combined.run(image);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects detectors with different label spaces, bad weights and merge methods (VisionError)', () => {
    const other = { spec: { id: 'shapes', labels: ['circle', 'square'] }, run: members[0].run.bind(members[0]), dispose: () => undefined };
    expect(() => ensemble([members[0], other])).toThrow(/centernet-coco.*shapes.*80 vs 2 classes/);
    const renamed = { ...other, spec: { id: 'renamed', labels: members[0].spec.labels.map((l, i) => (i === 3 ? 'motorbike' : l)) } };
    expect(() => ensemble([members[0], renamed])).toThrow(/class 3 is 'motorcycle' vs 'motorbike'/);
    expect(() => ensemble([members[0]])).toThrow(VisionError);
    expect(() => ensemble(members, { weights: [1, 2] })).toThrow(/3 positive finite numbers/);
    expect(() => ensemble(members, { merge: 'vote' as 'wbf' })).toThrow(/wbf, nms, soft-nms/);
    expect(() => ensemble(members, { threshold: 1.5 })).toThrow(VisionError);
    // read as false, or checked only on the first WBF run (never with NMS), or ignored
    expect(() => ensemble(members, { agnostic: 'yes' as never })).toThrow(/agnostic must be true or false; got "yes"/);
    expect(() => ensemble(members, { merge: 'nms', confType: 'bogus' as never })).toThrow(/confType must be one of avg, max/);
    expect(() => ensemble(members, { iou: 0.5 } as never)).toThrow(/unknown option\(s\) iou; allowed: weights, merge, iouThreshold/);
  });
});

describe('detection TTA on real photos (CenterNet)', () => {
  let detector: DetectionPipeline;
  beforeAll(async () => {
    detector = await pipeline('object-detection');
  });
  afterAll(() => detector?.dispose());

  it('flip + scales: boxes map back onto the same people, once each; tensors flat', async () => {
    const image = await decodeImageFile(facePhoto(1));
    const plain = await detector.run(image);
    const tta = await detector.run(image, { tta: { flip: true, scales: [1, 0.8] } });
    expect(duplicates(tta.detections)).toBe(0);
    expect(people(tta.detections).length).toBe(people(plain.detections).length);
    for (const p of people(plain.detections)) {
      const match = people(tta.detections).filter((d) => overlap(d, p) > 0.7);
      expect(match.length, `person at x1=${p.box.x1.toFixed(0)}`).toBe(1);
    }
    const small = await decodeImageFile(fixturePhoto('coffee'));
    const before = tf.memory().numTensors;
    expect((await detector.run(small, { tta: { flip: true, merge: 'nms' } })).detections[0].label).toBe('cup');
    expect((await detector.run(small, { tta: { scales: [1, 0.7], flip: false, merge: 'soft-nms' }, nms: 'wbf' })).detections[0].label).toBe('cup');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad TTA and nms options with VisionError naming what is allowed', async () => {
    const image = await decodeImageFile(fixturePhoto('coffee'));
    await expect(detector.run(image, { tta: { scales: [1.5] } })).rejects.toThrow(/tta.scales must be a non-empty array of numbers in \(0, 1\]/);
    await expect(detector.run(image, { tta: { flip: false } })).rejects.toThrow(/one view only/);
    await expect(detector.run(image, { tta: { merge: 'mean' as 'wbf' } })).rejects.toThrow(/tta.merge must be one of wbf, nms, soft-nms/);
    await expect(detector.run(image, { tta: { flips: true } as never })).rejects.toThrow(/unknown option\(s\) flips/);
    await expect(detector.run(image, { nms: 'fast' as 'wbf' })).rejects.toThrow(/nms must be one of greedy, soft, wbf/);
    await expect(pipeline('object-detection', { tta: { scales: [] } })).rejects.toThrow(VisionError);
    expect((await detector.run(image, { nms: 'soft' })).detections[0].label).toBe('cup');
  });

  it("soft-NMS keeps the run's threshold: a box whose score decays below it is dropped", async () => {
    const group = await decodeImageFile(facePhoto(2));
    for (const threshold of [0.3, 0.5]) {
      const soft = (await detector.run(group, { threshold, nms: 'soft' })).detections;
      expect(soft.length, `threshold ${threshold}`).toBeGreaterThan(0);
      expect(Math.min(...soft.map((d) => d.score)), `threshold ${threshold}`).toBeGreaterThanOrEqual(threshold);
    }
  });
});
