/**
 * The hand-landmark pipeline's own behaviour: video mode (following a hand from its landmarks
 * with the detector run once, track IDs, smoothing, reset), handedness under mirroring, no hand
 * → empty result, bad options → VisionError, and tensor counts that stay flat.
 */
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { RawImage } from '../../src/node/index';
import { type HandLandmarkPipeline, createHandLandmarkPipeline } from '../../src/pipelines/hands/hand-pipeline';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { cropped } from '../pose/helpers';
import { expectIncreasingTimestamps, expectVisionError } from '../runtime/helpers';

/** A slow pan (8 px a frame) across the part of face-api sample2 where a woman holds a hand to her lip, as 640×480 frames. */
async function panFrames(count: number): Promise<RawImage[]> {
  const frames: RawImage[] = [];
  for (let i = 0; i < count; i++) frames.push(await cropped(facePhoto(2), i * 8, 250, 800, 600, 640, 480));
  return frames;
}

function mirrored(image: RawImage): Promise<RawImage> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .flop()
    .raw()
    .toBuffer()
    .then((data) => ({ ...image, data: new Uint8Array(data) }));
}

describe('hand landmarks: video mode and bad input', () => {
  let hands: HandLandmarkPipeline;
  let frames: RawImage[];
  beforeAll(async () => {
    hands = await createHandLandmarkPipeline({ smoothing: false, backend: 'wasm' });
    frames = await panFrames(6);
  }, 60_000);
  afterAll(() => hands?.dispose());

  it('follows the hand across a pan from its landmarks: the detector runs once, one track ID, keypoints as a fresh run; reset() starts over; nothing leaks', async () => {
    const detectorRuns = vi.spyOn(hands.detector, 'run');
    onTestFinished(() => {
      detectorRuns.mockRestore();
      hands.reset();
    });
    const before = tf.memory().numTensors;
    const tracked = [];
    for (let i = 0; i < frames.length; i++) tracked.push((await hands.runForVideo(frames[i], i * 33.3)).hands);
    expect(tf.memory().numTensors).toBe(before);
    expect(detectorRuns).toHaveBeenCalledTimes(1);
    expect(tracked.every((h) => h.length === 1 && h[0].trackId === 1)).toBe(true);
    // the wrist moves left with the pan (8 px of the photo = 6.4 px of the frame each frame)
    const wristX = tracked.map((h) => h[0].keypoints[0].x);
    expect(wristX[0] - wristX[wristX.length - 1]).toBeGreaterThan(20);
    // on the last frame the followed crop finds the hand where a fresh detection does
    const fresh = (await hands.run(frames[frames.length - 1])).hands[0];
    const last = tracked[tracked.length - 1][0];
    const distances = last.keypoints.map((k, i) => Math.hypot(k.x - fresh.keypoints[i].x, k.y - fresh.keypoints[i].y));
    console.log(`followed vs fresh crop: mean ${(distances.reduce((a, b) => a + b) / 21).toFixed(2)} px, max ${Math.max(...distances).toFixed(2)} px`);
    expect(distances.reduce((a, b) => a + b) / 21).toBeLessThan(8);
    hands.reset();
    const again = await hands.runForVideo(frames[0], 1000);
    expect(again.hands[0].trackId).toBe(1);
    expect(detectorRuns).toHaveBeenCalledTimes(3); // the video frames once, the fresh run, the frame after reset()
    await expectIncreasingTimestamps((t) => hands.runForVideo(frames[1], t), 1000);
  });

  it('a hand that jumps out of its crop is looked for again in the same frame (same ID); a hand that leaves is dropped, not kept on the background', async () => {
    hands.reset();
    onTestFinished(() => hands.reset());
    // the hand jumps across the frame: the mirrored photo with its left half (where the hand was) grey
    const jumped = await mirrored(frames[0]);
    for (let y = 0; y < jumped.height; y++) jumped.data.fill(128, y * jumped.width * 3, (y * jumped.width + jumped.width / 2) * 3);
    const grey: RawImage = { ...frames[0], data: new Uint8Array(frames[0].data.length).fill(128) };
    const detectorRuns = vi.spyOn(hands.detector, 'run');
    onTestFinished(() => detectorRuns.mockRestore());
    const [before] = (await hands.runForVideo(frames[0], 0)).hands;
    const after = (await hands.runForVideo(jumped, 33)).hands;
    expect(detectorRuns).toHaveBeenCalledTimes(2); // the first frame, and again when the followed crop lost the hand
    expect(after).toHaveLength(1);
    expect(after[0].trackId).toBe(before.trackId);
    expect(after[0].keypoints[0].x).toBeGreaterThan(frames[0].width / 2); // found where it went
    // a grey crop has a presence of ~0.002 (the graph's Sigmoid): the hand is gone
    expect((await hands.runForVideo(grey, 66)).hands).toEqual([]);
  });

  it('two hands a hand apart stay two hands in video mode, each with its own ID, as in run() (palm detector, rotated and upright crops)', async () => {
    // the lip hand of sample2 and its mirror image, pasted 10 px apart (boxes ~100 px apart) on sample3's corner
    const hand = await cropped(facePhoto(2), 210, 300, 220, 170, 300, 230);
    const frame = await cropped(facePhoto(3), 0, 0, 640, 480);
    for (const [patch, left, top] of [[hand, 170, 10], [await mirrored(hand), 180, 250]] as const) {
      for (let y = 0; y < patch.height; y++) frame.data.set(patch.data.subarray(y * patch.width * 3, (y + 1) * patch.width * 3), ((top + y) * frame.width + left) * 3);
    }
    for (const rotateCrops of [true, false]) {
      const two = await createHandLandmarkPipeline({ detector: 'palm', maxHands: 2, rotateCrops, backend: 'wasm' });
      expect((await two.run(frame)).hands).toHaveLength(2);
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push((await two.runForVideo(frame, i * 33)).hands.map((h) => h.trackId).sort().join(','));
      expect(ids, `rotateCrops ${rotateCrops}`).toEqual(Array(8).fill('1,2')); // before: one hand from the second frame on
      two.dispose();
    }
  });

  it('a frame size change mid-video (a camera switching resolution) carries the rotated crop over: no new detection, same ID, keypoints where run() puts them', async () => {
    hands.reset();
    const detectorRuns = vi.spyOn(hands.detector, 'run');
    onTestFinished(() => {
      detectorRuns.mockRestore();
      hands.reset();
    });
    const resized = async (frame: RawImage, width: number, height: number): Promise<RawImage> => {
      const data = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).resize(width, height, { fit: 'fill' }).raw().toBuffer();
      return { data: new Uint8Array(data), width, height, channels: 3 };
    };
    const sizes = [[640, 480], [320, 240], [1280, 960], [640, 480]] as const;
    for (const [i, [width, height]] of sizes.entries()) {
      const frame = width === 640 ? frames[0] : await resized(frames[0], width, height);
      const [hand] = (await hands.runForVideo(frame, i * 33)).hands;
      expect(hand.trackId, `${width}×${height}`).toBe(1);
      const [fresh] = (await hands.run(frame)).hands;
      const gaps = hand.keypoints.map((k, j) => Math.hypot(k.x - fresh.keypoints[j].x, k.y - fresh.keypoints[j].y));
      expect(gaps.reduce((a, b) => a + b) / 21 / width, `${width}×${height}`).toBeLessThan(0.02);
    }
    // the video frames' one detection, plus one per run(); before: one more per size change
    expect(detectorRuns).toHaveBeenCalledTimes(1 + sizes.length);
    // a frame of another shape (the picture on the left of one twice as wide) says nothing of where the hand went: the detector looks again
    const { data } = await sharp(frames[0].data, { raw: { width: 640, height: 480, channels: 3 } }).extend({ right: 640, background: '#5a5a5a' }).raw().toBuffer({ resolveWithObject: true });
    const wide: RawImage = { data: new Uint8Array(data), width: 1280, height: 480, channels: 3 };
    detectorRuns.mockClear();
    const [hand] = (await hands.runForVideo(wide, sizes.length * 33)).hands;
    expect(detectorRuns).toHaveBeenCalledTimes(1);
    const [fresh] = (await hands.run(wide)).hands;
    expect(hand.keypoints.map((k, j) => Math.hypot(k.x - fresh.keypoints[j].x, k.y - fresh.keypoints[j].y)).reduce((a, b) => a + b) / 21).toBeLessThan(1e-3);
  });

  it('reset() while a video frame is in flight (a new video starts): that frame leaves no track and no timestamp behind', async () => {
    hands.reset();
    onTestFinished(() => hands.reset());
    await hands.runForVideo(frames[0], 500);
    const inflight = hands.runForVideo(frames[1], 1000);
    hands.reset();
    // the new video starts at 0 while the old frame is still being analysed
    const first = hands.runForVideo(frames[0], 0);
    expect((await inflight).hands).toHaveLength(1);
    expect((await first).hands.map((h) => h.trackId)).toEqual([1]);
    // the old frame's 1000 ms is not the new video's last timestamp (33 was refused: "got 33 after 1000"), its hand not the new video's track
    const detectorRuns = vi.spyOn(hands.detector, 'run');
    onTestFinished(() => detectorRuns.mockRestore());
    expect((await hands.runForVideo(frames[1], 33)).hands.map((h) => h.trackId)).toEqual([1]);
    expect(detectorRuns).not.toHaveBeenCalled();
  });

  it('mirroring the image swaps handedness and mirrors the keypoints', async () => {
    const photo = frames[0];
    const [hand] = (await hands.run(photo)).hands;
    const [flipped] = (await hands.run(await mirrored(photo))).hands;
    expect(hand.handedness.label).toBe('right');
    expect(flipped.handedness.label).toBe('left');
    expect(hand.handedness.score).toBeGreaterThan(0.8);
    expect(Math.abs(photo.width - 1 - flipped.keypoints[0].x - hand.keypoints[0].x)).toBeLessThan(10);
  });

  it('no hand is an empty result, not an error: the astronaut, a grey frame, a 10×10 image', async () => {
    const before = tf.memory().numTensors;
    expect((await hands.run(fixturePhoto('astronaut'))).hands).toEqual([]);
    const grey: RawImage = { data: new Uint8Array(320 * 240 * 3).fill(128), width: 320, height: 240, channels: 3 };
    expect((await hands.run(grey)).hands).toEqual([]);
    expect((await hands.runForVideo(grey, 5000)).hands).toEqual([]);
    hands.reset();
    const tiny: RawImage = { data: new Uint8Array(10 * 10 * 3).fill(200), width: 10, height: 10, channels: 3 };
    expect((await hands.run(tiny)).hands).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('bad options and inputs are VisionErrors naming what is allowed; the next good frame works', async () => {
    const e = await expectVisionError(hands.run(frames[0], { maxHands: 0 }), 'INVALID_OPTION');
    expect(e.message).toMatch(/maxHands.*positive integer/);
    await expectVisionError(hands.run(frames[0], { maxHands: 1.5 }), 'INVALID_OPTION');
    await expectVisionError(hands.run(frames[0], { threshold: 2 }), 'INVALID_OPTION');
    await expectVisionError(hands.run(frames[0], { presenceThreshold: -0.5 }), 'INVALID_OPTION');
    await expectVisionError(hands.run(frames[0], { iouThreshold: -0.1 }), 'INVALID_OPTION');
    await expectVisionError(hands.run({ data: new Uint8Array(0), width: 0, height: 0, channels: 3 }), 'INVALID_INPUT');
    await expectVisionError(createHandLandmarkPipeline({ detectorInterval: 0 }), 'INVALID_OPTION');
    await expectVisionError(createHandLandmarkPipeline({ rotateCrops: 'yes' as unknown as boolean }), 'INVALID_OPTION');
    await expectVisionError(createHandLandmarkPipeline({ model: 'centernet-coco' }), 'INVALID_OPTION');
    await expectVisionError(createHandLandmarkPipeline({ maxHands: -1 }), 'INVALID_OPTION');
    // wrong types are named with their type; smoothing is checked at creation, not at the first hand in video mode
    expect((await expectVisionError(hands.run(frames[0], { maxHands: '2' as unknown as number }), 'INVALID_OPTION')).message).toContain('maxHands is "2"');
    expect((await expectVisionError(hands.run(frames[0], { threshold: '0.5' as unknown as number }), 'INVALID_OPTION')).message).toContain('threshold is "0.5"');
    expect((await expectVisionError(hands.run(frames[0], null as unknown as object), 'INVALID_OPTION')).message).toContain('run options must be an object');
    expect((await expectVisionError(createHandLandmarkPipeline({ smoothing: { minCutoff: -1 } }), 'INVALID_OPTION')).message).toContain('smoothing: minCutoff');
    expect((await expectVisionError(createHandLandmarkPipeline({ smoothing: [] as never }), 'INVALID_OPTION')).message).toContain('smoothing is an array');
    await expectVisionError(createHandLandmarkPipeline({ backend: 5 as unknown as 'wasm' }), 'INVALID_OPTION');
    expect((await hands.run(frames[0])).hands).toHaveLength(1);
  });

  it('the lite model with default smoothing: a hand standing still stays put; timestamps must be finite, a failed frame does not count; disposed says so', async () => {
    const lite = await createHandLandmarkPipeline({ model: 'handlandmark-lite', backend: 'wasm' });
    // the first frame crops the detector's box; the next ones the (rotated) crops its landmarks give
    const first = (await lite.runForVideo(frames[0], 0)).hands[0];
    const second = (await lite.runForVideo(frames[0], 33)).hands[0];
    const third = (await lite.runForVideo(frames[0], 66)).hands[0];
    expect([second.trackId, third.trackId]).toEqual([first.trackId, first.trackId]);
    expect(Math.abs(third.keypoints[8].x - second.keypoints[8].x)).toBeLessThan(3);
    await expectVisionError(lite.runForVideo(frames[0], Number.NaN), 'INVALID_INPUT');
    expect((await expectVisionError(lite.runForVideo(frames[0], '40' as unknown as number), 'INVALID_INPUT')).message).toContain('got "40"');
    // a frame that failed leaves the clock where it was: the next frame may reuse its timestamp
    await expectVisionError(lite.runForVideo({ data: new Uint8Array(0), width: 0, height: 0, channels: 3 }, 99), 'INVALID_INPUT');
    expect((await lite.runForVideo(frames[0], 99)).hands).toHaveLength(1);
    lite.dispose();
    await expectVisionError(lite.run(frames[0]), 'DISPOSED');
  });
});

describe('hand landmarks: smoothing settings and the smoothed box', () => {
  it('with heavy smoothing the box spans the smoothed keypoints returned (up to 37 px of them lay outside it)', async () => {
    const hands = await createHandLandmarkPipeline({ smoothing: { minCutoff: 0.3, beta: 1 }, backend: 'wasm' });
    const frames = await panFrames(6);
    for (let i = 0; i < frames.length; i++) {
      for (const hand of (await hands.runForVideo(frames[i], i * 33.3)).hands) {
        const xs = hand.keypoints.map((k) => k.x);
        const ys = hand.keypoints.map((k) => k.y);
        expect(hand.box).toEqual({ x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) });
      }
    }
    hands.dispose();
  });

  it('settings given replace the default fields they name; the others keep the documented default', async () => {
    // { beta: 100 } smoothed with the filter's generic minCutoff 1 and dCutoff 1, not the default 2.5
    const partial = await createHandLandmarkPipeline({ smoothing: { beta: 100 }, worldSmoothing: { beta: 10 }, backend: 'wasm' });
    const full = await createHandLandmarkPipeline({ smoothing: { minCutoff: 2.5, beta: 100, dCutoff: 2.5 }, worldSmoothing: { minCutoff: 0.1, beta: 10, dCutoff: 1 }, backend: 'wasm' });
    const frames = await panFrames(4);
    for (let i = 0; i < frames.length; i++) {
      const [a] = (await partial.runForVideo(frames[i], i * 33.3)).hands;
      const [b] = (await full.runForVideo(frames[i], i * 33.3)).hands;
      expect(a.keypoints).toEqual(b.keypoints);
      expect(a.worldKeypoints).toEqual(b.worldKeypoints);
    }
    partial.dispose();
    full.dispose();
  });
});

describe('hand landmarks: dispose() while a run is in flight', () => {
  it('the run ends with its result or DISPOSED, never INFERENCE_FAILED, and leaves no tensors (HandTrack runs through executeAsync)', async () => {
    const [frame] = await panFrames(1);
    const before = tf.memory().numTensors;
    const outcomes: string[] = [];
    for (const delay of [2, 10, 30]) {
      const hands = await createHandLandmarkPipeline({ backend: 'wasm' });
      const running = hands.run(frame).then(
        (result) => `found ${result.hands.length}`,
        (error: { code?: string }) => error.code,
      );
      for (let i = 0; i < delay; i++) await Promise.resolve();
      hands.dispose(); // the detector's weights went mid-graph: INFERENCE_FAILED and 3–15 tensors left each time
      outcomes.push(String(await running));
    }
    for (const outcome of outcomes) expect(['DISPOSED', 'found 1']).toContain(outcome);
    expect(outcomes).toContain('DISPOSED');
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
