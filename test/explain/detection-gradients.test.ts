/**
 * Gradient methods on detectors, per detection: the detection's score (the best raw candidate
 * of its class overlapping its box) differentiated through the pipeline's preprocessing.
 * Checked against central finite differences of the pipeline's own detection score on a small
 * smooth stand-in YOLOv8-format model, and for saliency on held-out shape scenes with the
 * trainable detector (cached in .cache/tta-detectors/ by trained-detectors.ts); Grad-CAM at a graph
 * model's node against its closed form.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, type DetectionTarget, TfjsRunner, explain, pipeline, selectTfjsBackend, yoloModel } from '../../src/node/index';
import { detectionScore } from '../../src/explain/detection-score';
import { imageGradient } from '../../src/explain/gradients';
import { inputMapToImage } from '../../src/explain/input-geometry';
import { createTfjsRunner } from '../../src/node/index';
import { buildTfjsGraphModel } from '../helpers/tfjs-graph-builder';
import { prepareModelInput, runModel } from '../../src/explain/explained-model';
import type { ShapeScene } from '../../src/testing/index';
import { shapeScenes } from '../helpers/scenes';
import { rng } from './presence-scenes';
import { LABELS, trainedDetector } from './trained-detectors';

const SIZE = 32;

/**
 * A smooth (tanh / sigmoid) random detector with a YOLO raw layout: v8 [1, 4+1, 16] (boxes,
 * class score) or v5 [1, 16, 5+1] (boxes, objectness, class score; `v5n`: boxes as fractions of
 * the input, as YOLOv5 TF.js exports) — a 4×4 grid of candidates, boxes (cx, cy, w, h) near the
 * input's centre, all depending on the pixels.
 */
function standInYolo(version: 'v5' | 'v5n' | 'v8'): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  const conv = (filters: number, activation: 'tanh' | 'sigmoid', seed: number) =>
    tf.layers.conv2d({ filters, kernelSize: 8, strides: 8, activation, kernelInitializer: tf.initializers.glorotNormal({ seed }) }).apply(input) as tf.SymbolicTensor;
  const cells = (SIZE / 8) ** 2;
  const rawBoxes = tf.layers.reshape({ targetShape: [cells, 4] }).apply(conv(4, 'tanh', 3)) as tf.SymbolicTensor;
  const boxKernel = tf.tensor2d([4, 0, 0, 0, 0, 4, 0, 0, 0, 0, 6, 0, 0, 0, 0, 6], [4, 4]);
  const boxScale = version === 'v5n' ? 1 / SIZE : 1;
  const boxes = tf.layers.dense({ units: 4, weights: [tf.mul(boxKernel, boxScale), tf.mul(tf.tensor1d([16, 16, 18, 18]), boxScale)] }).apply(rawBoxes) as tf.SymbolicTensor;
  const scores = tf.layers.reshape({ targetShape: [cells, 1] }).apply(conv(1, 'sigmoid', 4)) as tf.SymbolicTensor;
  if (version !== 'v8') {
    const objectness = tf.layers.reshape({ targetShape: [cells, 1] }).apply(conv(1, 'sigmoid', 5)) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: tf.layers.concatenate({ axis: -1 }).apply([boxes, objectness, scores]) as tf.SymbolicTensor });
  }
  const rows = tf.layers.concatenate({ axis: -1 }).apply([boxes, scores]) as tf.SymbolicTensor;
  const output = tf.layers.permute({ dims: [2, 1] }).apply(rows) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

function boxShare(box: DetectionTarget['box'], width: number, height: number): number {
  return ((box.x2 - box.x1) * (box.y2 - box.y1)) / (width * height);
}

describe('explain: gradient methods on YOLO-format detectors (cpu backend)', () => {
  let previousBackend = '';
  const standIns: Record<string, tf.LayersModel> = {};
  const smooth: Record<string, DetectionPipeline> = {};
  let trained: tf.LayersModel;
  let detector: DetectionPipeline;
  let scenes: ShapeScene[] = [];
  beforeAll(async () => {
    previousBackend = tf.getBackend();
    // the trained detector is cached by the wasm-backed TTA test; train (if needed) there, explain on the cpu
    await selectTfjsBackend({ backend: 'wasm' });
    trained = (await trainedDetector(7)).model;
    await tf.setBackend('cpu');
    for (const version of ['v8', 'v5', 'v5n'] as const) {
      const model = standInYolo(version);
      standIns[version] = model;
      const plain = yoloModel({ url: 'memory', version: version === 'v8' ? 'v8' : 'v5', format: 'tfjs', inputSize: SIZE, labels: ['thing'], numExtras: 0 });
      // the family of the catalogue's YOLOv5s TF.js export (yolov5s-coco)
      const smoothSpec = version === 'v5n' ? { ...plain, family: 'yolov5-normalized' } : plain;
      smooth[version] = await pipeline('object-detection', { model: new TfjsRunner(model, 'cpu'), spec: smoothSpec, threshold: 0.01 });
    }
    const spec = yoloModel({ url: 'memory', version: 'v8', format: 'tfjs', inputSize: 64, labels: LABELS, numExtras: 8 });
    detector = await pipeline('object-detection', { model: new TfjsRunner(trained, 'cpu'), spec, threshold: 0.25 });
    scenes = (await shapeScenes(8, 32)).slice(0, 4);
  }, 900_000);
  afterAll(async () => {
    Object.values(smooth).forEach((p) => p.dispose());
    detector.dispose();
    Object.values(standIns).forEach((m) => m.dispose());
    trained.dispose();
    if (previousBackend) await tf.setBackend(previousBackend);
  });

  it.each(['v8', 'v5', 'v5n'])("the detection score's gradient equals central finite differences of the pipeline's detection score (YOLO%s layout, relative tolerance 1e-3)", async (version) => {
    const detectorOf = smooth[version];
    const random = rng(11);
    const [width, height] = [48, 36]; // letterboxed into 32×32
    const pixels = Float32Array.from({ length: width * height * 3 }, () => 20 + random() * 215);
    const image = tf.tensor3d(pixels, [height, width, 3]);
    const { detections } = await detectorOf.run(image);
    const target = detections[0];
    const prepared = await prepareModelInput(detectorOf, image);
    const read = detectionScore(detectorOf, await runModel(detectorOf, prepared.input), prepared.transform, target, 0.5);
    prepared.input.dispose();
    const gradient = imageGradient(detectorOf, standIns[version], image, read);
    const wanted = [target.box.x1, target.box.y1, target.box.x2, target.box.y2];
    const score = async (values: Float32Array) => {
      const input = tf.tensor3d(values, [height, width, 3]);
      const found = (await detectorOf.run(input)).detections;
      input.dispose();
      // the same detection: the box nearest the target's (it moves a hair with the pixel)
      const distance = (d: (typeof found)[number]) => [d.box.x1, d.box.y1, d.box.x2, d.box.y2].reduce((s, v, k) => s + Math.abs(v - wanted[k]), 0);
      return found.reduce((best, d) => (distance(d) < distance(best) ? d : best)).score;
    };
    const step = 1;
    const errors: number[] = [];
    // a candidate sees one 8×8 cell of the model input: most samples where the score depends on the pixel, some anywhere
    const dependent = [...gradient.keys()].filter((i) => gradient[i] !== 0);
    expect(dependent.length).toBeGreaterThan(0);
    for (let k = 0; k < 12; k++) {
      const index = k < 9 ? dependent[Math.floor(random() * dependent.length)] : Math.floor(random() * pixels.length);
      const plus = pixels.slice();
      const minus = pixels.slice();
      plus[index] += step;
      minus[index] -= step;
      const numeric = ((await score(plus)) - (await score(minus))) / (2 * step);
      const scale = Math.max(Math.abs(numeric), 1e-4);
      errors.push(Math.abs(gradient[index] - numeric) / scale);
      expect(errors[k], `pixel value ${index}: analytic ${gradient[index]} numeric ${numeric}`).toBeLessThan(1e-3);
    }
    console.log(`YOLO${version} detection gradient vs central differences: max relative error ${Math.max(...errors).toExponential(2)} over ${errors.length} pixel values (score ${target.score.toFixed(3)}; ${dependent.length} of ${gradient.length} gradient values non-zero)`);
    image.dispose();
  });

  it('gradients, SmoothGrad and Grad-CAM put more heat inside the detected shape than its box covers, leaking nothing', async () => {
    const figures: Record<string, number[]> = { gradients: [], smoothgrad: [], 'grad-cam': [] };
    const shares: number[] = [];
    const tensors = tf.memory().numTensors;
    for (const scene of scenes) {
      const { detections } = await detector.run(scene.image);
      const target = detections[0];
      if (!target) continue;
      shares.push(boxShare(target.box, scene.image.width, scene.image.height));
      for (const method of ['gradients', 'smoothgrad', 'grad-cam'] as const) {
        const extra = method === 'grad-cam' ? { layer: 'c4' } : method === 'smoothgrad' ? { samples: 8 } : {};
        const { heatMap, score } = await explain(detector, scene.image, { method, target, ...extra });
        expect(score).toBeCloseTo(target.score, 4);
        figures[method].push(heatMap.massInside(target.box));
        heatMap.close();
      }
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(shares.length).toBeGreaterThanOrEqual(3);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    console.log(
      `trainable detector, ${shares.length} held-out scenes: box covers ${(100 * mean(shares)).toFixed(1)} % of the image on average; heat inside it: ` +
        Object.entries(figures).map(([m, v]) => `${m} ${(100 * mean(v)).toFixed(1)} % (min ${(100 * Math.min(...v)).toFixed(1)} %)`).join(', '),
    );
    for (const values of Object.values(figures)) {
      expect(mean(values)).toBeGreaterThan(2 * mean(shares));
      values.forEach((v, k) => expect(v).toBeGreaterThan(shares[k]));
    }
  });

  it('Grad-CAM on a graph-model detector (fed at a node) equals its closed form', async () => {
    // image [1,32,32,3] → Conv2D 8×8 stride 8 → Sigmoid 'act' [1,4,4,5] → ×scale + bias → [1,16,5] → [1,5,16] (YOLOv8 layout)
    const random = rng(21);
    const T = { T: { type: 'DT_FLOAT' } };
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const filter = Float32Array.from({ length: 8 * 8 * 3 * 5 }, () => (random() - 0.5) * 0.2);
    const files = buildTfjsGraphModel({
      input: { name: 'image', shape: [1, SIZE, SIZE, 3] },
      output: { name: 'out', shape: [1, 5, 16] },
      consts: [
        { name: 'filter', shape: [8, 8, 3, 5], dtype: 'float32', values: filter },
        { name: 'scale', shape: [5], dtype: 'float32', values: Float32Array.of(8, 8, 12, 12, 1) },
        { name: 'bias', shape: [5], dtype: 'float32', values: Float32Array.of(12, 12, 12, 12, 0) },
        { name: 'rowsShape', shape: [3], dtype: 'int32', values: [1, 16, 5] },
        { name: 'perm', shape: [3], dtype: 'int32', values: [0, 2, 1] },
      ],
      nodes: [
        { name: 'conv', op: 'Conv2D', input: ['image', 'filter'], attr: { ...T, strides: { list: { i: ['1', '8', '8', '1'] } }, padding: { s: b64('VALID') }, data_format: { s: b64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } } } },
        { name: 'act', op: 'Sigmoid', input: ['conv'], attr: T },
        { name: 'scaled', op: 'Mul', input: ['act', 'scale'], attr: T },
        { name: 'shifted', op: 'AddV2', input: ['scaled', 'bias'], attr: T },
        { name: 'rows', op: 'Reshape', input: ['shifted', 'rowsShape'], attr: { ...T, Tshape: { type: 'DT_INT32' } } },
        { name: 'out', op: 'Transpose', input: ['rows', 'perm'], attr: { ...T, Tperm: { type: 'DT_INT32' } } },
      ],
    });
    const runner = await createTfjsRunner(files, { backend: 'cpu' });
    const spec = yoloModel({ url: 'memory', version: 'v8', format: 'tfjs', inputSize: SIZE, labels: ['thing'], numExtras: 0 });
    const graphDetector = await pipeline('object-detection', { model: runner, spec, threshold: 0.01 });
    const raw = { data: Float32Array.from({ length: SIZE * SIZE * 3 }, () => random() * 255), width: SIZE, height: SIZE, channels: 3 as const };
    const target = (await graphDetector.run(raw)).detections[0];
    const tensors = tf.memory().numTensors;
    const { heatMap } = await explain(graphDetector, raw, { method: 'grad-cam', layer: 'act', target });
    expect(tf.memory().numTensors).toBe(tensors);
    // closed form: the score is one candidate's class activation, so α = 1/16 on the class channel, 0 elsewhere: CAM = act[…, 4] / 16
    const prepared = await prepareModelInput(graphDetector, raw);
    const classGrid = tf.tidy(() => {
      const a = tf.sigmoid(tf.conv2d(prepared.input as tf.Tensor4D, tf.tensor4d(filter, [8, 8, 3, 5]), 8, 'valid'));
      return tf.slice(a, [0, 0, 0, 4], [1, 4, 4, 1]).dataSync();
    });
    const expected = inputMapToImage(classGrid, 4, 4, prepared.transform);
    prepared.input.dispose();
    const max = Math.max(...expected);
    const heat = heatMap.toFloat32Array();
    expected.forEach((v, i) => expect(heat[i]).toBeCloseTo(v / max, 4));
    heatMap.close();
    graphDetector.dispose();

    // on wasm (no Conv2DBackpropFilter kernel): a cut after the only convolution needs no filter
    // gradient — the same map (it was refused for any graph with a convolution anywhere, then
    // failed in gather's gradient); a cut before the convolution is refused before anything runs
    const wasmRunner = await createTfjsRunner(files, { backend: 'wasm' });
    try {
      expect(tf.getBackend()).toBe('wasm');
      const onWasm = await pipeline('object-detection', { model: wasmRunner, spec, threshold: 0.01 });
      const before = tf.memory().numTensors;
      const cam = await explain(onWasm, raw, { method: 'grad-cam', layer: 'act', target });
      const wasmHeat = cam.heatMap.toFloat32Array();
      expected.forEach((v, i) => expect(wasmHeat[i]).toBeCloseTo(v / max, 4));
      cam.heatMap.close();
      await expect(explain(onWasm, raw, { method: 'grad-cam', layer: 'image', target })).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('Conv2DBackpropFilter') });
      expect(tf.memory().numTensors).toBe(before);
      onWasm.dispose();
    } finally {
      wasmRunner.dispose();
      await selectTfjsBackend({ backend: 'cpu' });
    }
  });

  it('needs a candidate overlapping the target, and a family with raw per-candidate scores', async () => {
    const image = scenes[0].image;
    const far: DetectionTarget = { box: { x1: 0, y1: 0, x2: 2, y2: 2 }, classId: 0 };
    const tensors = tf.memory().numTensors;
    await expect(explain(detector, image, { method: 'gradients', target: far })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
