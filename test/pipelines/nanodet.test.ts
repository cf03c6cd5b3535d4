import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Detection, type DetectionPipeline, iou, pipeline } from '../../src/node/index';
import { facePhoto, fixturePhoto } from '../helpers/photos';

const flat = (d: Detection): number[] => [d.box.x1, d.box.y1, d.box.x2, d.box.y2];

describe('object-detection with NanoDet (GFL/DFL decode, BGR mean/std, NCHW)', () => {
  let nanodet: DetectionPipeline;
  let centernet: DetectionPipeline;
  beforeAll(async () => {
    nanodet = await pipeline('object-detection', { model: 'nanodet-coco' });
    centernet = await pipeline('object-detection', { model: 'centernet-coco' });
  });
  afterAll(() => {
    nanodet.dispose();
    centernet.dispose();
  });

  it('finds the cat, the astronaut and the people and glass in a group photo', async () => {
    expect((await nanodet.run(fixturePhoto('chelsea'))).detections[0].label).toBe('cat');
    expect((await nanodet.run(fixturePhoto('astronaut'))).detections[0].label).toBe('person');
    const labels = (await nanodet.run(facePhoto(1))).detections.map((d) => d.label);
    expect(labels.filter((l) => l === 'person')).toHaveLength(3); // the three people of the photo (scores 0.66, 0.64, 0.38)
    expect(labels).toContain('wine glass');
  });

  it.each([1, 3, 6] as const)('places its boxes where an independent detector (CenterNet) does, photo %i', async (n) => {
    // Two different models agree on where the people are only if the decode (cell centres,
    // strides, DFL expectation) and the letterbox mapping are right.
    const a = (await nanodet.run(facePhoto(n))).detections.filter((d) => d.label === 'person' && d.score > 0.4);
    const b = (await centernet.run(facePhoto(n))).detections.filter((d) => d.label === 'person');
    expect(a.length).toBeGreaterThanOrEqual(1);
    for (const d of a) {
      const best = Math.max(...b.map((c) => iou(flat(d), 0, flat(c), 0)));
      expect(best, `NanoDet person at [${flat(d).map(Math.round).join(',')}]`).toBeGreaterThan(0.6);
    }
  });
});
