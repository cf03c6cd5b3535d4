/**
 * pipeline('face-landmarks') on real photos: the faces of the group photos with anatomically
 * ordered meshes, mirror-consistent irises, the attention card agreeing with FaceMesh, video
 * mode (crops from the previous mesh, track IDs, reset), one batched mesh call per frame equal to
 * one call per crop, bad input and flat tensor counts.
 */
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelRunner, type RawImage, decodeImageFile, pipeline } from '../../src/node/index';
import { FaceLandmarksPipeline, createFaceLandmarksPipeline } from '../../src/pipelines/face/face-pipeline';
import type { Face } from '../../src/pipelines/face/face-types';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { countRunnerCalls } from '../helpers/runner-calls';
import { expectIncreasingTimestamps, expectVisionError } from '../runtime/helpers';

/** Faces (people turned towards the camera) in the group photos. */
const FACES = { 1: 3, 3: 2, 6: 4 } as const;

async function raw(buffer: sharp.Sharp): Promise<RawImage> {
  const { data, info } = await buffer.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
}

const half = (n: 1 | 3 | 6): Promise<RawImage> => raw(sharp(facePhoto(n)).resize(960));
const dist = (a: { x: number; y: number }, b: { x: number; y: number }): number => Math.hypot(a.x - b.x, a.y - b.y);

function expectAnatomy(face: Face): void {
  const p = face.points;
  // the person's right eye (33–133) is on the image's left of their left eye (263–362)
  expect(p[33].x).toBeLessThan(p[263].x);
  // eyes above the nose tip above the lips above the chin
  expect((p[159].y + p[386].y) / 2).toBeLessThan(p[1].y);
  expect(p[1].y).toBeLessThan(p[13].y);
  expect(p[13].y).toBeLessThan(p[152].y);
  // the nose tip between the eyes
  expect(p[1].x).toBeGreaterThan(p[33].x);
  expect(p[1].x).toBeLessThan(p[263].x);
  for (const q of p) {
    expect(q.x).toBeGreaterThanOrEqual(face.box.x1);
    expect(q.y).toBeLessThanOrEqual(face.box.y2);
  }
}

describe('face landmarks on the group photos', () => {
  let landmarker: FaceLandmarksPipeline;
  let withIris: FaceLandmarksPipeline;
  beforeAll(async () => {
    landmarker = await createFaceLandmarksPipeline({ smoothing: false });
    withIris = await pipeline('face-landmarks', { iris: true, smoothing: false });
  });
  afterAll(() => {
    landmarker?.dispose();
    withIris?.dispose();
  });

  it.each(Object.entries(FACES))('sample%s: every face, 468 points in anatomical order, plain data', async (n, count) => {
    const { faces, imageSize } = await landmarker.run(await half(Number(n) as 1 | 3 | 6));
    expect(imageSize.width).toBe(960);
    expect(faces).toHaveLength(count);
    for (const face of faces) {
      expect(face.points).toHaveLength(468);
      expect(face.score).toBeGreaterThan(0.5);
      expectAnatomy(face);
    }
    expect(JSON.parse(JSON.stringify(faces))).toEqual(faces);
  });

  it('irises: 478 points; on the faces turned to the camera each iris centre lies between its eye’s corners', async () => {
    const { faces } = await withIris.run(await half(1));
    expect(faces).toHaveLength(3);
    expect(faces.every((f) => f.points.length === 478)).toBe(true);
    for (const face of faces.filter((f) => f.detectorScore > 0.75)) {
      const p = face.points;
      for (const [centre, a, b] of [[468, 33, 133], [473, 263, 362]]) {
        const margin = dist(p[33], p[263]) / 8; // an iris looking sideways reaches the corner
        expect(p[centre].x).toBeGreaterThan(Math.min(p[a].x, p[b].x) - margin);
        expect(p[centre].x).toBeLessThan(Math.max(p[a].x, p[b].x) + margin);
        expect(Math.abs(p[centre].y - (p[a].y + p[b].y) / 2)).toBeLessThan(dist(p[a], p[b]) / 2);
      }
    }
  });

  it('the crops of a frame go to FaceMesh in one batched call, with the points of one call per crop (also with irises)', async () => {
    const photo = await half(6);
    for (const source of [landmarker, withIris]) {
      const calls: number[] = [];
      const runner = source.runner;
      // the same model, counted; and a view of it whose input says "batch of 1", which gets one call per crop
      const counted: ModelRunner = { ...runner, inputs: runner.inputs, outputs: runner.outputs, run: (feeds, options) => (calls.push(Object.values(feeds)[0] instanceof tf.Tensor ? (Object.values(feeds)[0] as tf.Tensor).shape[0] : -1), runner.run(feeds, options)) };
      const single: ModelRunner = { ...counted, inputs: [{ ...runner.inputs[0], shape: [1, ...runner.inputs[0].shape.slice(1)] }] };
      const internals = source as unknown as { detector: ModelRunner; iris?: { runner: ModelRunner; size: number } };
      const make = (mesh: ModelRunner): FaceLandmarksPipeline => new FaceLandmarksPipeline(source.faceSpec, mesh, false, source.detectorSpec, internals.detector, {}, { smoothing: false }, internals.iris);
      const batched = await make(counted).run(photo);
      expect(calls, 'one mesh call, on a batch of the four faces').toEqual([4]);
      calls.length = 0;
      const oneByOne = await make(single).run(photo);
      expect(calls, 'one mesh call per face').toEqual([1, 1, 1, 1]);
      expect(batched.faces.map((f) => f.points)).toEqual(oneByOne.faces.map((f) => f.points));
      expect(batched.faces.map((f) => f.score)).toEqual(oneByOne.faces.map((f) => f.score));
    }
  });

  it('no face → empty result: a cup, a blank frame, a 1×1 and an 8×8 image', async () => {
    expect((await landmarker.run(await decodeImageFile(fixturePhoto('coffee')))).faces).toEqual([]);
    expect((await landmarker.run({ data: new Uint8Array(320 * 240 * 3).fill(128), width: 320, height: 240, channels: 3 })).faces).toEqual([]);
    expect((await landmarker.run({ data: new Uint8Array(3), width: 1, height: 1, channels: 3 })).faces).toEqual([]);
    expect((await landmarker.runForVideo({ data: new Uint8Array(8 * 8 * 3), width: 8, height: 8, channels: 3 }, 0)).faces).toEqual([]);
    landmarker.reset();
  });

  it('bad options and input are VisionErrors; the next good frame works', async () => {
    await expectVisionError(pipeline('face-landmarks', { iris: 'yes' as unknown as boolean }), 'INVALID_OPTION');
    await expectVisionError(pipeline('face-landmarks', { detector: 'yolo' }), 'INVALID_OPTION');
    await expectVisionError(pipeline('face-landmarks', { detectorFit: 'crop' as 'stretch' }), 'INVALID_OPTION');
    await expectVisionError(pipeline('face-landmarks', { model: 'facemesh-attention', iris: true }), 'INVALID_OPTION');
    await expectVisionError(pipeline('face-landmarks', { model: 'movenet-lightning' }), 'INVALID_OPTION');
    await expectVisionError(landmarker.run(await half(3), { maxFaces: 0 }), 'INVALID_OPTION');
    await expectVisionError(pipeline('face-landmarks', { maxFaces: 1.5 }), 'INVALID_OPTION');
    await expectVisionError(pipeline('face-landmarks', { threshold: -1 }), 'INVALID_OPTION');
    await expectVisionError(landmarker.run(await half(3), { threshold: 2 }), 'INVALID_OPTION');
    await expectVisionError(landmarker.run(await half(3), { detectorThreshold: Number.NaN }), 'INVALID_OPTION');
    await expectVisionError(landmarker.runForVideo(await half(3), Number.NaN), 'INVALID_INPUT');
    await expectVisionError(pipeline('face-landmarks', { smoothing: { minCutoff: -1 } }), 'INVALID_OPTION');
    await expectVisionError(landmarker.run({ data: new Uint8Array(5), width: 4, height: 4, channels: 3 }), 'INVALID_INPUT');
    expect((await landmarker.run(await half(3))).faces).toHaveLength(2);
  });
});

describe('video mode', () => {
  it('crops each face from its last mesh (detector once), keeps IDs, agrees with run(); reset() starts over; nothing leaks', async () => {
    const landmarker = await createFaceLandmarksPipeline({ smoothing: false, maxFaces: 3, iris: true });
    const detections = countRunnerCalls((landmarker as unknown as { detector: ModelRunner }).detector);
    try {
      // a slow pan across sample1 (3 faces), 6 px per frame
      const photo = await decodeImageFile(facePhoto(1));
      const source = sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } });
      const frames: RawImage[] = [];
      for (let i = 0; i < 8; i++) frames.push(await raw(source.clone().extract({ left: 40 + i * 6, top: 40, width: 1800, height: 1200 }).resize(900, 600)));
      await landmarker.runForVideo(frames[0], 0); // warm the kernels before counting tensors
      landmarker.reset();
      detections.reset();
      const before = tf.memory().numTensors;
      const ids = new Set<string>();
      for (const [i, frame] of frames.entries()) {
        const { faces } = await landmarker.runForVideo(frame, i * 33);
        expect(faces).toHaveLength(3);
        ids.add(faces.map((f) => f.trackId).sort().join(','));
        const still = (await landmarker.run(frame)).faces;
        // the two faces turned to the camera (the third, turned away, moves more with its crop)
        for (const face of faces.filter((f) => f.detectorScore > 0.75)) {
          const same = still.find((f) => dist(f.points[1], face.points[1]) < 15)!;
          expect(same, `frame ${i}`).toBeDefined();
          // a crop from the last mesh instead of the detector's: the same mesh to a few pixels
          const eyes = dist(same.points[33], same.points[263]);
          const gaps = face.points.map((p, k) => dist(p, same.points[k]));
          expect(gaps.reduce((a, b) => a + b) / gaps.length).toBeLessThan(eyes / 12);
          expect(Math.max(...gaps)).toBeLessThan(eyes / 2);
        }
      }
      expect([...ids]).toEqual(['1,2,3']);
      expect(detections.count).toBe(1 + frames.length); // once in video mode, plus each run()
      landmarker.reset();
      const { faces } = await landmarker.runForVideo(frames[0], 0);
      expect(faces.map((f) => f.trackId).sort()).toEqual([1, 2, 3]);
      await expectIncreasingTimestamps((t) => landmarker.runForVideo(frames[1], t), 0);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      landmarker.dispose();
    }
  });

  it('a per-frame maxFaces limits the faces followed, not only those returned: the mesh model crops no more', async () => {
    const landmarker = await createFaceLandmarksPipeline({ smoothing: false, maxFaces: 3 });
    const mesh = (landmarker as unknown as { runner: ModelRunner }).runner;
    const run = mesh.run.bind(mesh);
    const crops: number[] = [];
    mesh.run = (feeds, options) => {
      const [feed] = Object.values(feeds);
      crops.push('shape' in feed ? feed.shape[0] : feed.dims[0]);
      return run(feeds, options);
    };
    try {
      const frame = await half(1);
      expect((await landmarker.runForVideo(frame, 0)).faces).toHaveLength(3);
      const best = [];
      for (let i = 1; i <= 3; i++) best.push((await landmarker.runForVideo(frame, i * 33, { maxFaces: 1 })).faces.map((f) => f.trackId));
      expect(best).toEqual([[1], [1], [1]]);
      // frame 1 still crops the three faces frame 0 followed; then only the one asked for (before: 3, 3, 3, 3)
      expect(crops).toEqual([3, 3, 1, 1]);
    } finally {
      landmarker.dispose();
    }
  });

  it('a face lost by its crop is looked for again in the same frame, and keeps its ID', async () => {
    // sample2 at 640 px wide, a 480×400 window jumping 30 px a frame: faces move past their crops
    const landmarker = await createFaceLandmarksPipeline({ maxFaces: 4 });
    try {
      const scaled = await sharp(facePhoto(2)).resize(640).toBuffer();
      for (let i = 0; i < 5; i++) {
        const frame = await raw(sharp(scaled).extract({ left: 30 * i, top: 0, width: 480, height: 400 }));
        const tracked = (await landmarker.runForVideo(frame, i * 100)).faces;
        const still = (await landmarker.run(frame)).faces;
        // without the second look: 2, 1, 0, 3, 3 faces here (and the IDs start over)
        expect(tracked.length, `frame ${i}`).toBeGreaterThanOrEqual(still.length);
        expect(tracked.map((f) => f.trackId), `frame ${i}`).toEqual(expect.arrayContaining([1, 2]));
        // the box spans the points returned, smoothed as they are (it spanned the unsmoothed ones: up to 61 points outside)
        for (const face of tracked) {
          const { x1, y1, x2, y2 } = face.box;
          expect(face.points.every((p) => p.x >= x1 && p.x <= x2 && p.y >= y1 && p.y <= y2), `frame ${i} face ${face.trackId}`).toBe(true);
          expect([x1, y1, x2, y2]).toEqual([Math.min(...face.points.map((p) => p.x)), Math.min(...face.points.map((p) => p.y)), Math.max(...face.points.map((p) => p.x)), Math.max(...face.points.map((p) => p.y))]);
        }
      }
    } finally {
      landmarker.dispose();
    }
  });

  it('reset() while a video frame is in flight (a new video starts): that frame leaves no track and no timestamp behind', async () => {
    const landmarker = await createFaceLandmarksPipeline({ maxFaces: 3 });
    try {
      const photo = await half(3);
      await landmarker.runForVideo(photo, 500);
      const inflight = landmarker.runForVideo(photo, 1000);
      landmarker.reset();
      const first = landmarker.runForVideo(photo, 0);
      expect((await inflight).faces).toHaveLength(2);
      expect((await first).faces.map((f) => f.trackId).sort()).toEqual([1, 2]);
      // 33 was refused ("got 33 after 1000"): the old frame's time is not the new video's
      expect((await landmarker.runForVideo(photo, 33)).faces.map((f) => f.trackId).sort()).toEqual([1, 2]);
    } finally {
      landmarker.dispose();
    }
  });

  it('a frame size change mid-video (a camera switching resolution): each face keeps its ID and its points are where run() puts them, smoothing on', async () => {
    const landmarker = await createFaceLandmarksPipeline({ maxFaces: 3 });
    try {
      const big = await half(3);
      const small = await raw(sharp(facePhoto(3)).resize(480));
      const first = (await landmarker.runForVideo(big, 0)).faces;
      const after = (await landmarker.runForVideo(small, 33)).faces;
      const still = (await landmarker.run(small)).faces;
      expect(first).toHaveLength(2);
      expect(after).toHaveLength(still.length);
      for (const face of first) {
        // the same person, where the 960-px frame had them, halved (the crops were of the old size: one ID went to the other person, smoothed half-way across)
        const moved = after.find((f) => f.trackId === face.trackId);
        expect(moved, `track ${face.trackId}`).toBeDefined();
        expect(dist(moved!.points[1], { x: face.points[1].x / 2, y: face.points[1].y / 2 })).toBeLessThan(4);
        expect(still.some((f) => dist(f.points[1], moved!.points[1]) < 4)).toBe(true);
      }
    } finally {
      landmarker.dispose();
    }
  });

  it('a frame of another shape (the picture on the left of a frame twice as wide, then back) is looked at afresh: every mesh is on a face run() finds (carried crops gave a mesh on a neck and dropped two faces)', async () => {
    const landmarker = await createFaceLandmarksPipeline({ maxFaces: 4, smoothing: false });
    try {
      const photo = await raw(sharp(facePhoto(4)).extract({ left: 600, top: 0, width: 800, height: 600 }).resize(640, 480, { fit: 'fill' }));
      const wide = await raw(sharp(Buffer.from(photo.data), { raw: { width: 640, height: 480, channels: 3 } }).extend({ right: 640, background: '#5a5a5a' }));
      for (const [i, frame] of [photo, photo, wide, photo, photo].entries()) {
        const video = (await landmarker.runForVideo(frame, i * 33)).faces;
        const still = (await landmarker.run(frame)).faces;
        expect(still.length, `frame ${i}`).toBe(3);
        expect(video.length, `frame ${i}`).toBe(3);
        // within a tenth of the face's width of run()'s nose (a tracked crop is not the detector's); the mesh on the neck was 128 px off
        for (const face of video) expect(Math.min(...still.map((f) => dist(f.points[1], face.points[1]))), `frame ${i}, track ${face.trackId}`).toBeLessThan((face.box.x2 - face.box.x1) / 10);
      }
    } finally {
      landmarker.dispose();
    }
  });
});

describe('the attention card', () => {
  // tfjs-backend-wasm 4.22 has no integer BatchMatMul, which this graph uses: cpu here (webgl / webgpu in browsers)
  let reference: FaceLandmarksPipeline | undefined;
  const getIrisReference = async (): Promise<FaceLandmarksPipeline> => (reference ??= await createFaceLandmarksPipeline({ iris: true }));
  afterAll(() => reference?.dispose());
  it('is refused on wasm before anything loads, saying why and what works; without a backend it takes cpu in Node, its detector too', async () => {
    const e = await expectVisionError(pipeline('face-landmarks', { model: 'facemesh-attention', backend: 'wasm' }), 'BACKEND_UNAVAILABLE');
    expect(e.message).toMatch(/^model 'facemesh-attention' cannot run on wasm \(wasm: .*BatchMatMul.*\); use backend cpu$/);
    const attention = await pipeline('face-landmarks', { model: 'facemesh-attention' });
    try {
      expect(attention.runner.backend).toBe('cpu');
      expect((attention as unknown as { detector: ModelRunner }).detector.backend).toBe('cpu');
    } finally {
      attention.dispose();
    }
  });
  it('facemesh-attention: 478 points whose eyes and lips lie on FaceMesh’s and whose irises on the Iris model’s (both eyes: the Iris path mirrors the right one correctly)', async () => {
    const attention = await pipeline('face-landmarks', { model: 'facemesh-attention', backend: 'cpu' });
    try {
      // one face of sample3 (the cpu backend is slow)
      const photo = await raw(sharp(await sharp(facePhoto(3)).resize(960).toBuffer()).extract({ left: 150, top: 50, width: 330, height: 400 }));
      const ours = (await attention.run(photo)).faces;
      const irisReference = await getIrisReference();
      const reference = (await irisReference.run(photo)).faces;
      expect(ours).toHaveLength(1);
      // a pipeline made on wasm after it leaves it on cpu: it runs there again, also between and during the other's runs
      const [again, , concurrent] = await Promise.all([attention.run(photo), irisReference.run(photo), attention.run(photo)]);
      for (const run of [again, concurrent]) {
        expect(run.faces).toHaveLength(1);
        const apart = Math.max(...run.faces[0].points.map((p, i) => dist(p, ours[0].points[i])));
        expect(apart).toBeLessThan(1e-3); // the crops sampled on wasm or cpu: float rounding apart
      }
      for (const face of ours) {
        const other = reference.find((f) => dist(f.points[1], face.points[1]) < 10)!;
        const eyeWidth = dist(other.points[33], other.points[133]);
        for (const i of [33, 133, 159, 145, 263, 362, 386, 374, 61, 291, 13, 14]) expect(dist(face.points[i], other.points[i]), `point ${i}`).toBeLessThan(eyeWidth / 4);
        expect(dist(face.points[468], other.points[468])).toBeLessThan(eyeWidth / 5);
        expect(dist(face.points[473], other.points[473])).toBeLessThan(eyeWidth / 5);
      }
    } finally {
      attention.dispose();
    }
  });

});
