// GPU sampling test page (plain ESM, untranspiled): on tfjs-webgpu, model inputs made by the
// GPU path (picture → texture → one compute pass) are compared with the tensor path
// (`gpuSampling: false`: tf.browser.fromPixels + resize kernels) for each input kind and fit,
// and every call counts what crosses between GPU and CPU (mapAsync, getImageData, readPixels,
// writeBuffer) by wrapping those methods.
import * as vp from 'visionpipe';
import * as tf from '@tensorflow/tfjs';

await vp.selectTfjsBackend({ backend: 'webgpu' });

const counts = { getImageData: 0, readPixels: 0, mapAsync: 0, mappedBytes: 0, largestMap: 0, writeBuffer: 0, writtenBytes: 0 };
function resetCounts() {
  for (const key of Object.keys(counts)) counts[key] = 0;
}
function wrap(proto, name, before) {
  if (!proto || typeof proto[name] !== 'function') return;
  const original = proto[name];
  proto[name] = function (...args) {
    before.call(this, ...args);
    return original.apply(this, args);
  };
}
for (const proto of [globalThis.CanvasRenderingContext2D?.prototype, globalThis.OffscreenCanvasRenderingContext2D?.prototype]) {
  wrap(proto, 'getImageData', () => counts.getImageData++);
}
for (const proto of [globalThis.WebGLRenderingContext?.prototype, globalThis.WebGL2RenderingContext?.prototype]) {
  wrap(proto, 'readPixels', () => counts.readPixels++);
}
wrap(globalThis.GPUBuffer?.prototype, 'mapAsync', function () {
  counts.mapAsync++;
  counts.mappedBytes += this.size;
  counts.largestMap = Math.max(counts.largestMap, this.size);
});
wrap(globalThis.GPUQueue?.prototype, 'writeBuffer', (_buffer, _offset, data, _dataOffset, size) => {
  counts.writeBuffer++;
  counts.writtenBytes += size ?? data.byteLength;
});

const PHOTO = (n) => `/node_modules/@vladmandic/face-api/demo/sample${n}.jpg`;
const images = new Map();
async function photo(n) {
  if (!images.has(n)) {
    const image = new Image();
    image.src = PHOTO(n);
    await image.decode();
    images.set(n, image);
  }
  return images.get(n);
}

/** The photo as one input kind, made before counting starts; `release` frees it. */
async function inputOf(n, kind) {
  const image = await photo(n);
  const canvas = () => {
    const c = document.createElement('canvas');
    c.width = image.naturalWidth;
    c.height = image.naturalHeight;
    c.getContext('2d').drawImage(image, 0, 0);
    return c;
  };
  switch (kind) {
    case 'image':
      return { input: image, release() {} };
    case 'bitmap': {
      const bitmap = await createImageBitmap(image);
      return { input: bitmap, release: () => bitmap.close() };
    }
    case 'canvas':
      return { input: canvas(), release() {} };
    case 'offscreen': {
      const c = new OffscreenCanvas(image.naturalWidth, image.naturalHeight);
      c.getContext('2d').drawImage(image, 0, 0);
      return { input: c, release() {} };
    }
    case 'videoframe': {
      const bitmap = await createImageBitmap(image);
      const frame = new VideoFrame(bitmap, { timestamp: 0 });
      bitmap.close();
      return { input: frame, release: () => frame.close() };
    }
    default:
      throw new Error(`unknown input kind ${kind}`);
  }
}

/** Grey levels (0–255 units) per value of a spec's normalisation, per model channel. */
function unitsPerGrey(spec) {
  const n = spec.normalization ?? 'none';
  if (n === 'none') return 1;
  if (n === 'unit') return 1 / 255;
  if (n === 'symmetric') return 2 / 255;
  throw new Error(`test page: add ${JSON.stringify(n)}`);
}

function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function differences(a, b, perGrey) {
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = Math.abs(a[i] - b[i]) / perGrey;
  const sorted = Float64Array.from(d).sort();
  let sum = 0;
  for (const v of d) sum += v;
  return { p99: sorted[Math.floor(0.99 * (sorted.length - 1))], max: sorted[sorted.length - 1], mean: sum / d.length };
}

window.gpuTest = {
  env: () => ({ backend: tf.getBackend(), adapter: 'gpu' in navigator }),

  /** GPU path vs tensor path for one input kind and spec: value differences in grey levels, transfers of the GPU call. */
  async compare(n, kind, spec) {
    const { input, release } = await inputOf(n, kind);
    try {
      const tensorsBefore = tf.memory().numTensors;
      resetCounts();
      const gpu = await vp.prepareInput(input, spec);
      const gpuCounts = { ...counts };
      // int32 inputs: the tensor path in float32, rounded half to even here (tf.round's semantics
      // on cpu/wasm; WGSL round() on SwiftShader rounds ties away from zero)
      const int = spec.dtype === 'int32';
      const exact = await vp.prepareInput(input, int ? { ...spec, dtype: 'float32' } : spec, { gpuSampling: false });
      const [a, b] = [await gpu.input.data(), await exact.input.data()];
      if (int) for (let i = 0; i < b.length; i++) b[i] = roundHalfEven(b[i]);
      const result = {
        shape: gpu.input.shape,
        exactShape: exact.input.shape,
        dtype: gpu.input.dtype,
        exactDtype: int ? 'int32' : exact.input.dtype,
        transform: gpu.transform,
        exactTransform: exact.transform,
        diff: differences(a, b, unitsPerGrey(spec)),
        counts: gpuCounts,
        frameBytes: 4 * (input.width ?? input.displayWidth ?? input.naturalWidth) * (input.height ?? input.displayHeight ?? input.naturalHeight),
      };
      gpu.input.dispose();
      exact.input.dispose();
      result.leakedTensors = tf.memory().numTensors - tensorsBefore;
      return result;
    } finally {
      release();
    }
  },
};
window.gpuTestReady = true;
