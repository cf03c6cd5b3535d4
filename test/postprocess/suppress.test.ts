// suppressCandidates is the one suppression step after every detector family's decoder. Each
// method must give exactly what the golden-tested function behind it gives (nms against
// torchvision/OpenCV, softNms against OpenCV, weightedNms against MediaPipe's calculator).
import { describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import { nms } from '../../src/postprocess/nms/nms';
import { softNms } from '../../src/postprocess/nms/soft-nms';
import { type KeypointedCandidates, suppressCandidates } from '../../src/postprocess/nms/suppress';
import { weightedNms } from '../../src/postprocess/nms/weighted-nms';

/** Clustered boxes (so that suppression has work to do) in 3 classes, from a fixed LCG. */
function candidates(n: number, seed: number): KeypointedCandidates {
  let state = seed;
  const rand = (): number => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const boxes = new Float32Array(n * 4);
  const keypoints = new Float32Array(n * 2 * 2);
  for (let i = 0; i < n; i++) {
    const cx = 40 + 60 * (i % 4) + 10 * rand();
    const cy = 50 + 10 * rand();
    const w = 30 + 20 * rand();
    boxes.set([cx - w / 2, cy - w / 2, cx + w / 2, cy + w / 2], i * 4);
    keypoints.set([cx, cy, cx + 1, cy - 1], i * 4);
  }
  const scores = Float32Array.from({ length: n }, () => rand());
  const classIds = Int32Array.from({ length: n }, (_, i) => i % 3);
  return { boxes, scores, classIds, keypoints, numKeypoints: 2 };
}

const rows = (a: Float32Array, indices: ArrayLike<number>, width: number): number[] => Array.from(indices).flatMap((i) => Array.from(a.subarray(i * width, (i + 1) * width)));

describe('suppressCandidates', () => {
  const c = candidates(40, 7);

  it('greedy: the indices, boxes and scores of nms (class-aware and agnostic)', () => {
    for (const agnostic of [false, true]) {
      const expected = nms(c.boxes, c.scores, { iouThreshold: 0.4, classIds: c.classIds, agnostic, maxDetections: 10 });
      const kept = suppressCandidates(c, { iouThreshold: 0.4, agnostic, maxDetections: 10 });
      expect(Array.from(kept.indices)).toEqual(Array.from(expected));
      expect(Array.from(kept.boxes)).toEqual(rows(c.boxes, expected, 4));
      expect(Array.from(kept.scores)).toEqual(Array.from(expected, (i) => c.scores[i]));
      expect(Array.from(kept.classIds)).toEqual(Array.from(expected, (i) => c.classIds[i]));
      expect(Array.from(kept.keypoints!)).toEqual(rows(c.keypoints!, expected, 4));
    }
    // class-aware keeps more than agnostic on these overlapping, mixed-class boxes
    expect(suppressCandidates(c, { iouThreshold: 0.4 }).indices.length).toBeGreaterThan(suppressCandidates(c, { iouThreshold: 0.4, agnostic: true }).indices.length);
  });

  it('weighted (agnostic): the blended boxes and keypoints of weightedNms', () => {
    const expected = weightedNms(c.boxes, c.scores, { iouThreshold: 0.3, maxDetections: 5, keypoints: c.keypoints, numKeypoints: 2 });
    const kept = suppressCandidates(c, { method: 'weighted', agnostic: true, iouThreshold: 0.3, maxDetections: 5 });
    expect(Array.from(kept.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(kept.boxes)).toEqual(Array.from(expected.boxes));
    expect(Array.from(kept.scores)).toEqual(Array.from(expected.scores));
    expect(Array.from(kept.keypoints!)).toEqual(Array.from(expected.keypoints));
  });

  it('weighted, without keypoints (a MediaPipe SSD head with numKeypoints 0 decodes an empty array): the boxes of weightedNms', () => {
    const bare = { ...c, keypoints: new Float32Array(0), numKeypoints: 0 };
    const expected = weightedNms(c.boxes, c.scores, { iouThreshold: 0.3, maxDetections: 5 });
    const kept = suppressCandidates(bare, { method: 'weighted', agnostic: true, iouThreshold: 0.3, maxDetections: 5 });
    expect(Array.from(kept.indices)).toEqual(Array.from(expected.indices));
    expect(Array.from(kept.boxes)).toEqual(Array.from(expected.boxes));
    expect(kept.keypoints).toBeUndefined();
  });

  it('soft, class by class: softNms of each class, merged best first', () => {
    const kept = suppressCandidates(c, { method: 'soft', sigma: 0.5 });
    const perClass = [0, 1, 2].flatMap((id) => {
      const members = Array.from(c.classIds.keys()).filter((i) => c.classIds[i] === id);
      const sub = Int32Array.from(members);
      const result = softNms(Float32Array.from(rows(c.boxes, sub, 4)), Float32Array.from(members, (i) => c.scores[i]), { method: 'gaussian', sigma: 0.5 });
      return Array.from(result.indices, (local, k) => ({ index: members[local], score: result.scores[k] }));
    });
    perClass.sort((a, b) => b.score - a.score);
    expect(Array.from(kept.indices)).toEqual(perClass.map((e) => e.index));
    expect(Array.from(kept.scores)).toEqual(perClass.map((e) => e.score));
    // decayed: some scores fell below the candidates' own
    expect(perClass.some((e) => e.score < c.scores[e.index])).toBe(true);
  });

  it("'none' keeps the first maxDetections as they are (NMS-free outputs)", () => {
    const kept = suppressCandidates(c, { method: 'none', maxDetections: 6 });
    expect(Array.from(kept.indices)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(kept.boxes)).toEqual(Array.from(c.boxes.subarray(0, 24)));
  });

  it('bad options are INVALID_OPTION naming what is allowed', () => {
    const bad = [{ method: 'fancy' as never }, { iouThreshold: 1.5 }, { maxDetections: -1 }];
    for (const options of bad) {
      expect(() => suppressCandidates(c, options)).toThrow(VisionError);
    }
    expect(() => suppressCandidates(c, { method: 'fancy' as never })).toThrow(/greedy, soft, weighted, none/);
  });
});
