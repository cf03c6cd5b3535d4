import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Detection, type DetectionPipeline, type RawImage, VisionError, decodeImageFile, pipeline } from '../../src/node/index';
import { facePhoto, fixturePhoto } from '../helpers/photos';

/** People in each group photo (counted by eye) and one object that is clearly visible. */
const PHOTOS = [
  { n: 1, people: 3, object: 'wine glass' },
  { n: 2, people: 3, object: 'cell phone' },
  { n: 3, people: 3, object: 'cup' },
  { n: 4, people: 4 },
  { n: 5, people: 5 },
  { n: 6, people: 4 },
] as const;

const people = (detections: Detection[]): Detection[] => detections.filter((d) => d.label === 'person');

describe('object-detection pipeline (CenterNet COCO, real photos, wasm)', () => {
  let detector: DetectionPipeline;
  beforeAll(async () => {
    detector = await pipeline('object-detection');
  });
  afterAll(() => detector.dispose());

  it('runs on the wasm backend by default in Node with the catalogued model', () => {
    expect(detector.runner.backend).toBe('wasm');
    expect(detector.spec.id).toBe('centernet-coco');
  });

  it.each(PHOTOS)('finds the people (and objects) in group photo $n', async ({ n, people: count, ...rest }) => {
    const { detections, imageSize } = await detector.run(facePhoto(n));
    const found = people(detections);
    // Each photo has `count` people; allow one miss for heavily overlapping people, no extras.
    expect(found.length).toBeGreaterThanOrEqual(count - 1);
    expect(found.length).toBeLessThanOrEqual(count);
    for (const d of found) {
      const { x1, y1, x2, y2 } = d.box;
      expect(x1).toBeGreaterThanOrEqual(0);
      expect(y1).toBeGreaterThanOrEqual(0);
      expect(x2).toBeLessThanOrEqual(imageSize.width);
      expect(y2).toBeLessThanOrEqual(imageSize.height);
      // a person in these photos covers at least 5% of the frame
      expect((x2 - x1) * (y2 - y1)).toBeGreaterThan(0.05 * imageSize.width * imageSize.height);
      expect(d.boxNormalized.x2).toBeCloseTo(x2 / imageSize.width, 5);
    }
    if ('object' in rest) expect(detections.map((d) => d.label)).toContain(rest.object);
    // results are sorted best first and respect the default threshold
    const scores = detections.map((d) => d.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0.25);
  });

  it.each([
    ['astronaut', 'person'],
    ['chelsea', 'cat'],
    ['coffee', 'cup'],
  ] as const)('finds the main object in the %s photo', async (name, label) => {
    const { detections } = await detector.run(fixturePhoto(name));
    expect(detections[0].label).toBe(label);
    expect(detections[0].score).toBeGreaterThan(0.5);
  });

  it('maps boxes back to the original frame (same people when the photo gets a border)', async () => {
    const photo = await decodeImageFile(facePhoto(6));
    const border = 480;
    const padded = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
      .extend({ left: border, bottom: 200, background: { r: 0, g: 0, b: 0 } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const plain = people((await detector.run(photo)).detections);
    const shifted = people(
      (await detector.run({ data: new Uint8Array(padded.data), width: padded.info.width, height: padded.info.height, channels: 3 })).detections,
    );
    expect(shifted.length).toBe(plain.length);
    for (const d of plain) {
      // the same person, moved right by the border: corners within 4% of the image width
      const match = shifted.find((s) => Math.abs(s.box.x1 - border - d.box.x1) < 0.04 * photo.width);
      expect(match, `person at x1=${d.box.x1.toFixed(0)}`).toBeDefined();
      if (!match) continue;
      expect(Math.abs(match.box.x2 - border - d.box.x2)).toBeLessThan(0.04 * photo.width);
      expect(Math.abs(match.box.y1 - d.box.y1)).toBeLessThan(0.04 * photo.height);
      expect(Math.abs(match.box.y2 - d.box.y2)).toBeLessThan(0.04 * photo.height);
    }
  });

  it('gives the same detections for a path, encoded bytes, a raw buffer and a tensor (which it leaves alone)', async () => {
    const path = facePhoto(1);
    const bytes = new Uint8Array(await sharp(path).jpeg().toBuffer());
    const raw: RawImage = await decodeImageFile(path);
    const tensor = tf.tensor3d(Int32Array.from(raw.data), [raw.height, raw.width, 3], 'int32');
    const fromPath = await detector.run(path);
    for (const input of [raw, tensor]) {
      const result = await detector.run(input);
      expect(result.detections.map((d) => d.label)).toEqual(fromPath.detections.map((d) => d.label));
      // the same pixels: the same boxes (every corner) and scores
      result.detections.forEach((d, i) => {
        for (const k of ['x1', 'y1', 'x2', 'y2'] as const) expect(d.box[k]).toBeCloseTo(fromPath.detections[i].box[k], 3);
        expect(d.score).toBeCloseTo(fromPath.detections[i].score, 5);
      });
    }
    expect(tensor.isDisposed).toBe(false);
    tensor.dispose();
    // re-encoding changes pixels slightly: the same three people, each box within a few pixels
    const fromBytes = people((await detector.run(bytes)).detections);
    const expected = people(fromPath.detections);
    expect(expected).toHaveLength(3);
    expect(fromBytes).toHaveLength(3);
    for (const d of expected) {
      const shift = Math.min(...fromBytes.map((b) => Math.max(...(['x1', 'y1', 'x2', 'y2'] as const).map((k) => Math.abs(b.box[k] - d.box[k])))));
      expect(shift).toBeLessThan(5); // measured 0.6, 2.0 and 2.1 px
    }
  });

  it('applies per-call options: threshold, classes, maxDetections, agnostic', async () => {
    const photo = facePhoto(1);
    const all = await detector.run(photo, { threshold: 0.1 });
    const strict = await detector.run(photo, { threshold: 0.5 });
    expect(all.detections.length).toBeGreaterThan(strict.detections.length);
    expect(strict.detections.every((d) => d.score >= 0.5)).toBe(true);
    const onlyPeople = await detector.run(photo, { classes: [0], threshold: 0.1 });
    expect(onlyPeople.detections.every((d) => d.classId === 0 && d.label === 'person')).toBe(true);
    expect((await detector.run(photo, { maxDetections: 2 })).detections).toHaveLength(2);
    const agnostic = await detector.run(photo, { agnostic: true, threshold: 0.1, iouThreshold: 0.3 });
    expect(agnostic.detections.length).toBeLessThanOrEqual(all.detections.length);
  });

  it('reports stage timings that add up', async () => {
    const { timing } = await detector.run(facePhoto(2));
    for (const stage of ['preprocess', 'inference', 'postprocess'] as const) expect(timing[stage]).toBeGreaterThanOrEqual(0);
    expect(timing.total).toBeGreaterThanOrEqual(timing.preprocess + timing.inference + timing.postprocess - 1);
  });

  it('rejects bad input and bad options with VisionError, and keeps working', async () => {
    const bad = [
      { data: new Uint8Array(0), width: 0, height: 0, channels: 3 as const },
      { data: new Uint8Array(10), width: 4, height: 4, channels: 3 as const },
      'definitely/missing/photo.jpg',
      new Uint8Array([1, 2, 3, 4]),
    ];
    for (const input of bad) {
      await expect(detector.run(input)).rejects.toMatchObject({ name: 'VisionError', code: 'INVALID_INPUT' });
    }
    await expect(detector.run(facePhoto(1), { threshold: 2 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(detector.run(facePhoto(1), { iouThreshold: -0.1 })).rejects.toBeInstanceOf(VisionError);
    expect(people((await detector.run(facePhoto(1))).detections).length).toBe(3);
  });

  it('keeps the tensor count flat over 50 runs', async () => {
    const frame = await decodeImageFile(facePhoto(3));
    const small = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).resize(320, 240).raw().toBuffer();
    const input: RawImage = { data: new Uint8Array(small), width: 320, height: 240, channels: 3 };
    await detector.run(input);
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 49; i++) await detector.run(input);
    expect(tf.memory().numTensors).toBe(after1);
  });
});
