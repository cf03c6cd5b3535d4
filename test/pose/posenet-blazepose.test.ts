/** PoseNet (single and multi-person decoding) and BlazePose (33 landmarks on a detector crop) on real photos. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, decodeImageFile, pipeline } from '../../src/node/index';
import { BLAZEPOSE_LITE, POSENET_MOBILENET } from '../../src/models/pose-cards';
import { type PoseEstimationPipeline, createPoseEstimationPipeline } from '../../src/pipelines/pose/pose-pipeline';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { kp } from './helpers';

describe('PoseNet on real photos', () => {
  let posenet: PoseEstimationPipeline;
  let movenet: PoseEstimationPipeline;
  let centernet: DetectionPipeline;
  beforeAll(async () => {
    posenet = await createPoseEstimationPipeline({ model: POSENET_MOBILENET });
    movenet = await createPoseEstimationPipeline();
    centernet = await pipeline('object-detection', { model: 'centernet-coco' });
  });
  afterAll(() => {
    posenet?.dispose();
    movenet?.dispose();
    centernet?.dispose();
  });

  it('single-pose decoding: the astronaut’s face keypoints agree with MoveNet’s within 15 px', async () => {
    const { poses } = await posenet.run(fixturePhoto('astronaut'), { decoding: 'single' });
    const reference = (await movenet.run(fixturePhoto('astronaut'))).poses[0];
    expect(poses).toHaveLength(1);
    for (const name of ['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder']) {
      const [a, b] = [kp(poses[0], name), kp(reference, name)];
      expect(a.score, name).toBeGreaterThan(0.5);
      expect(Math.hypot(a.x - b.x, a.y - b.y), name).toBeLessThan(15);
    }
  });

  it.each([1, 4, 5] as const)('multi-pose decoding on group photo %i: one pose per person found, faces on CenterNet people', async (n) => {
    const photo = await decodeImageFile(facePhoto(n));
    const before = tf.memory().numTensors;
    const { poses } = await posenet.run(photo, { decoding: 'multi', threshold: 0.15 });
    expect(tf.memory().numTensors).toBe(before);
    const persons = (await centernet.run(photo)).detections.filter((d) => d.label === 'person');
    const confident = poses.filter((p) => kp(p, 'nose').score > 0.5);
    expect(confident.length).toBeGreaterThanOrEqual(Math.min(persons.length, 3) - 1);
    for (const pose of confident) {
      const nose = kp(pose, 'nose');
      const owner = persons.find((p) => nose.x > p.box.x1 && nose.x < p.box.x2 && nose.y > p.box.y1 && nose.y < p.box.y2);
      expect(owner, `nose at ${Math.round(nose.x)},${Math.round(nose.y)}`).toBeDefined();
      expect(kp(pose, 'left_eye').y).toBeLessThan(kp(pose, 'left_shoulder').y);
    }
    for (let i = 0; i < confident.length; i++) {
      for (let j = i + 1; j < confident.length; j++) {
        const [a, b] = [kp(confident[i], 'nose'), kp(confident[j], 'nose')];
        expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThan(60);
      }
    }
  });
});

describe('BlazePose on a person crop from its detector', () => {
  it('the astronaut: 33 named landmarks, face ones on MoveNet’s face, shoulders below the nose, hips below the shoulders', async () => {
    const blazepose = await createPoseEstimationPipeline({ model: BLAZEPOSE_LITE });
    const movenet = await createPoseEstimationPipeline();
    try {
      const before = tf.memory().numTensors;
      const { poses } = await blazepose.run(fixturePhoto('astronaut'));
      expect(tf.memory().numTensors).toBe(before);
      expect(poses).toHaveLength(1);
      const pose = poses[0];
      expect(pose.score).toBeGreaterThan(0.5);
      expect(pose.keypoints).toHaveLength(33);
      expect(pose.keypoints.map((k) => k.name)).toEqual(blazepose.keypointSet.names);
      const ref = (await movenet.run(fixturePhoto('astronaut'))).poses[0];
      for (const name of ['nose', 'left_eye', 'right_eye']) {
        expect(Math.hypot(kp(pose, name).x - kp(ref, name).x, kp(pose, name).y - kp(ref, name).y), name).toBeLessThan(25);
      }
      const nose = kp(pose, 'nose');
      const shoulders = [kp(pose, 'left_shoulder'), kp(pose, 'right_shoulder')];
      for (const s of shoulders) expect(s.y).toBeGreaterThan(nose.y + 40);
      expect(shoulders[0].x).toBeGreaterThan(shoulders[1].x); // subject's left on the image's right
      expect(kp(pose, 'left_hip').y).toBeGreaterThan(shoulders[0].y);
    } finally {
      blazepose.dispose();
      movenet.dispose();
    }
  });
});
