import { describe, expect, it } from 'vitest';
import { type RawImage, loadModel, pipeline, yoloModel } from '../../src/node/index';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';
import { tfjsProbe, twoToneFrame } from '../helpers/input-probe';
import { fixture, tensorOf } from '../helpers/yolo-fixture';

/**
 * YOLO as a tfjs graph model (Ultralytics' TF.js export: NHWC input, output [1, 84, N]): a
 * real graph model built here whose output is the golden fixture's raw tensor. The pipeline
 * must reproduce the reference detections (scripts/make_yolo_fixtures.py) mapped back through
 * the letterbox, exactly as for the ONNX export.
 *
 * The model also checks its input: the portrait frame has left and right colour halves, and
 * the model adds a large shift to its output unless probed input values are the pad grey 114
 * in both side bars and each half's colour in the picture, scaled to 0–1, channels last in RGB
 * order (test/helpers/input-probe.ts). A wrong pad value, normalisation or layout moves every box.
 */
const { frame: FRAME, probes: PROBES } = twoToneFrame('portrait', 320) satisfies { frame: RawImage };

function tfjsExportLike(tensor: string, size: number) {
  const { exported } = tensorOf(tensor);
  const probe = tfjsProbe('images', 'raw', 'Identity', size, PROBES);
  return buildTfjsGraphModel({
    input: { name: 'images', shape: [1, size, size, 3] },
    output: { name: 'Identity', shape: exported.dims },
    consts: [{ name: 'raw', shape: exported.dims, dtype: 'float32', values: exported.data }, ...probe.consts],
    nodes: probe.nodes,
  });
}

describe('object-detection with a YOLOv8-shaped tfjs graph export, end to end', () => {
  it('reproduces the reference detections (letterbox, NHWC, decode, NMS, mapping back)', async () => {
    const c = fixture.cases.find((k) => k.name === 'v8 default conf 0.25 iou 0.7')!;
    const runner = await loadModel(tfjsExportLike(c.tensor, 320));
    expect(runner.runtime).toBe('tfjs');
    expect(runner.outputs[0].shape).toEqual([1, 84, 2100]);
    const spec = yoloModel({ url: 'model.json', version: 'v8', inputSize: 320, format: 'tfjs', labels: Array.from({ length: 80 }, (_, i) => `c${i}`) });
    const detector = await pipeline('object-detection', { model: runner, spec });
    const { detections } = await detector.run(FRAME); // portrait: bars left/right
    expect(detections.map((d) => d.classId)).toEqual(c.expected.classIds);
    detections.forEach((d, k) => {
      const [x1, y1, x2, y2] = c.expected.boxes.slice(k * 4, k * 4 + 4);
      const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
      // 480×640 → 320×320: gain 0.5, 40 px bars left and right
      expect(d.box.x1).toBeCloseTo(clip((x1 - 40) / 0.5, 480), 3);
      expect(d.box.y1).toBeCloseTo(clip(y1 / 0.5, 640), 3);
      expect(d.box.x2).toBeCloseTo(clip((x2 - 40) / 0.5, 480), 3);
      expect(d.box.y2).toBeCloseTo(clip(y2 / 0.5, 640), 3);
      expect(d.score).toBeCloseTo(c.expected.scores[k], 6);
    });
    detector.dispose();
    runner.dispose();
  });
});
