/**
 * A card whose `input` cannot work is refused when the pipeline is created, before any file is
 * read, naming the field and what is allowed; every catalogue card passes the same check. A card
 * whose `outputs` name an output the model does not have is refused when the model is loaded
 * (real tfjs graph and ONNX models built here), naming it and listing the model's outputs.
 */
import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG } from '../../src/models/catalog';
import { type ModelRunner, type ModelSpec, loadModel, pipeline } from '../../src/node/index';
import { checkCardFields } from '../../src/pipelines/shared/card-fields-check';
import { checkCardInput } from '../../src/pipelines/shared/card-input-check';
import { colourOnnxModel } from '../helpers/colour-onnx';
import { cellDetectorCard, cellDetectorFiles } from '../soak/cell-detector';

const card = (input: Record<string, unknown>): ModelSpec =>
  ({
    id: 'probe', task: 'image-classification', family: 'probabilities', format: 'tfjs',
    location: { url: 'https://127.0.0.1:9/never-fetched/model.json' },
    input: { width: 16, height: 16, ...input }, labels: ['a', 'b', 'c'],
  }) as unknown as ModelSpec;

describe('model card input checks', () => {
  it.each([
    [{ normalization: { mean: ['a', 'b', 'c'] } }, /normalization\.mean is \["a", "b", "c"\]; it must be 3 finite numbers/],
    [{ normalization: { std: [1e-300, 1e-300, 1e-300] } }, /normalization\.std is \[1e-300, .*magnitude ≥ 0\.000001/],
    [{ normalization: { std: ['2', '2', '2'] } }, /normalization\.std is \["2", "2", "2"\]/],
    [{ normalization: { scale: 'x' } }, /normalization\.scale is "x"; it must be a finite non-zero number/],
    [{ normalization: 'bogus' }, /unknown normalization "bogus"; allowed: none, unit, symmetric, imagenet/],
    [{ fit: 'bogus' }, /input\.fit is "bogus"; allowed: 'stretch', 'letterbox', 'center-crop'/],
    [{ layout: 'xyz' }, /input\.layout is "xyz"; allowed: 'nhwc', 'nchw'/],
    [{ channelOrder: 'rgba' }, /input\.channelOrder is "rgba"; allowed: 'rgb', 'bgr'/],
    [{ interpolation: 'cubic' }, /input\.interpolation is "cubic"; allowed: 'bilinear', 'nearest'/],
    [{ dtype: 'float64' }, /input\.dtype is "float64"; allowed: 'float32', 'int32'/],
    [{ padValue: 'x' }, /input\.padValue is "x"; it must be a number in \[0, 255\]/],
    [{ width: 0 }, /input\.width is 0; it must be an integer in \[1, 16384\]/],
    // a misspelt field was passed over: the model ran unnormalised
    [{ normalisation: 'imagenet' }, /input has unknown field\(s\) normalisation; allowed: width, height, fit, cropFraction, antialias, interpolation, channelOrder, padValue, normalization, layout, dtype/],
    [{ cropfraction: 0.875 }, /input has unknown field\(s\) cropfraction/],
  ])('%j is INVALID_OPTION at creation', async (input, message) => {
    const created = pipeline('image-classification', { model: card(input) });
    await expect(created).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(message) });
  });

  // a misspelt field of the card itself was passed over: the default it meant to change stayed
  it.each([
    [{ famliy: 'logits' }, /^model 'probe': its card has unknown field\(s\) famliy; a card's fields are id, task, family, /],
    [{ defaults: { topk: 1 } }, /^model 'probe': defaults has unknown field\(s\) topk; allowed: threshold, iouThreshold, maxDetections, topK$/],
    [{ defaults: 3 }, /^model 'probe': defaults is 3; it must be an object/],
  ])('a card with %j is INVALID_OPTION at creation, before anything loads', async (fields, message) => {
    const created = pipeline('image-classification', { model: { ...card({}), ...fields } as ModelSpec });
    await expect(created).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(message) });
  });

  it("a card without a task says so (it read \"is for undefined\")", async () => {
    const { task: _task, ...taskless } = card({}) as unknown as Record<string, unknown>;
    await expect(pipeline('image-classification', { model: taskless as never })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: "model 'probe': its card has no task (task is undefined); this pipeline takes task: 'image-classification'" });
  });

  it('every catalogue card and plain good inputs pass', () => {
    for (const spec of Object.values(MODEL_CATALOG)) {
      expect(() => checkCardInput(spec.id, spec.input), spec.id).not.toThrow();
      expect(() => checkCardFields(spec), spec.id).not.toThrow();
    }
    const good = { width: 8, height: 8, fit: 'letterbox', padValue: 0, layout: 'nchw', channelOrder: 'bgr', interpolation: 'nearest', dtype: 'int32' };
    expect(() => checkCardInput('mine', { ...good, normalization: { scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 1e-6, -2] } })).not.toThrow();
  });

  /** A 3-class classifier whose output shape is `declared` (-1: unknown until it runs). */
  const threeClasses = (declared: number): ModelRunner => ({
    runtime: 'tfjs', backend: 'cpu', metadata: {},
    inputs: [{ name: 'x', shape: [-1, 16, 16, 3], dtype: 'float32' }],
    outputs: [{ name: 'y', shape: [-1, declared], dtype: 'float32' }],
    run: async () => ({ y: { dtype: 'float32', dims: [1, 3], data: new Float32Array([0.2, 0.3, 0.5]) } }),
    dispose: () => {},
  });
  const image = { data: new Uint8Array(16 * 16 * 3), width: 16, height: 16, channels: 3 as const };

  it("a card of another input size than its model says which fields to set; one without a family too (a TypeError)", async () => {
    const { family: _family, ...familyless } = { ...card({ width: 8, height: 8 }) };
    for (const spec of [card({ width: 8, height: 8 }), familyless as ModelSpec]) {
      await expect(pipeline('image-classification', { model: threeClasses(3), spec })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        message: "model 'probe' takes 16×16 images but its spec says 8×8; set the card's input.width and input.height to the model's",
      });
    }
  });

  it.each([2, 5])('%i labels for a 3-class classifier are MODEL_FORMAT at creation, or at the first run when the shape is unknown', async (count) => {
    const spec = { ...card({ normalization: 'unit' }), labels: ['a', 'b', 'c', 'd', 'e'].slice(0, count) };
    const message = expect.stringMatching(new RegExp(`gives 3 scores per image .* its card has ${count} labels`));
    await expect(pipeline('image-classification', { model: threeClasses(3), spec })).rejects.toMatchObject({ code: 'MODEL_FORMAT', message });
    const classifier = await pipeline('image-classification', { model: threeClasses(-1), spec });
    await expect(classifier.run(image)).rejects.toMatchObject({ code: 'MODEL_FORMAT', message });
    classifier.dispose();
    const fitting = await pipeline('image-classification', { model: threeClasses(3), spec: { ...spec, labels: ['a', 'b', 'c'] } });
    expect((await fitting.run(image)).classes[0]).toMatchObject({ label: 'c', classId: 2 });
    fitting.dispose();
  });

  it('an output of several rows per image is MODEL_FORMAT, at creation and at the run (its first row was read as the scores)', async () => {
    const rows = (shape: number[]): ModelRunner => ({
      runtime: 'onnxruntime',
      backend: 'wasm',
      metadata: {},
      inputs: [{ name: 'x', shape: [1, 16, 16, 3], dtype: 'float32' }],
      outputs: [{ name: 'y', shape, dtype: 'float32' }],
      run: async () => ({ y: { dtype: 'float32', dims: [1, 2, 2], data: new Float32Array([0, 1, 9, 0]) } }),
      dispose: () => {},
    });
    const spec = { ...card({ normalization: 'unit' }), labels: ['a', 'b'] };
    const message = expect.stringMatching(/gives 4 scores per image .* its card has 2 labels; give one label per class \(an output of several rows per image is no classifier's\)/);
    await expect(pipeline('image-classification', { model: rows([1, 2, 2]), spec })).rejects.toMatchObject({ code: 'MODEL_FORMAT', message });
    const dynamic = await pipeline('image-classification', { model: rows([1, -1, 2]), spec });
    await expect(dynamic.run(image)).rejects.toMatchObject({ code: 'MODEL_FORMAT', message });
    dynamic.dispose();
  });
});

describe('model card outputs checked against the model at creation', () => {
  /** A real ONNX colour classifier: one output, `logits`. */
  const colourModel = colourOnnxModel;
  const colourCard = (outputs: string[]): ModelSpec => ({
    id: 'colour', task: 'image-classification', family: 'logits', format: 'onnx', location: { url: 'colour.onnx' },
    input: { width: 32, height: 32, normalization: 'unit', layout: 'nchw' }, labels: ['red', 'green', 'blue'], outputs,
  });
  /** The soak's tiny tfjs graph detector: outputs `boxes` and `scores`, internal nodes such as `score_logits`. */
  const cellCard = (outputs: string[]): ModelSpec => ({ ...cellDetectorCard('never-fetched/model.json'), outputs });
  const red = { data: new Uint8Array(32 * 32 * 3).fill(0).map((_, i) => (i % 3 === 0 ? 220 : 30)), width: 32, height: 32, channels: 3 as const };

  it('an ONNX model without a named output is INVALID_OPTION at creation, naming it and the real outputs', async () => {
    const created = pipeline('image-classification', { model: colourCard(['logits', 'probs']), modelSource: colourModel() });
    await expect(created).rejects.toMatchObject({ code: 'INVALID_OPTION', message: "model 'colour' has no output 'probs' named in its card's outputs; its outputs are: logits" });
    const good = await pipeline('image-classification', { model: colourCard(['logits']), modelSource: colourModel() });
    expect((await good.run(red)).classes[0].label).toBe('red');
    good.dispose();
  });

  it('a tfjs graph model without named outputs is INVALID_OPTION at creation; its internal nodes are accepted as before', async () => {
    const created = pipeline('object-detection', { model: cellCard(['boxes', 'score', 'Identity']), modelSource: cellDetectorFiles(), backend: 'cpu' });
    await expect(created).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/^model 'soak-cell-detector' has no output 'score', 'Identity' named in its card's outputs; its outputs are: boxes, scores \(a tfjs graph model also takes the names of its internal nodes\)$/),
    });
    const good = await pipeline('object-detection', { model: cellCard(['boxes', 'scores', 'score_logits']), modelSource: cellDetectorFiles(), backend: 'cpu' });
    expect((await good.run(red)).detections).toEqual([]);
    good.dispose();
  });

  it('a ready runner is checked the same way; outputs that are not a list of names are INVALID_OPTION', async () => {
    const runner = await loadModel(colourModel());
    try {
      await expect(pipeline('image-classification', { model: runner, spec: colourCard(['nope']) })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("has no output 'nope'") });
      await expect(pipeline('image-classification', { model: runner, spec: colourCard('logits' as never) })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('outputs is "logits"; it must be a list of the model\'s output names') });
    } finally {
      runner.dispose();
    }
  });
});
