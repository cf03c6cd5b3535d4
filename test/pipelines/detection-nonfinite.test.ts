/**
 * NaN and infinite box values in raw detector outputs, through pipeline('object-detection') with
 * fake runners: no detection with a non-finite box comes out of any family, and the others stay.
 * The whole-model torchvision decoder is also checked on its own (it filtered on score only).
 */
import { describe, expect, it } from 'vitest';
import '../../src/node/index';
import { BLAZEFACE, type Detection, type ModelRunner, NANODET_COCO, SSDLITE320_DEFAULT_BOXES, pipeline } from '../../src/node/index';
import { DETECTION_DECODERS } from '../../src/pipelines/detection/detection-decoders';
import type { ModelSpec } from '../../src/models/model-spec';
import { type FakeOutputs, fakeRunner } from '../helpers/fake-runner';

type Outputs = FakeOutputs;

async function detect(spec: ModelSpec, runner: ModelRunner): Promise<Detection[]> {
  const detector = await pipeline('object-detection', { model: runner, spec });
  const frame = { data: new Uint8Array(spec.input.width * spec.input.height * 3).fill(90), width: spec.input.width, height: spec.input.height, channels: 3 as const };
  const { detections } = await detector.run(frame, { threshold: 0.3 });
  detector.dispose();
  return detections;
}

const finite = (d: Detection): boolean => [d.box.x1, d.box.y1, d.box.x2, d.box.y2, d.boxNormalized.x1, d.boxNormalized.y2, d.score].every(Number.isFinite);
const labels = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

/** torchvision whole-model outputs: row 0 NaN box, row 1 Infinity, row 2 fine; all score 0.9. */
const TV_OUTPUTS: Outputs = {
  boxes: { dims: [3, 4], data: new Float32Array([NaN, 1, 20, 20, 5, 5, Infinity, 30, 10, 10, 40, 40]) },
  scores: { dims: [3], data: new Float32Array([0.9, 0.9, 0.9]) },
  labels: { dims: [3], data: BigInt64Array.from([1n, 2n, 3n]), dtype: 'int64' },
};
const TV_SPEC: ModelSpec = {
  id: 'tv', task: 'object-detection', family: 'torchvision', format: 'onnx', location: { url: 'x.onnx' },
  input: { width: 64, height: 64, normalization: 'unit', layout: 'nchw' }, labels: labels(91),
};

describe('torchvision (whole exported model) decoder', () => {
  it('drops rows whose box is NaN or infinite, whatever their score', () => {
    const c = DETECTION_DECODERS.torchvision(TV_OUTPUTS as never, { spec: TV_SPEC, transform: undefined as never, threshold: 0.3, maxDetections: 100, options: {} });
    expect(Array.from(c.boxes)).toEqual([10, 10, 40, 40]);
    expect(Array.from(c.classIds)).toEqual([3]);
  });

  it("an export whose 'scores' holds the int64 labels (the other models' output order) is MODEL_FORMAT naming both orders (it was a bare TypeError)", async () => {
    const swapped = { ...TV_OUTPUTS, scores: TV_OUTPUTS.labels, labels: TV_OUTPUTS.scores };
    const detector = await pipeline('object-detection', { model: fakeRunner(64, 64, 'nchw', swapped), spec: TV_SPEC });
    const frame = { data: new Uint8Array(64 * 64 * 3), width: 64, height: 64, channels: 3 as const };
    await expect(detector.run(frame)).rejects.toMatchObject({
      code: 'MODEL_FORMAT',
      message: expect.stringMatching(/^model 'tv': output 'scores', read as the scores, is int64; the scores are floats — torchvision models return boxes, labels, scores \(Faster \/ Mask \/ Keypoint R-CNN\) or boxes, scores, labels \(RetinaNet, FCOS, SSD\)/),
    });
    expect((await detector.run(frame).catch((error: Error) => error)) instanceof TypeError).toBe(false);
    detector.dispose();
  });
});

describe('no detection with a non-finite box comes out of the pipeline', () => {
  it('torchvision', async () => {
    const detections = await detect(TV_SPEC, fakeRunner(64, 64, 'nchw', TV_OUTPUTS));
    expect(detections.map((d) => d.classId)).toEqual([3]);
    expect(detections.every(finite)).toBe(true);
  });

  it('torchvision-ssd (raw heads)', async () => {
    const anchors = 3234;
    const classes = 91;
    const regression = new Float32Array(anchors * 4);
    const logits = new Float32Array(anchors * classes);
    regression.set([NaN, 0, 0, 0], 0);
    regression.set([0, Infinity, 0, 0], 4);
    logits[5] = 10;
    logits[classes + 7] = 10;
    logits[2 * classes + 9] = 10;
    const spec: ModelSpec = {
      id: 'tvssd', task: 'object-detection', family: 'torchvision-ssd', format: 'onnx', location: { url: 'x.onnx' },
      input: { width: 320, height: 320, normalization: 'symmetric', layout: 'nchw' }, labels: labels(classes),
      head: { torchvisionSsd: { defaultBoxes: SSDLITE320_DEFAULT_BOXES, outputs: ['bbox_regression', 'cls_logits'] } },
    };
    const outs = { bbox_regression: { dims: [1, anchors, 4], data: regression }, cls_logits: { dims: [1, anchors, classes], data: logits } };
    const detections = await detect(spec, fakeRunner(320, 320, 'nchw', outs));
    expect(detections.map((d) => d.classId)).toEqual([9]);
    expect(detections.every(finite)).toBe(true);
  });

  it('nanodet', async () => {
    const outs: Outputs = {};
    for (const stride of [8, 16, 32]) {
      const cells = Math.ceil(416 / stride) ** 2;
      const scores = new Float32Array(cells * 80);
      const regression = new Float32Array(cells * 44);
      scores[3] = 0.9;
      regression[0] = NaN;
      scores[5 * 80 + 4] = 0.9;
      regression.fill(Infinity, 5 * 44, 5 * 44 + 11);
      if (stride === 32) scores[9 * 80 + 6] = 0.9;
      outs[`s${stride}`] = { dims: [1, cells, 80], data: scores };
      outs[`r${stride}`] = { dims: [1, cells, 44], data: regression };
    }
    const detections = await detect({ ...NANODET_COCO, format: 'onnx', outputs: undefined }, fakeRunner(416, 416, 'nchw', outs));
    expect(detections.map((d) => d.classId)).toEqual([6]);
    expect(detections.every(finite)).toBe(true);
  });

  it('mediapipe-ssd (BlazeFace head)', async () => {
    const boxes = new Float32Array(896 * 16);
    const scores = new Float32Array(896).fill(-10);
    boxes[0] = NaN;
    scores[0] = 10;
    boxes[16 + 2] = Infinity;
    scores[1] = 10;
    scores[500] = 10;
    const spec: ModelSpec = { ...BLAZEFACE, format: 'onnx', head: { ssd: { ...BLAZEFACE.head!.ssd!, boxOutputs: ['b'], scoreOutputs: ['s'] } } };
    const detections = await detect(spec, fakeRunner(256, 256, 'nhwc', { b: { dims: [1, 896, 16], data: boxes }, s: { dims: [1, 896, 1], data: scores } }));
    expect(detections).toHaveLength(1);
    expect(detections.every(finite)).toBe(true);
  });
});
