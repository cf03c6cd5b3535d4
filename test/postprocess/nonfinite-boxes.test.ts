// A NaN or infinite box value on a confident candidate (a model fed absurd input, a broken export)
// must not become a detection: every decoder drops that row and keeps the others, and
// suppressCandidates, the step after every decoder, leaves such candidates out whatever the method.
import { describe, expect, it } from 'vitest';
import { decodeTorchvisionSsd } from '../../src/postprocess/detection/torchvision-ssd';
import { decodeGfl } from '../../src/postprocess/detection/nanodet';
import { decodeMediapipeSsd } from '../../src/postprocess/detection/mediapipe-ssd';
import { decodeTfObjectDetection } from '../../src/postprocess/detection/tf-object-detection';
import { type SuppressionMethod, suppressCandidates } from '../../src/postprocess/nms/suppress';

const allFinite = (a: ArrayLike<number>): boolean => Array.from(a).every(Number.isFinite);

describe('decoders drop candidates whose box is not finite', () => {
  it('decodeTorchvisionSsd: NaN and Infinity regressions drop their anchor (the clip kept NaN, made Infinity an edge)', () => {
    // 4 anchors of 10×10, 3 classes (0 = background); every anchor confident in class 1 or 2
    const anchors = [0, 0, 10, 10, 20, 20, 30, 30, 40, 40, 50, 50, 60, 60, 70, 70];
    const regression = [NaN, 0, 0, 0, /* */ 0, Infinity, 0, 0, /* */ 0, 0, 0, 0, /* */ -Infinity, 0, 0, 0];
    const logits = [0, 10, 0, /* */ 0, 0, 10, /* */ 0, 10, 0, /* */ 0, 0, 10];
    const c = decodeTorchvisionSsd({ bboxRegression: regression, clsLogits: logits }, anchors, { imageWidth: 100, imageHeight: 100, scoreThresh: 0.5 });
    expect(Array.from(c.classIds)).toEqual([1]);
    expect(Array.from(c.boxes)).toEqual([40, 40, 50, 50]);
  });

  it('decodeGfl: a cell with NaN or all-Infinity bins is dropped, the other kept', () => {
    const gridWidth = 4;
    const gridHeight = 3;
    const cells = gridWidth * gridHeight;
    const scores = new Float32Array(cells * 2);
    const regression = new Float32Array(cells * 4 * 4);
    for (const cell of [1, 5, 9]) scores[cell * 2 + 1] = 0.9;
    regression[(1 * 4 + 2) * 4] = NaN; // cell 1: one bin of its right side
    regression.fill(Infinity, 5 * 16, 5 * 16 + 4); // cell 5: every bin of its left side
    const out = decodeGfl([{ scores, regression, stride: 8, gridWidth, gridHeight }], { numClasses: 2, regMax: 3, threshold: 0.5 });
    expect(out.scores).toHaveLength(1);
    // cell 9 = column 1, row 2 → centre (12, 20); uniform bins: expectation 1.5 × 8 = 12 each side
    expect(Array.from(out.boxes)).toEqual([0, 8, 24, 32]);
  });

  it('decodeMediapipeSsd: NaN or infinite offsets drop their anchor (with its keypoints)', () => {
    const base = { inputWidth: 128, inputHeight: 128, xScale: 128, yScale: 128, wScale: 128, hScale: 128, numKeypoints: 1 };
    const anchors = [0.5, 0.5, 1, 1, 0.5, 0.5, 1, 1, 0.5, 0.5, 1, 1];
    const raw = [NaN, 0, 64, 64, 0, 0, /* */ 0, 0, Infinity, 64, 0, 0, /* */ 0, 0, 64, 64, 1, 2];
    const c = decodeMediapipeSsd(raw, [0.9, 0.9, 0.9], anchors, base);
    expect(Array.from(c.anchorIndices)).toEqual([2]);
    expect(Array.from(c.boxes)).toEqual([32, 32, 96, 96]);
    expect(Array.from(c.keypoints)).toEqual([66, 65]);
  });

  it('decodeTfObjectDetection: a row with a NaN box is dropped', () => {
    const boxes = new Float32Array([NaN, 0, 0.5, 0.5, 0, 0, 0.5, Infinity, 0, 0, 0.5, 0.5]);
    const c = decodeTfObjectDetection(new Float32Array([0.9, 0.9, 0.9]), 1, boxes, { threshold: 0.5, inputWidth: 100, inputHeight: 100 });
    expect(Array.from(c.boxes)).toEqual([0, 0, 50, 50]);
  });
});

describe('suppressCandidates leaves out non-finite boxes and NaN scores', () => {
  const candidates = {
    boxes: new Float32Array([NaN, 0, 10, 10, 0, 0, 10, 10, 0, 0, Infinity, 10, 50, 50, 60, 60, 0, 0, 10, -Infinity, 80, 80, 90, 90]),
    scores: new Float32Array([0.99, 0.9, 0.98, 0.8, 0.97, NaN]),
    classIds: new Int32Array([0, 0, 0, 1, 1, 1]),
    keypoints: new Float32Array([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
    numKeypoints: 1,
  };

  it.each(['greedy', 'soft', 'weighted', 'wbf', 'none'] as SuppressionMethod[])('%s: only the finite candidates, indices into the ones given', (method) => {
    const kept = suppressCandidates(candidates, { method, iouThreshold: 0.5 });
    expect(Array.from(kept.indices).sort()).toEqual([1, 3]);
    expect(allFinite(kept.boxes)).toBe(true);
    expect(allFinite(kept.scores)).toBe(true);
    if (method !== 'wbf') expect(Array.from(kept.keypoints!)).toEqual(Array.from(kept.indices).flatMap((i) => [i, i]));
  });

  it('still refuses boxes and scores that disagree in length', () => {
    expect(() => suppressCandidates({ boxes: new Float32Array(4), scores: new Float32Array(2), classIds: new Int32Array(2) })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
