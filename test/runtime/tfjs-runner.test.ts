/**
 * The tfjs runner on real models shipped in npm packages: a graph model (CenterNet), a layers
 * model packed as .min.js modules (nsfwjs MobileNetV2), and a graph model given in memory.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  TfjsRunner,
  createTfjsRunner,
  imageToTensor,
  loadModel,
  loadPackedModel,
  prepareImage,
  type ModelRunner,
} from '../../src/node/index';
import { facePhoto } from '../helpers/photos';
import { MODELS, expectVisionError, values } from './helpers';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';

describe('graph model: CenterNet', () => {
  let runner: ModelRunner;
  beforeAll(async () => {
    runner = await loadModel(MODELS.centernet());
  });
  afterAll(() => runner.dispose());

  it('reports runtime, backend and the inputs/outputs as declared in model.json', () => {
    expect(runner.runtime).toBe('tfjs');
    expect(runner.backend).toBe('wasm');
    expect(runner).toBeInstanceOf(TfjsRunner);
    expect(runner.inputs).toEqual([{ name: 'tower_0/images', shape: [1, 512, 512, 3], dtype: 'float32' }]);
    // Output shapes/dtypes come from the model.json signature (the graph itself has none).
    expect([...runner.outputs].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'tower_0/detections', shape: [1, 100, 6], dtype: 'float32' },
      { name: 'tower_0/keypoints', shape: [1, 128, 128, 80], dtype: 'float32' },
      { name: 'tower_0/wh', shape: [1, 128, 128, 4], dtype: 'float32' },
    ]);
  });

  it('run with an outputs subset returns only those, with the declared shapes', async () => {
    const input = tf.zeros([1, 512, 512, 3]);
    const out = await runner.run({ 'tower_0/images': input }, { outputs: ['tower_0/detections'] });
    expect(Object.keys(out)).toEqual(['tower_0/detections']);
    expect(out['tower_0/detections'].dims).toEqual([1, 100, 6]);
    expect(out['tower_0/detections'].dtype).toBe('float32');
    expect(out['tower_0/detections'].data).toBeInstanceOf(Float32Array);
    expect(input.isDisposed).toBe(false);
    input.dispose();
  });

  it('run without options returns every output, shaped as declared; finds people in a photo', async () => {
    const { tensor } = await imageToTensor(facePhoto(1));
    const { input } = prepareImage(tensor, { width: 512, height: 512, fit: 'letterbox', padValue: 0 });
    tensor.dispose();
    const out = await runner.run({ 'tower_0/images': input });
    input.dispose();
    expect(Object.keys(out).sort()).toEqual(runner.outputs.map((o) => o.name).sort());
    for (const o of runner.outputs) expect(out[o.name].dims).toEqual(o.shape);
    const det = out['tower_0/detections'].data;
    let people = 0;
    for (let i = 0; i < 100; i++) if (det[i * 6 + 4] > 0.4 && det[i * 6 + 5] === 0) people++;
    expect(people).toBe(3); // the photo shows three people; CenterNet scores them 0.72, 0.67, 0.54
  });

  it('accepts a RawTensor feed and gives the same result as a tensor feed', async () => {
    const data = new Float32Array(512 * 512 * 3).map((_, i) => (i * 37) % 256);
    const a = await runner.run({ 'tower_0/images': { dtype: 'float32', dims: [1, 512, 512, 3], data } }, { outputs: ['tower_0/detections'] });
    const t = tf.tensor(data, [1, 512, 512, 3]);
    const b = await runner.run({ 'tower_0/images': t }, { outputs: ['tower_0/detections'] });
    t.dispose();
    expect(values(a['tower_0/detections'])).toEqual(values(b['tower_0/detections']));
  });

  it('execute keeps outputs as tensors the caller owns', async () => {
    const input = tf.zeros([1, 512, 512, 3]);
    const before = tf.memory().numTensors;
    const out = await (runner as TfjsRunner).execute({ 'tower_0/images': input }, { outputs: ['tower_0/detections', 'tower_0/wh'] });
    expect(Object.keys(out)).toEqual(['tower_0/detections', 'tower_0/wh']);
    expect(out['tower_0/wh'].shape).toEqual([1, 128, 128, 4]);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose(Object.values(out));
    input.dispose();
  });

  it('an unknown output name is INVALID_OPTION naming the real outputs', async () => {
    const input = tf.zeros([1, 512, 512, 3]);
    const error = await expectVisionError(runner.run({ 'tower_0/images': input }, { outputs: ['boxes'] }), 'INVALID_OPTION');
    expect(error.message).toContain('tower_0/detections');
    input.dispose();
  });
});

describe('layers model packed as .min.js: nsfwjs MobileNetV2', () => {
  let runner: ModelRunner;
  beforeAll(async () => {
    runner = await loadModel(MODELS.nsfw());
  });
  afterAll(() => runner.dispose());

  it('has input [-1,224,224,3] and 5 outputs', () => {
    expect(runner.runtime).toBe('tfjs');
    expect(runner.inputs).toHaveLength(1);
    expect(runner.inputs[0].shape).toEqual([-1, 224, 224, 3]);
    expect(runner.inputs[0].dtype).toBe('float32');
    expect(runner.outputs).toHaveLength(1);
    expect(runner.outputs[0].shape).toEqual([-1, 5]);
  });

  it('gives 5 probabilities summing to 1 for each image of a batch', async () => {
    const { tensor } = await imageToTensor(facePhoto(2));
    const one = prepareImage(tensor, { width: 224, height: 224, normalization: 'unit' }).input;
    tensor.dispose();
    const batch = tf.concat([one, tf.zerosLike(one)]);
    one.dispose();
    const out = await runner.run({ [runner.inputs[0].name]: batch });
    batch.dispose();
    const probs = out[runner.outputs[0].name];
    expect(probs.dims).toEqual([2, 5]);
    for (let b = 0; b < 2; b++) {
      const row = Array.from(probs.data.slice(b * 5, b * 5 + 5) as Float32Array);
      for (const p of row) expect(p).toBeGreaterThanOrEqual(0);
      expect(row.reduce((a, c) => a + c, 0)).toBeCloseTo(1, 4);
    }
    // Two different images, two different answers (the batch is not collapsed).
    expect(values(probs, 0, 5)).not.toEqual(values(probs, 5, 10));
  });

  it('loadPackedModel + createTfjsRunner give the same model', async () => {
    const files = await loadPackedModel({ model: MODELS.nsfw() });
    const direct = await createTfjsRunner(files);
    const input = tf.fill([1, 224, 224, 3], 0.5);
    const a = await direct.run({ [direct.inputs[0].name]: input });
    const b = await runner.run({ [runner.inputs[0].name]: input });
    input.dispose();
    direct.dispose();
    expect(values(Object.values(a)[0])).toEqual(values(Object.values(b)[0]));
  });
});

describe('a tfjs graph model given in memory as { json, weights }', () => {
  it('runs like the one loaded from its path (json parsed or as bytes, weights as one buffer or shards)', async () => {
    const path = MODELS.blazeface();
    const jsonBytes = new Uint8Array(readFileSync(path));
    const bin = new Uint8Array(readFileSync(path.replace(/\.json$/, '.bin')));
    const fromPath = await loadModel(path);
    const parsed = await loadModel({ json: JSON.parse(new TextDecoder().decode(jsonBytes)), weights: bin });
    const asBytes = await loadModel({ json: jsonBytes, weights: [bin.slice(0, 1000).buffer, bin.slice(1000)] });
    const input = tf.randomUniform([1, 256, 256, 3], 0, 1, 'float32', 7);
    const outs = [];
    for (const r of [fromPath, parsed, asBytes]) {
      expect(r.inputs).toEqual(fromPath.inputs);
      expect(r.outputs).toEqual(fromPath.outputs);
      outs.push(await r.run({ [r.inputs[0].name]: input }));
      r.dispose();
    }
    input.dispose();
    const name = Object.keys(outs[0])[0];
    expect(outs[0][name].data.length).toBeGreaterThan(0);
    for (const o of outs.slice(1)) expect(values(o[name])).toEqual(values(outs[0][name]));
  });
});

describe('tensor leaks', () => {
  it('numTensors is unchanged after many runs, failed runs included (graph and layers models)', async () => {
    const graph = await loadModel(MODELS.blazeface());
    const layers = await loadModel(MODELS.nsfw());
    const gName = graph.inputs[0].name;
    const lName = layers.inputs[0].name;
    const good = tf.zeros([1, 256, 256, 3]);
    const goodL = tf.zeros([1, 224, 224, 3]);
    const wrongShape = tf.zeros([1, 128, 128, 3]);
    const wrongType = tf.zeros([1, 256, 256, 3], 'int32');
    // Warm up (kernels, lazily created backend state), then count.
    await graph.run({ [gName]: good });
    await layers.run({ [lName]: goodL });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 12; i++) {
      await graph.run({ [gName]: good });
      await graph.run({ [gName]: { dtype: 'float32', dims: [1, 256, 256, 3], data: new Float32Array(256 * 256 * 3) } });
      await expectVisionError(graph.run({ [gName]: wrongShape }), 'INVALID_INPUT');
      await expectVisionError(graph.run({ [gName]: wrongType }), 'INVALID_INPUT');
      await expectVisionError(graph.run({ [gName]: good, extra: good }), 'INVALID_INPUT');
      await expectVisionError(graph.run({ [gName]: good }, { outputs: ['nope'] }), 'INVALID_OPTION');
      await expectVisionError(graph.run({ [gName]: { dtype: 'float32', dims: [1, 256, 256, 3], data: new Float32Array(5) } }), 'INVALID_INPUT');
      if (i % 4 === 0) {
        await layers.run({ [lName]: goodL });
        await expectVisionError(layers.run({ [lName]: wrongShape }), 'INVALID_INPUT');
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([good, goodL, wrongShape, wrongType]);
    const withModels = tf.memory().numTensors;
    graph.dispose();
    layers.dispose();
    expect(tf.memory().numTensors).toBeLessThan(withModels);
  });
});

describe('graph ops tfjs cannot run', () => {
  // image → 'FrobnicateV9' → Relu: tfjs loads such a graph and used to fail every run with "Unknown op"
  const oddGraph = (fuseConvolutions?: boolean) =>
    createTfjsRunner(
      buildTfjsGraphModel({
        input: { name: 'image', shape: [1, 2, 2, 1] },
        consts: [{ name: 'w', shape: [1], dtype: 'float32', values: [2] }],
        nodes: [{ name: 'odd', op: 'FrobnicateV9', input: ['image', 'w'], attr: { T: { type: 'DT_FLOAT' } } }, { name: 'out', op: 'Relu', input: ['odd'], attr: { T: { type: 'DT_FLOAT' } } }],
        output: { name: 'out', shape: [1, 2, 2, 1] },
      }),
      { fuseConvolutions },
    );

  it('are MODEL_FORMAT at creation, named, with the weights loaded so far freed', async () => {
    const before = tf.memory().numTensors;
    for (const fuse of [undefined, false]) {
      await expect(oddGraph(fuse)).rejects.toMatchObject({
        name: 'VisionError',
        code: 'MODEL_FORMAT',
        message: 'tfjs could not build the graph model (model.json): it uses ops tfjs has no kernel for: FrobnicateV9 (convert it with ops tfjs supports, or register them with tf.registerOp)',
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a hostile topology (a null node, a number as input, a string as inputs) is MODEL_FORMAT naming the file, not a bare TypeError', async () => {
    const json = (nodes: unknown[]) => ({ format: 'graph-model', modelTopology: { node: nodes }, weightsManifest: [{ paths: [], weights: [] }] });
    const conv = (input: unknown) => ({ name: 'c', op: 'Conv2D', input, attr: { T: { type: 'DT_FLOAT' }, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: 'U0FNRQ==' } } });
    const before = tf.memory().numTensors;
    for (const nodes of [[null], [{ name: 'x', op: 'Relu', input: 5 }], [conv('image')]]) {
      await expect(createTfjsRunner({ json: json(nodes), weights: [], name: 'hostile.json' }), JSON.stringify(nodes)).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringMatching(/^tfjs could not build the graph model \(hostile\.json\): /) });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('load and run once registered with tf.registerOp', async () => {
    tf.registerOp('FrobnicateV9', (node) => tf.mul(node.inputs[0], node.inputs[1]));
    try {
      const runner = await oddGraph();
      const out = await runner.run({ image: { dtype: 'float32', dims: [1, 2, 2, 1], data: Float32Array.of(-1, 0.5, 1, 3) } });
      expect(Array.from(out.out.data as Float32Array)).toEqual([0, 1, 2, 6]);
      runner.dispose();
    } finally {
      tf.deregisterOp('FrobnicateV9');
    }
  });
});

describe('reading the outputs back', () => {
  it('a readback that fails is INFERENCE_FAILED, the outputs freed (on WebGPU a lost device failed there with a bare DOMException)', async () => {
    const runner = await loadModel(MODELS.blazeface());
    const name = runner.inputs[0].name;
    const input = tf.zeros([1, 256, 256, 3]);
    await runner.run({ [name]: input });
    const before = tf.memory().numTensors;
    const readback = vi.spyOn(tf.Tensor.prototype, 'data').mockRejectedValueOnce(new DOMException("Failed to execute 'mapAsync' on 'GPUBuffer': The Device was lost", 'AbortError'));
    try {
      await expect(runner.run({ [name]: input })).rejects.toMatchObject({ name: 'VisionError', code: 'INFERENCE_FAILED', message: "tfjs could not read the model's outputs: Failed to execute 'mapAsync' on 'GPUBuffer': The Device was lost" });
    } finally {
      readback.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(await runner.run({ [name]: input }))).toHaveLength(runner.outputs.length);
    input.dispose();
    runner.dispose();
  });
});

describe('dispose() during a run', () => {
  it('lets the run finish and frees the model after it; later runs are DISPOSED and nothing is left', async () => {
    const before = tf.memory().numTensors;
    const runner = await loadModel(MODELS.blazeface());
    const name = runner.inputs[0].name;
    const input = tf.zeros([1, 256, 256, 3]);
    const running = runner.run({ [name]: input });
    runner.dispose(); // freed the weights mid-run: tfjs failed the graph ("Tensor is disposed") and kept its intermediates
    const out = await running;
    expect(out[runner.outputs[0].name].dims).toEqual(runner.outputs[0].shape.map((d) => (d === -1 ? 1 : d)));
    await expectVisionError(runner.run({ [name]: input }), 'DISPOSED');
    input.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loads at once for different backends', () => {
  it("build each model's weights on its own backend (the cpu model's were made on wasm, which the other load had made active)", async () => {
    const engineState = (tf.engine() as unknown as { state: { tensorInfo: WeakMap<object, { backend: unknown }> } }).state;
    const backendOf = (runner: TfjsRunner): unknown => engineState.tensorInfo.get(Object.values((runner.tfModel as tf.GraphModel).weights)[0][0].dataId)?.backend;
    const path = MODELS.blazeface();
    for (const order of [['cpu', 'wasm'], ['wasm', 'cpu']] as const) {
      const runners = (await Promise.all(order.map((backend) => loadModel(path, { backend })))) as TfjsRunner[];
      runners.forEach((runner, i) => {
        expect(runner.backend).toBe(order[i]);
        expect(backendOf(runner), `${order.join(' + ')}: the ${order[i]} model's weights`).toBe(tf.findBackend(order[i]));
      });
      runners.forEach((runner) => runner.dispose());
    }
  });
});
