// GPU sampling test page (plain ESM, untranspiled): on tfjs-webgpu, model inputs made by the
// GPU path (picture → texture → one compute pass) are compared with the tensor path
// (`gpuSampling: false`: tf.browser.fromPixels + resize kernels) for each input kind and fit,
// and every call counts what crosses between GPU and CPU (mapAsync, getImageData, readPixels,
// writeBuffer) by wrapping those methods. Rotated crops (`prepareRotatedInput`) made on the GPU
// are compared with the in-memory affine sampler on the photo's ImageData, and hand landmarks
// from the GPU path with those from the ImageData (CPU sampling) path.
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
    case 'video': {
      // a <video> playing the photo drawn on a canvas (the GPU copy of a <video> fails on SwiftShader: the bitmap route)
      const source = canvas();
      const stream = source.captureStream();
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = stream;
      const shown = new Promise((resolve) => video.requestVideoFrameCallback(resolve));
      // the canvas sends a frame when drawn on: draw the photo again until the video shows one
      const redraw = setInterval(() => source.getContext('2d').drawImage(image, 0, 0), 50);
      try {
        await video.play();
        await shown;
      } finally {
        clearInterval(redraw);
      }
      video.width = video.videoWidth;
      video.height = video.videoHeight;
      return {
        input: video,
        release: () => {
          video.pause();
          for (const track of stream.getTracks()) track.stop();
        },
      };
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

/** Typed arrays end to end, as one Float64Array. */
function joined(parts) {
  const out = new Float64Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const imageData = new Map();
/** The photo's pixels in memory (read before counting starts): the CPU samplers' input. */
async function imageDataOf(n) {
  if (!imageData.has(n)) imageData.set(n, await readImageData(n));
  return imageData.get(n);
}

async function readImageData(n) {
  const image = await photo(n);
  const c = document.createElement('canvas');
  c.width = image.naturalWidth;
  c.height = image.naturalHeight;
  const ctx = c.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return ctx.getImageData(0, 0, c.width, c.height);
}

/** A square part of the photo (`crop`: x, y, size) turned clockwise by `degrees` about its centre onto a canvas that holds it all. */
async function turnedPhoto(n, crop, degrees) {
  const image = await photo(n);
  const [x, y, size] = crop;
  const angle = (degrees * Math.PI) / 180;
  const side = Math.ceil(size * (Math.abs(Math.cos(angle)) + Math.abs(Math.sin(angle))) - 1e-6);
  const c = document.createElement('canvas');
  c.width = side;
  c.height = side;
  const ctx = c.getContext('2d');
  ctx.fillStyle = 'black';
  ctx.fillRect(0, 0, side, side);
  ctx.translate(side / 2, side / 2);
  ctx.rotate(angle);
  ctx.drawImage(image, x, y, size, size, -size / 2, -size / 2, size, size);
  return c;
}

let hands;

window.gpuTest = {
  env: () => ({ backend: tf.getBackend(), adapter: 'gpu' in navigator }),

  /**
   * A canvas wider than the device's textures (photo n side by side, 9000 px): the GPU path and
   * the tensor path vs the same pixels as ImageData (sampled in memory), in grey levels.
   */
  async wideFrame(n, spec) {
    const image = await photo(n);
    const canvas = document.createElement('canvas');
    canvas.width = 9000;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    for (let x = 0; x < canvas.width; x += image.naturalWidth) context.drawImage(image, x, 0);
    const tensorsBefore = tf.memory().numTensors;
    const exact = await vp.prepareInput(context.getImageData(0, 0, canvas.width, canvas.height), spec);
    const expected = await exact.input.data();
    const result = { limit: tf.backend().device.limits.maxTextureDimension2D, width: canvas.width };
    for (const [name, options] of [['gpu', {}], ['tensor', { gpuSampling: false }]]) {
      const made = await vp.prepareInput(canvas, spec, options);
      result[name] = differences(await made.input.data(), expected, unitsPerGrey(spec));
      made.input.dispose();
    }
    exact.input.dispose();
    result.leakedTensors = tf.memory().numTensors - tensorsBefore;
    return result;
  },

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

  /**
   * Rotated crops of photo n (`regions`: centre, size and rotation in 0–1 of the frame's width)
   * made on the GPU from one input kind vs the in-memory affine sampler on the photo's
   * ImageData: differences in grey levels over all regions, transfers of the GPU calls.
   */
  async compareRotated(n, kind, spec, regions) {
    const pixels = await imageDataOf(n);
    const { input, release } = await inputOf(n, kind);
    try {
      const tensorsBefore = tf.memory().numTensors;
      const w = pixels.width;
      const inPixels = regions.map((r) => ({ centerX: r.centerX * w, centerY: r.centerY * w, width: r.size * w, height: r.size * w, rotation: r.rotation }));
      resetCounts();
      const gpu = [];
      for (const region of inPixels) gpu.push(await vp.prepareRotatedInput(input, region, spec));
      const gpuCounts = { ...counts };
      const a = [];
      const b = [];
      for (let i = 0; i < inPixels.length; i++) {
        const exact = await vp.prepareRotatedInput(pixels, inPixels[i], spec);
        a.push(await gpu[i].data());
        b.push(await exact.data());
        exact.dispose();
      }
      const result = {
        shape: gpu[0].shape,
        dtype: gpu[0].dtype,
        diff: differences(joined(a), joined(b), unitsPerGrey(spec)),
        counts: gpuCounts,
        frameBytes: 4 * pixels.width * pixels.height,
        // the crops are not all black (the regions lie on the photo)
        meanValue: joined(b).reduce((sum, v) => sum + v, 0) / joined(b).length / unitsPerGrey(spec),
      };
      for (const t of gpu) t.dispose();
      result.leakedTensors = tf.memory().numTensors - tensorsBefore;
      return result;
    } finally {
      release();
    }
  },

  /**
   * Hand landmarks (palm detector: rotated crops in one run) on part of photo n turned by
   * `degrees`, from the GPU path (a canvas) and from the CPU sampling path (its ImageData), on
   * the same webgpu models.
   */
  async handsGpuVsCpu(n, crop, degrees) {
    const t0 = performance.now();
    hands ??= await vp.pipeline('hand-landmarks', { backend: 'webgpu', modelBaseUrl: '/node_modules/', detector: 'palm', maxHands: 1, smoothing: false });
    const canvas = await turnedPhoto(n, crop, degrees);
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const tensorsBefore = tf.memory().numTensors;
    let t = performance.now();
    const gpu = await hands.run(canvas);
    const firstMs = performance.now() - t;
    t = performance.now();
    const cpu = await hands.run(pixels);
    const secondMs = performance.now() - t;
    const timing = `create ${(t - t0 - firstMs).toFixed(0)} ms, first run ${firstMs.toFixed(0)} ms, second ${secondMs.toFixed(0)} ms`;
    const keypoints = (r) => r.hands.map((h) => h.keypoints.map((k) => [k.x, k.y]));
    return { gpu: keypoints(gpu), cpu: keypoints(cpu), timing, size: canvas.width, leakedTensors: tf.memory().numTensors - tensorsBefore };
  },
};
window.gpuTestReady = true;
