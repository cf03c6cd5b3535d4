// The GPU bench page (plain ESM): detection and pose on tfjs-webgpu, the GPU preprocessing path
// against the tensor path (`gpuSampling: false`), per input kind. Each run reports the
// pipeline's stage timings and what crossed between CPU and GPU, counted by wrapping the
// WebGPU, canvas and WebGL methods that move pixels or tensors.
import * as vp from 'visionpipe';

await vp.selectTfjsBackend({ backend: 'webgpu' });

const moved = { toCpu: 0, toGpu: 0, readbacks: 0 };
function countCalls(proto, name, count) {
  if (!proto || typeof proto[name] !== 'function') return;
  const original = proto[name];
  proto[name] = function (...args) {
    count.call(this, ...args);
    return original.apply(this, args);
  };
}
for (const proto of [globalThis.CanvasRenderingContext2D?.prototype, globalThis.OffscreenCanvasRenderingContext2D?.prototype]) {
  countCalls(proto, 'getImageData', (_x, _y, w, h) => {
    moved.toCpu += 4 * w * h;
    moved.readbacks++;
  });
}
countCalls(globalThis.GPUBuffer?.prototype, 'mapAsync', function () {
  moved.toCpu += this.size;
});
countCalls(globalThis.GPUQueue?.prototype, 'writeBuffer', (_b, _o, data, _d, size) => {
  moved.toGpu += size ?? data.byteLength;
});
countCalls(globalThis.GPUQueue?.prototype, 'writeTexture', (_dst, data) => {
  moved.toGpu += data.byteLength;
});
// tfjs-webgpu uploads tensor values through buffers mapped at creation
countCalls(globalThis.GPUDevice?.prototype, 'createBuffer', (descriptor) => {
  if (descriptor?.mappedAtCreation) moved.toGpu += descriptor.size;
});

const image = new Image();
image.src = '/node_modules/@vladmandic/face-api/demo/sample1.jpg';
await image.decode();

async function inputOf(kind) {
  const bitmap = await createImageBitmap(image);
  if (kind === 'bitmap') return { input: bitmap, release: () => bitmap.close() };
  const frame = new VideoFrame(bitmap, { timestamp: 0 });
  bitmap.close();
  return { input: frame, release: () => frame.close() };
}

const TASKS = {
  detection: (gpuSampling) => vp.pipeline('object-detection', { backend: 'webgpu', modelBaseUrl: '/node_modules/', gpuSampling }),
  pose: (gpuSampling) => vp.pipeline('pose-estimation', { backend: 'webgpu', modelBaseUrl: '/node_modules/', gpuSampling }),
};

window.gpuBench = {
  /** `frames` timed runs (after one warm-up) of a task on one input kind and path. */
  async measure(task, kind, gpuSampling, frames) {
    const pipeline = await TASKS[task](gpuSampling);
    try {
      const warm = await inputOf(kind);
      await pipeline.run(warm.input);
      warm.release();
      const runs = [];
      for (let i = 0; i < frames; i++) {
        const { input, release } = await inputOf(kind);
        for (const key of Object.keys(moved)) moved[key] = 0;
        const started = performance.now();
        const result = await pipeline.run(input);
        runs.push({ ms: performance.now() - started, timing: result.timing, moved: { ...moved } });
        release();
      }
      return { frameBytes: 4 * image.naturalWidth * image.naturalHeight, width: image.naturalWidth, height: image.naturalHeight, runs };
    } finally {
      pipeline.dispose();
    }
  },
};
window.gpuBenchReady = true;
