// What crosses between CPU and GPU in this thread (a page or a worker), counted by wrapping the
// prototypes once: canvas readbacks (getImageData), WebGL readbacks (readPixels), GPU buffers
// mapped for reading (mapAsync), uploads (writeBuffer, writeTexture, buffers mapped at
// creation), and the GPU buffers alive. Plain ESM: the test page imports it as it is, the
// counting worker entry bundles it.
export const counts = { getImageData: 0, readPixels: 0, mapAsync: 0, mappedBytes: 0, largestMap: 0, uploadedBytes: 0, largestUpload: 0 };
let liveBuffers = 0;

/** GPU buffers created and not destroyed since the counters were installed. */
export function gpuBuffersAlive() {
  return liveBuffers;
}

export function resetCounts() {
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
