/** Video mode (crop tracking, track IDs, smoothing, reset) and bad input of the pose pipeline. */
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type ModelRunner, type PoseResult, type RawImage, decodeImageFile } from '../../src/node/index';
import { MOVENET_LIGHTNING } from '../../src/models/pose-cards';
import { createPoseEstimationPipeline } from '../../src/pipelines/pose/pose-pipeline';
import { DEFAULT_POSE_SMOOTHING } from '../../src/pipelines/pose/pose-video';
import { OneEuroFilter } from '../../src/track/one-euro';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { expectIncreasingTimestamps, expectVisionError } from '../runtime/helpers';
import { kp } from './helpers';

/** Frames of a slow pan across a real photo (a camera's view of it). */
async function panFrames(path: string, count: number, region: { left: number; top: number; width: number; height: number }, step: number, out: [number, number]): Promise<RawImage[]> {
  const photo = await decodeImageFile(path);
  const source = sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } });
  const frames: RawImage[] = [];
  for (let i = 0; i < count; i++) {
    const { data, info } = await source.clone().extract({ ...region, left: region.left + i * step }).resize(out[0], out[1]).raw().toBuffer({ resolveWithObject: true });
    frames.push({ data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 });
  }
  return frames;
}

/** The astronaut photo shrunk to 240×240 on a grey 640×480 frame, 8 px further right each frame. */
async function smallSubjectFrames(count: number): Promise<RawImage[]> {
  const subject = await sharp(fixturePhoto('astronaut')).resize(240, 240).png().toBuffer();
  const frames: RawImage[] = [];
  for (let i = 0; i < count; i++) {
    const { data, info } = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 120, g: 120, b: 120 } } })
      .composite([{ input: subject, left: 120 + i * 8, top: 180 }])
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    frames.push({ data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 });
  }
  return frames;
}

/** A runner that returns fixed MoveNet-shaped data (for NaN and missing-output cases). */
function fakeMoveNet(data: Float32Array, outputName = 'Identity'): ModelRunner {
  return {
    runtime: 'tfjs',
    backend: 'wasm',
    inputs: [{ name: 'input', shape: [1, 192, 192, 3], dtype: 'int32' }],
    outputs: [{ name: outputName, shape: [1, 1, 17, 3], dtype: 'float32' }],
    metadata: {},
    run: async () => ({ [outputName]: { dtype: 'float32', dims: [1, 1, 17, 3], data } }),
    dispose: () => undefined,
  };
}

describe('video mode', () => {
  it('MoveNet single pose: follows the astronaut across a pan with one track ID, crops around her, agrees with static runs; reset() starts over', async () => {
    const estimator = await createPoseEstimationPipeline({ smoothing: false });
    // the astronaut small (240 px) in a 640×480 frame, moving right: MoveNet crops around her
    const frames = await smallSubjectFrames(12);
    const ids: number[] = [];
    const before = tf.memory().numTensors;
    let later = 0;
    let cropped = 0;
    for (const [i, frame] of frames.entries()) {
      const { poses } = await estimator.runForVideo(frame, i * 33.3);
      expect(poses).toHaveLength(1);
      ids.push(poses[0].trackId!);
      const still = (await estimator.run(frame)).poses[0];
      if (Math.abs(still.score - poses[0].score) > 1e-4) cropped++; // a different input than the padded frame
      const nose = kp(poses[0], 'nose');
      // cropped around her from frame 1 on, the nose is where the padded full-frame run puts it (±12 px)
      expect(Math.hypot(nose.x - kp(still, 'nose').x, nose.y - kp(still, 'nose').y)).toBeLessThan(12);
      if (i > 0) later += poses[0].score;
    }
    expect(new Set(ids)).toEqual(new Set([1]));
    expect(cropped).toBeGreaterThanOrEqual(frames.length - 1);
    expect(tf.memory().numTensors).toBe(before);
    estimator.reset();
    const again = await estimator.runForVideo(frames[0], 0);
    expect(again.poses[0].trackId).toBe(1);
    await expectIncreasingTimestamps((t) => estimator.runForVideo(frames[1], t), 0);
    expect(later / (frames.length - 1)).toBeGreaterThan(0.3);
    estimator.dispose();
  });

  it('reset() while a video frame is in flight (a new video starts): that frame leaves no timestamp and no track behind', async () => {
    const estimator = await createPoseEstimationPipeline({ smoothing: false });
    const frames = await smallSubjectFrames(2);
    await estimator.runForVideo(frames[0], 500);
    const inflight = estimator.runForVideo(frames[1], 1000);
    estimator.reset();
    // the new video starts at 0 while the old frame is still being analysed
    const first = estimator.runForVideo(frames[0], 0);
    expect((await inflight).poses).toHaveLength(1);
    expect((await first).poses.map((p) => p.trackId)).toEqual([1]);
    // the old frame's 1000 ms is not the new video's last timestamp (before: "got 33 after 1000")
    expect((await estimator.runForVideo(frames[1], 33)).poses.map((p) => p.trackId)).toEqual([1]);
    estimator.dispose();
  });

  it('frames sent without awaiting the previous one are analysed in call order: the same poses as awaited calls', async () => {
    const estimator = await createPoseEstimationPipeline();
    const frames = await smallSubjectFrames(5);
    const points = (result: PoseResult) => result.poses.map((p) => p.keypoints.map((k) => [k.x, k.y]));
    const awaited: PoseResult[] = [];
    for (const [i, frame] of frames.entries()) awaited.push(await estimator.runForVideo(frame, i * 33));
    estimator.reset();
    // before: each overlapping call read the crop region and the filters of the first frame and committed in any order
    const overlapped = await Promise.all(frames.map((frame, i) => estimator.runForVideo(frame, i * 33)));
    overlapped.forEach((result, i) => expect(points(result)).toEqual(points(awaited[i])));
    // an overlapping call with an earlier timestamp is refused in its turn, and the next frames go on
    const late = estimator.runForVideo(frames[0], 200);
    const early = estimator.runForVideo(frames[1], 150);
    const next = estimator.runForVideo(frames[2], 250);
    await late;
    expect((await expectVisionError(early, 'INVALID_INPUT')).message).toMatch(/got 150 after 200/);
    expect((await next).poses).toHaveLength(1);
    estimator.dispose();
  });

  it('MultiPose: three people of a panned group photo keep their track IDs; the keypoints are the One-Euro filter of the static runs', async () => {
    const estimator = await createPoseEstimationPipeline({ model: 'movenet-multipose' });
    const frames = await panFrames(facePhoto(1), 10, { left: 40, top: 60, width: 1600, height: 1100 }, 8, [640, 440]);
    const perFrame: number[][] = [];
    // The reference: each track's static-mode keypoints through fresh One-Euro filters (0–1 image
    // units, MoveNet's reference parameters, the same timestamps), one x and one y filter per keypoint.
    const reference = new Map<number, { x: OneEuroFilter; y: OneEuroFilter }[]>();
    let moved = 0;
    for (const [i, frame] of frames.entries()) {
      const timestampMs = i * 33.3;
      const { poses } = await estimator.runForVideo(frame, timestampMs);
      perFrame.push(poses.map((p) => p.trackId!).sort());
      const raw = (await estimator.run(frame)).poses;
      for (const p of poses) {
        // boxes are not smoothed: the video pose is the static pose with the same box
        const still = raw.find((r) => r.box.x1 === p.box.x1 && r.box.y1 === p.box.y1 && r.box.x2 === p.box.x2 && r.box.y2 === p.box.y2);
        expect(still).toBeDefined();
        if (!reference.has(p.trackId!)) {
          reference.set(p.trackId!, still!.keypoints.map(() => ({ x: new OneEuroFilter(DEFAULT_POSE_SMOOTHING), y: new OneEuroFilter(DEFAULT_POSE_SMOOTHING) })));
        }
        const filters = reference.get(p.trackId!)!;
        still!.keypoints.forEach((k, j) => {
          const x = filters[j].x.filter(k.x / frame.width, timestampMs) * frame.width;
          const y = filters[j].y.filter(k.y / frame.height, timestampMs) * frame.height;
          expect(p.keypoints[j].x).toBeCloseTo(x, 3);
          expect(p.keypoints[j].y).toBeCloseTo(y, 3);
          expect(p.keypoints[j].score).toBe(k.score);
          if (Math.hypot(k.x - x, k.y - y) > 0.5) moved++;
        });
      }
    }
    // the filter really changed the keypoints (the pan moves the people 8 px a frame)
    expect(moved).toBeGreaterThan(20);
    expect(perFrame[0].length).toBeGreaterThanOrEqual(3);
    for (const ids of perFrame) expect(ids).toEqual(expect.arrayContaining(perFrame[0].slice(0, 3)));
    expect(Math.max(...perFrame.flat())).toBeLessThanOrEqual(5);
    await expectVisionError(estimator.runForVideo(frames[0], Number.NaN), 'INVALID_INPUT');
    estimator.dispose();
  });
});

describe('video mode across a frame size change (a camera switching resolution)', () => {
  const halved = async (frame: RawImage): Promise<RawImage> => {
    const { data, info } = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).resize(frame.width / 2, frame.height / 2).raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  };

  it.each([{}, { smoothing: false as const }])('BlazePose follows the person onto the smaller frame and back: the keypoints are where run() puts them, one track ID (%o)', async (smoothing) => {
    const estimator = await createPoseEstimationPipeline({ model: 'blazepose-lite', ...smoothing });
    // the astronaut at 300×300 on a 640×480 frame, 4 px further right each frame; frames 3–5 at half size
    const subject = await sharp(fixturePhoto('astronaut')).resize(300, 300).png().toBuffer();
    const clip: RawImage[] = [];
    for (let i = 0; i < 8; i++) {
      const { data, info } = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 120, g: 130, b: 120 } } })
        .composite([{ input: subject, left: 150 + 4 * i, top: 150 }])
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const frame: RawImage = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
      clip.push(i >= 3 && i < 6 ? await halved(frame) : frame);
    }
    const ids = new Set<number | undefined>();
    for (const [i, frame] of clip.entries()) {
      const [tracked] = (await estimator.runForVideo(frame, i * 33.3)).poses;
      const [still] = (await estimator.run(frame)).poses;
      ids.add(tracked.trackId);
      // the followed region and the smoothing were in the previous frame's pixels: on the half-size
      // frame the hip came out at y 341 of 240, back at full size the skeleton collapsed to one spot
      for (const name of ['nose', 'left_shoulder', 'right_hip']) {
        const [a, b] = [kp(tracked, name), kp(still, name)];
        expect(Math.hypot(a.x - b.x, a.y - b.y), `frame ${i} ${name}`).toBeLessThan(0.1 * frame.width); // run() itself jitters by ±15–30 px at the hips
      }
    }
    expect([...ids]).toEqual([1]);
    estimator.dispose();
  });

  it('MultiPose keeps the track IDs of the people of a panned group photo', async () => {
    const estimator = await createPoseEstimationPipeline({ model: 'movenet-multipose' });
    const frames = await panFrames(facePhoto(1), 5, { left: 40, top: 60, width: 1600, height: 1100 }, 8, [640, 440]);
    const idsOf = async (frame: RawImage, i: number): Promise<number[]> => (await estimator.runForVideo(frame, i * 33.3)).poses.map((p) => p.trackId!).sort();
    const first = await idsOf(frames[0], 0);
    expect(first.length).toBeGreaterThanOrEqual(2);
    // matched in the smaller frame's pixels, they were lost for a frame and got new IDs
    expect(await idsOf(await halved(frames[1]), 1)).toEqual(first);
    expect(await idsOf(await halved(frames[2]), 2)).toEqual(first);
    expect(await idsOf(frames[3], 3)).toEqual(first);
    estimator.dispose();
  });
});

describe('bad input', () => {
  it('images smaller than the model stride give no poses (no inference), and the next frame works', async () => {
    const estimator = await createPoseEstimationPipeline();
    const tiny: RawImage = { data: new Uint8Array(8 * 8 * 3).fill(128), width: 8, height: 8, channels: 3 };
    const result = await estimator.run(tiny);
    expect(result.poses).toEqual([]);
    expect(result.imageSize).toEqual({ width: 8, height: 8 });
    expect((await estimator.run(fixturePhoto('astronaut'))).poses).toHaveLength(1);
    await expectVisionError(estimator.run({ data: new Uint8Array(0), width: 0, height: 0, channels: 3 }), 'INVALID_INPUT');
    await expectVisionError(estimator.run(fixturePhoto('astronaut'), { threshold: 2 }), 'INVALID_OPTION');
    await expectVisionError(estimator.run(fixturePhoto('astronaut'), { region: { xMin: 1, yMin: 0, xMax: 0, yMax: 1 } }), 'INVALID_OPTION');
    estimator.dispose();
    await expectVisionError(estimator.run(fixturePhoto('astronaut')), 'DISPOSED');
  });

  it('NaN keypoints are reported at (0, 0) with score 0; an all-NaN pose is no pose', async () => {
    const data = new Float32Array(51);
    for (let k = 0; k < 17; k++) data.set([0.5, 0.4, 0.8], k * 3);
    data.set([Number.NaN, Number.NaN, Number.NaN], 0);
    const estimator = await createPoseEstimationPipeline({ model: fakeMoveNet(data), spec: MOVENET_LIGHTNING });
    const image: RawImage = { data: new Uint8Array(100 * 50 * 3), width: 100, height: 50, channels: 3 };
    const { poses } = await estimator.run(image);
    expect(poses).toHaveLength(1);
    expect(poses[0].keypoints[0]).toEqual({ x: 0, y: 0, score: 0, name: 'nose' });
    expect(poses[0].keypoints[1].x).toBeCloseTo(40); // x 0.4 of the padded 100-px square
    expect(JSON.parse(JSON.stringify(poses))).toEqual(poses);
    const nan = await createPoseEstimationPipeline({ model: fakeMoveNet(new Float32Array(51).fill(Number.NaN)), spec: MOVENET_LIGHTNING });
    expect((await nan.run(image)).poses).toEqual([]);
  });

  it('a model without the outputs its card names is MODEL_FORMAT; a non-pose card is INVALID_OPTION', async () => {
    await expectVisionError(createPoseEstimationPipeline({ model: fakeMoveNet(new Float32Array(51), 'other'), spec: MOVENET_LIGHTNING }), 'MODEL_FORMAT');
    await expectVisionError(createPoseEstimationPipeline({ model: 'centernet-coco' }), 'INVALID_OPTION');
    await expectVisionError(createPoseEstimationPipeline({ model: fakeMoveNet(new Float32Array(51)) }), 'INVALID_OPTION');
  });
});
