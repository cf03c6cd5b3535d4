import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { isVisionError } from '../../../src/core/errors';
import { FaceMatcher, cosineSimilarity } from '../../../src/pipelines/face-embedding/face-matcher';
import { cropFaces, cropTransform, faceCropOf } from '../../../src/pipelines/face-embedding/face-crop';
import { decodeFaceResAge, decodeGender, l2Normalize } from '../../../src/postprocess/face-embedding/face-descriptor';
import { decodeImageFile } from '../../../src/node/index';
import { openFrame } from '../../../src/preprocess/sampling/open-frame';
import { facePhoto } from '../../helpers/photos';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return isVisionError(e) ? e.code : 'not a VisionError';
  }
  return undefined;
};

describe('face descriptor decoding', () => {
  it('normalises to unit length and keeps a zero vector zero', () => {
    expect(Array.from(l2Normalize([3, 4]))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(l2Normalize([0, 0]))).toEqual([0, 0]);
  });

  it('decodes age as @vladmandic/human does (best bin moved towards the likelier neighbour) and gender from P(male)', () => {
    const p = new Float32Array(100);
    p[30] = 0.6;
    p[31] = 0.3;
    p[29] = 0.1;
    expect(decodeFaceResAge(p)).toBeCloseTo(33, 5); // (10·30 + 100·0.3) / 10
    p[31] = 0.05;
    expect(decodeFaceResAge(p)).toBeCloseTo(29, 5); // (10·30 − 100·0.1) / 10
    expect(decodeGender(0.9)).toEqual({ gender: 'male', score: expect.closeTo(0.8, 6) });
    expect(decodeGender(0.5)).toEqual({ gender: 'female', score: 0 });
  });
});

describe('face crops', () => {
  it('maps the crop square onto the source: identity for an unturned crop of the same size', () => {
    expect(cropTransform({ cx: 50, cy: 50, side: 100, angle: 0 }, 100).map((v) => v + 0)).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('turns the crop by the eye line so that tilted eyes come out level', async () => {
    // a white image with two dark "eyes" on a line tilted by 30°
    const size = 101;
    const angle = Math.PI / 6;
    const eyes = [-20, 20].map((d) => ({ x: 50 + d * Math.cos(angle), y: 50 + d * Math.sin(angle) }));
    const pixels = new Float32Array(size * size * 3).fill(255);
    for (const eye of eyes) {
      for (let y = -3; y <= 3; y++) for (let x = -3; x <= 3; x++) pixels.fill(0, ((Math.round(eye.y) + y) * size + Math.round(eye.x) + x) * 3, ((Math.round(eye.y) + y) * size + Math.round(eye.x) + x) * 3 + 3);
    }
    const image = tf.tensor3d(pixels, [size, size, 3]);
    const detection = {
      box: { x1: 20, y1: 20, x2: 80, y2: 80 },
      boxNormalized: { x1: 0.2, y1: 0.2, x2: 0.8, y2: 0.8 },
      score: 1,
      classId: 0,
      label: 'face',
      keypoints: [
        { x: eyes[0]!.x, y: eyes[0]!.y, name: 'right eye' },
        { x: eyes[1]!.x, y: eyes[1]!.y, name: 'left eye' },
        { x: 50 - 25 * Math.sin(angle), y: 50 + 25 * Math.cos(angle), name: 'mouth' },
      ],
    };
    const crop = faceCropOf(detection, 1, true);
    expect(crop.angle).toBeCloseTo(angle, 6);
    expect(crop.side).toBe(60);
    const frame = await openFrame(image);
    const out = cropFaces(frame, [crop], { width: 60, height: 60, normalization: 'none', dtype: 'float32' });
    frame.release();
    const values = out.dataSync();
    // eyes are 40 px apart in the source = 40 output px (side 60 → 60 px): at (10, 30) and (50, 30)
    for (const x of [10, 50]) expect(values[(30 * 60 + x) * 3]).toBeLessThan(60);
    expect(values[(10 * 60 + 30) * 3]).toBe(255);
    tf.dispose([image, out]);
    // landmarks that cannot be trusted leave the crop unturned: collapsed eyes, a mouth beside the eyes
    const [right, left, mouth] = detection.keypoints;
    expect(faceCropOf({ ...detection, keypoints: [right!, { ...right!, name: 'left eye' }, mouth!] }, 1, true).angle).toBe(0);
    expect(faceCropOf({ ...detection, keypoints: [right!, left!, { x: 90, y: eyes[1]!.y, name: 'mouth' }] }, 1, true).angle).toBe(0);
    expect(faceCropOf(detection, 1, false).angle).toBe(0);
  });
  it('crops of a real photo equal tf.image.transform (bilinear, constant 0) on the frame as a float tensor, read in place from pixels or a tensor', async () => {
    const photo = await decodeImageFile(facePhoto(1));
    const { width, height } = photo;
    // turned and unturned, one running off the top-left corner, one much smaller than the output
    const crops = [
      { cx: 0.3 * width, cy: 0.4 * height, side: 0.25 * height, angle: 0 },
      { cx: 0.6 * width, cy: 0.5 * height, side: 0.3 * height, angle: 0.35 },
      { cx: 30, cy: 20, side: 0.2 * height, angle: -0.6 },
      { cx: 0.5 * width, cy: 0.3 * height, side: 40, angle: 1.2 },
    ];
    const size = 96;
    const target = { width: size, height: size, normalization: 'none' as const, dtype: 'float32' as const };
    const reference = tf.tidy(() => {
      const batch = tf.tensor4d(Float32Array.from(photo.data), [1, height, width, 3]);
      return tf.concat(crops.map((c) => tf.image.transform(batch, tf.tensor2d([[...cropTransform(c, size), 0, 0]]), 'bilinear', 'constant', 0, [size, size])));
    });
    const expected = reference.dataSync();
    const asTensor = tf.tensor3d(Int32Array.from(photo.data), [height, width, 3], 'int32');
    for (const image of [photo, asTensor]) {
      const frame = await openFrame(image);
      const out = cropFaces(frame, crops, target);
      frame.release();
      expect(out.shape).toEqual([crops.length, size, size, 3]);
      const got = out.dataSync();
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      expect(worst).toBeLessThan(0.01);
      out.dispose();
    }
    tf.dispose([reference, asTensor]);
  });
});

describe('cosineSimilarity and FaceMatcher', () => {
  const ada = l2Normalize([1, 0.1, 0]);
  const grace = l2Normalize([0, 1, 0.1]);

  it('computes cosine similarity (scale-free; 0 for a zero vector) and rejects vectors of different lengths or with values that are not finite numbers', () => {
    expect(cosineSimilarity([1, 0], [2, 0])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 3])).toBeCloseTo(0, 12);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
    expect(codeOf(() => cosineSimilarity([1], [1, 2]))).toBe('INVALID_INPUT');
    // a NaN or a string among the values was a similarity of 0
    expect(() => cosineSimilarity([1, Number.NaN], [1, 2])).toThrow(/finite numbers; the vectors hold NaN and 2 at index 1/);
    expect(codeOf(() => cosineSimilarity(['1', 'x'] as unknown as number[], [1, 2]))).toBe('INVALID_INPUT');
    // finite vectors far from 1 in size: their squares overflowed (NaN) or vanished (0)
    expect(cosineSimilarity([1e200, 1e200], [1e200, 1e200])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1e-200, 0], [1e-200, 0])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1e300, -1e300], [-3, 3])).toBeCloseTo(-1, 12);
  });

  it('answers the best reference at or above the threshold, else unknown with the nearest named', () => {
    const matcher = new FaceMatcher([{ label: 'ada', embedding: ada }], { threshold: 0.6 });
    matcher.add('grace', grace);
    expect(matcher.size).toBe(2);
    expect(matcher.match(l2Normalize([0.9, 0.2, 0]))).toMatchObject({ label: 'ada', known: true });
    expect(matcher.match(l2Normalize([0.1, 1, 0]))).toMatchObject({ label: 'grace', known: true });
    const stranger = matcher.match(l2Normalize([0, 0, 1]));
    expect(stranger).toMatchObject({ label: 'unknown', known: false, nearest: 'grace' });
    expect(stranger.similarity).toBeLessThan(0.6);
    expect(new FaceMatcher().match(ada)).toMatchObject({ label: 'unknown', known: false });
    // scale-free as cosineSimilarity is: embeddings far outside float32's range match as they are
    for (const scale of [1e-50, 1e39, 1e300]) {
      const scaled = Array.from(ada, (v) => v * scale);
      expect(matcher.match(scaled), String(scale)).toMatchObject({ label: 'ada', known: true, similarity: cosineSimilarity(ada, scaled) });
    }
  });

  it('rejects bad references and thresholds with VisionError', () => {
    // a misspelt option ran with the default threshold
    expect(() => new FaceMatcher([], { treshold: 0.9 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: 'FaceMatcher options has unknown option(s) treshold; allowed: threshold' }));
    const matcher = new FaceMatcher([{ label: 'ada', embedding: ada }]);
    expect(codeOf(() => matcher.add('', grace))).toBe('INVALID_INPUT');
    expect(codeOf(() => matcher.add('x', [1, 2]))).toBe('INVALID_INPUT');
    expect(codeOf(() => matcher.add('x', [Number.NaN, 0, 0]))).toBe('INVALID_INPUT');
    // match() answers 'unknown' for no match: a reference of that name was read as a non-match
    expect(() => matcher.add('unknown', grace)).toThrow(/cannot be labelled 'unknown'/);
    // strings were converted to numbers (cosineSimilarity refuses them)
    expect(() => matcher.add('x', ['1', '0', '0'] as never)).toThrow(/reference 'x' holds values that are not numbers/);
    expect(codeOf(() => new FaceMatcher([], { threshold: 2 }))).toBe('INVALID_OPTION');
    // what plain JavaScript (or JSON read back) can hand in: a TypeError before, or a string kept as the threshold
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return isVisionError(e) ? `${e.code}: ${e.message}` : `not a VisionError: ${String(e)}`;
      }
      return 'no error';
    };
    expect(message(() => new FaceMatcher(null as never))).toMatch(/^INVALID_INPUT: references are null; they must be an iterable .*of \{ label, embedding \}/);
    expect(message(() => new FaceMatcher({ label: 'ada', embedding: ada } as never))).toMatch(/^INVALID_INPUT: references are an object; /);
    expect(message(() => new FaceMatcher([{ label: 'ada', embedding: ada }, null] as never))).toMatch(/^INVALID_INPUT: reference 1 is null; .*\{ label, embedding \}/);
    expect(message(() => new FaceMatcher([], null as never))).toMatch(/^INVALID_OPTION: options are null; /);
    expect(message(() => new FaceMatcher([], { threshold: '0.5' as never }))).toMatch(/^INVALID_OPTION: threshold is "0.5"; it must be a cosine similarity in \[-1, 1\]/);
    expect(message(() => cosineSimilarity(null as never, [1]))).toMatch(/^INVALID_INPUT: /);
    expect(new FaceMatcher(undefined, undefined).threshold).toBe(0.7);
  });

  it('rejects a face to match that is empty, of another length or not finite, and goes on matching', () => {
    const matcher = new FaceMatcher([{ label: 'ada', embedding: ada }]);
    for (const bad of [[], [1, 0], [Number.NaN, 0, 0], [0, Number.POSITIVE_INFINITY, 0]]) expect(codeOf(() => matcher.match(bad))).toBe('INVALID_INPUT');
    expect(() => matcher.match([Number.NaN, 0, 0])).toThrow(/the face to match has non-finite values/);
    expect(codeOf(() => new FaceMatcher().match([Number.NaN]))).toBe('INVALID_INPUT');
    expect(matcher.match(ada)).toMatchObject({ label: 'ada', known: true });
  });

  it('refuses bigint and all-zero embeddings as references and as faces to match', () => {
    const matcher = new FaceMatcher([{ label: 'ada', embedding: ada }], { threshold: 0 });
    // bigints were a TypeError; a zero vector matched anyone at threshold 0 (similarity 0)
    expect(() => matcher.add('b', new BigInt64Array([1n, 2n, 3n]) as never)).toThrow(/reference 'b' holds values that are not numbers \(bigints\)/);
    expect(codeOf(() => matcher.match(new BigUint64Array([1n, 0n, 0n]) as never))).toBe('INVALID_INPUT');
    expect(codeOf(() => new FaceMatcher([{ label: 'z', embedding: new BigInt64Array([1n]) as never }]))).toBe('INVALID_INPUT');
    expect(() => matcher.add('zero', [0, 0, 0])).toThrow(/reference 'zero' is all zeros/);
    expect(() => matcher.match(new Float32Array(3))).toThrow(/the face to match is all zeros/);
    expect(() => cosineSimilarity([1n, 2n] as never, [1, 2])).toThrow(/hold 1n and 1 at index 0/);
    expect(matcher.size).toBe(1);
  });

  it('remove() forgets a person; labels lists each person once', () => {
    const matcher = new FaceMatcher([{ label: 'ada', embedding: ada }, { label: 'grace', embedding: grace }, { label: 'ada', embedding: [0.9, 0.1, 0] }]);
    expect(matcher.labels).toEqual(['ada', 'grace']);
    expect(matcher.remove('ada')).toBe(2);
    expect(matcher.remove('nobody')).toBe(0);
    expect(matcher.labels).toEqual(['grace']);
    expect(matcher.size).toBe(1);
    expect(matcher.match(ada).nearest).toBe('grace');
    expect(codeOf(() => matcher.remove(3 as never))).toBe('INVALID_INPUT');
  });

  it('toJSON → JSON text → fromJSON gives the same threshold, references and answers; other or damaged data is MODEL_FORMAT', () => {
    const matcher = new FaceMatcher([{ label: 'ada', embedding: ada }, { label: 'grace', embedding: Float32Array.from(grace) }], { threshold: 0.55 });
    const text = JSON.stringify(matcher);
    const again = FaceMatcher.fromJSON(JSON.parse(text));
    expect(again.threshold).toBe(0.55);
    expect(again.labels).toEqual(['ada', 'grace']);
    for (const query of [ada, grace, [0.2, 0.7, 0.1], [-1, 0, 0]]) expect(again.match(query)).toEqual(matcher.match(query));
    expect(JSON.parse(JSON.stringify(again))).toEqual(JSON.parse(text));
    const saved = JSON.parse(text);
    for (const bad of [null, 'x', {}, { ...saved, format: 'face-api' }, { ...saved, version: 2 }, { ...saved, references: 'ada' }]) {
      expect(codeOf(() => FaceMatcher.fromJSON(bad as never)), JSON.stringify(bad)).toBe('MODEL_FORMAT');
    }
    expect(() => FaceMatcher.fromJSON({ ...saved, format: 'face-api' })).toThrow(/not a saved face matcher \(format "face-api", version 1, references an array\); expected what toJSON returns/);
    // damaged contents are MODEL_FORMAT too; a missing or null threshold (NaN through JSON) was replaced by the default without a word
    const { threshold: _, ...noThreshold } = saved;
    const damaged = [
      { ...saved, threshold: 3 },
      { ...saved, threshold: null },
      noThreshold,
      { ...saved, references: [{ label: 'ada', embedding: [Number.NaN, 0, 0] }] },
      { ...saved, references: [{ label: 'ada', embedding: [1, 0, 0] }, { label: 'grace', embedding: [1, 0] }] },
      { ...saved, references: [null] },
      { ...saved, references: [{ label: 'unknown', embedding: [1, 0, 0] }] },
    ];
    for (const bad of damaged) expect(codeOf(() => FaceMatcher.fromJSON(bad as never)), JSON.stringify(bad)).toBe('MODEL_FORMAT');
    expect(() => FaceMatcher.fromJSON(noThreshold as never)).toThrow("saved face matcher's threshold is undefined; it must be a cosine similarity in [-1, 1]");
    expect(() => FaceMatcher.fromJSON({ ...saved, references: [null] })).toThrow(/^saved face matcher: reference 0 is null; they must be an iterable/);
    // an object with a length is no embedding: { length: 1e8 } was scanned and copied (16 s, 2.4 GB) before it was refused
    const lengthBomb = { ...saved, references: [{ label: 'ada', embedding: { length: 1e8, 0: 1 } }] };
    expect(() => FaceMatcher.fromJSON(lengthBomb as never)).toThrow(/^saved face matcher: reference 'ada' is \{ 0: 1, length: 100000000 \}; an embedding is an array or typed array of numbers$/);
  });
});
