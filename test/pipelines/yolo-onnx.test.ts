import { describe, expect, it } from 'vitest';
import { COCO_LABELS, type RawImage, pipeline, yoloModel, yoloSegModel } from '../../src/node/index';
import { float32ToHalfBits, halfBitsToFloat32 } from '../../src/core/float16';
import { buildOnnxModel } from '../helpers/onnx-builder';
import { onnxProbe, twoToneFrame } from '../helpers/input-probe';
import { fixture, tensorOf } from '../helpers/yolo-fixture';

/**
 * End-to-end YOLO format test: real ONNX models built here whose output has exactly the
 * shape of an Ultralytics/YOLOv5 export ([1,84,N], [1,N,85], [1,116,N] -seg, [1,300,6]
 * end-to-end) and whose values are the golden fixtures' raw tensors; they carry Ultralytics'
 * `names` metadata. The whole pipeline (letterbox 114, NCHW, onnxruntime, decode, NMS,
 * mapping back to the frame, labels from metadata) must give the reference detections of
 * scripts/make_yolo_fixtures.py mapped to the original image.
 *
 * The models also check their input: the frame has two colour halves, and the model adds a
 * large shift to its output unless probed input values are the pad grey 114 in both bars and
 * each half's colour in the picture, scaled to 0–1, channels first in RGB order
 * (test/helpers/input-probe.ts). A wrong pad value, normalisation or layout moves every box.
 */
const SIZE = 320;
const { frame: FRAME, probes: PROBES } = twoToneFrame('landscape', SIZE) satisfies { frame: RawImage };

function exportLike(tensor: string, size: number): Uint8Array {
  const { exported } = tensorOf(tensor);
  const names = `{${COCO_LABELS.map((l, i) => `${i}: '${l}'`).join(', ')}}`;
  const probe = onnxProbe('images', 'raw', 'output0', size, PROBES);
  return buildOnnxModel({
    inputs: [{ name: 'images', dims: [1, 3, size, size] }],
    outputs: [{ name: 'output0', dims: exported.dims }],
    initializers: [{ name: 'raw', dims: exported.dims, values: exported.data }, ...probe.initializers],
    nodes: probe.nodes,
    metadata: { names, stride: '32', task: 'detect' },
  });
}

/**
 * A half-precision export (Ultralytics `half=True`): float16 input, float16 output. Inside, it
 * casts to float32 for the probe (whose tolerance is widened by float16's rounding of the
 * input: ≤ 1/4096 a value) and casts its output back to float16.
 */
function halfExportLike(tensor: string, size: number): Uint8Array {
  const { exported } = tensorOf(tensor);
  const names = `{${COCO_LABELS.map((l, i) => `${i}: '${l}'`).join(', ')}}`;
  const probe = onnxProbe('images_f32', 'raw', 'output_f32', size, PROBES);
  const initializers = probe.initializers.map((i) => (i.name === 'probe_tolerance' ? { ...i, values: [1 / 255] } : i));
  return buildOnnxModel({
    inputs: [{ name: 'images', dims: [1, 3, size, size], type: 10 }],
    outputs: [{ name: 'output0', dims: exported.dims, type: 10 }],
    initializers: [{ name: 'raw', dims: exported.dims, values: exported.data }, ...initializers],
    nodes: [
      { op: 'Cast', inputs: ['images'], outputs: ['images_f32'], attributes: { to: 1 } },
      ...probe.nodes,
      { op: 'Cast', inputs: ['output_f32'], outputs: ['output0'], attributes: { to: 10 } },
    ],
    metadata: { names, stride: '32', task: 'detect' },
  });
}

const CASES = [
  { name: 'v8 default conf 0.25 iou 0.7', version: 'v8', options: {} },
  { name: 'v8 multiLabel', version: 'v8', options: { multiLabel: true } },
  { name: 'v8 agnostic iou 0.45', version: 'v8', options: { agnostic: true, iouThreshold: 0.45 } },
  { name: 'v8 classes [0, 2, 15]', version: 'v8', options: { classes: [0, 2, 15], iouThreshold: 0.45 } },
  { name: 'v8-seg default', version: 'v8', options: {} },
  { name: 'v5 default conf 0.25 iou 0.45', version: 'v5', options: {} },
  { name: 'end2end conf 0.25', version: 'end2end', options: {} },
] as const;

describe('object-detection with YOLO-shaped ONNX exports, end to end', () => {
  it.each(CASES)('$name', async ({ name, version, options }) => {
    const c = fixture.cases.find((k) => k.name === name)!;
    const size = SIZE;
    const detector = await pipeline('object-detection', {
      model: yoloModel({ url: `${c.tensor}.onnx`, version, inputSize: size }),
      modelSource: exportLike(c.tensor, size),
    });
    expect(detector.spec.labels).toEqual(COCO_LABELS); // from the ONNX metadata
    const { detections } = await detector.run(FRAME, options);
    // letterbox 640×480 → 320×320: gain 0.5, 40 px bars top and bottom
    const e = c.expected;
    expect(detections.map((d) => d.classId)).toEqual(e.classIds);
    expect(detections.map((d) => d.label)).toEqual(e.classIds.map((k) => COCO_LABELS[k]));
    detections.forEach((d, k) => {
      expect(d.score).toBeCloseTo(e.scores[k], 6);
      const [x1, y1, x2, y2] = e.boxes.slice(k * 4, k * 4 + 4);
      const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
      expect(d.box.x1).toBeCloseTo(clip(x1 / 0.5, 640), 3);
      expect(d.box.y1).toBeCloseTo(clip((y1 - 40) / 0.5, 480), 3);
      expect(d.box.x2).toBeCloseTo(clip(x2 / 0.5, 640), 3);
      expect(d.box.y2).toBeCloseTo(clip((y2 - 40) / 0.5, 480), 3);
    });
    detector.dispose();
  });

  it("yoloModel and yoloSegModel refuse option names and versions they do not have (inputsize made a 640 card whose size error named no option; 'v12' became v8)", async () => {
    const refused = (make: () => unknown, message: RegExp): void => {
      expect(make).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(message) }));
    };
    refused(() => yoloModel({ url: 'x.onnx', version: 'v11', inputsize: 64 } as never), /yoloModel options has unknown option\(s\) inputsize|unknown option.*inputsize/);
    refused(() => yoloModel({ url: 'x.onnx', version: 'v12' } as never), /^yoloModel: version is "v12"; allowed: 'v5', 'v8', 'v11', 'end2end'$/);
    refused(() => yoloModel({ url: 'x.onnx', verison: 'v8' } as never), /unknown option.*verison/);
    refused(() => yoloSegModel({ url: 'x.onnx', version: 'v5' } as never), /^yoloSegModel: version is "v5"; allowed: 'v8', 'v11'$/);
    refused(() => yoloSegModel({ url: 'x.onnx', maskTreshold: 0.5 } as never), /unknown option.*maskTreshold/);
    expect(yoloSegModel({ url: 'x.onnx', protoLayout: 'nhwc', outputs: { detections: 'a', protos: 'b' } }).segmentation).toEqual({ yoloOutputs: { detections: 'a', protos: 'b' }, protoLayout: 'nhwc' });
    // a card of the wrong size names the option that sets it
    const created = pipeline('object-detection', { model: yoloModel({ url: 'x.onnx', version: 'v8' }), modelSource: exportLike('v8det', 320) });
    await expect(created).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('takes 320×320 images but its spec says 640×640; give yoloModel inputSize: 320') });
  });

  it('rejects an export whose output matches no YOLO layout for its classes, at creation', async () => {
    const created = pipeline('object-detection', {
      model: yoloModel({ url: 'x.onnx', version: 'v8', inputSize: 320, labels: ['a', 'b', 'c'] }),
      modelSource: exportLike('v8det', 320),
    });
    await expect(created).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringContaining("does not fit the card's 3 labels") });
  });

  it('refuses an end-to-end export giving a class past its card\'s labels (it came out as "class 5")', async () => {
    const c = fixture.cases.find((k) => k.name === 'end2end conf 0.25')!;
    const beyond = Math.max(...c.expected.classIds);
    expect(beyond).toBeGreaterThanOrEqual(3);
    const detector = await pipeline('object-detection', {
      model: yoloModel({ url: 'x.onnx', version: 'end2end', inputSize: 320, labels: ['a', 'b', 'c'] }),
      modelSource: exportLike(c.tensor, 320),
    });
    await expect(detector.run(FRAME)).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(/gave class \d+ \(score 0\.\d{3}\) but its card has 3 labels/) });
    // the classes it knows still run
    const { detections } = await detector.run(FRAME, { classes: [0, 1, 2] });
    expect(detections.map((d) => d.classId)).toEqual(c.expected.classIds.filter((k) => k <= 2));
    detector.dispose();
  });

  it('runs a half-precision export (float16 input and output) as its float32 twin holding the same float16-rounded values', async () => {
    const c = fixture.cases.find((k) => k.name === 'v8 default conf 0.25 iou 0.7')!;
    const half = await pipeline('object-detection', { model: yoloModel({ url: 'half.onnx', version: 'v8', inputSize: SIZE }), modelSource: halfExportLike(c.tensor, SIZE) });
    const { detections } = await half.run(FRAME);
    // the twin: float32 in and out, its raw output rounded to float16 as the half export's is
    const { exported } = tensorOf(c.tensor);
    const rounded = halfBitsToFloat32(float32ToHalfBits(exported.data));
    const twinModel = buildOnnxModel({
      inputs: [{ name: 'images', dims: [1, 3, SIZE, SIZE] }],
      outputs: [{ name: 'output0', dims: exported.dims }],
      initializers: [{ name: 'raw', dims: exported.dims, values: rounded }, ...onnxProbe('images', 'raw', 'output0', SIZE, PROBES).initializers],
      nodes: onnxProbe('images', 'raw', 'output0', SIZE, PROBES).nodes,
      metadata: { names: `{${COCO_LABELS.map((l, i) => `${i}: '${l}'`).join(', ')}}` },
    });
    const twin = await pipeline('object-detection', { model: yoloModel({ url: 'twin.onnx', version: 'v8', inputSize: SIZE }), modelSource: twinModel });
    const expected = (await twin.run(FRAME)).detections;
    // float16 rounding moves a score or box a little: the twin keeps about the float32 reference's detections
    expect(Math.abs(expected.length - c.expected.classIds.length)).toBeLessThanOrEqual(2);
    expect(detections).toEqual(expected);
    half.dispose();
    twin.dispose();
  });

  it('asks for labels when neither the card nor the file has them', async () => {
    const bare = buildOnnxModel({
      inputs: [{ name: 'images', dims: [1, 3, 320, 320] }],
      outputs: [{ name: 'images', dims: [1, 3, 320, 320] }],
      nodes: [],
    });
    await expect(pipeline('object-detection', { model: yoloModel({ url: 'x.onnx', version: 'v8', inputSize: 320 }), modelSource: bare })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('labels'),
    });
  });
});
