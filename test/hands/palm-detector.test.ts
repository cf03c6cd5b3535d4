/**
 * The palm-detector path (`detector: 'palm'`): MediaPipe's 2944 SSD anchors of the palm model
 * equal the anchor table `@vladmandic/human` ships for it (from MediaPipe's handpose); the
 * palm → rotated ROI rule; and on real photos (face-api sample2's hand at the lip and fist on
 * the knee, in square crops) the palm path finds the hands where the HandTrack path does, and
 * — its palms giving the rotation — a single `run()` on the photo turned 90° or 135° gives the
 * upright photo's landmarks turned the same way (measured 1.5–4.9 px mean). Tensor counts flat.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PALM_DETECTOR } from '../../src/models/hand-cards';
import type { RawImage } from '../../src/node/index';
import { type HandLandmarkPipeline, createHandLandmarkPipeline } from '../../src/pipelines/hands/hand-pipeline';
import type { Hand } from '../../src/pipelines/hands/hand-types';
import { palmRegion } from '../../src/pipelines/hands/palm-stage';
import { mediapipeSsdAnchors } from '../../src/postprocess/detection/mediapipe-ssd-anchors';
import { decodePalmDetector } from '../../src/postprocess/hands/palm-detector';
import { facePhoto, packageFile } from '../helpers/photos';
import { cropped } from '../pose/helpers';
import { expectVisionError } from '../runtime/helpers';
import { turnPhoto } from './rotate-photo';

/** Mean distance (pixels) between two hands' keypoints, the second mapped by `map`. */
function meanDistance(a: Hand, b: Hand, map: (x: number, y: number) => [number, number] = (x, y) => [x, y]): number {
  return a.keypoints.reduce((sum, k, i) => {
    const [x, y] = map(b.keypoints[i].x, b.keypoints[i].y);
    return sum + Math.hypot(k.x - x, k.y - y);
  }, 0) / a.keypoints.length;
}

describe('palm detector: anchors, decoding and the palm ROI', () => {
  it('2944 anchors equal @vladmandic/human’s palm anchor table (centres; w = h = 1)', () => {
    const table = readFileSync(packageFile('@vladmandic/human', 'src/hand/handposeanchors.ts'), 'utf8');
    const reference = [...table.matchAll(/\{ x: ([\d.]+), y: ([\d.]+) \}/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const anchors = mediapipeSsdAnchors(PALM_DETECTOR.anchors);
    expect(reference).toHaveLength(2944);
    expect(anchors.length / 4).toBe(2944);
    const worst = Math.max(...reference.flatMap(([x, y], i) => [Math.abs(anchors[i * 4] - x), Math.abs(anchors[i * 4 + 1] - y), Math.abs(anchors[i * 4 + 2] - 1), Math.abs(anchors[i * 4 + 3] - 1)]));
    expect(worst).toBeLessThan(1e-6);
  });

  it('decoding: offsets from the anchor in input pixels, sigmoid score; a wrong row count is MODEL_FORMAT', async () => {
    const rows = new Float32Array(2944 * 19).fill(-20);
    // anchor 0 is centred at (4, 4) input pixels: box 32 × 16 moved (+10, +2), wrist keypoint (+1, −1)
    rows.set([3, 10, 2, 32, 16, 1, -1], 0);
    const [palm] = decodePalmDetector(rows, PALM_DETECTOR.anchors, { minScore: 0.5 });
    expect(palm.score).toBeCloseTo(1 / (1 + Math.exp(-3)));
    expect(Array.from(palm.box)).toEqual([-2, -2, 30, 14]);
    expect(Array.from(palm.keypoints.subarray(0, 2))).toEqual([5, 3]);
    await expectVisionError(async () => decodePalmDetector(new Float32Array(19), PALM_DETECTOR.anchors), 'MODEL_FORMAT');
  });

  it('palm ROI: wrist → middle MCP turned upright, 2.6× the long side, shifted half the height towards the fingers', () => {
    const box = [100, 100, 140, 180];
    // wrist below, middle MCP above: upright
    const upright = palmRegion(box, [120, 170, 0, 0, 120, 110]);
    expect(upright.rotation).toBeCloseTo(0);
    expect(upright.width).toBeCloseTo(2.6 * 80);
    expect(upright.centerX).toBeCloseTo(120);
    expect(upright.centerY).toBeCloseTo(140 - 40);
    // fingers pointing right: turned a quarter clockwise, shifted right
    const right = palmRegion(box, [100, 140, 0, 0, 150, 140]);
    expect(right.rotation).toBeCloseTo(Math.PI / 2);
    expect(right.centerX).toBeCloseTo(120 + 40);
    expect(right.centerY).toBeCloseTo(140);
  });
});

describe('hand landmarks with detector: palm', () => {
  let palm: HandLandmarkPipeline;
  let handtrack: HandLandmarkPipeline;
  const photos = new Map<string, RawImage>();
  beforeAll(async () => {
    palm = await createHandLandmarkPipeline({ detector: 'palm', maxHands: 1, smoothing: false, backend: 'wasm' });
    handtrack = await createHandLandmarkPipeline({ maxHands: 1, threshold: 0.3, backend: 'wasm' });
    photos.set('hand at the lip', await cropped(facePhoto(2), 0, 0, 800, 800));
    photos.set('fist on the knee', await cropped(facePhoto(2), 544, 767, 600, 600));
  }, 60_000);
  afterAll(() => {
    palm?.dispose();
    handtrack?.dispose();
  });

  it.each(['hand at the lip', 'fist on the knee'])('%s: the hand HandTrack finds; turned 90° and 135°, one run() gives the upright landmarks turned', async (name) => {
    const photo = photos.get(name)!;
    const before = tf.memory().numTensors;
    const [upright] = (await palm.run(photo)).hands;
    const [reference] = (await handtrack.run(photo)).hands;
    expect(upright.label).toBe('palm');
    const agreement = meanDistance(upright, reference);
    const turnedErrors: number[] = [];
    for (const degrees of [90, 135]) {
      const turned = turnPhoto(photo, degrees);
      const { hands } = await palm.run(turned.image);
      expect(hands).toHaveLength(1);
      turnedErrors.push(meanDistance(hands[0], upright, turned.map));
    }
    console.log(`${name}: palm vs HandTrack path ${agreement.toFixed(1)} px mean; turned 90°/135° vs upright turned ${turnedErrors.map((e) => e.toFixed(1)).join(' / ')} px mean`);
    expect(agreement).toBeLessThan(12);
    for (const e of turnedErrors) expect(e).toBeLessThan(7);
    // video mode starts from the palm's rotated crop
    const video = await palm.runForVideo(photo, 0);
    expect(meanDistance(video.hands[0], upright)).toBeLessThan(0.01);
    palm.reset();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('detector must be handtrack or palm', async () => {
    const e = await expectVisionError(createHandLandmarkPipeline({ detector: 'blazepalm' as 'palm' }), 'INVALID_OPTION');
    expect(e.message).toMatch(/'handtrack'.*'palm'/);
  });
});
