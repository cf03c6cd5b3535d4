import { describe, expect, it } from 'vitest';
import { nms } from '../../src/postprocess/nms/nms';
import { weightedNms } from '../../src/postprocess/nms/weighted-nms';

describe('weightedNms (MediaPipe WEIGHTED non-max suppression)', () => {
  const boxes = [0, 0, 10, 10, 2, 0, 12, 10, 50, 50, 60, 60, 1, 1, 11, 11];
  const scores = [0.9, 0.6, 0.8, 0.3];

  it('blends each cluster by score, reports the top score, best cluster first', () => {
    const r = weightedNms(boxes, scores, { iouThreshold: 0.3 });
    expect(Array.from(r.indices)).toEqual([0, 2]);
    // cluster of box 0: boxes 0, 1, 3 with weights 0.9, 0.6, 0.3
    const t = 1.8;
    const expected = [(0 * 0.9 + 2 * 0.6 + 1 * 0.3) / t, (0 + 0 + 0.3) / t, (10 * 0.9 + 12 * 0.6 + 11 * 0.3) / t, (10 * 0.9 + 10 * 0.6 + 11 * 0.3) / t];
    expected.forEach((v, i) => expect(r.boxes[i]).toBeCloseTo(v, 5));
    expect(Array.from(r.boxes.subarray(4))).toEqual([50, 50, 60, 60]);
    expect(Array.from(r.scores)).toEqual([Math.fround(0.9), Math.fround(0.8)]);
    // the kept boxes are those of greedy NMS
    expect(Array.from(r.indices)).toEqual(Array.from(nms(boxes, scores, { iouThreshold: 0.3 })));
  });

  it('blends keypoints with the same weights', () => {
    const keypoints = [0, 0, 1, 1, 10, 10];
    const r = weightedNms(boxes.slice(0, 12), scores.slice(0, 3), { keypoints, numKeypoints: 1 });
    expect(r.keypoints[0]).toBeCloseTo((0 * 0.9 + 1 * 0.6) / 1.5, 5);
    expect(r.keypoints[1]).toBeCloseTo(0.6 / 1.5, 5);
    expect(Array.from(r.keypoints.subarray(2))).toEqual([10, 10]);
  });

  it('honours scoreThreshold, maxDetections and an IoU threshold of 1 (no blending)', () => {
    expect(weightedNms(boxes, scores, { scoreThreshold: 0.85 }).indices.length).toBe(1);
    expect(weightedNms(boxes, scores, { maxDetections: 1 }).indices.length).toBe(1);
    const none = weightedNms(boxes, scores, { iouThreshold: 1 });
    expect(Array.from(none.indices)).toEqual([0, 2, 1, 3]);
    expect(Array.from(none.boxes.subarray(0, 4))).toEqual([0, 0, 10, 10]);
  });

  it('rejects bad input and options', () => {
    expect(() => weightedNms([0, 0, 1], [1])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => weightedNms(boxes, [1])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => weightedNms(boxes, scores, { keypoints: [1, 2], numKeypoints: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => weightedNms(boxes, scores, { iouThreshold: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
