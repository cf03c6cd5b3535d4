import { describe, it, expect } from 'vitest';
import { softNms } from '../../src/postprocess';
import { errorCode, loadFixture, type SoftNmsFixture } from './fixtures';

// Reference: the vectorised numpy implementation of Bodla et al. 2017 in
// scripts/make_fixtures.py (itself cross-checked there against cv2.dnn.softNMSBoxes on
// integer boxes). Indices must match exactly; decayed scores to 1e-6 (Math.exp and
// numpy's exp may differ in the last bit).
const fixture = loadFixture<SoftNmsFixture>('soft-nms.json');

describe('softNms vs numpy reference', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const r = softNms(c.boxes, c.scores, c.options);
      expect(Array.from(r.indices)).toEqual(c.expected.indices);
      expect(r.scores.length).toBe(c.expected.scores.length);
      c.expected.scores.forEach((s, k) => expect(Math.abs(r.scores[k] - s)).toBeLessThan(1e-6));
    });
  }
});

describe('softNms behaviour', () => {
  const boxes = [0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 5, 50, 50, 60, 60];

  it('linear: identical boxes decay to 0, others by 1 - IoU above the threshold', () => {
    const r = softNms(boxes, [0.9, 0.8, 0.7, 0.6], { method: 'linear', iouThreshold: 0.3 });
    expect(Array.from(r.indices)).toEqual([0, 3, 2]);
    expect(r.scores[2]).toBeCloseTo(0.35, 6); // 0.7 * (1 - 0.5)
  });

  it('gaussian decays every overlap; ties go to the lower index', () => {
    const r = softNms(boxes, [0.5, 0.5, 0.5, 0.5], { method: 'gaussian', sigma: 0.5 });
    expect(Array.from(r.indices)).toEqual([0, 3, 2, 1]);
    expect(r.scores[1]).toBe(0.5);
    expect(r.scores[3]).toBeCloseTo(0.5 * Math.exp(-2) * Math.exp(-0.5), 6);
  });

  it('maxDetections, NaN scores and the score threshold', () => {
    expect(Array.from(softNms(boxes, [0.9, 0.8, 0.7, 0.6], { maxDetections: 2 }).indices)).toEqual([0, 3]);
    expect(Array.from(softNms(boxes, [NaN, 0.8, 0.7, 0.0005]).indices)).toEqual([1, 2]);
    expect(softNms([], []).indices.length).toBe(0);
  });

  it('validates', () => {
    expect(errorCode(() => softNms([0, 0, 1, 1], [1, 1]))).toBe('INVALID_INPUT');
    expect(errorCode(() => softNms([0, 0, 1, 1], [1], { sigma: 0 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => softNms([0, 0, 1, 1], [1], { iouThreshold: 1.1 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => softNms([0, 0, 1, 1], [1], { scoreThreshold: -1 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => softNms([0, 0, 1, 1], [1], { maxDetections: 0.5 }))).toBe('INVALID_OPTION');
    // @ts-expect-error: an unknown method is rejected at run time too
    expect(errorCode(() => softNms([0, 0, 1, 1], [1], { method: 'hard' }))).toBe('INVALID_OPTION');
  });
});
