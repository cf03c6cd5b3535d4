import { describe, it, expect } from 'vitest';
import { nms, batchedNms } from '../../src/postprocess';
import { VisionError } from '../../src/core/errors';
import { errorCode, loadFixture, type NmsFixture } from './fixtures';

const fixture = loadFixture<NmsFixture>('nms.json');

// How the references relate to our semantics (see scripts/make_fixtures.py):
// - torchvision.ops.nms / batched_nms were run in float64 with float32-representable inputs;
//   our IoU uses the same expression in doubles, so indices must match exactly. torchvision's
//   CPU kernel sorts with stable=True, so equal scores are ordered by ascending index: the
//   tie cases are deterministic, not compared as sets. batched_nms was only run with N <= 1000
//   (its coordinate-offset path: one nms call, same ordering); above that torchvision takes a
//   per-class path whose final sort is not stable, so ties there would not be determined.
// - cv2.dnn.NMSBoxes: stable sort too, `score > score_threshold`, `IoU <= nms_threshold`
//   keeps, top_k is a pre-filter. It computes IoU as 1 - float(1 - iou) in float32; on the
//   random cases it agrees with torchvision (checked when generating, counted below).
//   It differs on empty boxes (two zero-area boxes count as identical), so that case is
//   compared with torchvision only and the cv2 answer is kept as a note.
describe('nms golden fixtures', () => {
  it('cv2 and torchvision agreed on every random case', () => {
    expect(fixture.cv2TorchvisionRandomDisagreements).toBe(0);
  });

  for (const c of fixture.cases) {
    it(`${c.source}: ${c.name}`, () => {
      const options = { ...c.options, classIds: c.classIds };
      const keep = nms(new Float32Array(c.boxes), new Float32Array(c.scores), options);
      expect(keep).toBeInstanceOf(Int32Array);
      expect(Array.from(keep)).toEqual(c.expected);
      // plain arrays give the same answer
      expect(Array.from(nms(c.boxes, c.scores, options))).toEqual(c.expected);
    });
  }

  it('zero-area boxes: we follow torchvision, not cv2', () => {
    const c = fixture.cases.find((k) => k.name.startsWith('zero-area'));
    expect(c?.note).toMatch(/cv2/);
    expect(Array.from(nms(c!.boxes, c!.scores, c!.options))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('maxDetections returns a prefix of the full result', () => {
    for (const c of fixture.cases.filter((k) => k.expected.length > 5)) {
      const options = { ...c.options, classIds: c.classIds, maxDetections: 5 };
      expect(Array.from(nms(c.boxes, c.scores, options))).toEqual(c.expected.slice(0, 5));
    }
    expect(Array.from(nms([0, 0, 1, 1], [1], { maxDetections: 0 }))).toEqual([]);
  });

  it('batchedNms equals nms with classIds; agnostic ignores them', () => {
    const c = fixture.cases.find((k) => k.source === 'torchvision.ops.batched_nms' && k.scores.length === 200)!;
    expect(Array.from(batchedNms(c.boxes, c.scores, c.classIds!, c.options))).toEqual(c.expected);
    const plain = fixture.cases.find((k) => k.source === 'torchvision.ops.nms' && k.name === c.name.replace('batched ', ''))!;
    const agnostic = nms(c.boxes, c.scores, { ...c.options, classIds: c.classIds, agnostic: true });
    expect(Array.from(agnostic)).toEqual(plain.expected);
  });
});

describe('nms behaviour', () => {
  const boxes = [0, 0, 10, 10, 1, 1, 11, 11, 50, 50, 60, 60];

  it('drops NaN scores and keeps the rest as if they were absent', () => {
    expect(Array.from(nms(boxes, [NaN, 0.8, 0.7]))).toEqual([1, 2]);
    expect(Array.from(nms(boxes, [0.9, NaN, NaN]))).toEqual([0]);
  });

  it('defaults: iouThreshold 0.5, no score filter', () => {
    expect(Array.from(nms(boxes, [0.9, 0.8, -3]))).toEqual([0, 2]);
  });

  it('different classes do not suppress each other', () => {
    expect(Array.from(nms(boxes, [0.7, 0.8, 0.9], { classIds: [0, 1, 1] }))).toEqual([2, 1, 0]);
    expect(Array.from(nms(boxes, [0.7, 0.8, 0.9], { classIds: [1, 1, 0] }))).toEqual([2, 1]);
  });

  it('does not modify its inputs', () => {
    const b = new Float32Array(boxes);
    const s = new Float32Array([0.1, 0.5, 0.3]);
    nms(b, s, { scoreThreshold: 0.2, topK: 1 });
    expect(Array.from(b)).toEqual(boxes);
    expect(Array.from(s)).toEqual(Array.from(new Float32Array([0.1, 0.5, 0.3])));
  });

  it('rejects mismatched lengths with INVALID_INPUT', () => {
    expect(errorCode(() => nms([0, 0, 1, 1, 2], [1]))).toBe('INVALID_INPUT');
    expect(errorCode(() => nms([0, 0, 1, 1], [1, 2]))).toBe('INVALID_INPUT');
    expect(errorCode(() => nms([0, 0, 1, 1], [1], { classIds: [0, 1] }))).toBe('INVALID_INPUT');
    expect(() => nms([0, 0, 1, 1], [1, 2])).toThrow(/4 \* scores.length/);
    // agnostic: classIds are not read, so their length does not matter
    expect(Array.from(nms([0, 0, 1, 1], [1], { classIds: [], agnostic: true }))).toEqual([0]);
  });

  it('rejects options out of range with INVALID_OPTION naming what is allowed', () => {
    for (const bad of [-0.1, 1.5, NaN]) {
      expect(errorCode(() => nms(boxes, [1, 1, 1], { iouThreshold: bad }))).toBe('INVALID_OPTION');
      expect(errorCode(() => nms(boxes, [1, 1, 1], { scoreThreshold: bad }))).toBe('INVALID_OPTION');
    }
    expect(errorCode(() => nms(boxes, [1, 1, 1], { maxDetections: -1 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => nms(boxes, [1, 1, 1], { topK: 2.5 }))).toBe('INVALID_OPTION');
    expect(() => nms(boxes, [1, 1, 1], { iouThreshold: 2 })).toThrow(VisionError);
    expect(() => nms(boxes, [1, 1, 1], { iouThreshold: 2 })).toThrow(/iouThreshold must be a number in \[0, 1\]/);
  });
});

describe('nms on Float32Array scores (key-sort fast path)', () => {
  it('orders exactly like the comparator path: ties, ±0, negatives, infinities', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20; trial++) {
      const n = 50 + trial * 40;
      const boxes = new Float32Array(n * 4);
      const scores = new Float32Array(n);
      const specials = [0, -0, -1.5, Infinity, -Infinity, 0.5, 0.5, 1e-30, -1e-30];
      for (let i = 0; i < n; i++) {
        const x = rand() * 200;
        const y = rand() * 200;
        boxes.set([x, y, x + 5 + rand() * 60, y + 5 + rand() * 60], i * 4);
        scores[i] = i % 7 === 0 ? specials[i % specials.length] : Math.round(rand() * 50) / 50;
      }
      const fast = nms(boxes, scores, { iouThreshold: 0.4 });
      const plain = nms(boxes, Array.from(scores), { iouThreshold: 0.4 });
      expect(Array.from(fast)).toEqual(Array.from(plain));
    }
  });

  it('keeps the indices of boxes past 2^21 (the key holds 21 bits of index): few candidates among many scores', () => {
    const n = 2 ** 21 + 10;
    const boxes = new Float32Array(n * 4);
    const scores = new Float32Array(n).fill(Number.NaN);
    boxes.set([0, 0, 10, 10], 3 * 4);
    boxes.set([50, 50, 60, 60], (n - 5) * 4);
    scores[3] = 0.5;
    scores[n - 5] = 0.9;
    expect(Array.from(nms(boxes, scores))).toEqual([n - 5, 3]);
    scores.fill(0.1);
    scores[n - 5] = 0.9;
    expect(Array.from(nms(boxes, scores, { scoreThreshold: 0.5 }))).toEqual([n - 5]);
  });
});
