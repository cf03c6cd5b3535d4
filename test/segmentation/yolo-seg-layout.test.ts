/**
 * A square YOLO-seg output (N = 4 + C + 32 candidates, e.g. one class: [1, 37, 37]) read by
 * the card's `head.layout`, as detection reads it: channels-last rows were read as
 * channels-first columns (no instance found).
 */
import { describe, expect, it } from 'vitest';
import type { SegmentationModelSpec } from '../../src/models/segmentation-cards';
import { yoloSegDetections } from '../../src/pipelines/segmentation/instance-decoders';

const SIDE = 4 + 1 + 32;

/** Channels-last: row 0 is a candidate at (10, 12), 4×6 px, score 0.9; the others score 0. */
function squareOutput(): { dtype: 'float32'; dims: number[]; data: Float32Array } {
  const data = new Float32Array(SIDE * SIDE);
  data.set([10, 12, 4, 6, 0.9]);
  return { dtype: 'float32', dims: [1, SIDE, SIDE], data };
}

const context = (layout?: 'channels-first' | 'channels-last') => ({
  spec: { id: 'seg', labels: ['thing'], head: layout ? { layout } : undefined } as unknown as SegmentationModelSpec,
  transform: { sourceWidth: 64, sourceHeight: 64, inputWidth: 64, inputHeight: 64, scaleX: 1, scaleY: 1, padX: 0, padY: 0, cropX: 0, cropY: 0 },
  threshold: 0.5,
  iouThreshold: 0.5,
  maxDetections: 10,
  maskThreshold: 0.5,
  options: {},
});

describe('YOLO-seg on a square output', () => {
  it("head.layout 'channels-last' reads the rows as candidates; without it, the export's own layout (channels-first)", () => {
    const last = yoloSegDetections(squareOutput(), context('channels-last'));
    expect(Array.from(last.boxes)).toEqual([8, 9, 12, 15]);
    expect(last.scores[0]).toBeCloseTo(0.9, 6);
    expect(yoloSegDetections(squareOutput(), context()).scores).toHaveLength(0);
  });
});
