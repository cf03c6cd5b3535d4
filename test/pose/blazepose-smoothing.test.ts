/**
 * BlazePose video mode smooths as MediaPipe's pose graph does (`pose_landmark_filtering`), checked
 * against @tensorflow-models/pose-detection's BlazePose with smoothing on (its port of that graph):
 * - the filters alone, fed the same landmarks: the peer's own filtering step on a synthetic clip
 *   (slow drift, jitter, a jump, uneven frame times);
 * - the whole chain on real frames: our landmark stage on the region the peer follows the person
 *   with, smoothed by the pipeline's video state, gives the peer's smoothed keypoints and the
 *   peer's next region;
 * - several people (`maxPoses` > 1) are followed, tracked and smoothed each on their own; the
 *   detector runs only while fewer than `maxPoses` are followed (MediaPipe's pose landmarker);
 * - what it is for: a still person in a noisy camera gives steady keypoints.
 */
import * as tf from '@tensorflow/tfjs';
import { LowPassVisibilityFilter } from '@tensorflow-models/pose-detection/dist/shared/filters/visibility_smoothing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Mask } from '../../src/core/mask';
import type { RawImage } from '../../src/node/index';
import { KEYPOINT_SETS } from '../../src/postprocess/pose/keypoint-sets';
import { blazePoseRoi, faceOfKeypoints, sameFace } from '../../src/pipelines/pose/blazepose-roi';
import { BlazePoseSmoother, DEFAULT_BLAZEPOSE_SMOOTHING } from '../../src/pipelines/pose/blazepose-smoothing';
import { type SourcePose, blazePoseLandmarks } from '../../src/pipelines/pose/pose-estimators';
import { type PoseEstimationPipeline, createPoseEstimationPipeline } from '../../src/pipelines/pose/pose-pipeline';
import type { AlignmentPoints } from '../../src/pipelines/pose/pose-smoothing';
import type { Pose } from '../../src/pipelines/pose/pose-types';
import { PoseVideoState } from '../../src/pipelines/pose/pose-video';
import { openFrame } from '../../src/preprocess/sampling/open-frame';
import { DEFAULT_WORLD_SMOOTHING } from '../../src/track/one-euro';
import { facePhoto } from '../helpers/photos';
import { GREEDY, type PeerBlazePose, type PeerPoint, asTensor, peerDetector, peerRegion } from './blazepose-peer';
import { mulberry32 } from '../track/helpers';
import { cropped } from './helpers';

/** The peer's filtering step (a method of its detector class) and the timestamp it reads (µs). */
interface PeerFiltering extends PeerBlazePose {
  timestamp: number | null;
  worldLandmarksSmoothingFilterActual: unknown;
  poseLandmarkFiltering(actual: PeerPoint[], auxiliary: PeerPoint[], world: PeerPoint[], size: { width: number; height: number }): { actualLandmarksFiltered: PeerPoint[]; auxiliaryLandmarksFiltered: PeerPoint[]; actualWorldLandmarksFiltered: PeerPoint[] };
}

const NAMES = KEYPOINT_SETS['blazepose-33'].names;
const W = 640;
const H = 480;

interface ClipFrame {
  timestampMs: number;
  pose: Pose;
  alignment: AlignmentPoints;
}

/** A synthetic person: 33 keypoints drifting slowly with jitter, a jump at frame 30, uneven frame times; world keypoints alike. */
function syntheticClip(frames: number, seed: number): ClipFrame[] {
  const random = mulberry32(seed);
  const base = NAMES.map(() => [200 + random() * 240, 100 + random() * 300]);
  const baseWorld = NAMES.map(() => [random() - 0.5, random() - 0.5, random() * 0.4 - 0.2]);
  const clip: ClipFrame[] = [];
  let t = 1000;
  for (let f = 0; f < frames; f++) {
    t += 28 + Math.round(random() * 12);
    const dx = f * 0.8 + (f >= 30 ? 60 : 0);
    const dy = f * 0.3;
    const keypoints = base.map(([x, y], i) => ({ x: x + dx + (random() - 0.5) * 3, y: y + dy + (random() - 0.5) * 3, score: Math.min(1, Math.max(0, 0.5 + (random() - 0.5) * 0.8)), name: NAMES[i] }));
    const worldKeypoints = baseWorld.map(([x, y, z], i) => ({ x: x + (random() - 0.5) * 0.02, y: y + (random() - 0.5) * 0.02, z: z + (random() - 0.5) * 0.02, score: keypoints[i].score, name: NAMES[i] }));
    const alignment: AlignmentPoints = [320 + dx + (random() - 0.5) * 3, 300 + dy + (random() - 0.5) * 3, 320 + dx + (random() - 0.5) * 3, 130 + dy + (random() - 0.5) * 3];
    clip.push({ timestampMs: t, alignment, pose: { keypoints, worldKeypoints, box: { x1: 0, y1: 0, x2: 1, y2: 1 }, score: 0.9 } });
  }
  return clip;
}

/** A landmark-stage result as the pipeline's pose (keypoints with names, world keypoints scored by visibility). */
function asPose(raw: SourcePose): Pose {
  const keypoints = NAMES.map((name, i) => ({ x: raw.keypoints[i * 3], y: raw.keypoints[i * 3 + 1], score: raw.keypoints[i * 3 + 2], name }));
  const worldKeypoints = NAMES.map((name, i) => ({ x: raw.world![i * 3], y: raw.world![i * 3 + 1], z: raw.world![i * 3 + 2], score: keypoints[i].score, name }));
  return { keypoints, worldKeypoints, box: { x1: 0, y1: 0, x2: 1, y2: 1 }, score: raw.score };
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('BlazePose video mode smooths as MediaPipe does (against the peer with smoothing on)', () => {
  let peer: PeerFiltering;
  let pipeline: PoseEstimationPipeline;
  beforeAll(async () => {
    peer = (await peerDetector({ enableSmoothing: true })) as PeerFiltering;
    pipeline = await createPoseEstimationPipeline({ model: GREEDY, backend: 'wasm' });
  }, 120_000);
  afterAll(() => {
    peer?.dispose();
    pipeline?.dispose();
  });

  it("the filters, fed the same landmarks as the peer's filtering step: keypoints, alignment points and world keypoints equal; visibilities low-passed once a frame", () => {
    for (const seed of [1, 2, 3]) {
      const clip = syntheticClip(60, seed);
      peer.reset();
      peer.worldLandmarksSmoothingFilterActual = null; // the peer's reset() keeps its world filter's history
      const smoother = new BlazePoseSmoother(DEFAULT_BLAZEPOSE_SMOOTHING, DEFAULT_WORLD_SMOOTHING);
      const visibility = new LowPassVisibilityFilter({ alpha: 0.1 });
      let [pixels, aux, metres, scores, moved] = [0, 0, 0, 0, 0];
      for (const { timestampMs, pose, alignment } of clip) {
        const actual = pose.keypoints.map((k) => ({ x: k.x / W, y: k.y / H, score: k.score }));
        const auxiliary = [0, 2].map((i) => ({ x: alignment[i] / W, y: alignment[i + 1] / H, score: 1 }));
        peer.timestamp = timestampMs * 1000;
        const theirs = peer.poseLandmarkFiltering(actual, auxiliary, pose.worldKeypoints!.map((k) => ({ ...k })), { width: W, height: H });
        const mine = smoother.smooth(pose, alignment, timestampMs);
        const once = visibility.apply(actual) as PeerPoint[];
        mine.pose.keypoints.forEach((k, i) => {
          const their = theirs.actualLandmarksFiltered[i];
          pixels = Math.max(pixels, Math.abs(k.x - their.x * W), Math.abs(k.y - their.y * H));
          scores = Math.max(scores, Math.abs(k.score - once[i].score!), Math.abs(mine.pose.worldKeypoints![i].score - once[i].score!));
          moved = Math.max(moved, Math.hypot(k.x - pose.keypoints[i].x, k.y - pose.keypoints[i].y));
        });
        theirs.auxiliaryLandmarksFiltered.forEach((p, j) => (aux = Math.max(aux, Math.abs(mine.alignment![j * 2] - p.x * W), Math.abs(mine.alignment![j * 2 + 1] - p.y * H))));
        mine.pose.worldKeypoints!.forEach((k, i) => {
          const their = theirs.actualWorldLandmarksFiltered[i];
          metres = Math.max(metres, Math.abs(k.x - their.x), Math.abs(k.y - their.y), Math.abs(k.z - their.z!));
        });
      }
      console.log(`seed ${seed}: largest difference from the peer's filters: keypoints ${pixels.toExponential(1)} px, alignment ${aux.toExponential(1)} px, world ${metres.toExponential(1)} m, visibility ${scores.toExponential(1)}; largest smoothing ${moved.toFixed(1)} px`);
      expect(moved).toBeGreaterThan(1); // it does smooth (the jitter, and the jump lags a little)
      expect(pixels).toBeLessThan(1e-6);
      expect(aux).toBeLessThan(1e-6);
      expect(metres).toBeLessThan(1e-9);
      expect(scores).toBeLessThan(1e-9);
    }
  });

  it("real frames: our landmark stage on the peer's region, smoothed by the pipeline's video state, gives the peer's smoothed keypoints and its next region", async () => {
    // a hand-held camera: the seated person shifted by a few pixels, frame by frame
    const shots = await Promise.all([0, 9, 2, 11, 0, 8, 1, 10].map((dx, i) => cropped(facePhoto(2), dx, 200 + (i % 2) * 6, 900, 1100)));
    const { width, height } = shots[0];
    const video = new PoseVideoState(DEFAULT_BLAZEPOSE_SMOOTHING, {}, { worldSmoothing: DEFAULT_WORLD_SMOOTHING, blazePose: true });
    peer.reset();
    peer.worldLandmarksSmoothingFilterActual = null;
    // frame times from 1 s on: the peer's filters pass a sample at time 0 through without taking it as their first
    const at = (i: number): number => 1000 + i * 33;
    let region = undefined as ReturnType<typeof peerRegion> & { height: number } | undefined;
    const [keypointGaps, regionGaps, smoothing] = [[] as number[], [] as number[], [] as number[]];
    for (const [i, shot] of shots.entries()) {
      const image = asTensor(shot);
      if (!region) {
        // the first frame: the region the peer's detector gives
        const floats = tf.tidy(() => tf.cast(image, 'float32')) as tf.Tensor3D;
        peer.maxPoses = 1;
        const [detection] = await peer.detectPose(floats).finally(() => floats.dispose());
        const roi = peer.poseDetectionToRoi(detection, { width, height });
        peer.reset();
        region = { ...peerRegion(roi, shot), height: roi.height * height };
      }
      const [theirs] = await peer.estimatePoses(image, { maxPoses: 1, flipHorizontal: false }, at(i)).finally(() => image.dispose());
      const frame = await openFrame(shot, {});
      const raw = await blazePoseLandmarks(GREEDY, pipeline.runner, frame, region, { preprocess: 0, inference: 0, postprocess: 0 }).finally(() => frame.release());
      const [mine] = video.followPeople([asPose(raw)], [{ alignment: raw.alignment, region, followed: i > 0 ? 0 : undefined }], at(i), width, height, 1.25);
      keypointGaps.push(Math.max(...mine.keypoints.map((k, j) => Math.hypot(k.x - theirs.keypoints[j].x, k.y - theirs.keypoints[j].y))));
      smoothing.push(mean(mine.keypoints.map((k, j) => Math.hypot(k.x - raw.keypoints[j * 3], k.y - raw.keypoints[j * 3 + 1]))));
      const [next] = video.followRegions;
      const theirNext = peerRegion(peer.regionOfInterest!, shot);
      regionGaps.push(Math.max(Math.abs(next.centerX - theirNext.centerX), Math.abs(next.centerY - theirNext.centerY), Math.abs(next.width - theirNext.width), Math.abs(next.rotation - theirNext.rotation) * next.width));
      region = { ...theirNext, height: peer.regionOfInterest!.height * height };
    }
    console.log(`real frames against the peer (smoothing on): keypoints ${keypointGaps.map((g) => g.toFixed(3)).join(', ')} px; next region ${regionGaps.map((g) => g.toFixed(3)).join(', ')} px; smoothing moved keypoints ${smoothing.map((g) => g.toFixed(1)).join(', ')} px on average`);
    expect(Math.max(...smoothing.slice(1))).toBeGreaterThan(1); // the filters are at work
    expect(Math.max(...keypointGaps)).toBeLessThan(0.1);
    expect(Math.max(...regionGaps)).toBeLessThan(0.05);
  });

  it('several people: followed from frame to frame, each with an ID of their own, the detector only while fewer than maxPoses are followed', async () => {
    for (const n of [5, 6] as const) {
      const shots = await Promise.all([0, 6, 2, 4, 8, 1].map((dx) => cropped(facePhoto(n), dx, 0, 1900, 1250)));
      for (const maxPoses of [2, 3]) {
        const group = await createPoseEstimationPipeline({ model: GREEDY, backend: 'wasm', maxPoses });
        const detectorRuns = vi.spyOn(group.detector!, 'run');
        try {
          const frames: Pose[][] = [];
          for (const [i, shot] of shots.entries()) frames.push((await group.runForVideo(shot, 1000 + i * 33)).poses);
          const ids = frames.map((f) => f.map((p) => p.trackId!).sort());
          console.log(`sample${n}, maxPoses ${maxPoses}: detector ${detectorRuns.mock.calls.length}× in ${shots.length} frames; track IDs ${ids.map((f) => f.join('+')).join(', ')}`);
          // as many people as allowed, the same ones throughout (before: every frame ran the
          // detector, and maxPoses > 1 gave one pose in video mode, then new IDs as the detector's picks changed)
          expect(ids).toEqual(shots.map(() => Array.from({ length: maxPoses }, (_, k) => k + 1)));
          expect(detectorRuns).toHaveBeenCalledTimes(1);
          // each person keeps their place: a track's box centre moves less than a tenth of the frame
          for (const [f, poses] of frames.entries()) {
            if (f === 0) continue;
            for (const pose of poses) {
              const before = frames[f - 1].find((p) => p.trackId === pose.trackId)!;
              expect(Math.abs((pose.box.x1 + pose.box.x2) / 2 - (before.box.x1 + before.box.x2) / 2)).toBeLessThan(190);
            }
          }
        } finally {
          group.dispose();
        }
      }
    }
    // more room than people: the detector looks in every frame, and the people it finds again are
    // the followed ones, not second copies of them (no two poses of a frame share a face)
    const shots = await Promise.all([0, 6, 2, 4].map((dx) => cropped(facePhoto(6), dx, 0, 1900, 1250)));
    const roomy = await createPoseEstimationPipeline({ model: GREEDY, backend: 'wasm', maxPoses: 6 });
    const detectorRuns = vi.spyOn(roomy.detector!, 'run');
    const landmarkRuns = vi.spyOn(roomy.runner, 'run');
    try {
      const frames: Pose[][] = [];
      for (const [i, shot] of shots.entries()) frames.push((await roomy.runForVideo(shot, 1000 + i * 33)).poses);
      const faceOf = (p: Pose) => faceOfKeypoints((k) => [p.keypoints[k].x, p.keypoints[k].y]);
      console.log(`sample6, maxPoses 6: ${frames.map((f) => f.length).join(', ')} people; detector ${detectorRuns.mock.calls.length}×, landmark model ${landmarkRuns.mock.calls.length}×`);
      expect(detectorRuns).toHaveBeenCalledTimes(shots.length);
      for (const poses of frames) poses.forEach((p, i) => poses.slice(i + 1).forEach((q) => expect(sameFace(faceOf(p), faceOf(q))).toBe(false)));
      // each followed person's landmarks run once a frame: the detector's copy of them is skipped
      expect(landmarkRuns.mock.calls.length).toBeLessThanOrEqual(frames[0].length + frames.slice(1).reduce((sum, f) => sum + f.length + 1, 0));
    } finally {
      roomy.dispose();
    }
    // two crops on one person in one frame: the better pose stays, the other's mask is closed and
    // no track is spent on it; a new person continues the lost track their region overlaps
    const video = new PoseVideoState(DEFAULT_BLAZEPOSE_SMOOTHING, {}, { blazePose: true });
    const [a] = syntheticClip(1, 4);
    const copy: Pose = { ...a.pose, keypoints: a.pose.keypoints.map((k) => ({ ...k, x: k.x + 2 })), segmentation: Mask.create('probability', 4, 4, new Float32Array(16)) };
    const region = blazePoseRoi(a.alignment);
    const kept = video.followPeople([a.pose, copy], [{ alignment: a.alignment, region }, { alignment: a.alignment, region }], 1000, W, H, 1.25);
    expect(kept.map((p) => p.trackId)).toEqual([1]);
    expect(copy.segmentation!.closed).toBe(true);
    const moved = video.followPeople([a.pose], [{ alignment: a.alignment, region: { ...region, centerX: region.centerX + 20 } }], 1033, W, H, 1.25);
    expect(moved.map((p) => p.trackId)).toEqual([1]);
    // two crops on one person are one person: faces closer than half a face apart
    const face = faceOfKeypoints((i) => [100 + (i % 4) * 10, 200 + (i % 3) * 8]);
    expect(face).toEqual({ x: 115, y: 208, size: 30 });
    expect(sameFace(face, { x: 125, y: 215, size: 28 })).toBe(true);
    expect(sameFace(face, { x: 150, y: 208, size: 30 })).toBe(false);
  });

  it('a person missed for a few frames keeps their ID when the detector finds them again, within the tracker\'s buffer (they got a new ID after any gap)', () => {
    const [a] = syntheticClip(1, 4);
    const region = blazePoseRoi(a.alignment);
    const foundAt = (video: PoseVideoState, t: number): number[] =>
      video.followPeople([{ ...a.pose, keypoints: a.pose.keypoints.map((k) => ({ ...k })) }], [{ alignment: a.alignment, region: { ...region, centerX: region.centerX + 6 } }], t, W, H, 1.25).map((p) => p.trackId!);
    // the default buffer: 30 frames at 30 fps
    const video = new PoseVideoState(DEFAULT_BLAZEPOSE_SMOOTHING, {}, { blazePose: true });
    expect(foundAt(video, 1000)).toEqual([1]);
    for (const t of [1033, 1066, 1100]) expect(video.followPeople([], [], t, W, H, 1.25)).toEqual([]);
    expect(foundAt(video, 1133)).toEqual([1]);
    // lost for longer than the buffer (2 frames): a new person
    const short = new PoseVideoState(DEFAULT_BLAZEPOSE_SMOOTHING, { trackBuffer: 2 }, { blazePose: true });
    expect(foundAt(short, 1000)).toEqual([1]);
    for (const t of [1033, 1066, 1100]) short.followPeople([], [], t, W, H, 1.25);
    expect(foundAt(short, 1133)).toEqual([2]);
    // at the buffer's edge (seen 3 frames ago = maxFramesLost + 1, as ByteTrack's latest match): still the same person
    const edge = new PoseVideoState(DEFAULT_BLAZEPOSE_SMOOTHING, { trackBuffer: 2 }, { blazePose: true });
    expect(foundAt(edge, 1000)).toEqual([1]);
    for (const t of [1033, 1066]) edge.followPeople([], [], t, W, H, 1.25);
    expect(foundAt(edge, 1100)).toEqual([1]);
    // someone found elsewhere is someone else
    const elsewhere = new PoseVideoState(DEFAULT_BLAZEPOSE_SMOOTHING, {}, { blazePose: true });
    expect(foundAt(elsewhere, 1000)).toEqual([1]);
    elsewhere.followPeople([], [], 1033, W, H, 1.25);
    const far = elsewhere.followPeople([a.pose], [{ alignment: a.alignment, region: { ...region, centerX: region.centerX + 5 * region.width } }], 1066, W, H, 1.25);
    expect(far.map((p) => p.trackId)).toEqual([2]);
  });

  it('several people followed through bad frames (1×1, 17×3000, flat grey, random pixels): empty results, then people again; masks and tensors back where they were', async () => {
    const group = await createPoseEstimationPipeline({ model: GREEDY, backend: 'wasm', maxPoses: 3, segmentation: true });
    try {
      const people = await cropped(facePhoto(6), 0, 0, 1900, 1250);
      const close = (poses: Pose[]) => poses.forEach((p) => p.segmentation?.close());
      close((await group.runForVideo(people, 1000)).poses); // warm-up: the backend's tensors settle
      const [masks, tensors] = [Mask.openCount, tf.memory().numTensors];
      const first = (await group.runForVideo(people, 1033)).poses;
      expect(first).toHaveLength(3);
      close(first);
      const random = mulberry32(9);
      const bad: RawImage[] = [
        { data: new Uint8Array(3).fill(128), width: 1, height: 1, channels: 3 },
        { data: new Uint8Array(17 * 3000 * 3).fill(90), width: 17, height: 3000, channels: 3 },
        { data: new Uint8Array(640 * 480 * 3).fill(120), width: 640, height: 480, channels: 3 },
        { data: Uint8Array.from({ length: 320 * 240 * 3 }, () => Math.floor(random() * 256)), width: 320, height: 240, channels: 3 },
      ];
      for (const [i, frame] of bad.entries()) expect((await group.runForVideo(frame, 1066 + i * 33)).poses).toEqual([]);
      const again = (await group.runForVideo(people, 2000)).poses;
      console.log(`after bad frames: ${again.length} people, track IDs ${again.map((p) => p.trackId).join('+')}`);
      expect(again).toHaveLength(3);
      close(again);
      expect(Mask.openCount).toBe(masks);
      expect(tf.memory().numTensors).toBe(tensors);
    } finally {
      group.dispose();
    }
  });

  it('a still person in a noisy camera: keypoints hold steadier than unsmoothed (smoothing: false leaves them raw)', async () => {
    const still = await cropped(facePhoto(2), 4, 203, 900, 1100);
    const random = mulberry32(7);
    // sensor noise: ±6 grey levels per pixel, new every frame
    const frames: RawImage[] = Array.from({ length: 10 }, () => ({ ...still, data: Uint8Array.from(still.data, (v) => Math.min(255, Math.max(0, v + Math.round((random() - 0.5) * 12)))) }));
    const raw = await createPoseEstimationPipeline({ model: GREEDY, backend: 'wasm', smoothing: false });
    try {
      /** Mean frame-to-frame motion of the visible keypoints, after the filters have settled (frames 3 on). */
      const jitter = async (p: PoseEstimationPipeline): Promise<number> => {
        p.reset();
        const poses: Pose[] = [];
        for (const [i, frame] of frames.entries()) poses.push((await p.runForVideo(frame, i * 33)).poses[0]);
        const steps = poses.slice(1).map((pose, f) => mean(pose.keypoints.flatMap((k, j) => (poses[f].keypoints[j].score > 0.5 ? [Math.hypot(k.x - poses[f].keypoints[j].x, k.y - poses[f].keypoints[j].y)] : []))));
        return mean(steps.slice(2));
      };
      const [unsmoothed, smoothed] = [await jitter(raw), await jitter(pipeline)];
      console.log(`still person, noisy camera: keypoint jitter ${unsmoothed.toFixed(2)} → ${smoothed.toFixed(2)} px a frame`);
      expect(unsmoothed).toBeGreaterThan(0.3); // the noise does shake the raw keypoints
      expect(smoothed).toBeLessThan(0.5 * unsmoothed);
    } finally {
      raw.dispose();
    }
  });
});
