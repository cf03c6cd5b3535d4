import { describe, it, expect } from 'vitest';
import { postprocessYolo, type YoloPostprocessOptions } from '../../src/postprocess/detection/yolo-postprocess';
import { decodeYoloV5 } from '../../src/postprocess/detection/yolo-v5';
import { decodeYoloV8 } from '../../src/postprocess/detection/yolo-v8';
import type { YoloCandidates } from '../../src/postprocess/detection/yolo-common';
import { type Case, fixture, tensorOf } from '../helpers/yolo-fixture';

// Golden fixtures from scripts/make_yolo_fixtures.py: transcriptions of Ultralytics'
// non_max_suppression (anchor-free and end-to-end branches) and YOLOv5's, run on torch with
// torchvision.ops.nms in float32 with the class offset trick, exactly as Ultralytics does;
// the script asserts the float64 run (= per-class NMS in doubles, what we compute) agrees.
// Candidate scores are distinct, so order and kept rows are fully determined.

function expectMatches(got: YoloCandidates, e: Case['expected']): void {
  expect(Array.from(got.rowIndices)).toEqual(e.rowIndices);
  expect(Array.from(got.classIds)).toEqual(e.classIds);
  expect(Array.from(got.scores)).toEqual(e.scores);
  expect(got.boxes.length).toBe(e.boxes.length);
  e.boxes.forEach((v, k) => expect(Math.abs(got.boxes[k] - v)).toBeLessThanOrEqual(1e-4));
  if (e.extras) {
    expect(got.extras?.length).toBe(e.extras.length);
    e.extras.forEach((v, k) => expect(Math.abs(got.extras![k] - v)).toBeLessThanOrEqual(1e-6));
  } else {
    expect(got.extras).toBeUndefined();
  }
}

describe('postprocessYolo vs Ultralytics / YOLOv5 non_max_suppression', () => {
  it('the fixture holds every kind of case', () => {
    const names = fixture.cases.map((c) => c.name).join('\n');
    for (const word of ['v8 ', 'v8-seg', 'v5 ', 'v5-seg', 'end2end', 'multiLabel', 'agnostic', 'classes', 'maxCandidates']) {
      expect(names).toContain(word);
    }
    expect(fixture.cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const t = fixture.tensors[c.tensor];
      const options: YoloPostprocessOptions = { ...c.options, format: c.format, numClasses: t.format === 'end2end' ? undefined : t.numClasses };
      const { exported, other } = tensorOf(c.tensor);
      const result = postprocessYolo(exported, options);
      expect(result.nmsFree).toBe(true);
      expect(result.numExtras).toBe(t.numExtras);
      expectMatches(result, c.expected);
      if (c.format === 'end2end') return;
      // the transposed export layout is found from numClasses and gives the same answer
      expectMatches(postprocessYolo(other, options), c.expected);
      // the decoder alone yields the candidates Ultralytics hands to NMS (after max_nms)
      const decode = c.format === 'v8' ? decodeYoloV8 : decodeYoloV5;
      const { format: _format, iouThreshold: _iou, agnostic: _agnostic, maxDetections: _max, ...decodeOptions } = options;
      const candidates = decode(exported, decodeOptions);
      expect(candidates.scores.length).toBe(c.expected.numCandidates);
      expect(candidates.nmsFree).toBe(false);
    });
  }

  it('plain arrays and Float64Array data give the same answer as Float32Array', () => {
    const c = fixture.cases.find((k) => k.name === 'v8-seg default')!;
    const { exported } = tensorOf(c.tensor);
    const options: YoloPostprocessOptions = { ...c.options, format: 'v8', numClasses: 80 };
    expectMatches(postprocessYolo({ dims: exported.dims, data: Array.from(exported.data) }, options), c.expected);
    expectMatches(postprocessYolo({ dims: exported.dims, data: Float64Array.from(exported.data) }, options), c.expected);
  });

  it('never touches the caller’s tensor', () => {
    const { exported } = tensorOf('v8det');
    const before = exported.data.slice();
    postprocessYolo(exported, { format: 'v8', numClasses: 80, multiLabel: true });
    expect(Buffer.from(exported.data.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });
});
