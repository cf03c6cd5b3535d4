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

  it('refuses inverted boxes (a COCO [x, y, w, h] given as corners scored 0 unseen) and scores that are not numbers; zero-area boxes count', () => {
    const xywh = { x1: 100, y1: 100, x2: 50, y2: 40 };
    const image = { groundTruth: [{ box: xywh, classId: 0 }], detections: [{ box: xywh, classId: 0, score: 0.9 }] };
    expect(() => meanAveragePrecision([image])).toThrow(expect.objectContaining({
      code: 'INVALID_INPUT',
      message: 'image 0 ground truth has the box { x1: 100, y1: 100, x2: 50, y2: 40 }, whose x2 or y2 is smaller than its x1 or y1; boxes are corners x1, y1, x2, y2 (convert COCO\'s [x, y, width, height] first)',
    }));
    const good = { x1: 0, y1: 0, x2: 10, y2: 10 };
    const flat = { x1: 0, y1: 5, x2: 10, y2: 4 };
    expect(() => meanAveragePrecision([{ groundTruth: [{ box: good, classId: 0 }], detections: [{ box: flat, classId: 0, score: 0.9 }] }])).toThrow(/^image 0 detection has the box .*y2: 4 }, whose x2 or y2 is smaller/);
    expect(() => meanAveragePrecision([{ groundTruth: [{ box: good, classId: 0 }], detections: [{ box: good, classId: 0, score: '0.9' as never }] }])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: 'image 0 has a detection with score "0.9"; scores must be finite numbers' }));
    // a zero-area detection is a false positive, as in pycocotools (area 0 is inside the range `all`): precision 1/2 at full recall
    const line = { x1: 3, y1: 3, x2: 3, y2: 9 };
    expect(meanAveragePrecision([{ groundTruth: [{ box: good, classId: 0 }], detections: [{ box: line, classId: 0, score: 0.5 }, { box: good, classId: 0, score: 0.4 }] }]).map50).toBeCloseTo(0.5, 12);
  });

  it('refuses class ids that are no finite number (NaN matched nothing, "1" never met 1: both scored 0 unseen) and images of the wrong shape', () => {
    const box = { x1: 0, y1: 0, x2: 10, y2: 10 };
    const refused = (code: string, fragment: string, f: () => unknown): void => {
      expect(f).toThrow(expect.objectContaining({ name: 'VisionError', code, message: expect.stringContaining(fragment) }));
    };
    refused('INVALID_INPUT', 'image 0 ground truth has classId NaN', () => meanAveragePrecision([{ groundTruth: [{ box, classId: Number.NaN }], detections: [{ box, classId: Number.NaN, score: 1 }] }]));
    refused('INVALID_INPUT', 'image 0 ground truth has classId "1"', () => meanAveragePrecision([{ groundTruth: [{ box, classId: '1' as never }], detections: [{ box, classId: 1, score: 1 }] }]));
    refused('INVALID_INPUT', 'image 0 detection has classId "1"', () => meanAveragePrecision([{ groundTruth: [{ box, classId: 1 }], detections: [{ box, classId: '1' as never, score: 1 }] }]));
    refused('INVALID_INPUT', 'takes an array of images', () => meanAveragePrecision({} as never));
    refused('INVALID_INPUT', 'image 0 is null', () => meanAveragePrecision([null as never]));
    refused('INVALID_INPUT', 'image 0 is an object; each image is { groundTruth', () => meanAveragePrecision([{ groundTruth: [] } as never]));
    refused('INVALID_INPUT', 'image 0 has a detection that is null', () => meanAveragePrecision([{ groundTruth: [], detections: [null as never] }]));
    refused('INVALID_OPTION', 'options must be an object', () => meanAveragePrecision([], null as never));
    expect(meanAveragePrecision([{ groundTruth: [{ box, classId: 1 }], detections: [{ box, classId: 1, score: 1 }] }]).map).toBeCloseTo(1, 12);
  });
});
