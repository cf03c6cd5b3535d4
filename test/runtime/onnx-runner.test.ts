/**
 * The onnxruntime runner on a real ONNX model (PaddleOCR v4 text detector): onnxruntime-node
 * (the Node entry's default) and onnxruntime-web's wasm backend agree on the same input.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxRunner, createOnnxRunner, imageToTensor, loadModel, prepareImage, type ModelRunner, type RawTensor } from '../../src/node/index';
import sharp from 'sharp';
import { MODELS, expectVisionError, values } from './helpers';

/** A PNG of two lines of letter-like strokes on white, 256×96. */
async function glyphImage(): Promise<Uint8Array> {
  let glyphs = '';
  for (let line = 0; line < 2; line++) {
    for (let i = 0; i < 14; i++) {
      const x = 10 + i * 16 + Math.floor(i / 4) * 10;
      const y = 20 + line * 40;
      glyphs += `<rect x="${x}" y="${y}" width="3" height="20"/><rect x="${x}" y="${y + (i % 3) * 8}" width="10" height="3"/><rect x="${x + 8}" y="${y + 6}" width="3" height="14"/>`;
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="96"><rect width="256" height="96" fill="white"/><g fill="black">${glyphs}</g></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

let nodeRunner: ModelRunner;
let webRunner: ModelRunner;
let photo: RawTensor;

beforeAll(async () => {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  [nodeRunner, webRunner] = await Promise.all([loadModel(MODELS.ocrDet()), createOnnxRunner(MODELS.ocrDet(), { ort })]);
  // Text-like strokes on white (drawn as SVG rectangles: no fonts needed), 96×128 (multiples
  // of 32), ImageNet-normalised, NCHW — the detector's input.
  const { tensor } = await imageToTensor(await glyphImage());
  const { input } = prepareImage(tensor, { width: 128, height: 96, normalization: 'imagenet', layout: 'nchw' });
  tensor.dispose();
  photo = { dtype: 'float32', dims: input.shape, data: input.dataSync() as Float32Array };
  input.dispose();
});

afterAll(() => {
  nodeRunner.dispose();
  webRunner.dispose();
});

describe('PaddleOCR det on onnxruntime', () => {
  it('onnxruntime-node is the default in Node, on the cpu provider', () => {
    expect(nodeRunner).toBeInstanceOf(OnnxRunner);
    expect(nodeRunner.runtime).toBe('onnxruntime');
    expect(nodeRunner.backend).toBe('cpu');
    expect(webRunner.runtime).toBe('onnxruntime');
    expect(webRunner.backend).toBe('wasm');
  });

  it('metadata: -1 for dynamic dimensions, float32', () => {
    for (const r of [nodeRunner, webRunner]) {
      expect(r.inputs).toEqual([{ name: 'x', shape: [-1, 3, -1, -1], dtype: 'float32' }]);
      expect(r.outputs).toHaveLength(1);
      expect(r.outputs[0].shape).toEqual([-1, 1, -1, -1]);
      expect(r.outputs[0].dtype).toBe('float32');
    }
  });

  it('node and web (wasm) give the same probability map within 1e-4', async () => {
    const [a, b] = await Promise.all([nodeRunner.run({ x: photo }), webRunner.run({ x: photo })]);
    const name = nodeRunner.outputs[0].name;
    expect(a[name].dims).toEqual([1, 1, 96, 128]);
    expect(b[name].dims).toEqual([1, 1, 96, 128]);
    const pa = a[name].data as Float32Array;
    const pb = b[name].data as Float32Array;
    let max = 0;
    for (let i = 0; i < pa.length; i++) max = Math.max(max, Math.abs(pa[i] - pb[i]));
    expect(max).toBeLessThan(1e-4);
    // A probability map in [0, 1] that finds the strokes: high on part of the image, not all of it.
    expect(Math.min(...pa)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...pa)).toBeLessThanOrEqual(1);
    const text = pa.filter((p) => p > 0.3).length / pa.length;
    expect(text).toBeGreaterThan(0.05);
    expect(text).toBeLessThan(0.6);
  });

  it('dynamic sizes: another H×W and a batch of 2 run; a tf tensor feed equals the raw feed', async () => {
    const data = new Float32Array(2 * 3 * 64 * 32).map((_, i) => Math.sin(i) * 2);
    const out = await nodeRunner.run({ x: { dtype: 'float32', dims: [2, 3, 64, 32], data } });
    const name = nodeRunner.outputs[0].name;
    expect(out[name].dims).toEqual([2, 1, 64, 32]);
    const t = tf.tensor(data, [2, 3, 64, 32]);
    const viaTensor = await webRunner.run({ x: t });
    expect(t.isDisposed).toBe(false);
    t.dispose();
    const pa = out[name].data as Float32Array;
    const pb = viaTensor[name].data as Float32Array;
    for (let i = 0; i < pa.length; i += 97) expect(Math.abs(pa[i] - pb[i])).toBeLessThan(1e-4);
  });

  it('outputs are copies the caller owns (a later run does not overwrite them)', async () => {
    const name = nodeRunner.outputs[0].name;
    const first = await nodeRunner.run({ x: photo });
    const copy = Float32Array.from(first[name].data as Float32Array);
    await nodeRunner.run({ x: { dtype: 'float32', dims: [1, 3, 96, 128], data: new Float32Array(3 * 96 * 128) } });
    expect(values(first[name])).toEqual(Array.from(copy));
  });

  it('an unknown output name is INVALID_OPTION', async () => {
    await expectVisionError(nodeRunner.run({ x: photo }, { outputs: ['nope'] }), 'INVALID_OPTION');
  });

  it('a size the network cannot take is INFERENCE_FAILED, and the session still works', async () => {
    const name = nodeRunner.outputs[0].name;
    for (const r of [nodeRunner, webRunner]) {
      // 40×40 passes validation (H, W are dynamic) but is not a multiple of 32: the FPN cannot
      // add its mismatched feature maps.
      const error = await r.run({ x: { dtype: 'float32', dims: [1, 3, 40, 40], data: new Float32Array(3 * 40 * 40) } }).then(
        () => null,
        (e: unknown) => e as { code?: string },
      );
      expect(error?.code).toBe('INFERENCE_FAILED');
      const out = await r.run({ x: photo });
      expect(out[name].dims).toEqual([1, 1, 96, 128]);
    }
  });

  it('dispose() during a run: the run finishes, the session is released after it, later runs are DISPOSED', async () => {
    for (const make of [() => loadModel(MODELS.ocrDet()), async () => createOnnxRunner(MODELS.ocrDet(), { ort: await import('onnxruntime-web') })]) {
      const runner = (await make()) as OnnxRunner;
      const session = (runner as unknown as { session: { release(): Promise<void> } }).session;
      let released = false;
      const release = session.release.bind(session);
      session.release = () => {
        released = true;
        return release();
      };
      const running = runner.run({ x: photo });
      runner.dispose(); // onnxruntime-node released the session mid-run (a native abort of the process is possible)
      expect(released).toBe(false);
      expect((await running)[runner.outputs[0].name].dims).toEqual([1, 1, 96, 128]);
      expect(released).toBe(true);
      await expectVisionError(runner.run({ x: photo }), 'DISPOSED');
    }
  });
});

describe('the ort option', () => {
  it('must be an onnxruntime module: anything else is INVALID_OPTION (an empty object was BACKEND_UNAVAILABLE "Cannot read properties of undefined")', async () => {
    for (const ort of [{}, null, 'onnxruntime-web', { InferenceSession: {} }]) {
      const error = await expectVisionError(createOnnxRunner(MODELS.ocrDet(), { ort }), 'INVALID_OPTION');
      expect(error.message).toMatch(/^ort is .*; it must be an onnxruntime module \(import \* as ort from 'onnxruntime-web'\), with InferenceSession\.create and Tensor$/);
    }
  });
});
