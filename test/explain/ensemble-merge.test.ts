/**
 * How an ensemble merges its members' detections (members with scripted results: this checks the
 * merging's control flow; test/explain/ensemble-photos.test.ts runs real detectors).
 */
import { describe, expect, it } from 'vitest';
import { type EnsembleMember, ensemble } from '../../src/explain/ensemble';
import type { Detection } from '../../src/core/types';
import type { DetectionResult } from '../../src/pipelines/detection/detection-types';

const image = { data: new Uint8Array(200 * 100 * 3), width: 200, height: 100, channels: 3 as const };

function member(id: string, detections: Detection[]): EnsembleMember {
  return {
    spec: { id, labels: ['person', 'dog'] },
    run: async (): Promise<DetectionResult> => ({ detections, imageSize: { width: 200, height: 100 }, timing: { preprocess: 0, inference: 0, postprocess: 0, total: 0 } }),
    dispose: () => undefined,
  };
}

const detection = (x: number, score: number, classId: number, keypoints?: Detection['keypoints']): Detection => ({
  box: { x1: x, y1: 10, x2: x + 40, y2: 60 }, boxNormalized: { x1: x / 200, y1: 0.1, x2: (x + 40) / 200, y2: 0.6 }, score, classId, label: ['person', 'dog'][classId], ...(keypoints ? { keypoints } : {}),
});

describe('ensemble merging', () => {
  it('soft-NMS with unequal weights keeps a lower-weight member\'s box that overlaps nothing (it was dropped)', async () => {
    const a = member('a', [detection(10, 0.3, 0)]);
    const b = member('b', [detection(140, 0.5, 1)]);
    for (const weights of [[1, 1], [2, 1]]) {
      const { detections } = await ensemble([a, b], { merge: 'soft-nms', weights }).run(image);
      expect(detections.map((d) => d.label).sort(), String(weights)).toEqual(['dog', 'person']);
    }
  });

  it("carries each merged box's keypoints from the member detection that leads it, copies its weights, and refuses null run options", async () => {
    const eyes = [{ x: 20, y: 20, score: 0.9, name: 'rightEye' }, { x: 30, y: 20, score: 0.9, name: 'leftEye' }];
    const a = member('a', [detection(10, 0.9, 0, eyes)]);
    const b = member('b', [detection(11, 0.6, 0, eyes.map((k) => ({ ...k, x: k.x + 1 })))]);
    const weights = [1, 1];
    const combined = ensemble([a, b], { merge: 'nms', weights });
    weights[0] = -5; // the caller's array, changed after: the ensemble keeps its own
    const { detections } = await combined.run(image);
    expect(detections).toHaveLength(1);
    expect(detections[0].keypoints).toEqual(eyes);
    const fused = await ensemble([a, b]).run(image);
    expect(fused.detections[0].keypoints).toEqual(eyes);
    await expect(combined.run(image, null as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'run options are null; they must be an object (or left out)' });
  });
});
