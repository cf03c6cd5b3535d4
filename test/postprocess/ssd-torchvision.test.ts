import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTorchvisionBoxes, postprocessTorchvisionSsd } from '../../src/postprocess/detection/torchvision-ssd';

interface Case {
  name: string;
  imageWidth: number;
  imageHeight: number;
  settings: { score_thresh: number; nms_thresh: number; detections_per_img: number; topk_candidates: number };
  anchors: number[][];
  bboxRegression: number[][];
  clsLogits: number[][];
  expected: { boxes: number[][]; scores: number[]; labels: number[] };
}

// Written by scripts/export_torchvision_ssd.py --fixtures: torchvision's SSD.postprocess_detections.
const fixture = JSON.parse(readFileSync(new URL('../fixtures/ssd/postprocess.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('postprocessTorchvisionSsd golden fixtures (torchvision SSD.postprocess_detections)', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: same labels and order, boxes within 1e-3, scores within 1e-5`, () => {
      const r = postprocessTorchvisionSsd({ bboxRegression: c.bboxRegression.flat(), clsLogits: c.clsLogits.flat() }, c.anchors.flat(), {
        imageWidth: c.imageWidth,
        imageHeight: c.imageHeight,
        scoreThresh: c.settings.score_thresh,
        nmsThresh: c.settings.nms_thresh,
        detectionsPerImg: c.settings.detections_per_img,
        topkCandidates: c.settings.topk_candidates,
      });
      expect(c.expected.labels.length).toBeGreaterThan(10);
      expect(Array.from(r.classIds)).toEqual(c.expected.labels);
      c.expected.scores.forEach((s, i) => expect(Math.abs(r.scores[i] - s)).toBeLessThan(1e-5));
      c.expected.boxes.forEach((b, i) => b.forEach((v, j) => expect(Math.abs(r.boxes[i * 4 + j] - v), `box ${i}`).toBeLessThan(1e-3)));
    });
  }
});

describe('decodeTorchvisionBoxes (BoxCoder.decode_single)', () => {
  it('decodes by hand: weights (10, 10, 5, 5)', () => {
    // anchor [0, 0, 10, 20]: w 10, h 20, centre (5, 10)
    const b = decodeTorchvisionBoxes([10, -10, 5 * Math.log(2), 0, 0, 0, 0, 0], [0, 0, 10, 20, 4, 4, 8, 6]);
    const expected = [5, -20, 25, 0, 4, 4, 8, 6]; // cx 15, cy -10, w 20, h 20; zero codes give the anchor back
    expected.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 4));
  });

  it('clamps dw, dh at bboxXformClip = log(1000/16) and honours custom weights', () => {
    const big = decodeTorchvisionBoxes([0, 0, 1000, 1000], [0, 0, 2, 2]);
    expect(big[2] - big[0]).toBeCloseTo(2 * (1000 / 16), 3);
    const unit = decodeTorchvisionBoxes([1, 0, 0, Math.log(3)], [0, 0, 2, 2], { weights: [1, 1, 1, 1], bboxXformClip: 10 });
    [2, -2, 4, 4].forEach((v, i) => expect(unit[i]).toBeCloseTo(v, 4));
  });

  it('rejects mismatched arrays', () => {
    expect(() => decodeTorchvisionBoxes([0, 0, 0, 0], [0, 0, 1, 1, 0, 0, 1, 1])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => decodeTorchvisionBoxes([0, 0, 0], [0, 0, 1])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('postprocessTorchvisionSsd', () => {
  // two identical anchors and one apart; 3 classes (0 = background)
  const anchors = [10, 10, 30, 30, 10, 10, 30, 30, 60, 60, 100, 100];
  const bboxRegression = new Array(12).fill(0);
  const clsLogits = [0, 3, 0, /**/ 0, 2, 2.5, /**/ 5, 0, 0];
  const base = { imageWidth: 80, imageHeight: 80, scoreThresh: 0.3 };

  it('softmax, per-class threshold, class-aware NMS, clipping to the image, labels 1..C-1', () => {
    const r = postprocessTorchvisionSsd({ bboxRegression, clsLogits }, anchors, base);
    // anchor 0 class 1 (0.91) and anchor 1 class 2 (0.56) survive (different classes); anchor 1
    // class 1 (0.37) is suppressed by anchor 0; anchor 2 is background.
    expect(Array.from(r.classIds)).toEqual([1, 2]);
    const e = (l: number[]) => Math.exp(l[1]) / l.reduce((s, v) => s + Math.exp(v), 0);
    expect(r.scores[0]).toBeCloseTo(e([0, 3, 0]), 6);
    expect(r.scores[1]).toBeCloseTo(Math.exp(2.5) / (1 + Math.exp(2) + Math.exp(2.5)), 6);
    expect(Array.from(r.boxes.subarray(0, 4))).toEqual([10, 10, 30, 30]);
    // without the background rule the far anchor appears, clipped to the 80×80 image
    const all = postprocessTorchvisionSsd({ bboxRegression, clsLogits }, anchors, { ...base, background: false });
    expect(Array.from(all.classIds)).toEqual([0, 1, 2]);
    expect(Array.from(all.boxes.subarray(0, 4))).toEqual([60, 60, 80, 80]);
  });

  it('sigmoid activation scores classes independently', () => {
    const r = postprocessTorchvisionSsd({ bboxRegression, clsLogits }, anchors, { ...base, activation: 'sigmoid', scoreThresh: 0.85, nmsThresh: 1 });
    // sigmoid(3) = 0.95, sigmoid(2.5) = 0.92 and sigmoid(2) = 0.88 pass 0.85; class 0 is skipped as background
    expect(Array.from(r.classIds)).toEqual([1, 2, 1]);
    expect(r.scores[0]).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
  });

  it('topkCandidates and detectionsPerImg cap the result', () => {
    const opts = { ...base, scoreThresh: 0, nmsThresh: 1 };
    expect(postprocessTorchvisionSsd({ bboxRegression, clsLogits }, anchors, opts).scores.length).toBe(6);
    expect(postprocessTorchvisionSsd({ bboxRegression, clsLogits }, anchors, { ...opts, topkCandidates: 1 }).scores.length).toBe(2);
    expect(postprocessTorchvisionSsd({ bboxRegression, clsLogits }, anchors, { ...opts, detectionsPerImg: 3 }).scores.length).toBe(3);
  });

  it('rejects mismatched heads and bad options', () => {
    expect(() => postprocessTorchvisionSsd({ bboxRegression, clsLogits: [1, 2] }, anchors, base)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    for (const bad of [{ nmsThresh: 2 }, { detectionsPerImg: -1 }, { topkCandidates: 0.5 }, { imageWidth: 0 }, { scoreThresh: NaN }, { activation: 'relu' as 'sigmoid' }]) {
      expect(() => postprocessTorchvisionSsd({ bboxRegression, clsLogits }, anchors, { ...base, ...bad }), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
  });
});
