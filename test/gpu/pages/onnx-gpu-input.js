// onnxruntime GPU-input test page (plain ESM, untranspiled): an ONNX detector runs on
// onnxruntime-web's webgpu EP, once with its input made on ORT's own GPUDevice by the GPU
// sampler (fed with Tensor.fromGpuBuffer) and once through the CPU path (`gpuSampling: false`:
// the picture read with getImageData, sampled in memory, uploaded by ORT). Every call counts
// what crosses between CPU and GPU — canvas/WebGL readbacks, mapped GPU buffers, uploads
// (writeBuffer, writeTexture, buffers mapped at creation) — and the GPU buffers alive. The
// same model also runs in a worker (the counting worker script: the same counters in the
// worker's thread) on frames transferred to it, as does a tiny tfjs model on tfjs-webgpu.
import * as vp from 'visionpipe';
import * as tf from '@tensorflow/tfjs';
import { counts, gpuBuffersAlive, resetCounts } from './transfer-counters.js';

await vp.selectTfjsBackend({ backend: 'wasm', wasmPaths: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/' });

const PHOTO = (n) => `/node_modules/@vladmandic/face-api/demo/sample${n}.jpg`;
async function photo(n) {
  const image = new Image();
  image.src = PHOTO(n);
  await image.decode();
  return image;
}

/** The photo as one input kind; `release` frees it. */
async function inputOf(n, kind) {
  const image = await photo(n);
  if (kind === 'image') return { input: image, release() {} };
  const bitmap = await createImageBitmap(image);
  if (kind === 'bitmap') return { input: bitmap, release: () => bitmap.close() };
  const frame = new VideoFrame(bitmap, { timestamp: 0 });
  bitmap.close();
  return { input: frame, release: () => frame.close() };
}

function differences(a, b, perGrey) {
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = Math.abs(a[i] - b[i]) / perGrey;
  const sorted = Float64Array.from(d).sort();
  return { p99: sorted[Math.floor(0.99 * (sorted.length - 1))], max: sorted[sorted.length - 1] };
}

/** Test-side readback of a GPU buffer (never part of a counted call). */
async function readBuffer(device, buffer, bytes) {
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const values = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return values;
}

let detector;
const plainDetections = (result) => result.detections.map((d) => ({ classId: d.classId, score: d.score, box: d.box }));

window.ortGpuTest = {
  async setup(url) {
    detector = await vp.pipeline('object-detection', {
      model: vp.yoloModel({ url, version: 'v8', inputSize: 128, labels: vp.COCO_LABELS }),
      executionProviders: ['webgpu'],
    });
    return { backend: detector.runner.backend, tfjsBackend: tf.getBackend(), gpuDevice: detector.runner.gpuDevice !== undefined };
  },

  /** The model input made on ORT's device vs the CPU path's, in grey levels. */
  async inputs(n, kind) {
    const { input, release } = await inputOf(n, kind);
    const device = detector.runner.gpuDevice;
    const spec = { ...detector.spec.input, dtype: 'float32' };
    try {
      const gpu = await vp.prepareGpuInput(input, spec, device);
      const bytes = gpu.input.dims.reduce((a, b) => a * b, 4);
      const a = await readBuffer(device, gpu.input.buffer, bytes);
      gpu.input.release();
      const cpu = await vp.prepareInput(input, spec, { gpuSampling: false });
      const b = await cpu.input.data();
      const result = { dims: gpu.input.dims, cpuShape: cpu.input.shape, transform: gpu.transform, cpuTransform: cpu.transform, diff: differences(a, b, 1 / 255) };
      cpu.input.dispose();
      return result;
    } finally {
      release();
    }
  },

  /** Detections and transfers of one run on each path, then GPU buffers alive over `more` GPU-path runs. */
  async detect(n, kind, more) {
    const { input, release } = await inputOf(n, kind);
    try {
      resetCounts();
      const gpu = await detector.run(input);
      const gpuCounts = { ...counts };
      resetCounts();
      const cpu = await detector.run(input, { gpuSampling: false });
      const cpuCounts = { ...counts };
      const buffersAfterOne = gpuBuffersAlive();
      const tensorsAfterOne = tf.memory().numTensors;
      for (let i = 0; i < more; i++) await detector.run(input);
      return {
        gpu: plainDetections(gpu),
        cpu: plainDetections(cpu),
        gpuCounts,
        cpuCounts,
        buffers: { afterOne: buffersAfterOne, afterMore: gpuBuffersAlive() },
        tensors: { afterOne: tensorsAfterOne, afterMore: tf.memory().numTensors },
        frameBytes: 4 * (input.naturalWidth ?? input.width ?? input.displayWidth) * (input.naturalHeight ?? input.height ?? input.displayHeight),
        inputBytes: 4 * 3 * 128 * 128,
        outputBytes: 4 * 84 * 64,
      };
    } finally {
      release();
    }
  },
};
/** Whether a frame the page handed over is gone from the page (transferred, not copied). */
function detached(input) {
  return input instanceof VideoFrame ? input.format === null : input.width === 0 && input.height === 0;
}

/**
 * Runs `pipeline` (in the counting worker) on `runs` frames made by `make`, each handed over;
 * the worker's transfer counts over the last run, and its GPU buffers after the first two (warm:
 * the first may still size pools) and after the last.
 */
async function runInWorker(pipeline, make, runs) {
  const call = (reset) => pipeline.worker.call((api) => api.transferCounts(reset));
  let result;
  let counted;
  let buffersWarm = 0;
  let transferred = true;
  for (let i = 0; i < runs; i++) {
    const frame = await make();
    if (i === runs - 1) await call(true);
    result = await pipeline.run(vp.handOver(frame));
    transferred &&= detached(frame);
    if (i === runs - 1) counted = await call(true);
    if (i === 1) buffersWarm = (await call(false)).buffers;
  }
  return { result, counts: counted, transferred, buffers: { warm: buffersWarm, afterMore: counted.buffers } };
}

/** The photo as a frame of one kind, made anew for each run (the worker takes it). */
function frameMaker(n, kind) {
  return async () => {
    const bitmap = await createImageBitmap(await photo(n));
    if (kind === 'bitmap') return bitmap;
    const frame = new VideoFrame(bitmap, { timestamp: 0 });
    bitmap.close();
    return frame;
  };
}

const WORKER_OPTIONS = { backend: 'wasm', wasmPaths: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/', timeoutMs: 120_000 };

Object.assign(window.ortGpuTest, {
  /**
   * The ONNX detector on the webgpu EP in a worker, on transferred frames of `kind`: its
   * detections, the worker's transfer counts, and the main thread's CPU-path detections.
   */
  async workerDetect(url, workerUrl, n, kind, runs) {
    const remote = await vp.createWorkerPipeline('object-detection', {
      ...WORKER_OPTIONS,
      workerUrl,
      model: vp.yoloModel({ url, version: 'v8', inputSize: 128, labels: vp.COCO_LABELS }),
      executionProviders: ['webgpu'],
    });
    try {
      const { result, counts: workerCounts, transferred, buffers } = await runInWorker(remote, frameMaker(n, kind), runs);
      const image = await photo(n);
      const cpu = await detector.run(image, { gpuSampling: false });
      return {
        backend: remote.runner.backend,
        runtime: remote.runner.runtime,
        gpu: plainDetections(result),
        cpu: plainDetections(cpu),
        counts: workerCounts,
        transferred,
        buffers,
        frameBytes: 4 * image.naturalWidth * image.naturalHeight,
        inputBytes: 4 * 3 * 128 * 128,
        outputBytes: 4 * 84 * 64,
      };
    } finally {
      remote.dispose();
    }
  },

  /** A tfjs graph model (`card`) on tfjs-webgpu in a worker, on transferred `side`×`side` bitmaps of `cells`. */
  async workerTfjsDetect(card, workerUrl, side, grid, cells, runs) {
    const remote = await vp.createWorkerPipeline('object-detection', { ...WORKER_OPTIONS, workerUrl, model: card, backend: 'webgpu' });
    const make = async () => {
      const canvas = new OffscreenCanvas(side, side);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, side, side);
      const cell = side / grid;
      for (const c of cells) {
        ctx.fillStyle = `rgb(${c.grey},${c.grey},${c.grey})`;
        ctx.fillRect(c.column * cell, c.row * cell, cell, cell);
      }
      return createImageBitmap(canvas);
    };
    try {
      const { result, counts: workerCounts, transferred, buffers } = await runInWorker(remote, make, runs);
      const memory = await remote.worker.memory();
      return {
        backend: remote.runner.backend,
        detections: result.detections.map((d) => ({ label: d.label, score: d.score, box: [d.box.x1, d.box.y1, d.box.x2, d.box.y2] })),
        counts: workerCounts,
        transferred,
        buffers,
        tfjsBackend: memory.backend,
        frameBytes: 4 * side * side,
      };
    } finally {
      remote.dispose();
    }
  },
});
window.ortGpuTestReady = true;
