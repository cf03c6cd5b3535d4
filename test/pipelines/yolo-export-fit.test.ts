/**
 * A YOLO card that does not fit its export is refused, naming the model and what fits, instead
 * of decoding silently wrong: real ONNX models (onnxruntime) and tfjs graph models built here
 * whose outputs are set values, in the layouts the exporters write.
 *
 * - TF.js YOLO-seg exports give NHWC prototypes; at a 128² input they are [1, 32, 32, 32],
 *   which also reads as NCHW: the card's input layout decides (`protoLayout` overrides).
 * - An end-to-end export ([1, 300, 6]: x1, y1, x2, y2, score, class) given a v8/v11 card with
 *   two labels fits the shape of a 2-class anchor output and used to decode into boxes that mean
 *   nothing; so did scores above 1.
 * - Outputs of a type or batch the decoders cannot read are MODEL_FORMAT naming the model
 *   (INVALID_INPUT blamed the caller's image), the type at creation; YOLO-seg output names the
 *   model lacks are INVALID_OPTION at creation.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelRunner, type RawImage, loadModel, pipeline, selectTfjsBackend, yoloModel, yoloSegModel } from '../../src/node/index';
import { constantOnnx } from '../helpers/constant-onnx';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';

const SIZE = 64;
const FRAME: RawImage = { data: new Uint8Array(SIZE * SIZE * 3).fill(90), width: SIZE, height: SIZE, channels: 3 };

/** An end-to-end export's [1, 300, 6] rows: two objects (classes 1 and 0), the rest padding. */
function endToEndRows(): Float32Array {
  const rows = new Float32Array(300 * 6);
  rows.set([8, 8, 30, 40, 0.9, 1], 0);
  rows.set([34, 10, 60, 30, 0.7, 0], 6);
  return rows;
}

let previousBackend = '';
beforeAll(async () => {
  previousBackend = tf.getBackend();
  await selectTfjsBackend({ backend: 'wasm' });
});
afterAll(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
});

describe('YOLO-seg prototypes of a TF.js export', () => {
  /** A tfjs YOLO-seg graph: one whole-input detection of class 0 whose mask is prototype 0, a rectangle on the 32² grid (x 16–27, y 4–11). */
  async function tfjsSeg(): Promise<ModelRunner> {
    const grid = 32;
    const protos = new Float32Array(grid * grid * 32);
    for (let y = 0; y < grid; y++) for (let x = 0; x < grid; x++) protos[(y * grid + x) * 32] = x >= 16 && x < 28 && y >= 4 && y < 12 ? 10 : -10;
    const detection = new Float32Array(37);
    detection.set([64, 64, 128, 128, 0.9, 1]);
    const add = (name: string, input: string) => ({ name, op: 'AddV2', input: [input, 'zero'], attr: { T: { type: 'DT_FLOAT' } } });
    return loadModel(
      buildTfjsGraphModel({
        input: { name: 'images', shape: [1, 128, 128, 3] },
        output: [{ name: 'seg0', shape: [1, 37, 1] }, { name: 'seg1', shape: [1, grid, grid, 32] }],
        consts: [
          { name: 'det', shape: [1, 37, 1], dtype: 'float32', values: detection },
          { name: 'protos', shape: [1, grid, grid, 32], dtype: 'float32', values: protos },
          { name: 'zero', shape: [], dtype: 'float32', values: [0] },
        ],
        nodes: [add('seg0', 'det'), add('seg1', 'protos')],
      }),
      { backend: 'wasm' },
    );
  }

  it('[1, 32, 32, 32] prototypes of a 128² NHWC input are read NHWC: the mask is the rectangle; protoLayout overrides', async () => {
    const runner = await tfjsSeg();
    const frame: RawImage = { data: new Uint8Array(128 * 128 * 3).fill(90), width: 128, height: 128, channels: 3 };
    const masksOf = async (protoLayout?: 'nchw' | 'nhwc') => {
      const spec = { ...yoloSegModel({ url: 'model.json', format: 'tfjs', inputSize: 128, labels: ['thing'], protoLayout }), outputs: ['seg0', 'seg1'] };
      const segmenter = await pipeline('instance-segmentation', { model: runner, spec });
      const { instances } = await segmenter.run(frame);
      const found = instances.map((i) => ({ bounds: i.mask.bounds, area: i.mask.area() }));
      instances.forEach((i) => i.mask.close());
      segmenter.dispose();
      return found;
    };
    // the rectangle ×4 (prototypes are a quarter of the input): x 64–112, y 16–48
    const [read] = await masksOf();
    expect(read.bounds).toEqual({ x: 64, y: 16, width: 48, height: 32 });
    expect(read.area).toBeGreaterThanOrEqual(0.99 * 48 * 32);
    expect(await masksOf('nhwc')).toEqual([read]);
    // read as NCHW the same numbers are another picture (before the fix: area 0)
    const [misread] = await masksOf('nchw');
    expect(misread?.area ?? 0).toBeLessThan(0.5 * read.area);
    runner.dispose();
  });

  it('a protoLayout that is neither nchw nor nhwc is INVALID_OPTION at creation', async () => {
    const runner = await tfjsSeg();
    const spec = { ...yoloSegModel({ url: 'model.json', format: 'tfjs', inputSize: 128, labels: ['thing'], protoLayout: 'chw' as 'nchw' }), outputs: ['seg0', 'seg1'] };
    await expect(pipeline('instance-segmentation', { model: runner, spec })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("segmentation.protoLayout is \"chw\"; allowed: nchw, nhwc") });
    runner.dispose();
  });
});

describe('a YOLO card that does not fit its ONNX export', () => {
  it('an end-to-end export given a 2-label v11 card is MODEL_FORMAT pointing to version end2end; the end2end card decodes it', async () => {
    const modelSource = constantOnnx([{ name: 'output0', dims: [1, 300, 6], values: endToEndRows() }]);
    const misfit = await pipeline('object-detection', { model: yoloModel({ url: 'e2e.onnx', version: 'v11', inputSize: SIZE, labels: ['a', 'b'] }), modelSource });
    await expect(misfit.run(FRAME)).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(/whole numbers where its card reads the last class's score.*version: 'end2end'/) });
    misfit.dispose();
    const fitting = await pipeline('object-detection', { model: yoloModel({ url: 'e2e.onnx', version: 'end2end', inputSize: SIZE, labels: ['a', 'b'] }), modelSource });
    const { detections } = await fitting.run(FRAME);
    expect(detections.map((d) => [d.label, d.score])).toEqual([['b', expect.closeTo(0.9, 5)], ['a', expect.closeTo(0.7, 5)]]);
    expect(detections[0].box).toEqual({ x1: 8, y1: 8, x2: 30, y2: 40 });
    fitting.dispose();
  });

  it("a one-class YOLOv5 float16 export (its class score never trained: exactly 1 on every row) decodes; it was refused as end-to-end", async () => {
    // [1, 21, 5 + 1]: x, y, w, h, objectness, class score 1 — one object with objectness 0.8
    const values = new Float32Array(21 * 6);
    for (let k = 0; k < 21; k++) values.set([20, 20, 8, 8, k === 4 ? 0.8 : 0.01, 1], k * 6);
    const modelSource = constantOnnx([{ name: 'output0', dims: [1, 21, 6], values }]);
    const detector = await pipeline('object-detection', { model: yoloModel({ url: 'v5.onnx', version: 'v5', inputSize: SIZE, labels: ['helmet'] }), modelSource });
    const { detections } = await detector.run(FRAME);
    expect(detections.map((d) => [d.label, d.score, d.box])).toEqual([['helmet', expect.closeTo(0.8, 5), { x1: 16, y1: 16, x2: 24, y2: 24 }]]);
    detector.dispose();
  });

  it("an export whose first output is not the detections is MODEL_FORMAT at creation naming the output to read (it failed at the first run with a rank error); naming it works", async () => {
    const values = new Float32Array(6 * 21);
    const modelSource = constantOnnx([
      { name: 'grid', dims: [1, 3, 8, 8], values: new Float32Array(3 * 64) },
      { name: 'output0', dims: [1, 6, 21], values },
    ]);
    const card = yoloModel({ url: 'aux.onnx', id: 'aux-first', version: 'v8', inputSize: SIZE, labels: ['a', 'b'] });
    await expect(pipeline('object-detection', { model: card, modelSource })).rejects.toMatchObject({
      code: 'MODEL_FORMAT',
      message: "model 'aux-first': its first output 'grid' [1, 3, 8, 8] is not the [1, A, B] detections the card reads when it names no output; 'output0' [1, 6, 21] is: name it in the card: { ...yoloModel({ … }), outputs: ['output0'] }",
    });
    const named = await pipeline('object-detection', { model: { ...card, outputs: ['output0'] }, modelSource });
    expect((await named.run(FRAME)).detections).toEqual([]);
    named.dispose();
  });

  it('class scores above 1 in a v8 output are MODEL_FORMAT', async () => {
    // [1, 4 + 2, 21]: 21 anchors, channels first; anchor 3 scores 3.5 for class 1
    const values = new Float32Array(6 * 21);
    for (let k = 0; k < 21; k++) [20 + k, 20, 8, 8, 0.1, 0.2].forEach((v, channel) => (values[channel * 21 + k] = v));
    values[5 * 21 + 3] = 3.5;
    const modelSource = constantOnnx([{ name: 'output0', dims: [1, 6, 21], values }]);
    const detector = await pipeline('object-detection', { model: yoloModel({ url: 'v8.onnx', version: 'v8', inputSize: SIZE, labels: ['a', 'b'] }), modelSource });
    await expect(detector.run(FRAME)).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringContaining('gave a score of 3.5; YOLO v5/v8/v11 exports give scores from 0 to 1') });
    detector.dispose();
  });

  it('a uint8 output is MODEL_FORMAT at creation; an output with a batch of 2 is MODEL_FORMAT at the run, naming the model', async () => {
    const card = yoloModel({ url: 'q.onnx', id: 'quantised', version: 'v8', inputSize: SIZE, labels: ['a', 'b'] });
    const uint8 = constantOnnx([{ name: 'output0', dims: [1, 6, 21], values: new Float32Array(6 * 21), type: 2 }]);
    await expect(pipeline('object-detection', { model: card, modelSource: uint8 })).rejects.toMatchObject({
      code: 'MODEL_FORMAT',
      message: "model 'quantised': output 'output0' is uint8; yolov8 outputs are read as float32 or float16 (export without quantised outputs, or dequantize them in the graph)",
    });
    const batched = constantOnnx([{ name: 'output0', dims: [2, 6, 21], values: new Float32Array(2 * 6 * 21) }]);
    const detector = await pipeline('object-detection', { model: card, modelSource: batched });
    await expect(detector.run(FRAME)).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(/^model 'quantised' gave an output its card's decoder cannot read: .*batch of 2/) });
    detector.dispose();
  });

  it("a card whose labels do not fit the export's stated output size is MODEL_FORMAT at creation (detection, v5, seg); a dynamic size is checked at the run", async () => {
    // 7 rows: a 3-class v8 export, given 2 labels (or 80)
    const threeClasses = constantOnnx([{ name: 'output0', dims: [1, 7, 21], values: new Float32Array(7 * 21) }]);
    for (const labels of [['a', 'b'], Array.from({ length: 80 }, (_, i) => `c${i}`)]) {
      await expect(pipeline('object-detection', { model: yoloModel({ url: 'v8.onnx', id: 'three', version: 'v8', inputSize: SIZE, labels }), modelSource: threeClasses })).rejects.toMatchObject({
        code: 'MODEL_FORMAT',
        message: expect.stringMatching(new RegExp(`^model 'three': its output 'output0' does not fit the card's ${labels.length} labels — yolov8: output \\[1, 7, 21\\] has no axis of length 4\\+${labels.length}\\(\\+M\\).*give the card the labels`)),
      });
    }
    const fitting = await pipeline('object-detection', { model: yoloModel({ url: 'v8.onnx', version: 'v8', inputSize: SIZE, labels: ['a', 'b', 'c'] }), modelSource: threeClasses });
    expect((await fitting.run(FRAME)).detections).toEqual([]);
    fitting.dispose();
    // v5: rows of 5 + C, channels last
    const v5 = constantOnnx([{ name: 'output0', dims: [1, 21, 8], values: new Float32Array(21 * 8) }]);
    await expect(pipeline('object-detection', { model: yoloModel({ url: 'v5.onnx', version: 'v5', inputSize: SIZE, labels: ['a', 'b'] }), modelSource: v5 })).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringContaining("does not fit the card's 2 labels — yolov5: output [1, 21, 8]") });
    (await pipeline('object-detection', { model: yoloModel({ url: 'v5.onnx', version: 'v5', inputSize: SIZE, labels: ['a', 'b', 'c'] }), modelSource: v5 })).dispose();
    // the other version's layout for the same labels: the version is named, not the labels or numExtras (numExtras: 1
    // decoded a v5 export as v8 with objectness read as class 0, every label one off)
    const v5Export = constantOnnx([{ name: 'output0', dims: [1, 21, 7], values: new Float32Array(21 * 7) }]);
    const asV8 = pipeline('object-detection', { model: yoloModel({ url: 'v5.onnx', id: 'v5-as-v8', version: 'v8', inputSize: SIZE, labels: ['a', 'b'] }), modelSource: v5Export });
    await expect(asV8).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(/vectors of 7 for 2 classes are YOLOv5's layout .*version 'v5' — yoloModel\(\{ version: 'v5' \}\)$/) });
    await expect(asV8).rejects.toMatchObject({ message: expect.not.stringMatching(/numExtras|give the card the labels/) });
    const v8Export = constantOnnx([{ name: 'output0', dims: [1, 6, 21], values: new Float32Array(6 * 21) }]);
    await expect(pipeline('object-detection', { model: yoloModel({ url: 'v8.onnx', version: 'v5', inputSize: SIZE, labels: ['a', 'b'] }), modelSource: v8Export })).rejects.toMatchObject({
      code: 'MODEL_FORMAT', message: expect.stringMatching(/vectors of 6 for 2 classes are YOLOv8\/v11's layout .*version 'v8'/),
    });
    // seg: 4 + C + 32 mask coefficients
    const seg = constantOnnx([
      { name: 'output0', dims: [1, 38, 21], values: new Float32Array(38 * 21) },
      { name: 'output1', dims: [1, 32, 16, 16], values: new Float32Array(32 * 16 * 16) },
    ]);
    await expect(pipeline('instance-segmentation', { model: yoloSegModel({ url: 'seg.onnx', inputSize: SIZE, labels: ['a', 'b', 'c'] }), modelSource: seg })).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringContaining("does not fit the card's 3 labels") });
    (await pipeline('instance-segmentation', { model: yoloSegModel({ url: 'seg.onnx', inputSize: SIZE, labels: ['a', 'b'] }), modelSource: seg })).dispose();
    // a tfjs graph whose output size is not stated: the run refuses it, naming the model (it was the decoder's bare message)
    const dynamic = await loadModel(
      buildTfjsGraphModel({
        input: { name: 'images', shape: [1, SIZE, SIZE, 3] },
        output: [{ name: 'out', shape: [1, -1, -1] }],
        consts: [{ name: 'rows', shape: [1, 7, 21], dtype: 'float32', values: new Float32Array(7 * 21) }, { name: 'zero', shape: [], dtype: 'float32', values: [0] }],
        nodes: [{ name: 'out', op: 'AddV2', input: ['rows', 'zero'], attr: { T: { type: 'DT_FLOAT' } } }],
      }),
      { backend: 'wasm' },
    );
    expect(dynamic.outputs[0].shape).toEqual([1, -1, -1]);
    const misfit = await pipeline('object-detection', { model: dynamic, spec: { ...yoloModel({ url: 'd.json', id: 'dynamic', version: 'v8', format: 'tfjs', inputSize: SIZE, labels: ['a', 'b'] }), outputs: ['out'] } });
    await expect(misfit.run(FRAME)).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(/^model 'dynamic' gave an output its card's decoder cannot read: decodeYoloV8: /) });
    misfit.dispose();
  });

  it('yoloSegModel output names the model lacks are INVALID_OPTION at creation, listing its outputs', async () => {
    const modelSource = constantOnnx([
      { name: 'output0', dims: [1, 37, 21], values: new Float32Array(37 * 21) },
      { name: 'output1', dims: [1, 32, 16, 16], values: new Float32Array(32 * 16 * 16) },
    ]);
    const card = yoloSegModel({ url: 'seg.onnx', inputSize: SIZE, labels: ['a'], outputs: { detections: 'det', protos: 'output1' } });
    await expect(pipeline('instance-segmentation', { model: card, modelSource })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: "model 'yolo-v8-seg': segmentation.yoloOutputs names 'det', which the model does not have; its outputs are: output0, output1",
    });
    const fitting = yoloSegModel({ url: 'seg.onnx', inputSize: SIZE, labels: ['a'], outputs: { detections: 'output0', protos: 'output1' } });
    const named = await pipeline('instance-segmentation', { model: fitting, modelSource });
    expect((await named.run(FRAME)).instances).toEqual([]);
    named.dispose();
  });
});
