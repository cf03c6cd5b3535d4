/**
 * pipeline('face-embedding') on the @vladmandic/face-api group photos: every face is found and
 * described; the same face in variants of its photo (mirror flip; half size + JPEG quality 25;
 * crop + 30 % brighter) stays above FACERES_MATCH_THRESHOLD, and different people's faces stay
 * below it. The full measurement over all six photos is bench/face-threshold.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FACERES_MATCH_THRESHOLD,
  type FaceEmbedding,
  type FaceEmbeddingPipeline,
  FaceMatcher,
  type RawImage,
  cosineSimilarity,
  isVisionError,
  pipeline,
} from '../../../src/node/index';
import { BLAZEFACE } from '../../../src/models/catalog';
import { facePhoto } from '../../helpers/photos';
import { expectIncreasingTimestamps } from '../../runtime/helpers';
import { decodePhoto, nearestBox } from './face-variants';

interface Variant {
  name: string;
  image: RawImage;
  map(x: number, y: number): { x: number; y: number };
  scale: number;
}

async function raw(image: sharp.Sharp): Promise<RawImage> {
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
}

/** Three variants of a photo; the crop keeps the faces' extent plus 10 % of the width on each side. */
async function variantsOf(path: string, width: number, height: number, faces: readonly FaceEmbedding[]): Promise<Variant[]> {
  const half = Math.round(width / 2);
  const jpeg = await sharp(path).resize({ width: half }).jpeg({ quality: 25 }).toBuffer();
  const margin = 0.1 * width;
  const left = Math.max(0, Math.floor(Math.min(...faces.map((f) => f.box.x1)) - margin));
  const top = Math.max(0, Math.floor(Math.min(...faces.map((f) => f.box.y1)) - margin));
  const right = Math.min(width, Math.ceil(Math.max(...faces.map((f) => f.box.x2)) + margin));
  const bottom = Math.min(height, Math.ceil(Math.max(...faces.map((f) => f.box.y2)) + margin));
  return [
    { name: 'flip', image: await raw(sharp(path).flop()), map: (x, y) => ({ x: width - x, y }), scale: 1 },
    { name: 'half size, JPEG q25', image: await raw(sharp(jpeg)), map: (x, y) => ({ x: (x * half) / width, y: (y * half) / width }), scale: half / width },
    {
      name: 'crop, brighter',
      image: await raw(sharp(path).extract({ left, top, width: right - left, height: bottom - top }).modulate({ brightness: 1.3 })),
      map: (x, y) => ({ x: x - left, y: y - top }),
      scale: 1,
    },
  ];
}

const centre = (f: FaceEmbedding) => ({ x: (f.box.x1 + f.box.x2) / 2, y: (f.box.y1 + f.box.y2) / 2 });

describe("pipeline('face-embedding') with FaceRes on real group photos", () => {
  let describer: FaceEmbeddingPipeline;
  const photos = [1, 4] as const;
  const originals = new Map<number, FaceEmbedding[]>();

  beforeAll(async () => {
    describer = await pipeline('face-embedding');
    for (const n of photos) originals.set(n, (await describer.run(await decodePhoto(facePhoto(n)))).faces);
  }, 60_000);
  afterAll(() => describer?.dispose());

  it('describes every face: unit 1024-d embedding, box, landmarks, age and gender', () => {
    expect(originals.get(1)).toHaveLength(3);
    expect(originals.get(4)).toHaveLength(4);
    for (const face of [...originals.values()].flat()) {
      expect(face.embedding).toHaveLength(1024);
      expect(cosineSimilarity(face.embedding, face.embedding)).toBeCloseTo(1, 5);
      expect(face.keypoints.map((k) => k.name).slice(0, 2)).toEqual(['right eye', 'left eye']);
      expect(face.age).toBeGreaterThan(15);
      expect(face.age).toBeLessThan(45);
      expect(face.gender).toBe('female'); // all 22 faces of the six photos are women's
      expect(Math.abs(face.angle)).toBeLessThan(Math.PI / 2);
    }
  });

  it('the same face in flipped, rescaled + JPEG, cropped + brightened photos matches itself above the threshold; other faces fall below', async () => {
    const matcher = new FaceMatcher([...originals.entries()].flatMap(([n, faces]) => faces.map((f, i) => ({ label: `${n}:${i}`, embedding: f.embedding }))));
    const genuine: number[] = [];
    const impostor: number[] = [];
    for (const n of photos) {
      const faces = originals.get(n) as FaceEmbedding[];
      const { width, height } = await sharp(facePhoto(n)).metadata();
      for (const variant of await variantsOf(facePhoto(n), width as number, height as number, faces)) {
        const found = (await describer.run(variant.image)).faces;
        expect(found, variant.name).toHaveLength(faces.length);
        faces.forEach((face, i) => {
          const at = variant.map(centre(face).x, centre(face).y);
          const j = nearestBox(found.map((f) => f.box), at, 0.5 * variant.scale * (face.box.x2 - face.box.x1));
          expect(j, `photo ${n} face ${i} in ${variant.name}`).toBeDefined();
          const same = found[j as number] as FaceEmbedding;
          genuine.push(cosineSimilarity(face.embedding, same.embedding));
          expect(matcher.match(same.embedding).label, `photo ${n} face ${i} in ${variant.name}`).toBe(`${n}:${i}`);
          faces.forEach((other, k) => k !== i && impostor.push(cosineSimilarity(other.embedding, same.embedding)));
        });
      }
    }
    const all = [...originals.values()].flat();
    all.forEach((a, i) => all.slice(i + 1).forEach((b) => impostor.push(cosineSimilarity(a.embedding, b.embedding))));
    expect(genuine).toHaveLength(21);
    expect(Math.min(...genuine)).toBeGreaterThanOrEqual(FACERES_MATCH_THRESHOLD);
    expect(Math.max(...impostor)).toBeLessThan(FACERES_MATCH_THRESHOLD);
  }, 60_000);

  it('no face is an empty result; video mode keeps track ids; tensors stay flat; bad input and options are VisionErrors', async () => {
    const grey: RawImage = { data: new Uint8Array(96 * 64 * 3).fill(128), width: 96, height: 64, channels: 3 };
    expect((await describer.run(grey)).faces).toEqual([]);
    const small = await raw(sharp(facePhoto(1)).resize({ width: 640 }));
    const first = await describer.runForVideo(small, 0);
    const before = tf.memory().numTensors;
    const second = await describer.runForVideo(small, 33);
    expect(tf.memory().numTensors).toBe(before);
    expect(first.faces.map((f) => f.trackId).sort()).toEqual(second.faces.map((f) => f.trackId).sort());
    expect(first.faces.every((f) => typeof f.trackId === 'number')).toBe(true);
    await expectIncreasingTimestamps((t) => describer.runForVideo(small, t), 33);
    describer.reset();
    await expect(describer.run({ data: new Uint8Array(5), width: 4, height: 4, channels: 3 })).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_INPUT'));
    await expect(describer.run(small, { maxFaces: 0 })).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_OPTION'));
    await expect(describer.runForVideo(small, Number.NaN)).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_INPUT'));
    await expect(describer.runForVideo(small, '40' as unknown as number)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('got "40"') });
    await expect(describer.run(small, null as unknown as object)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('run options must be an object') });
    await expect(describer.runForVideo(small, 99, { threshold: '0.5' as unknown as number })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('threshold is "0.5"') });
    // a tracker jump of 1e300 ms neither throws nor loses the faces: past the track buffer the tracking starts afresh (new ids at once)
    const afterJump = (await describer.runForVideo(small, 1e300)).faces;
    expect(afterJump).toHaveLength(first.faces.length);
    const afterSecondJump = (await describer.runForVideo(small, 2e300)).faces;
    expect(afterSecondJump).toHaveLength(first.faces.length);
    expect(Math.min(...afterSecondJump.map((f) => f.trackId!))).toBeGreaterThan(Math.max(...afterJump.map((f) => f.trackId!)));
    describer.reset();
  }, 60_000);

  it('reset() while a video frame is in flight (a new video starts): that frame leaves no track and no timestamp behind', async () => {
    const small = await raw(sharp(facePhoto(1)).resize({ width: 640 }));
    describer.reset();
    const ids = (r: { faces: FaceEmbedding[] }): number[] => r.faces.map((f) => f.trackId ?? -1).sort((a, b) => a - b);
    const before = ids(await describer.runForVideo(small, 500));
    const inflight = describer.runForVideo(small, 1000);
    describer.reset();
    const first = describer.runForVideo(small, 0);
    expect((await inflight).faces).toHaveLength(before.length);
    expect(ids(await first)).toEqual(before);
    // 33 was refused ("got 33 after 1000"): the old frame's time is not the new video's
    expect(ids(await describer.runForVideo(small, 33))).toEqual(before);
    describer.reset();
  }, 60_000);

  it('overlapping runForVideo calls are analysed in call order: a file frame before a raw frame (before: the file frame was refused, "got 1000 after 1033")', async () => {
    const small = await raw(sharp(facePhoto(1)).resize({ width: 640 }));
    const file = join(mkdtempSync(join(tmpdir(), 'visionpipe-face-order-')), 'small.png');
    await sharp(small.data, { raw: { width: small.width, height: small.height, channels: 3 } }).png().toFile(file);
    const ids = (r: { faces: FaceEmbedding[] }): number[] => r.faces.map((f) => f.trackId ?? -1).sort((a, b) => a - b);
    describer.reset();
    const inTurn = [ids(await describer.runForVideo(file, 1000)), ids(await describer.runForVideo(small, 1033))];
    describer.reset();
    const settled = await Promise.allSettled([describer.runForVideo(file, 1000), describer.runForVideo(small, 1033)]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(settled.map((r) => ids((r as PromiseFulfilledResult<{ faces: FaceEmbedding[] }>).value))).toEqual(inTurn);
    // frames queued when the pipeline is disposed say which pipeline (before: "this object-detection pipeline")
    const spare = await pipeline('face-embedding');
    const queued = [spare.runForVideo(small, 1), spare.runForVideo(small, 2)];
    spare.dispose();
    for (const q of await Promise.allSettled(queued)) expect((q as PromiseRejectedResult).reason).toMatchObject({ code: 'DISPOSED', message: expect.stringContaining('face-embedding') });
    describer.reset();
  }, 60_000);

  it('refuses at creation a detector without eye keypoints and bad defaults (not at the first frame)', async () => {
    const before = tf.memory().numTensors;
    const ready = { model: describer.runner, spec: describer.faceSpec };
    const noEyes = { ...BLAZEFACE, id: 'blazeface-without-keypoints', head: { ssd: { ...BLAZEFACE.head!.ssd!, keypointNames: undefined } } };
    await expect(pipeline('face-embedding', { ...ready, detector: noEyes })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('right eye / left eye') });
    await expect(pipeline('face-embedding', { ...ready, maxFaces: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('maxFaces is 0') });
    await expect(pipeline('face-embedding', { ...ready, align: 'no' as unknown as boolean })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('align is "no"') });
    expect(tf.memory().numTensors).toBe(before);
    expect((await describer.run(await raw(sharp(facePhoto(1)).resize({ width: 640 })))).faces.length).toBeGreaterThan(0);
  }, 60_000);
});
