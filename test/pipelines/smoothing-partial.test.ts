/**
 * Smoothing settings given in part (`{ beta: 100 }`) keep the pipeline's documented defaults for
 * the fields left out — faces and poses (MoveNet, BlazePose with its world keypoints), as the
 * hands' test shows for hands: a video run with the partial settings equals one with the
 * defaults written out. (The filter's generic defaults, minCutoff 1, beta 0, dCutoff 1, took
 * their place before.)
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import '../../src/node/index'; // the Node platform: model files from node_modules
import type { RawImage } from '../../src/node/index';
import { createFaceLandmarksPipeline } from '../../src/pipelines/face/face-pipeline';
import { DEFAULT_FACE_SMOOTHING } from '../../src/pipelines/face/face-video';
import { createPoseEstimationPipeline } from '../../src/pipelines/pose/pose-pipeline';
import { DEFAULT_POSE_SMOOTHING } from '../../src/pipelines/pose/pose-video';
import { DEFAULT_BLAZEPOSE_SMOOTHING } from '../../src/pipelines/pose/blazepose-smoothing';
import { DEFAULT_WORLD_SMOOTHING } from '../../src/track/one-euro';
import { facePhoto, fixturePhoto } from '../helpers/photos';

/** `count` frames of a pan across a photo: a `width`×`height` window moving `step` px a frame, shown at `out`. */
async function pan(path: string, count: number, window: { width: number; height: number }, step: number, out: [number, number]): Promise<RawImage[]> {
  const frames: RawImage[] = [];
  for (let i = 0; i < count; i++) {
    const { data, info } = await sharp(path).extract({ left: i * step, top: 0, ...window }).resize(out[0], out[1]).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    frames.push({ data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 });
  }
  return frames;
}

describe('partial smoothing settings keep the other default fields', () => {
  it('face landmarks: { minCutoff: 3 } keeps beta 20', async () => {
    const partial = await createFaceLandmarksPipeline({ smoothing: { minCutoff: 3 }, backend: 'wasm' });
    const full = await createFaceLandmarksPipeline({ smoothing: { ...DEFAULT_FACE_SMOOTHING, minCutoff: 3 }, backend: 'wasm' });
    const generic = await createFaceLandmarksPipeline({ smoothing: { minCutoff: 3, beta: 0, dCutoff: 1 }, backend: 'wasm' });
    let differs = 0;
    for (const [i, frame] of (await pan(facePhoto(1), 4, { width: 1200, height: 900 }, 24, [640, 480])).entries()) {
      const [a, b, c] = [await partial.runForVideo(frame, i * 33.3), await full.runForVideo(frame, i * 33.3), await generic.runForVideo(frame, i * 33.3)];
      expect(a.faces.length).toBeGreaterThan(0);
      expect(a.faces.map((f) => f.points)).toEqual(b.faces.map((f) => f.points));
      if (JSON.stringify(a.faces.map((f) => f.points)) !== JSON.stringify(c.faces.map((f) => f.points))) differs++;
    }
    // the settings matter on this clip: the generic beta gives other points
    expect(differs).toBeGreaterThan(0);
    for (const p of [partial, full, generic]) p.dispose();
  });

  it('MoveNet: { beta: 100 } keeps minCutoff and dCutoff 2.5', async () => {
    const partial = await createPoseEstimationPipeline({ model: 'movenet-lightning', smoothing: { beta: 100 } });
    const full = await createPoseEstimationPipeline({ model: 'movenet-lightning', smoothing: { ...DEFAULT_POSE_SMOOTHING, beta: 100 } });
    const generic = await createPoseEstimationPipeline({ model: 'movenet-lightning', smoothing: { minCutoff: 1, beta: 100, dCutoff: 1 } });
    let differs = 0;
    for (const [i, frame] of (await pan(fixturePhoto('astronaut'), 4, { width: 400, height: 512 }, 24, [320, 410])).entries()) {
      const [a, b, c] = [await partial.runForVideo(frame, i * 33.3), await full.runForVideo(frame, i * 33.3), await generic.runForVideo(frame, i * 33.3)];
      expect(a.poses).toHaveLength(1);
      expect(a.poses[0].keypoints).toEqual(b.poses[0].keypoints);
      if (JSON.stringify(a.poses[0].keypoints) !== JSON.stringify(c.poses[0].keypoints)) differs++;
    }
    expect(differs).toBeGreaterThan(0);
    for (const p of [partial, full, generic]) p.dispose();
  });

  it('BlazePose: { beta: 10 } keeps minCutoff 0.05; worldSmoothing { beta: 10 } keeps minCutoff 0.1', async () => {
    const partial = await createPoseEstimationPipeline({ model: 'blazepose-lite', smoothing: { beta: 10 }, worldSmoothing: { beta: 10 } });
    const full = await createPoseEstimationPipeline({ model: 'blazepose-lite', smoothing: { ...DEFAULT_BLAZEPOSE_SMOOTHING, beta: 10 }, worldSmoothing: { ...DEFAULT_WORLD_SMOOTHING, beta: 10 } });
    for (const [i, frame] of (await pan(fixturePhoto('astronaut'), 4, { width: 400, height: 512 }, 24, [320, 410])).entries()) {
      const [a, b] = [await partial.runForVideo(frame, i * 33.3), await full.runForVideo(frame, i * 33.3)];
      expect(a.poses).toHaveLength(1);
      expect(a.poses[0].keypoints).toEqual(b.poses[0].keypoints);
      expect(a.poses[0].worldKeypoints).toEqual(b.poses[0].worldKeypoints);
    }
    for (const p of [partial, full]) p.dispose();
  });
});
