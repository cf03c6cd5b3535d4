/**
 * World keypoints (MediaPipe's `worldLandmarks`: metres about the hand's centre) on real photos:
 * they are the landmark model's world output as it ran on the hand's crop (read from the real
 * runner's own output), turned into the image's axes by the crop's rotation; they keep their size
 * when the photo is shown at half size (pixel keypoints halve), flip with the image, turn with it
 * (a photo turned 90° and 135°, followed in video mode with rotated crops), and are smoothed in
 * video mode unless `worldSmoothing: false`.
 */
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../../src/node/index';
import { type HandLandmarkPipeline, createHandLandmarkPipeline } from '../../src/pipelines/hands/hand-pipeline';
import type { Hand, HandWorldKeypoint } from '../../src/pipelines/hands/hand-types';
import { HAND_KEYPOINT_NAMES } from '../../src/postprocess/hands/hand-keypoints';
import { decodeHandWorldLandmarks } from '../../src/postprocess/hands/hand-landmarks';
import type { RawTensor } from '../../src/runtime/model-runner';
import { facePhoto } from '../helpers/photos';
import { cropped } from '../pose/helpers';
import { expectVisionError } from '../runtime/helpers';
import { turnPhoto } from './rotate-photo';

/** Mean 3-D distance (metres) between two sets of world keypoints. */
function meanDistance(a: readonly HandWorldKeypoint[], b: readonly HandWorldKeypoint[]): number {
  return a.reduce((sum, k, i) => sum + Math.hypot(k.x - b[i].x, k.y - b[i].y, k.z - b[i].z), 0) / a.length;
}

/** World keypoints turned clockwise on the screen (y down) by `degrees` about the z axis. */
function turned(points: readonly HandWorldKeypoint[], degrees: number): HandWorldKeypoint[] {
  const cos = Math.cos((degrees * Math.PI) / 180);
  const sin = Math.sin((degrees * Math.PI) / 180);
  return points.map((k) => ({ ...k, x: cos * k.x - sin * k.y, y: sin * k.x + cos * k.y }));
}

const world = (hand: Hand | undefined): HandWorldKeypoint[] => {
  expect(hand?.worldKeypoints).toHaveLength(21);
  return hand!.worldKeypoints!;
};

async function resized(image: RawImage, factor: number): Promise<RawImage> {
  const width = Math.round(image.width * factor);
  const height = Math.round(image.height * factor);
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(width, height).raw().toBuffer();
  return { data: new Uint8Array(data), width, height, channels: 3 };
}

async function mirrored(image: RawImage): Promise<RawImage> {
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).flop().raw().toBuffer();
  return { ...image, data: new Uint8Array(data) };
}

describe('decodeHandWorldLandmarks', () => {
  it('turns x and y by the crop rotation, keeps z, refuses wrong lengths and rotations', async () => {
    const values = Array.from({ length: 63 }, (_, i) => [0.03, -0.01, 0.02][i % 3]);
    const same = decodeHandWorldLandmarks(values, 0);
    expect(Array.from(same)).toEqual(Array.from(Float32Array.from(values)));
    const quarter = decodeHandWorldLandmarks(values, Math.PI / 2);
    // a quarter turn clockwise on the screen (y down): (x, y) → (−y, x)
    expect(quarter[0]).toBeCloseTo(0.01, 7);
    expect(quarter[1]).toBeCloseTo(0.03, 7);
    expect(quarter[2]).toBeCloseTo(0.02, 7);
    expect((await expectVisionError(async () => decodeHandWorldLandmarks(values.slice(1), 0), 'INVALID_INPUT')).message).toMatch(/63/);
    expect((await expectVisionError(async () => decodeHandWorldLandmarks(values, Number.NaN), 'INVALID_INPUT')).message).toMatch(/rotation/);
  });
});

describe('hand landmarks: world keypoints in metres', () => {
  let hands: HandLandmarkPipeline;
  let photo: RawImage;
  beforeAll(async () => {
    hands = await createHandLandmarkPipeline({ backend: 'wasm', maxHands: 1, smoothing: false, worldSmoothing: false });
    photo = await cropped(facePhoto(2), 0, 200, 900, 1100); // a woman's hand at her lip
  }, 60_000);
  afterAll(() => hands?.dispose());

  it("are the model's world output for the crop it ran on (axis-aligned: not turned), named, about the hand's centre, of a hand's size", async () => {
    const outputs: Record<string, RawTensor>[] = [];
    const run = hands.runner.run.bind(hands.runner);
    hands.runner.run = async (feeds, options) => {
      const out = await run(feeds, options);
      outputs.push(out);
      return out;
    };
    try {
      const [hand] = (await hands.run(photo)).hands;
      const points = world(hand);
      expect(outputs).toHaveLength(1);
      expect(points.map((k) => [k.x, k.y, k.z]).flat()).toEqual(Array.from(outputs[0].Identity_3.data as Float32Array));
      expect(points.map((k) => k.name)).toEqual(HAND_KEYPOINT_NAMES);
      for (const axis of ['x', 'y', 'z'] as const) expect(Math.abs(points.reduce((s, k) => s + k[axis], 0) / 21)).toBeLessThan(0.03);
      const palm = Math.hypot(points[9].x - points[0].x, points[9].y - points[0].y, points[9].z - points[0].z);
      console.log(`wrist → middle knuckle: ${(palm * 100).toFixed(1)} cm in the world, ${Math.hypot(hand!.keypoints[9].x - hand!.keypoints[0].x, hand!.keypoints[9].y - hand!.keypoints[0].y).toFixed(0)} px in the photo`);
      expect(palm).toBeGreaterThan(0.04);
      expect(palm).toBeLessThan(0.13);
    } finally {
      hands.runner.run = run;
    }
  });

  it('keep their size when the hand appears half as large, and flip with the image', async () => {
    const [full] = (await hands.run(photo)).hands;
    const [half] = (await hands.run(await resized(photo, 0.5))).hands;
    const [flipped] = (await hands.run(await mirrored(photo))).hands;
    const pixelScale = Math.hypot(half!.box.x2 - half!.box.x1, half!.box.y2 - half!.box.y1) / Math.hypot(full!.box.x2 - full!.box.x1, full!.box.y2 - full!.box.y1);
    const spread = (points: HandWorldKeypoint[]): number => Math.max(...points.map((k) => Math.hypot(k.x - points[0].x, k.y - points[0].y, k.z - points[0].z)));
    const worldScale = spread(world(half)) / spread(world(full));
    const unflipped = world(flipped).map((k) => ({ ...k, x: -k.x }));
    console.log(`half size: pixel extent ×${pixelScale.toFixed(2)}, world extent ×${worldScale.toFixed(2)}, mean change ${(meanDistance(world(half), world(full)) * 1000).toFixed(1)} mm; mirrored back: ${(meanDistance(unflipped, world(full)) * 1000).toFixed(1)} mm (not mirrored back ${(meanDistance(world(flipped), world(full)) * 1000).toFixed(1)} mm)`);
    expect(pixelScale).toBeLessThan(0.6);
    expect(worldScale).toBeGreaterThan(0.85);
    expect(worldScale).toBeLessThan(1.15);
    expect(meanDistance(world(half), world(full))).toBeLessThan(0.01);
    // mirrored: x flips (the model sees the other hand in the same pose), within 1.5 cm
    expect(meanDistance(unflipped, world(full))).toBeLessThan(0.015);
    expect(meanDistance(world(flipped), world(full))).toBeGreaterThan(2 * meanDistance(unflipped, world(full)));
  });

  it('turn with the image when the crop turns with the hand (video mode, rotated crops); the tensor count stays flat', async () => {
    const frames = 4;
    const follow = async (image: RawImage): Promise<Hand | undefined> => {
      hands.reset();
      let last: Hand | undefined;
      for (let f = 0; f < frames; f++) last = (await hands.runForVideo(image, f * 33, { threshold: 0.3 })).hands[0];
      return last;
    };
    const before = tf.memory().numTensors;
    // as in rotated-crops.test.ts: the hand in a square crop, a lower detector threshold
    const square = await cropped(facePhoto(2), 0, 0, 800, 800);
    const upright = world(await follow(square));
    for (const degrees of [90, 135]) {
      const ours = world(await follow(turnPhoto(square, degrees).image));
      const error = meanDistance(ours, turned(upright, degrees));
      const unturned = meanDistance(ours, upright);
      console.log(`photo turned ${degrees}°: world keypoints ${(error * 1000).toFixed(1)} mm from the upright ones turned alike (${(unturned * 1000).toFixed(1)} mm from them unturned)`);
      expect(error).toBeLessThan(0.008);
      expect(unturned).toBeGreaterThan(3 * error);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('video mode smooths them (worldSmoothing), the first frame as it is; bad worldSmoothing is INVALID_OPTION', async () => {
    const smoothed = await createHandLandmarkPipeline({ backend: 'wasm', maxHands: 1, smoothing: false });
    try {
      // a hand-held camera: the photo shifted by a few pixels, frame by frame
      const shakes = [0, 6, 2, 8, 0, 5, 1, 7];
      const shots = await Promise.all(shakes.map((dx, i) => cropped(facePhoto(2), dx, 200 + (i % 2) * 4, 900, 1100)));
      const path = async (pipeline: HandLandmarkPipeline): Promise<HandWorldKeypoint[][]> => {
        pipeline.reset();
        const out: HandWorldKeypoint[][] = [];
        for (const [i, shot] of shots.entries()) out.push(world((await pipeline.runForVideo(shot, i * 33)).hands[0]));
        return out;
      };
      const [raw, filtered] = [await path(hands), await path(smoothed)];
      expect(filtered[0]).toEqual(raw[0]);
      const jitter = (frames: HandWorldKeypoint[][]): number => frames.slice(1).reduce((sum, f, i) => sum + meanDistance(f, frames[i]), 0);
      console.log(`frame-to-frame world motion over ${shots.length} shaken frames: ${(jitter(raw) * 1000).toFixed(1)} mm raw, ${(jitter(filtered) * 1000).toFixed(1)} mm smoothed`);
      expect(jitter(filtered)).toBeLessThan(0.5 * jitter(raw));
    } finally {
      smoothed.dispose();
    }
    for (const worldSmoothing of [{ minCutoff: -1 }, 'on' as never]) {
      expect((await expectVisionError(createHandLandmarkPipeline({ backend: 'wasm', worldSmoothing }), 'INVALID_OPTION')).message).toMatch(/worldSmoothing/);
    }
  });
});
