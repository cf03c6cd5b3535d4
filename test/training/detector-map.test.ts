import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type MapImage, type MapResult, meanAveragePrecision } from '../../src/eval/map';

interface MapCase { name: string; maxDetections?: number; images: MapImage[]; expected: MapResult }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/map/map.json', import.meta.url), 'utf8')) as { cases: MapCase[] };

describe('meanAveragePrecision (COCO bbox) against a numpy transcription of pycocotools COCOeval', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const got = meanAveragePrecision(c.images, { maxDetections: c.maxDetections });
    expect(got.map).toBeCloseTo(c.expected.map, 10);
    expect(got.map50).toBeCloseTo(c.expected.map50, 10);
    expect(got.map75).toBeCloseTo(c.expected.map75, 10);
    expect(got.recall50).toBeCloseTo(c.expected.recall50, 10);
    expect(got.perClass.map((p) => p.classId)).toEqual(c.expected.perClass.map((p) => p.classId));
    got.perClass.forEach((p, k) => {
      expect(p.ap).toBeCloseTo(c.expected.perClass[k].ap, 10);
      expect(p.ap50).toBeCloseTo(c.expected.perClass[k].ap50, 10);
    });
  });

  it('covers the adversarial cases with the values COCO gives', () => {
    const byName = new Map(fixture.cases.map((c) => [c.name, c.expected]));
    expect(byName.get('no ground truth')!.map).toBe(-1);
    expect(byName.get('no detections')!.map).toBe(0);
    expect(byName.get('perfect')!.map).toBeCloseTo(1, 12);
    expect(byName.get('duplicate detections')!.map50).toBeCloseTo(1, 12); // the best-scored duplicate matches first
  });

  it('rejects non-finite boxes and bad options', () => {
    const box = { x1: 0, y1: 0, x2: Number.NaN, y2: 1 };
    expect(() => meanAveragePrecision([{ groundTruth: [{ box, classId: 0 }], detections: [] }])).toThrow(/non-finite/);
    expect(() => meanAveragePrecision([], { maxDetections: 0 })).toThrow(/maxDetections/);
  });
});
