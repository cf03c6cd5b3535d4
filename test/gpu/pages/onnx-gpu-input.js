// onnxruntime GPU-input test page (plain ESM, untranspiled): an ONNX detector runs on
// onnxruntime-web's webgpu EP, once with its input made on ORT's own GPUDevice by the GPU
// sampler (fed with Tensor.fromGpuBuffer) and once through the CPU path (`gpuSampling: false`:
// the picture read with getImageData, sampled in memory, uploaded by ORT). Every call counts
// what crosses between CPU and GPU — canvas/WebGL readbacks, mapped GPU buffers, uploads
// (writeBuffer, writeTexture, buffers mapped at creation) — and the GPU buffers alive.
import * as vp from 'visionpipe';
import * as tf from '@tensorflow/tfjs';

await vp.selectTfjsBackend({ backend: 'wasm', wasmPaths: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/' });

const counts = { getImageData: 0, readPixels: 0, mapAsync: 0, mappedBytes: 0, largestMap: 0, uploadedBytes: 0, largestUpload: 0 };
let liveBuffers = 0;
function resetCounts() {
  for (const key of Object.keys(counts)) counts[key] = 0;
}
function upload(bytes) {
  counts.uploadedBytes += bytes;
  counts.largestUpload = Math.max(counts.largestUpload, bytes);
}
function wrap(proto, name, before, after) {
  if (!proto || typeof proto[name] !== 'function') return;
  const original = proto[name];
  proto[name] = function (...args) {
    before?.call(this, ...args);
    const result = original.apply(this, args);
    after?.call(this, result, ...args);
    return result;
  };
}
for (const proto of [globalThis.CanvasRenderingContext2D?.prototype, globalThis.OffscreenCanvasRenderingContext2D?.prototype]) {
  wrap(proto, 'getImageData', () => counts.getImageData++);
}
for (const proto of [globalThis.WebGLRenderingContext?.prototype, globalThis.WebGL2RenderingContext?.prototype]) {
  wrap(proto, 'readPixels', () => counts.readPixels++);
}
wrap(globalThis.GPUBuffer?.prototype, 'mapAsync', function (mode) {
  if (mode & GPUMapMode.READ) {
    counts.mapAsync++;
    counts.mappedBytes += this.size;
    counts.largestMap = Math.max(counts.largestMap, this.size);
  }
});
wrap(globalThis.GPUQueue?.prototype, 'writeBuffer', (_buffer, _offset, data, _dataOffset, size) => upload(size ?? data.byteLength));
wrap(globalThis.GPUQueue?.prototype, 'writeTexture', (_dest, data) => upload(data.byteLength));
wrap(globalThis.GPUDevice?.prototype, 'createBuffer', (descriptor) => (descriptor.mappedAtCreation ? upload(descriptor.size) : undefined), () => liveBuffers++);
wrap(globalThis.GPUBuffer?.prototype, 'destroy', () => liveBuffers--);

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
      const buffersAfterOne = liveBuffers;
      const tensorsAfterOne = tf.memory().numTensors;
      for (let i = 0; i < more; i++) await detector.run(input);
      return {
        gpu: plainDetections(gpu),
        cpu: plainDetections(cpu),
        gpuCounts,
        cpuCounts,
        buffers: { afterOne: buffersAfterOne, afterMore: liveBuffers },
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
window.ortGpuTestReady = true;
