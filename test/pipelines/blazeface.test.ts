import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, pipeline } from '../../src/node/index';
import { facePhoto, fixturePhoto } from '../helpers/photos';

const FACES = { 1: 3, 2: 3, 3: 3, 4: 4, 5: 5, 6: 4 } as const;

describe("object-detection with the 'blazeface' card (MediaPipe SSD through the pipeline)", () => {
  let faces: DetectionPipeline;
  beforeAll(async () => {
    faces = await pipeline('object-detection', { model: 'blazeface' });
  });
  afterAll(() => faces.dispose());

  it.each([1, 2, 3, 4, 5, 6] as const)('finds every face in group photo %i, with landmarks in place', async (n) => {
    const { detections, imageSize } = await faces.run(facePhoto(n));
    expect(detections).toHaveLength(FACES[n]);
    for (const d of detections) {
      expect(d.label).toBe('face');
      const { x1, y1, x2, y2 } = d.box;
      expect(x2 - x1).toBeGreaterThan(30);
      expect(x2 - x1).toBeLessThan(imageSize.width / 3);
      expect(d.keypoints?.map((k) => k.name)).toEqual(['right eye', 'left eye', 'nose', 'mouth', 'right ear', 'left ear']);
      const [rightEye, leftEye, nose, mouth] = d.keypoints!;
      for (const p of [rightEye, leftEye, nose, mouth]) {
        expect(p.x).toBeGreaterThan(x1 - 0.1 * (x2 - x1));
        expect(p.x).toBeLessThan(x2 + 0.1 * (x2 - x1));
        expect(p.y).toBeGreaterThan(y1);
        expect(p.y).toBeLessThan(y2);
      }
      expect(Math.max(rightEye.y, leftEye.y)).toBeLessThan(mouth.y);
    }
  });

  it.each(['wbf', 'nms'] as const)('keeps the landmarks under flip TTA (merge %s), mapped back and sides swapped for the mirrored view', async (merge) => {
    const plain = (await faces.run(facePhoto(1))).detections;
    const before = tf.memory().numTensors;
    const tta = (await faces.run(facePhoto(1), { tta: { flip: true, merge } })).detections;
    expect(tf.memory().numTensors).toBe(before);
    expect(tta).toHaveLength(plain.length);
    for (const face of tta) {
      const twin = plain.reduce((best, d) => (Math.abs(d.box.x1 - face.box.x1) < Math.abs(best.box.x1 - face.box.x1) ? d : best));
      const size = twin.box.x2 - twin.box.x1;
      expect(face.keypoints?.map((k) => k.name)).toEqual(['right eye', 'left eye', 'nose', 'mouth', 'right ear', 'left ear']);
      // the picture's right eye stays left of its left eye (the mirrored view's points were swapped back), each near the plain run's
      expect(face.keypoints![0].x).toBeLessThan(face.keypoints![1].x);
      face.keypoints!.forEach((p, j) => expect(Math.hypot(p.x - twin.keypoints![j].x, p.y - twin.keypoints![j].y), `${merge} ${p.name}`).toBeLessThan(0.1 * size));
    }
  });

  it('finds the astronaut’s face, filters by class, and does not leak', async () => {
    const { detections } = await faces.run(fixturePhoto('astronaut'));
    expect(detections).toHaveLength(1);
    expect((await faces.run(facePhoto(1), { classes: [1] })).detections).toHaveLength(0);
    await faces.run(facePhoto(2));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await faces.run(facePhoto(2));
    expect(tf.memory().numTensors).toBe(before);
  });
});
