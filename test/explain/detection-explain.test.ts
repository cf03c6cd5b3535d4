import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, type RawImage, decodeImageFile, explain, pipeline } from '../../src/node/index';
import { facePhoto } from '../helpers/photos';

// CenterNet takes one 512×512 image per call (no batch axis to fill), so each occluded copy is
// one model call: a coarse grid of patches keeps this to 24 calls.
describe('explain: occlusion of a CenterNet person detection on a real photo', () => {
  let detector: DetectionPipeline;
  let photo: RawImage;
  beforeAll(async () => {
    detector = await pipeline('object-detection');
    photo = await decodeImageFile(facePhoto(1));
  });
  afterAll(() => detector.dispose());

  it('concentrates the heat of a person detection inside its box, one call per occluded copy, leaking nothing', async () => {
    const { detections } = await detector.run(photo);
    const people = detections.filter((d) => d.label === 'person').sort((a, b) => b.score - a.score);
    const person = people[0];
    const tensors = tf.memory().numTensors;
    const patch = Math.round(Math.min(photo.width, photo.height) / 4);
    const progress: number[] = [];
    const { heatMap, score, label, classId, imageSize } = await explain(detector, photo, { target: person, patchSize: patch, stride: patch, onProgress: ({ done }) => progress.push(done) });
    expect({ label, classId, imageSize }).toEqual({ label: 'person', classId: person.classId, imageSize: { width: photo.width, height: photo.height } });
    expect(score).toBeCloseTo(person.score, 4);
    expect(progress).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    const inside = heatMap.massInside(person.box);
    const { x1, y1, x2, y2 } = person.box;
    const share = ((x2 - x1) * (y2 - y1)) / (photo.width * photo.height);
    console.log(`CenterNet person (score ${score.toFixed(2)}): ${(100 * inside).toFixed(1)} % of the occlusion heat inside its box, which covers ${(100 * share).toFixed(1)} % of the photo (${people.length} people in it)`);
    expect(inside).toBeGreaterThanOrEqual(0.5);
    expect(inside).toBeGreaterThan(2 * share);
    heatMap.close();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('needs a target detection the detector finds, and occlusion', async () => {
    const image = { data: new Uint8Array(64 * 48 * 3).fill(100), width: 64, height: 48, channels: 3 as const };
    await expect(explain(detector, image)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('target') });
    await expect(explain(detector, image, { target: { box: { x1: 0, y1: 0, x2: 10, y2: 10 }, classId: 0 }, method: 'grad-cam', layer: 'x' })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("method 'occlusion'") });
    await expect(explain(detector, image, { target: { box: { x1: 0, y1: 0, x2: 10, y2: 10 }, classId: 0 }, method: 'gradients' })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/families yolov8, yolov5.*family 'centernet'.*method 'occlusion'/) });
    await expect(explain(detector, image, { target: { box: { x1: 0, y1: 0, x2: 10, y2: 10 }, classId: 0 } })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('finds no person') });
    // a class id that is none was "classes is [1.5]; it must be a list of class ids", an option never given
    for (const classId of [1.5, -1]) {
      await expect(explain(detector, image, { target: { box: { x1: 0, y1: 0, x2: 10, y2: 10 }, classId } })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('classId (a whole number ≥ 0)') });
    }
    await expect(explain(detector, image, { target: { box: { x1: 0, y1: 0, x2: 10, y2: 10 }, classId: 500 } })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'target.classId is 500; this detector has classes 0–79' });
    await expect(explain(detector, image, { target: { box: { x1: 0, y1: 0, x2: 10, y2: 10 }, classId: 0 }, classId: 3 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^classId is for classifiers; a detector explains target/) });
  });
});
