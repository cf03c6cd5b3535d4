import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type RawImage } from '../../src/node/index';
import { Mask, type MaskRle } from '../../src/core/mask';
import { maskRcnnModel, yoloSegModel } from '../../src/models/segmentation-cards';
import { createInstanceSegmentationPipeline } from '../../src/pipelines/segmentation/instance-segmentation-pipeline';
import { float32ToHalfBits, halfBitsToFloat32 } from '../../src/core/float16';
import { buildOnnxModel, type Initializer, type NodeSpec } from '../helpers/onnx-builder';

/**
 * A real ONNX model whose outputs are the given constants (the image only feeds a ×0 term);
 * `half`: a half-precision export — float16 input, float outputs cast to float16.
 */
function constantModel(size: [number, number], outputs: { name: string; dims: number[]; values: ArrayLike<number>; int64?: boolean }[], unbatched = false, half = false): Uint8Array {
  const nodes: NodeSpec[] = [
    ...(half ? [{ op: 'Cast', inputs: ['images'], outputs: ['images_f32'], attributes: { to: 1 } }] : []),
    { op: 'ReduceMean', inputs: [half ? 'images_f32' : 'images'], outputs: ['mean'], attributes: { keepdims: 0 } },
    { op: 'Mul', inputs: ['mean', 'zero'], outputs: ['nothing'] },
  ];
  const initializers: Initializer[] = [{ name: 'zero', dims: [], values: [0] }];
  const floatType = half ? 10 : 1;
  for (const o of outputs) {
    initializers.push({ name: `${o.name}_const`, dims: o.dims, values: o.values });
    const cast = o.int64 || half;
    nodes.push({ op: 'Add', inputs: [`${o.name}_const`, 'nothing'], outputs: [cast ? `${o.name}_f` : o.name] });
    if (cast) nodes.push({ op: 'Cast', inputs: [`${o.name}_f`], outputs: [o.name], attributes: { to: o.int64 ? 7 : floatType } });
  }
  return buildOnnxModel({
    inputs: [{ name: 'images', dims: unbatched ? [3, size[1], size[0]] : [1, 3, size[1], size[0]], type: floatType }],
    outputs: outputs.map((o) => ({ name: o.name, dims: o.dims, type: o.int64 ? 7 : floatType })),
    initializers,
    nodes,
  });
}

const gray = (width: number, height: number): RawImage => ({ data: new Uint8Array(width * height * 3).fill(90), width, height, channels: 3 });

// ---------------------------------------------------------------- YOLO-seg end to end
interface SegCase { name: string; mode: 'upsample' | 'native'; form: 'logits' | 'sigmoid'; sourceWidth: number; sourceHeight: number; coefficients: number[]; boxes: number[][]; binary: MaskRle[] }
const seg = JSON.parse(readFileSync(new URL('../fixtures/masks/yolo-seg.json', import.meta.url), 'utf8')) as { protoDims: number[]; protos: number[]; cases: SegCase[] };
const LABELS = ['cat', 'dog', 'bird'];

/** `[1, 4+3+32, N]` channels-first YOLO-seg output holding the fixture's boxes and coefficients, scores descending. */
function yoloOutput(c: SegCase): { dims: number[]; values: Float32Array } {
  const n = c.boxes.length;
  const rows = 4 + LABELS.length + 32;
  const out = new Float32Array(rows * n);
  c.boxes.forEach(([x1, y1, x2, y2], i) => {
    const put = (ch: number, v: number) => (out[ch * n + i] = v);
    put(0, (x1 + x2) / 2);
    put(1, (y1 + y2) / 2);
    put(2, x2 - x1);
    put(3, y2 - y1);
    put(4 + (i % 3), 0.9 - 0.1 * i);
    for (let k = 0; k < 32; k++) put(4 + LABELS.length + k, c.coefficients[i * 32 + k]);
  });
  return { dims: [1, rows, n], values: out };
}

describe('instance-segmentation with YOLO-seg-shaped ONNX exports (onnxruntime-node)', () => {
  it.each(['landscape-120x90', 'portrait-100x150', 'landscape-120x90-native', 'landscape-120x90-logits', 'landscape-120x90-native-logits', 'odd-pads-90x62-logits'])('%s: masks equal the Ultralytics reference', async (name) => {
    const c = seg.cases.find((k) => k.name === name)!;
    const output0 = yoloOutput(c);
    const model = constantModel([128, 128], [
      { name: 'output0', ...output0 },
      { name: 'output1', dims: seg.protoDims, values: seg.protos },
    ]);
    const segmenter = await createInstanceSegmentationPipeline({
      model: yoloSegModel({ url: 'seg.onnx', inputSize: 128, labels: LABELS }),
      modelSource: model,
      iouThreshold: 1,
      threshold: 0.2,
      maskMode: c.mode,
      maskForm: c.form,
    });
    const { instances, imageSize } = await segmenter.run(gray(c.sourceWidth, c.sourceHeight));
    expect(imageSize).toEqual({ width: c.sourceWidth, height: c.sourceHeight });
    expect(instances.map((i) => i.label)).toEqual(c.boxes.map((_, i) => LABELS[i % 3]));
    instances.forEach((inst, i) => {
      expect(inst.mask.toRle()).toEqual(c.binary[i]);
      expect(inst.box.x1).toBeGreaterThanOrEqual(0);
      expect(inst.boxNormalized.x2).toBeLessThanOrEqual(1);
      inst.mask.close();
    });
    segmenter.dispose();
  });

  it('a half-precision export (float16 input, detections and prototypes) gives the masks of its float32 twin with the same float16-rounded values', async () => {
    const c = seg.cases.find((k) => k.name === 'landscape-120x90')!;
    const output0 = yoloOutput(c);
    const roundedHalf = (values: ArrayLike<number>) => halfBitsToFloat32(float32ToHalfBits(values));
    const run = async (model: Uint8Array) => {
      const segmenter = await createInstanceSegmentationPipeline({ model: yoloSegModel({ url: 'seg.onnx', inputSize: 128, labels: LABELS }), modelSource: model, iouThreshold: 1, threshold: 0.2 });
      const { instances } = await segmenter.run(gray(c.sourceWidth, c.sourceHeight));
      segmenter.dispose();
      return instances.map((i) => {
        const rle = i.mask.toRle();
        i.mask.close();
        return { label: i.label, score: i.score, box: i.box, rle };
      });
    };
    const half = await run(constantModel([128, 128], [{ name: 'output0', ...output0 }, { name: 'output1', dims: seg.protoDims, values: seg.protos }], false, true));
    const twin = await run(constantModel([128, 128], [
      { name: 'output0', dims: output0.dims, values: roundedHalf(output0.values) },
      { name: 'output1', dims: seg.protoDims, values: roundedHalf(seg.protos) },
    ]));
    expect(twin).toHaveLength(c.boxes.length);
    expect(half).toEqual(twin);
  });

  it('a model without prototypes or with the wrong outputs is MODEL_FORMAT; the pipeline stays usable for good frames', async () => {
    const c = seg.cases[0];
    const noProtos = await createInstanceSegmentationPipeline({
      model: yoloSegModel({ url: 'seg.onnx', inputSize: 128, labels: LABELS }),
      modelSource: constantModel([128, 128], [{ name: 'output0', ...yoloOutput(c) }]),
    });
    await expect(noProtos.run(gray(64, 48))).rejects.toMatchObject({ code: 'MODEL_FORMAT' });
    noProtos.dispose();
    const segmenter = await createInstanceSegmentationPipeline({
      model: yoloSegModel({ url: 'seg.onnx', inputSize: 128, labels: LABELS }),
      modelSource: constantModel([128, 128], [{ name: 'output0', ...yoloOutput(c) }, { name: 'output1', dims: seg.protoDims, values: seg.protos }]),
    });
    await expect(segmenter.run(gray(0, 0))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(segmenter.run(gray(10, 10), { threshold: 3 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    // a flag that is no boolean ('yes' ran as class-aware NMS)
    await expect(segmenter.run(gray(10, 10), { agnostic: 'yes' as unknown as boolean })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'agnostic is "yes"; it must be true or false' });
    // the bad list is shown (it read "classes is an array; it must be an array of class ids")
    await expect(segmenter.run(gray(10, 10), { classes: [1, -1] })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'classes is [1, -1]; it must be an array of class ids (non-negative integers)' });
    await expect(segmenter.run(gray(10, 10), null as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('run options must be an object') });
    // the logits form cuts at the logit of maskThreshold: 0 and 1 are refused there, taken by the sigmoid form
    for (const maskThreshold of [0, 1]) {
      await expect(segmenter.run(gray(10, 10), { maskThreshold })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("maskForm 'sigmoid' takes 0 and 1") });
      const taken = await segmenter.run(gray(10, 10), { maskThreshold, maskForm: 'sigmoid' });
      taken.instances.forEach((i) => i.mask.close());
    }
    await expect(segmenter.run(gray(10, 10), { maskForm: 'probabilities' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'maskForm is "probabilities"; allowed: logits, sigmoid' });
    // null at creation ran as the default form
    await expect(createInstanceSegmentationPipeline({ model: yoloSegModel({ url: 'seg.onnx', inputSize: 128, labels: LABELS }), modelSource: constantModel([128, 128], [{ name: 'output0', ...yoloOutput(c) }, { name: 'output1', dims: seg.protoDims, values: seg.protos }]), maskForm: null as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'maskForm is null; allowed: logits, sigmoid' });
    // smaller than the model's stride (32): still one mask per instance, at 5×3
    const tiny = await segmenter.run(gray(5, 3));
    expect(tiny.instances.length).toBeGreaterThan(0);
    for (const i of tiny.instances) {
      expect([i.mask.width, i.mask.height]).toEqual([5, 3]);
      i.mask.close();
    }
    const tensors = tf.memory().numTensors;
    const masks = Mask.openCount;
    for (let k = 0; k < 20; k++) (await segmenter.run(gray(120, 90))).instances.forEach((i) => i.mask.close());
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Mask.openCount).toBe(masks);
    segmenter.dispose();
    await expect(segmenter.run(gray(10, 10))).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('needs a model: no offline default', async () => {
    await expect(createInstanceSegmentationPipeline()).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});

// ---------------------------------------------------------------- Mask R-CNN signature, model-zoo style (28×28 masks)
describe('instance-segmentation with the Mask R-CNN signature (boxes, labels int64, scores, masks [N,1,28,28])', () => {
  const boxes = [[10, 20, 60, 90], [-5, 30, 40, 70], [50, 5, 79, 50]];
  const masks = new Float32Array(3 * 784).map((_, i) => (Math.sin(i * 0.05) + 1) / 2);
  const model = (unbatched = false) =>
    constantModel([80, 100], [
      { name: 'boxes', dims: [3, 4], values: boxes.flat() },
      { name: 'labels', dims: [3], values: [1, 18, 62], int64: true },
      { name: 'scores', dims: [3], values: [0.9, 0.3, 0.7] },
      { name: 'masks', dims: [3, 1, 28, 28], values: masks },
    ], unbatched);

  it('keeps scores ≥ threshold, best first, torchvision labels, masks pasted at the source resolution', async () => {
    const segmenter = await createInstanceSegmentationPipeline({ model: maskRcnnModel({ url: 'm.onnx', width: 80, height: 100 }), modelSource: model() });
    const { instances } = await segmenter.run(gray(160, 200)); // stretch ×2
    expect(instances.map((i) => [i.label, i.score.toFixed(1)])).toEqual([['person', '0.9'], ['chair', '0.7']]);
    expect(instances[0].box).toEqual({ x1: 20, y1: 40, x2: 120, y2: 180 });
    for (const { mask, box } of instances) {
      expect([mask.width, mask.height]).toEqual([160, 200]);
      expect(mask.area()).toBeGreaterThan(0);
      // pasted inside the (slightly expanded) box
      expect(mask.bounds.x).toBeGreaterThanOrEqual(Math.floor(box.x1) - 3);
      expect(mask.bounds.x + mask.bounds.width).toBeLessThanOrEqual(Math.ceil(box.x2) + 4);
      mask.close();
    }
    const cls = await segmenter.run(gray(160, 200), { threshold: 0.2, classes: [18] });
    expect(cls.instances.map((i) => i.label)).toEqual(['dog']);
    expect(cls.instances[0].box.x1).toBe(0); // clipped in the result
    cls.instances[0].mask.close();
    segmenter.dispose();
  });

  it("takes torchvision's own unbatched [3, H, W] input too", async () => {
    const batched = await createInstanceSegmentationPipeline({ model: maskRcnnModel({ url: 'm.onnx', width: 80, height: 100 }), modelSource: model() });
    const unbatched = await createInstanceSegmentationPipeline({ model: maskRcnnModel({ url: 'm.onnx', width: 80, height: 100 }), modelSource: model(true) });
    const [a, b] = [await batched.run(gray(120, 90)), await unbatched.run(gray(120, 90))];
    expect(b.instances.map((i) => i.box)).toEqual(a.instances.map((i) => i.box));
    b.instances.forEach((inst, k) => expect(inst.mask.toRle()).toEqual(a.instances[k].mask.toRle()));
    [...a.instances, ...b.instances].forEach((i) => i.mask.close());
    batched.dispose();
    unbatched.dispose();
  });

  it('a model missing an output is MODEL_FORMAT naming it', async () => {
    const partial = constantModel([80, 100], [
      { name: 'boxes', dims: [3, 4], values: boxes.flat() },
      { name: 'scores', dims: [3], values: [0.9, 0.3, 0.7] },
    ]);
    const segmenter = await createInstanceSegmentationPipeline({ model: maskRcnnModel({ url: 'm.onnx', width: 80, height: 100 }), modelSource: partial });
    await expect(segmenter.run(gray(80, 100))).rejects.toThrow(/no output 'labels'/);
    segmenter.dispose();
  });

  it('bad options fail at creation or in the run with INVALID_OPTION; a box that is not finite is dropped', async () => {
    const card = maskRcnnModel({ url: 'm.onnx', width: 80, height: 100 });
    for (const bad of [{ threshold: 7 }, { maskThreshold: -1 }, { maxDetections: -3 }, { classes: 1 }, { maskMode: 'bogus' }, { maskForm: 'probabilities' }]) {
      await expect(createInstanceSegmentationPipeline({ model: card, modelSource: model(), ...(bad as object) }), JSON.stringify(bad)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    const segmenter = await createInstanceSegmentationPipeline({ model: card, modelSource: model() });
    // { classes: 1 } was a raw TypeError; { classes: 'dog' } found nothing
    for (const bad of [{ classes: 1 }, { classes: {} }, { classes: 'dog' }, { maskMode: 'bogus' }]) {
      await expect(segmenter.run(gray(80, 100), bad as never), JSON.stringify(bad)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    const nan = constantModel([80, 100], [
      { name: 'boxes', dims: [2, 4], values: [10, 20, 60, 90, Number.NaN, 0, 1e30, 50] },
      { name: 'labels', dims: [2], values: [1, 1], int64: true },
      { name: 'scores', dims: [2], values: [0.9, 0.95] },
      { name: 'masks', dims: [2, 1, 28, 28], values: masks.subarray(0, 2 * 784) },
    ]);
    const withNan = await createInstanceSegmentationPipeline({ model: card, modelSource: nan });
    const { instances } = await withNan.run(gray(80, 100));
    expect(instances.map((i) => i.score.toFixed(2))).toEqual(['0.90']);
    instances.forEach((i) => i.mask.close());
    withNan.dispose();
    segmenter.dispose();
  });

  it('zero detections give an empty result', async () => {
    const none = constantModel([80, 100], [
      { name: 'boxes', dims: [1, 4], values: [0, 0, 1, 1] },
      { name: 'labels', dims: [1], values: [1], int64: true },
      { name: 'scores', dims: [1], values: [0.01] },
      { name: 'masks', dims: [1, 1, 28, 28], values: new Float32Array(784) },
    ]);
    const segmenter = await createInstanceSegmentationPipeline({ model: maskRcnnModel({ url: 'm.onnx', width: 80, height: 100 }), modelSource: none });
    expect((await segmenter.run(gray(80, 100))).instances).toEqual([]);
    segmenter.dispose();
  });
});
