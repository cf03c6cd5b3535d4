/**
 * Cards that do not fit their model, and run options that are no setting, found by an outside
 * check (fake runners answer fixed outputs: this is decoding control flow, not model quality):
 * a class past the card's labels from CenterNet or a whole torchvision model is `MODEL_FORMAT`
 * (it was dropped or came out as "class 3"); malformed NanoDet / torchvision-SSD / MediaPipe
 * heads and locations are `INVALID_OPTION` at creation (a `TypeError` at the first run before);
 * a single-logit classifier scores by the sigmoid (the softmax of one value is always 1); `null`
 * run options are refused (they replaced the card's defaults with the built-in ones).
 */
import { describe, expect, it } from 'vitest';
import { CENTERNET_COCO, type ModelRunner, NANODET_COCO, SSDLITE320_DEFAULT_BOXES, pipeline } from '../../src/node/index';
import type { ModelSpec } from '../../src/models/model-spec';
import { type FakeOutputs, fakeRunner } from '../helpers/fake-runner';

type Outputs = FakeOutputs;

/** A fake runner with the card's input size and layout. */
const runnerFor = (spec: ModelSpec, outs: Outputs): ModelRunner => fakeRunner(spec.input.width, spec.input.height, spec.input.layout === 'nchw' ? 'nchw' : 'nhwc', outs);

const frame = (spec: ModelSpec) => ({ data: new Uint8Array(spec.input.width * spec.input.height * 3).fill(90), width: spec.input.width, height: spec.input.height, channels: 3 as const });
const labels = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
const code = (c: string, fragment: string) => expect.objectContaining({ name: 'VisionError', code: c, message: expect.stringContaining(fragment) });

/** CenterNet rows (x1, y1, x2, y2, score, class) with the given classes, all scoring 0.9. */
function centerNetOutputs(classes: number[]): Outputs {
  const rows = new Float32Array(classes.length * 6);
  classes.forEach((c, i) => rows.set([10 + 60 * i, 10, 50 + 60 * i, 60, 0.9, c], i * 6));
  return { 'tower_0/detections': { dims: [1, classes.length, 6], data: rows } };
}

describe('a class past the card’s labels is MODEL_FORMAT', () => {
  it('CenterNet: a card with fewer labels than the model has classes', async () => {
    const spec: ModelSpec = { ...CENTERNET_COCO, labels: labels(2) };
    const fits = await pipeline('object-detection', { model: runnerFor(spec, centerNetOutputs([0, 1])), spec });
    expect((await fits.run(frame(spec))).detections.map((d) => d.label).sort()).toEqual(['c0', 'c1']);
    const beyond = await pipeline('object-detection', { model: runnerFor(spec, centerNetOutputs([0, 2, 1])), spec });
    await expect(beyond.run(frame(spec))).rejects.toEqual(code('MODEL_FORMAT', "gave class 2 (score 0.900) but its card has 2 labels"));
    [fits, beyond].forEach((p) => p.dispose());
  });

  it('torchvision whole models: a label id past the labels', async () => {
    const spec: ModelSpec = { id: 'tv', task: 'object-detection', family: 'torchvision', format: 'onnx', location: { url: 'x.onnx' }, input: { width: 64, height: 64, layout: 'nchw' }, labels: labels(3) };
    const outs = (ids: bigint[]): Outputs => ({
      boxes: { dims: [ids.length, 4], data: Float32Array.from(ids.flatMap((_, i) => [4 + 20 * i, 4, 18 + 20 * i, 30])) },
      scores: { dims: [ids.length], data: new Float32Array(ids.length).fill(0.8) },
      labels: { dims: [ids.length], data: BigInt64Array.from(ids), dtype: 'int64' },
    });
    const fits = await pipeline('object-detection', { model: runnerFor(spec, outs([1n, 2n])), spec });
    expect((await fits.run(frame(spec))).detections.map((d) => d.label).sort()).toEqual(['c1', 'c2']);
    const beyond = await pipeline('object-detection', { model: runnerFor(spec, outs([1n, 3n])), spec });
    await expect(beyond.run(frame(spec))).rejects.toEqual(code('MODEL_FORMAT', 'gave class 3'));
    [fits, beyond].forEach((p) => p.dispose());
  });
});

describe('malformed heads and locations are INVALID_OPTION when the pipeline is created', () => {
  const tvssd: ModelSpec = {
    id: 'tvssd', task: 'object-detection', family: 'torchvision-ssd', format: 'onnx', location: { url: 'x.onnx' },
    input: { width: 320, height: 320, layout: 'nchw' }, labels: labels(91),
    head: { torchvisionSsd: { defaultBoxes: SSDLITE320_DEFAULT_BOXES, outputs: ['bbox_regression', 'cls_logits'] } },
  };
  const runner = (spec: ModelSpec) => runnerFor(spec, { out: { dims: [1, 10, 6], data: new Float32Array(60) } });
  const cases: [string, ModelSpec, string][] = [
    ['nanodet strides as a string', { ...NANODET_COCO, head: { ...NANODET_COCO.head, strides: '8' as never } }, 'head.strides is "8"; it must be a non-empty list of positive integers'],
    ['nanodet strides with a zero', { ...NANODET_COCO, head: { strides: [8, 0] } }, 'head.strides is'],
    ['nanodet regMax −1', { ...NANODET_COCO, head: { regMax: -1 } }, 'head.regMax is -1'],
    ['nanodet centerOffset NaN', { ...NANODET_COCO, head: { centerOffset: Number.NaN } }, 'head.centerOffset is NaN'],
    ['head not an object', { ...NANODET_COCO, head: 'gfl' as never }, 'head is "gfl"'],
    ['torchvision-ssd without its head', { ...tvssd, head: {} }, 'family torchvision-ssd needs head.torchvisionSsd'],
    ['torchvision-ssd outputs missing', { ...tvssd, head: { torchvisionSsd: { defaultBoxes: SSDLITE320_DEFAULT_BOXES } as never } }, 'head.torchvisionSsd.outputs is undefined'],
    ['torchvision-ssd default boxes wrong', { ...tvssd, head: { torchvisionSsd: { defaultBoxes: { ...SSDLITE320_DEFAULT_BOXES, gridSizes: [[1, 1]] }, outputs: ['a', 'b'] } } }, 'head.torchvisionSsd.defaultBoxes: torchvisionDefaultBoxes: aspectRatios and gridSizes'],
    ['torchvision-ssd activation', { ...tvssd, head: { torchvisionSsd: { ...tvssd.head!.torchvisionSsd!, activation: 'relu' as never } } }, "activation is \"relu\"; allowed: 'softmax', 'sigmoid'"],
    ['mediapipe-ssd without head.ssd', { ...tvssd, family: 'mediapipe-ssd', head: {} }, 'family mediapipe-ssd needs head.ssd'],
    ['location a string', { ...tvssd, location: 'x.onnx' as never }, 'location is "x.onnx"; it must be { url }'],
    ['location null', { ...tvssd, location: null as never }, 'location is null'],
    ['location empty', { ...tvssd, location: {} as never }, '{ package, path } with an optional version (non-empty strings)'],
  ];
  it.each(cases)('%s', async (name, spec, fragment) => {
    // a location is only read when the model is loaded from it
    const options = name.startsWith('location') ? { model: spec } : { model: runner(spec), spec };
    await expect(pipeline('object-detection', options as never)).rejects.toEqual(code('INVALID_OPTION', fragment));
  });
});

describe('classifiers and run options', () => {
  it('a single-logit classifier scores by the sigmoid, as transformers does for one label', async () => {
    const spec: ModelSpec = { id: 'binary', task: 'image-classification', family: 'logits', format: 'onnx', location: { url: 'x.onnx' }, input: { width: 8, height: 8, layout: 'nchw' }, labels: ['defect'] };
    for (const logit of [2, -1]) {
      const classifier = await pipeline('image-classification', { model: runnerFor(spec, { logits: { dims: [1, 1], data: Float32Array.of(logit) } }), spec });
      const { classes } = await classifier.run(frame(spec));
      expect(classes).toHaveLength(1);
      expect(classes[0].score).toBeCloseTo(1 / (1 + Math.exp(-logit)), 6);
      classifier.dispose();
    }
  });

  it('null run options are INVALID_OPTION; left out they take the card’s defaults', async () => {
    const spec: ModelSpec = { ...CENTERNET_COCO, defaults: { maxDetections: 2 } };
    const detector = await pipeline('object-detection', { model: runnerFor(spec, centerNetOutputs([0, 1, 2, 3, 4])), spec });
    expect((await detector.run(frame(spec))).detections).toHaveLength(2);
    await expect(detector.run(frame(spec), { maxDetections: null as never })).rejects.toEqual(code('INVALID_OPTION', 'run options: maxDetections is null; leave an option out'));
    await expect(detector.runForVideo(frame(spec), 0, { threshold: null as never })).rejects.toEqual(code('INVALID_OPTION', 'threshold is null'));
    const transform = { sourceWidth: 512, sourceHeight: 512, inputWidth: 512, inputHeight: 512, scaleX: 1, scaleY: 1, padX: 0, padY: 0, cropX: 0, cropY: 0 };
    expect(() => detector.detectionsFromOutputs(null as never, transform)).toThrow(code('INVALID_INPUT', 'outputs is null'));
    expect(() => detector.detectionsFromOutputs({}, null as never)).toThrow(code('INVALID_INPUT', 'transform is null'));
    expect((await detector.run(frame(spec), { maxDetections: undefined })).detections).toHaveLength(2);
    detector.dispose();
  });
});

describe("a card's unsupportedBackends", () => {
  it('ruling out every backend of this environment says so (the advice read "use backend " with nothing after it); not an object is INVALID_OPTION (it was ignored)', async () => {
    const spec: ModelSpec = { ...CENTERNET_COCO, id: 'picky', location: { url: '/nowhere/model.json' }, unsupportedBackends: { wasm: 'no int32 BatchMatMul', cpu: 'too slow' } };
    await expect(pipeline('object-detection', { model: spec, backend: 'wasm' })).rejects.toEqual(code('BACKEND_UNAVAILABLE', "model 'picky' cannot run on wasm (wasm: no int32 BatchMatMul); no backend of this environment (wasm, cpu) can run it"));
    const odd = { ...spec, unsupportedBackends: 'wasm' } as unknown as ModelSpec;
    await expect(pipeline('object-detection', { model: odd, backend: 'wasm' })).rejects.toEqual(code('INVALID_OPTION', "unsupportedBackends is \"wasm\"; it must be an object of backend names and why"));
  });
});
