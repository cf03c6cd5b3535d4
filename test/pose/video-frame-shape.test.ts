/** Pose video mode when the frame changes shape (a phone turned from landscape to portrait), and the `region` option. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { RawImage } from '../../src/node/index';
import { createPoseEstimationPipeline } from '../../src/pipelines/pose/pose-pipeline';
import { fixturePhoto } from '../helpers/photos';
import { expectVisionError } from '../runtime/helpers';

/** The astronaut at `side`² px at (left, top) on a grey frame. */
async function framed(width: number, height: number, side: number, left: number, top: number): Promise<RawImage> {
  const subject = await sharp(fixturePhoto('astronaut')).resize(side, side).png().toBuffer();
  const { data, info } = await sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([{ input: subject, left, top }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
}

const maxDistance = (a: { x: number; y: number }[], b: { x: number; y: number }[]): number => Math.max(...a.map((k, i) => Math.hypot(k.x - b[i].x, k.y - b[i].y)));

describe('video mode when the frame turns from landscape to portrait', () => {
  it('MoveNet crops the first portrait frame as run() does: the landscape crop region (0–1 of that frame) is dropped', async () => {
    const estimator = await createPoseEstimationPipeline({ model: 'movenet-lightning', smoothing: false });
    const landscape = await framed(640, 480, 360, 60, 60);
    const portrait = await framed(480, 640, 360, 60, 60);
    for (let t = 0; t < 3; t++) await estimator.runForVideo(landscape, t * 33);
    const [turned] = (await estimator.runForVideo(portrait, 100)).poses;
    const [still] = (await estimator.run(portrait)).poses;
    // the landscape region read on the portrait frame was 480×853 px: keypoints 180 px off
    expect(maxDistance(turned.keypoints, still.keypoints)).toBeLessThan(1);
    // then it crops around her again
    const [next] = (await estimator.runForVideo(portrait, 133)).poses;
    expect(maxDistance(next.keypoints, still.keypoints)).toBeLessThan(0.1 * 480);
    estimator.dispose();
  });

  it('BlazePose person-mask smoothing starts over: the portrait mask is not blended with the landscape one', async () => {
    const landscape = await framed(640, 480, 480, 0, 0);
    const portrait = await framed(480, 640, 480, 0, 160);
    const masks = async (segmentationSmoothing: number | false): Promise<Float32Array> => {
      const estimator = await createPoseEstimationPipeline({ model: 'blazepose-lite', segmentation: true, segmentationSmoothing });
      const first = await estimator.runForVideo(landscape, 0);
      const second = await estimator.runForVideo(portrait, 33);
      const mask = second.poses[0].segmentation!.toFloat32Array();
      for (const p of [...first.poses, ...second.poses]) p.segmentation?.close();
      estimator.dispose();
      return mask;
    };
    const smoothed = await masks(0.7);
    const plain = await masks(false);
    // blended with the 640×480 mask read as 480×640 (the same pixel count): up to 0.52 apart
    let largest = 0;
    for (let i = 0; i < plain.length; i++) largest = Math.max(largest, Math.abs(smoothed[i] - plain[i]));
    expect(smoothed.length).toBe(480 * 640);
    expect(largest).toBeLessThan(1e-6);
  }, 60_000);
});

describe('the region option', () => {
  it('given at creation, it is run()’s default; other models and runForVideo refuse it', async () => {
    const photo = fixturePhoto('astronaut');
    const region = { xMin: 0, yMin: 0, xMax: 0.5, yMax: 0.5 };
    const byDefault = await createPoseEstimationPipeline({ model: 'movenet-lightning', region });
    const plain = await createPoseEstimationPipeline({ model: 'movenet-lightning' });
    // the creation option was accepted and ignored
    const [a] = (await byDefault.run(photo)).poses;
    const [b] = (await plain.run(photo, { region })).poses;
    expect(maxDistance(a.keypoints, b.keypoints)).toBe(0);
    await expectVisionError(byDefault.runForVideo(photo, 0, { region }), 'INVALID_OPTION');
    await expectVisionError(createPoseEstimationPipeline({ model: 'movenet-lightning', region: 'garbage' as never }), 'INVALID_OPTION');
    await expectVisionError(createPoseEstimationPipeline({ model: 'movenet-multipose', region }), 'INVALID_OPTION');
    byDefault.dispose();
    plain.dispose();
  });
});

describe('multi-person models asked for one pose in video mode', () => {
  it.each(['movenet-multipose', 'posenet-mobilenet'])('%s: someone else in another place gets a new track ID (ID 1 was kept for whoever came)', async (model) => {
    const estimator = await createPoseEstimationPipeline({ model, maxPoses: 1 });
    const ids: (number | undefined)[] = [];
    // the astronaut on the left for four frames, then one on the right (no overlap) for four
    for (let t = 0; t < 8; t++) {
      const frame = await framed(960, 480, 320, t < 4 ? 20 : 620, 80);
      const { poses } = await estimator.runForVideo(frame, t * 33);
      expect(poses.length).toBeLessThanOrEqual(1);
      ids.push(poses[0]?.trackId);
    }
    const [left, right] = [ids.slice(0, 4), ids.slice(4)];
    expect(left.every((id) => id === left[0] && id !== undefined)).toBe(true);
    const later = right.filter((id) => id !== undefined);
    expect(later.length).toBeGreaterThanOrEqual(3); // a new track may wait one frame to be confirmed
    expect(later.every((id) => id === later[0] && id !== left[0])).toBe(true);
    estimator.dispose();
  });
});
