/**
 * Rotated hand crops in video mode, on real photos: face-api sample2's two hands (the hand at
 * the lip and the fist on the knee, as in the parity test), each in a square crop of the photo,
 * turned by 90° and 135° (test/hands/rotate-photo.ts). Four frames of the still photo (the
 * detector's axis-aligned box, then three crops from the landmarks: the first landmarks of a
 * sideways hand are rough, and the rotation settles within two crops), frame by frame against
 * the unturned photo's: with `rotateCrops` the last frame's landmarks equal the unturned
 * photo's turned the same way within 3 px on average (12 px at most; measured 0.8–2.4 / 3.4–8.2
 * px, hands ~150 px tall); the axis-aligned crops of `@vladmandic/human`'s rule
 * (`rotateCrops: false`) are clearly worse (measured 12–23 px mean). Tensor counts stay flat.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../../src/node/index';
import { type HandLandmarkPipeline, createHandLandmarkPipeline } from '../../src/pipelines/hands/hand-pipeline';
import type { Hand } from '../../src/pipelines/hands/hand-types';
import { facePhoto } from '../helpers/photos';
import { cropped } from '../pose/helpers';
import { turnPhoto } from './rotate-photo';

const FRAMES = 4;

/** The hand of each frame of a still image in video mode (one hand at most). */
async function follow(hands: HandLandmarkPipeline, image: RawImage): Promise<(Hand | undefined)[]> {
  hands.reset();
  const found: (Hand | undefined)[] = [];
  for (let f = 0; f < FRAMES; f++) found.push((await hands.runForVideo(image, f * 33)).hands[0]);
  return found;
}

/** Mean and largest distance (pixels) between a hand and the reference keypoints mapped by `map`. */
function distances(hand: Hand, reference: Hand, map: (x: number, y: number) => [number, number]): { mean: number; max: number } {
  const d = hand.keypoints.map((k, i) => {
    const [x, y] = map(reference.keypoints[i].x, reference.keypoints[i].y);
    return Math.hypot(k.x - x, k.y - y);
  });
  return { mean: d.reduce((a, b) => a + b) / d.length, max: Math.max(...d) };
}

describe('video mode crops hands along their rotation (rotateCrops)', () => {
  let rotating: HandLandmarkPipeline;
  let axisAligned: HandLandmarkPipeline;
  const photos = new Map<string, RawImage>();
  beforeAll(async () => {
    // a lower threshold: HandTrack scores these hands 0.3–0.5 in crops this size
    const options = { maxHands: 1, backend: 'wasm', smoothing: false, threshold: 0.3 } as const;
    rotating = await createHandLandmarkPipeline(options);
    axisAligned = await createHandLandmarkPipeline({ ...options, rotateCrops: false });
    photos.set('hand at the lip', await cropped(facePhoto(2), 0, 0, 800, 800));
    photos.set('fist on the knee', await cropped(facePhoto(2), 544, 767, 600, 600));
  }, 60_000);
  afterAll(() => {
    rotating?.dispose();
    axisAligned?.dispose();
  });

  it.each(['hand at the lip', 'fist on the knee'])('%s turned 90° and 135°: the landmarks turn with the photo', async (name) => {
    const photo = photos.get(name)!;
    const before = tf.memory().numTensors;
    const [upright, uprightAxis] = [await follow(rotating, photo), await follow(axisAligned, photo)];
    expect(upright.every(Boolean) && uprightAxis.every(Boolean)).toBe(true);
    for (const degrees of [90, 135]) {
      const turned = turnPhoto(photo, degrees);
      const [ours, baseline] = [await follow(rotating, turned.image), await follow(axisAligned, turned.image)];
      expect(ours.every(Boolean) && baseline.every(Boolean)).toBe(true);
      const error = ours.map((hand, f) => distances(hand!, upright[f]!, turned.map));
      const baselineError = baseline.map((hand, f) => distances(hand!, uprightAxis[f]!, turned.map));
      const show = (e: { mean: number; max: number }[]): string => e.map((d) => `${d.mean.toFixed(1)}/${d.max.toFixed(1)}`).join(', ');
      console.log(`${name} ${degrees}°: mean/max px per frame, rotated crops ${show(error)}; axis-aligned ${show(baselineError)}`);
      const last = error[FRAMES - 1];
      const lastBaseline = baselineError[FRAMES - 1];
      expect(last.mean).toBeLessThanOrEqual(3);
      expect(last.max).toBeLessThanOrEqual(12);
      expect(lastBaseline.mean).toBeGreaterThan(2.5 * last.mean);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
