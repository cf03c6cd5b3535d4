/**
 * `gpuCandidates` off WebGPU (Node, wasm): the option is accepted and falls back to the full
 * readback with the same detections; the filter rule of each YOLO family's layout, found as the
 * CPU decoder finds it. The GPU path itself runs in test/gpu/gpu-candidates.browser.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type RawImage, loadModel, pipeline, yoloModel } from '../../src/node/index';
import { YOLOV5S_COCO } from '../../src/models/zoo-cards';
import { yoloRowRule } from '../../src/pipelines/detection/gpu-candidates';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';
import { fixture, tensorOf } from '../helpers/yolo-fixture';

const LABELS = Array.from({ length: 80 }, (_, i) => `c${i}`);

describe('gpuCandidates', () => {
  it('falls back to the full readback off WebGPU: same detections, no gpuCandidates field', async () => {
    const c = fixture.cases.find((k) => k.name === 'v8 default conf 0.25 iou 0.7')!;
    const { exported } = tensorOf(c.tensor);
    const runner = await loadModel(
      buildTfjsGraphModel({
        input: { name: 'images', shape: [1, 320, 320, 3] },
        output: { name: 'Identity', shape: exported.dims },
        consts: [
          { name: 'raw', shape: exported.dims, dtype: 'float32', values: exported.data },
          { name: 'zero', shape: [], dtype: 'float32', values: [0] },
        ],
        nodes: [{ name: 'Identity', op: 'AddV2', input: ['raw', 'zero'], attr: { T: { type: 'DT_FLOAT' } } }],
      }),
    );
    const spec = yoloModel({ url: 'model.json', version: 'v8', inputSize: 320, format: 'tfjs', labels: LABELS });
    const detector = await pipeline('object-detection', { model: runner, spec, gpuCandidates: true });
    const frame: RawImage = { data: new Uint8Array(320 * 320 * 3).fill(90), width: 320, height: 320, channels: 3 };
    const onGpu = await detector.run(frame);
    const off = await detector.run(frame, { gpuCandidates: false });
    expect(onGpu.gpuCandidates).toBeUndefined();
    expect(onGpu.detections.length).toBe(c.expected.classIds.length);
    expect(onGpu.detections).toEqual(off.detections);
    await expect(detector.run(frame, { gpuCandidates: 'yes' as unknown as boolean })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    detector.dispose();
    runner.dispose();
  });

  it('filters on the class-score columns of each family, in the layout the CPU decoder reads', () => {
    const v8 = yoloModel({ url: 'm.onnx', version: 'v8', labels: LABELS });
    expect(yoloRowRule([1, 84, 8400], v8, 0.25)).toEqual({ layout: 'channels-first', firstScore: 4, numScores: 80, gate: undefined, threshold: Math.fround(0.25) });
    expect(yoloRowRule([1, 8400, 116], v8, 0.1)).toMatchObject({ layout: 'channels-last', firstScore: 4, numScores: 80 }); // -seg, transposed
    const v5 = yoloModel({ url: 'm.onnx', version: 'v5', labels: LABELS });
    expect(yoloRowRule([1, 25200, 85], v5, 0.25)).toMatchObject({ layout: 'channels-last', firstScore: 5, numScores: 80, gate: 4 });
    expect(yoloRowRule([1, 25200, 85], YOLOV5S_COCO, 0.25)).toMatchObject({ layout: 'channels-last', firstScore: 5, gate: 4 });
    expect(() => yoloRowRule([1, 90, 8400], v8, 0.25)).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT' }));
    expect(() => yoloRowRule([1, 100, 6], { ...v8, family: 'centernet' }, 0.25)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
