/**
 * A square YOLO output through pipeline('object-detection'): a YOLOv8 COCO export at imgsz=64
 * gives [1, 84, 84] (84 anchors, 4 + 80 values), which fits both layouts. Every run failed with
 * MODEL_FORMAT ("fits both layouts for 80 classes; pass layout") and a card could not say the
 * layout. Now the export's own layout is the default and the card's `head.layout` (or
 * `yoloModel({ layout })`) picks the other; a bad layout fails at creation.
 */
import { describe, expect, it } from 'vitest';
import { refusal } from '../helpers/refusal';
import '../../src/node/index';
import { COCO_LABELS, type ModelRunner, pipeline, yoloModel } from '../../src/node/index';
import { yoloRowRule } from '../../src/pipelines/detection/gpu-candidates';

const SIZE = 64;
const image = { data: new Uint8Array(SIZE * SIZE * 3), width: SIZE, height: SIZE, channels: 3 as const };

/** 84 anchors of 84 values (cx, cy, w, h, 80 class scores): anchor 10 is a person, 40 a dog. */
function anchors(): number[][] {
  return Array.from({ length: 84 }, (_, i) => {
    const row = new Array(84).fill(0);
    row.splice(0, 4, 8 + (i % 8) * 6, 32, 10, 12);
    if (i === 10) row[4] = 0.9;
    if (i === 40) row[4 + 16] = 0.7;
    return row;
  });
}

/** A fake tfjs YOLO runner answering the anchors as [1, 84, 84], channels-first or transposed. */
function squareRunner(layout: 'channels-first' | 'channels-last'): ModelRunner {
  const rows = anchors();
  const data = new Float32Array(84 * 84);
  rows.forEach((r, i) => r.forEach((v, j) => (data[layout === 'channels-first' ? j * 84 + i : i * 84 + j] = v)));
  return {
    runtime: 'tfjs',
    backend: 'cpu',
    metadata: {},
    inputs: [{ name: 'x', shape: [1, SIZE, SIZE, 3], dtype: 'float32' }],
    outputs: [{ name: 'y', shape: [1, 84, 84], dtype: 'float32' }],
    run: async () => ({ y: { dtype: 'float32', dims: [1, 84, 84], data } }),
    dispose: () => undefined,
  };
}

const card = (options: { layout?: 'channels-first' | 'channels-last' } = {}) => ({
  ...yoloModel({ url: 'x.json', version: 'v8', inputSize: SIZE, labels: COCO_LABELS, format: 'tfjs', ...options }),
  outputs: undefined,
});

const EXPECTED = [
  { label: 'person', box: { x1: 15, y1: 26, x2: 25, y2: 38 } }, // anchor 10: cx 8 + 2·6
  { label: 'dog', box: { x1: 3, y1: 26, x2: 13, y2: 38 } }, // anchor 40: cx 8 + 0·6
];

describe('object-detection with a square YOLO output [1, 84, 84]', () => {
  it('runs a v8 export at imgsz 64 (channels-first, as Ultralytics writes it) with no layout on the card', async () => {
    const detector = await pipeline('object-detection', { model: squareRunner('channels-first'), spec: card() });
    const { detections } = await detector.run(image);
    expect(detections.map((d) => ({ label: d.label, box: d.box }))).toEqual(EXPECTED);
    detector.dispose();
  });

  it("reads a transposed export with yoloModel({ layout: 'channels-last' }) (the card's head.layout)", async () => {
    const spec = card({ layout: 'channels-last' });
    expect(spec.head).toEqual({ layout: 'channels-last' });
    const detector = await pipeline('object-detection', { model: squareRunner('channels-last'), spec });
    expect((await detector.run(image)).detections.map((d) => ({ label: d.label, box: d.box }))).toEqual(EXPECTED);
    detector.dispose();
  });

  it('an unknown head.layout is INVALID_OPTION at creation, naming the layouts allowed', async () => {
    const error = await refusal(() => pipeline('object-detection', { model: squareRunner('channels-first'), spec: { ...card(), head: { layout: 'nchw' as never } } }));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain("head.layout must be 'channels-first' or 'channels-last'");
  });

  it('yoloModel refuses an unknown layout, and a layout for end-to-end exports', () => {
    expect(() => yoloModel({ url: 'x.onnx', version: 'v8', layout: 'rows' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining("'channels-first' or 'channels-last'") }));
    expect(() => yoloModel({ url: 'x.onnx', version: 'end2end', layout: 'channels-last' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('the GPU row filter reads the square output as the CPU decoder does', () => {
    expect(yoloRowRule([1, 84, 84], card(), 0.25).layout).toBe('channels-first');
    expect(yoloRowRule([1, 84, 84], card({ layout: 'channels-last' }), 0.25).layout).toBe('channels-last');
  });
});
