import { describe, expect, it } from 'vitest';
import { type FusionConfidence, VisionError, mergePredictions, nms, softNms, suppressCandidates, weightedBoxesFusion, weightedNms } from '../../src/index';
import { loadFixture } from './fixtures';

// Reference: scripts/make_wbf_fixtures.py, a numpy transcription of weighted boxes fusion as
// Solovyev et al. publish it (and as their reference implementation defines the options), on
// seeded random cases: 1–5 models, up to 11 objects found 0–2 times per model, 1–3 labels,
// wrong labels, false positives crossing the border, all four confidence types.
// Compared in order (fused scores never tie in these draws): boxes to 1e-5, scores to 1e-6.
interface WbfFixture {
  cases: {
    models: { boxes: number[]; scores: number[]; labels: number[] }[];
    options: { weights: number[]; iouThreshold: number; skipBoxThreshold: number; confType: FusionConfidence; allowsOverflow: boolean };
    expected: { boxes: number[]; scores: number[]; labels: number[]; counts: number[] };
  }[];
}
const fixture = loadFixture<WbfFixture>('wbf.json');

describe('weightedBoxesFusion vs the numpy transcription of Solovyev et al.', () => {
  it.each(fixture.cases.map((c, i) => [i, c.options.confType, c.models.length, c] as const))('case %i (%s, %i models)', (_, __, ___, c) => {
    const r = weightedBoxesFusion(c.models, c.options);
    expect(Array.from(r.labels)).toEqual(c.expected.labels);
    expect(Array.from(r.counts)).toEqual(c.expected.counts);
    c.expected.scores.forEach((s, k) => expect(Math.abs(r.scores[k] - s)).toBeLessThan(1e-6));
    c.expected.boxes.forEach((v, k) => expect(Math.abs(r.boxes[k] - v)).toBeLessThan(1e-5));
  });

  it('the fixture exercises merging across models and every confidence type', () => {
    const merged = fixture.cases.flatMap((c) => c.expected.counts).filter((n) => n >= 2).length;
    expect(merged).toBeGreaterThan(50);
    expect(new Set(fixture.cases.map((c) => c.options.confType)).size).toBe(4);
  });
});

describe('weightedBoxesFusion behaviour', () => {
  const a = { boxes: [0.1, 0.1, 0.5, 0.5], scores: [0.9], labels: [0] };
  const b = { boxes: [0.12, 0.1, 0.52, 0.5], scores: [0.7], labels: [0] };

  it('averages overlapping boxes by score; avg confidence counts the models that agree', () => {
    const r = weightedBoxesFusion([a, b]);
    expect(r.scores[0]).toBeCloseTo(0.8, 12);
    expect(r.boxes[0]).toBeCloseTo((0.1 * 0.9 + 0.12 * 0.7) / 1.6, 12);
    const alone = weightedBoxesFusion([a, { boxes: [], scores: [], labels: [] }]);
    expect(alone.scores[0]).toBeCloseTo(0.45, 12); // found by one model of two
    expect(weightedBoxesFusion([a, b], { confType: 'max' }).scores[0]).toBeCloseTo(0.9, 12);
    expect(weightedBoxesFusion([a, { ...b, labels: [1] }]).scores.length).toBe(2); // labels never mix
  });

  it('rejects bad input and options with VisionError naming what is allowed', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(VisionError);
        return (e as VisionError).code;
      }
      return 'no error';
    };
    expect(code(() => weightedBoxesFusion([{ ...a, scores: [0.1, 0.2] }]))).toBe('INVALID_INPUT');
    expect(code(() => weightedBoxesFusion([a, b], { weights: [1] }))).toBe('INVALID_OPTION');
    expect(code(() => weightedBoxesFusion([a], { weights: [-1] }))).toBe('INVALID_OPTION');
    expect(code(() => weightedBoxesFusion([a], { iouThreshold: 2 }))).toBe('INVALID_OPTION');
    expect(code(() => weightedBoxesFusion([a], { confType: 'median' as FusionConfidence }))).toBe('INVALID_OPTION');
    expect(code(() => mergePredictions([], 0, 10))).toBe('INVALID_INPUT');
    expect(code(() => mergePredictions([], 10, 10, { method: 'mean' as 'wbf' }))).toBe('INVALID_OPTION');
  });
});

describe('WBF as a suppression method and as the merge of predictions', () => {
  const candidates = {
    boxes: new Float32Array([10, 10, 50, 50, 12, 10, 52, 50, 100, 100, 140, 140, 11, 11, 51, 51]),
    scores: new Float32Array([0.9, 0.7, 0.6, 0.3]),
    classIds: new Int32Array([0, 0, 0, 1]),
  };

  it("suppressCandidates({ method: 'wbf' }) fuses one model's clusters, per class unless agnostic", () => {
    const r = suppressCandidates(candidates, { method: 'wbf', iouThreshold: 0.55 });
    expect(Array.from(r.indices)).toEqual([0, 2, 3]);
    expect(r.scores[0]).toBeCloseTo(0.8, 6);
    expect(r.boxes[0]).toBeCloseTo((10 * 0.9 + 12 * 0.7) / 1.6, 4);
    const agnostic = suppressCandidates(candidates, { method: 'wbf', iouThreshold: 0.55, agnostic: true });
    expect(Array.from(agnostic.classIds)).toEqual([0, 0]);
  });

  it('fuseScoreThreshold: weaker candidates take no part in the fusion (a fused score is the cluster mean); they stay where nothing of their class covers them', () => {
    const c = {
      // A strong, B weak on A, C weak elsewhere, D weak on A but another class, E weak on C (weaker)
      boxes: new Float32Array([10, 10, 50, 50, 11, 10, 51, 50, 100, 100, 140, 140, 10, 10, 50, 50, 101, 100, 141, 140]),
      scores: new Float32Array([0.9, 0.2, 0.3, 0.25, 0.15]),
      classIds: new Int32Array([0, 0, 0, 1, 0]),
    };
    // all fused: A and B average to 0.55, under a 0.5 … 0.9 reporting threshold's confident object
    const all = suppressCandidates(c, { method: 'wbf', iouThreshold: 0.55 });
    expect(all.scores[0]).toBeCloseTo(0.55, 6);
    const split = suppressCandidates(c, { method: 'wbf', iouThreshold: 0.55, fuseScoreThreshold: 0.5 });
    expect(Array.from(split.indices)).toEqual([0, 2, 3]);
    expect(Array.from(split.scores)).toEqual([Math.fround(0.9), Math.fround(0.3), Math.fround(0.25)]);
    expect(Array.from(split.boxes.subarray(0, 4))).toEqual([10, 10, 50, 50]);
    expect(Array.from(split.classIds)).toEqual([0, 0, 1]);
    // agnostic: D is covered by A too
    expect(Array.from(suppressCandidates(c, { method: 'wbf', iouThreshold: 0.55, fuseScoreThreshold: 0.5, agnostic: true }).indices)).toEqual([0, 2]);
    expect(suppressCandidates(c, { method: 'wbf', fuseScoreThreshold: 0.5, maxDetections: 2 }).indices).toHaveLength(2);
    // 0 (the default) fuses everything, as before
    expect(Array.from(suppressCandidates(c, { method: 'wbf', iouThreshold: 0.55, fuseScoreThreshold: 0 }).scores)).toEqual(Array.from(all.scores));
  });

  it('non-finite boxes and labels are left out of WBF, mergePredictions and weighted NMS (a NaN box came out, a NaN label was class 0)', () => {
    const boxes = [Number.NaN, 10, 50, 50, 100, 100, 140, 140, 10, 10, Number.POSITIVE_INFINITY, 50, 200, 200, 240, 240];
    const fused = weightedBoxesFusion([{ boxes, scores: [0.9, 0.8, 0.7, 0.6], labels: [0, 0, 0, Number.NaN] }], { normalized: false });
    expect(Array.from(fused.boxes)).toEqual([100, 100, 140, 140]);
    expect(Array.from(fused.labels)).toEqual([0]);
    const inUnits = weightedBoxesFusion([{ boxes: boxes.map((v) => v / 1000), scores: [0.9, 0.8, 0.7, 0.6], labels: [0, 0, 0, 0] }]);
    expect(inUnits.scores).toHaveLength(3); // normalised boxes are clipped to [0, 1] first, as ensemble_boxes does: ∞ becomes 1
    expect(Array.from(inUnits.boxes).every(Number.isFinite)).toBe(true);
    const merged = mergePredictions([{ boxes: new Float32Array(boxes), scores: new Float32Array([0.9, 0.8, 0.7, 0.6]), classIds: new Int32Array(4) }], 640, 480);
    expect(Array.from(merged.boxes).every(Number.isFinite)).toBe(true);
    expect(merged.scores).toHaveLength(3); // fused in units of the image: the ∞ corner is clipped to its edge
    const weighted = weightedNms(boxes, [0.9, 0.8, 0.7, 0.6]);
    expect(Array.from(weighted.indices)).toEqual([1, 3]);
    expect(Array.from(weighted.boxes).every(Number.isFinite)).toBe(true);
  });

  it('suppressCandidates, nms and WBF check their on/off options, sigma and the score thresholds whatever the method (agnostic: 1 ran class-aware, sigma -1 passed)', () => {
    const box = { boxes: new Float32Array([0, 0, 10, 10]), scores: new Float32Array([1]), classIds: new Int32Array([0]) };
    const refused = (options: object, message: RegExp): void => {
      expect(() => suppressCandidates(box, options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(message) }));
    };
    refused({ agnostic: 1 }, /agnostic is 1; it must be true or false/);
    // nms took any truthy value as agnostic; WBF read normalized: 'no' as true and ignored allowsOverflow: 'yes'
    expect(() => nms([0, 0, 10, 10], [1], { agnostic: 'yes' as never })).toThrow(/nms: agnostic is "yes"; it must be true or false/);
    expect(() => weightedBoxesFusion([{ boxes: [0, 0, 10, 10], scores: [1], labels: [0] }], { normalized: 'no' as never })).toThrow(/weightedBoxesFusion: normalized is "no"; it must be true or false/);
    expect(() => weightedBoxesFusion([{ boxes: [0, 0, 1, 1], scores: [1], labels: [0] }], { allowsOverflow: 'yes' as never })).toThrow(/allowsOverflow is "yes"/);
    refused({ method: 'greedy', sigma: -1 }, /sigma is -1; it must be a finite number > 0/);
    refused({ method: 'greedy', scoreThreshold: 5 }, /scoreThreshold must be a number in \[0, 1\]; got 5/);
    refused({ method: 'wbf', fuseScoreThreshold: Number.NaN }, /fuseScoreThreshold must be a number in \[0, 1\]; got NaN/);
  });

  it('the suppression and fusion functions refuse option names they do not take (Ultralytics\' iou, ensemble-boxes\' iou_thr were ignored)', () => {
    const box = [0, 0, 10, 10];
    const candidates = { boxes: new Float32Array(box), scores: new Float32Array([1]), classIds: new Int32Array([0]) };
    const cases: [() => unknown, string][] = [
      [() => nms(box, [1], { iou: 0.5 } as never), 'nms options has unknown option(s) iou; allowed: iouThreshold, scoreThreshold'],
      [() => softNms(box, [1], { threshold: 0.5 } as never), 'softNms options has unknown option(s) threshold; allowed: method, sigma'],
      [() => weightedBoxesFusion([{ boxes: [0, 0, 1, 1], scores: [1], labels: [0] }], { iou_thr: 0.5 } as never), 'weightedBoxesFusion options has unknown option(s) iou_thr'],
      [() => mergePredictions([candidates], 10, 10, { merge: 'nms' } as never), 'mergePredictions options has unknown option(s) merge; allowed: method'],
      [() => suppressCandidates(candidates, { nms: 'soft' } as never), 'suppressCandidates options has unknown option(s) nms; allowed: method'],
      [() => softNms(box, [1], null as never), 'softNms: options must be an object'],
      [() => mergePredictions([candidates], 10, 10, [] as never), 'mergePredictions: options must be an object'],
    ];
    for (const [call, message] of cases) expect(call, message).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(message) }));
    expect(Array.from(nms(box, [1], { iouThreshold: 0.5, topK: undefined }))).toEqual([0]); // names left undefined pass
  });

  it('mergePredictions: wbf fuses across predictions in pixels, nms and soft-nms keep one of each cluster', () => {
    const one = { boxes: candidates.boxes.slice(0, 4), scores: candidates.scores.slice(0, 1), classIds: candidates.classIds.slice(0, 1) };
    const two = { boxes: candidates.boxes.slice(4, 12), scores: candidates.scores.slice(1, 3), classIds: candidates.classIds.slice(1, 3) };
    const wbf = mergePredictions([one, two], 200, 160);
    expect(Array.from(wbf.counts)).toEqual([2, 1]);
    expect(wbf.boxes[0]).toBeCloseTo((10 * 0.9 + 12 * 0.7) / 1.6, 4);
    expect(wbf.scores[1]).toBeCloseTo(0.3, 6); // one prediction of two found it
    const nms = mergePredictions([one, two], 200, 160, { method: 'nms', weights: [1, 2] });
    expect(Array.from(nms.scores)).toEqual([Math.fround(0.7), Math.fround(0.6)]); // 0.9 × 1/2 loses to 0.7 × 2/2
    // where each merged box came from (to carry keypoints): WBF's cluster top, NMS's kept box
    expect([Array.from(wbf.sourcePrediction), Array.from(wbf.sourceIndex)]).toEqual([[0, 1], [0, 1]]);
    expect([Array.from(nms.sourcePrediction), Array.from(nms.sourceIndex)]).toEqual([[1, 1], [0, 1]]);
    const empty = { boxes: new Float32Array(0), scores: new Float32Array(0), classIds: new Int32Array(0) };
    const skipped = mergePredictions([empty, two, empty, one], 200, 160, { method: 'nms' });
    expect([Array.from(skipped.sourcePrediction), Array.from(skipped.sourceIndex)]).toEqual([[3, 1], [0, 1]]);
    expect(mergePredictions([one, two], 200, 160, { method: 'soft-nms' }).scores.length).toBe(3);
  });

  it('mergePredictions leaves out boxes without area, whatever the method (a TTA view\'s find in its padding, clipped to the edge, came out as a line)', () => {
    const view = { boxes: new Float32Array([10, 10, 50, 50, 60, 160, 90, 160, 200, 20, 200, 40]), scores: new Float32Array([0.5, 0.9, 0.8]), classIds: new Int32Array(3) };
    const other = { boxes: new Float32Array([120, 120, 150, 150]), scores: new Float32Array([0.7]), classIds: new Int32Array(1) };
    for (const method of ['nms', 'soft-nms', 'wbf'] as const) {
      const merged = mergePredictions([view, other], 200, 160, { method });
      expect(merged.scores.length, method).toBe(2);
      for (let k = 0; k < merged.scores.length; k++) expect(merged.boxes[k * 4 + 2] > merged.boxes[k * 4] && merged.boxes[k * 4 + 3] > merged.boxes[k * 4 + 1], method).toBe(true);
      // where each came from still points at the right box (the zero-area ones are skipped, not renumbered)
      expect([Array.from(merged.sourcePrediction), Array.from(merged.sourceIndex)], method).toEqual([[1, 0], [0, 0]]);
    }
  });

  it('weights count only relative to each other: huge or tiny ones give what [1, 1] / [2, 1] give', () => {
    const one = { boxes: candidates.boxes.slice(0, 4), scores: candidates.scores.slice(0, 1), classIds: candidates.classIds.slice(0, 1) };
    const two = { boxes: candidates.boxes.slice(4, 12), scores: candidates.scores.slice(1, 3), classIds: candidates.classIds.slice(1, 3) };
    for (const method of ['wbf', 'nms'] as const) {
      for (const [weights, same] of [[[1e308, 1e308], [1, 1]], [[1e-320, 1e-320], [1, 1]], [[2e307, 1e307], [2, 1]]]) {
        const expected = Array.from(mergePredictions([one, two], 200, 160, { method, weights: same }).scores);
        const got = Array.from(mergePredictions([one, two], 200, 160, { method, weights }).scores);
        got.forEach((score, k) => expect(score, `${method} ${weights}`).toBeCloseTo(expected[k], 6));
        expect(got.length).toBe(expected.length);
      }
    }
    const a = { boxes: [0.1, 0.1, 0.5, 0.5], scores: [0.9], labels: [0] };
    const b = { boxes: [0.12, 0.1, 0.52, 0.5], scores: [0.7], labels: [0] };
    expect(weightedBoxesFusion([a, b], { weights: [1e308, 1e308] }).scores[0]).toBeCloseTo(weightedBoxesFusion([a, b]).scores[0], 6);
  });
});
