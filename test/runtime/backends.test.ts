/**
 * Backend and execution-provider choice: unknown names are INVALID_OPTION listing the allowed
 * ones; unavailable ones are BACKEND_UNAVAILABLE with one combined message naming each
 * backend's reason; the Node defaults (tfjs: wasm; onnxruntime: onnxruntime-node cpu).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TFJS_BACKENDS, TfjsRunner, createTfjsRunner, loadModel, selectTfjsBackend, type TfjsBackendName } from '../../src/node/index';
import { MODELS, expectVisionError, values } from './helpers';

describe('tfjs backends', () => {
  it('the default in Node is wasm', async () => {
    expect(await selectTfjsBackend()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const runner = await loadModel(MODELS.blazeface());
    expect(runner.backend).toBe('wasm');
    runner.dispose();
  });

  it('an unknown backend name is INVALID_OPTION listing the allowed names', async () => {
    for (const backend of ['metal', 'WASM', 'tensorflow']) {
      const error = await expectVisionError(loadModel(MODELS.blazeface(), { backend: backend as TfjsBackendName }), 'INVALID_OPTION');
      expect(error.message).toContain(`'${backend}'`);
      expect(error.message).toContain(TFJS_BACKENDS.join(', '));
    }
    await expectVisionError(loadModel(MODELS.blazeface(), { backend: ['wasm', 'gpu' as TfjsBackendName] }), 'INVALID_OPTION');
    const empty = await expectVisionError(createTfjsRunner(MODELS.blazeface(), { backend: [] }), 'INVALID_OPTION');
    expect(empty.message).toContain('empty');
  });

  it("['webgpu', 'webgl'] in Node is BACKEND_UNAVAILABLE naming each backend's reason", async () => {
    const error = await expectVisionError(loadModel(MODELS.blazeface(), { backend: ['webgpu', 'webgl'] }), 'BACKEND_UNAVAILABLE');
    expect(error.message).toMatch(/webgpu: .*WebGPU/);
    expect(error.message).toMatch(/webgl: .*browser/);
    // Remembered failures are reported again, still naming each reason.
    const again = await expectVisionError(selectTfjsBackend({ backend: 'webgpu' }), 'BACKEND_UNAVAILABLE');
    expect(again.message).toMatch(/webgpu: /);
    // The active backend is unchanged.
    expect(tf.getBackend()).toBe('wasm');
  });

  it("['webgpu', 'wasm'] falls back to wasm", async () => {
    const runner = await loadModel(MODELS.blazeface(), { backend: ['webgpu', 'wasm'] });
    expect(runner.backend).toBe('wasm');
    runner.dispose();
  });

  it('the cpu backend gives the same answer as wasm', async () => {
    const input = { dtype: 'float32' as const, dims: [1, 256, 256, 3], data: new Float32Array(256 * 256 * 3).map((_, i) => ((i * 31) % 255) / 255) };
    const onWasm = await loadModel(MODELS.blazeface(), { backend: 'wasm' });
    const a = await onWasm.run({ input });
    onWasm.dispose();
    const onCpu = await loadModel(MODELS.blazeface(), { backend: 'cpu' });
    expect(onCpu.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const b = await onCpu.run({ input });
    onCpu.dispose();
    for (const name of Object.keys(a)) {
      const va = values(a[name]);
      const vb = values(b[name]);
      let max = 0;
      for (let i = 0; i < va.length; i++) max = Math.max(max, Math.abs(va[i] - vb[i]));
      expect(max).toBeLessThan(1e-3);
    }
    expect(await selectTfjsBackend()).toBe('wasm');
  });

  it('runners loaded on different backends each run on their own, one after another or overlapping', async () => {
    const input = { dtype: 'float32' as const, dims: [1, 256, 256, 3], data: new Float32Array(256 * 256 * 3).map((_, i) => ((i * 17) % 255) / 255) };
    const onCpu = await loadModel(MODELS.blazeface(), { backend: 'cpu' });
    const onWasm = await loadModel(MODELS.blazeface(), { backend: 'wasm' });
    try {
      expect(tf.getBackend()).toBe('wasm');
      const backendOf = (t: tf.Tensor): unknown => (tf.engine() as unknown as { state: { tensorInfo: Map<unknown, { backend: unknown }> } }).state.tensorInfo.get(t.dataId)?.backend;
      const cpuOut = await (onCpu as TfjsRunner).execute({ input });
      const wasmOut = await (onWasm as TfjsRunner).execute({ input });
      const first = Object.values(cpuOut).concat(Object.values(wasmOut));
      expect(Object.values(cpuOut).every((t) => backendOf(t) === tf.findBackend('cpu'))).toBe(true);
      expect(Object.values(wasmOut).every((t) => backendOf(t) === tf.findBackend('wasm'))).toBe(true);
      tf.dispose(first);
      const alone = [await onCpu.run({ input }), await onWasm.run({ input })];
      const overlapping = await Promise.all([onCpu.run({ input }), onWasm.run({ input }), onCpu.run({ input }), onWasm.run({ input })]);
      overlapping.forEach((outputs, i) => {
        for (const [name, t] of Object.entries(outputs)) expect(values(t)).toEqual(values(alone[i % 2][name]));
      });
    } finally {
      onCpu.dispose();
      onWasm.dispose();
    }
  });
});

describe('onnxruntime execution providers', () => {
  it('an unknown provider is INVALID_OPTION listing the allowed names (checked before reading the file)', async () => {
    for (const ep of ['cuda', 'CPU', 'tensorrt']) {
      const error = await expectVisionError(loadModel('/no/such/model.onnx', { executionProviders: [ep as 'cpu'] }), 'INVALID_OPTION');
      expect(error.message).toContain(`'${ep}'`);
      expect(error.message).toContain('webgpu, webgl, wasm, cpu');
    }
    await expectVisionError(loadModel(MODELS.ocrDet(), { executionProviders: [] }), 'INVALID_OPTION');
  });

  it("onnxruntime-web without WebGPU/WebGL is BACKEND_UNAVAILABLE naming each provider's reason", async () => {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    const error = await expectVisionError(loadModel(MODELS.ocrDet(), { ort, executionProviders: ['webgpu', 'webgl'] }), 'BACKEND_UNAVAILABLE');
    expect(error.message).toMatch(/webgpu: .*webgl: /);
    const fallback = await loadModel(MODELS.ocrDet(), { ort, executionProviders: ['webgl', 'wasm'] });
    expect(fallback.backend).toBe('wasm');
    fallback.dispose();
  });

  it("an explicit 'wasm' in Node runs on onnxruntime-web; 'cpu' on onnxruntime-node", async () => {
    const wasm = await loadModel(MODELS.ocrDet(), { executionProviders: ['wasm'] });
    expect(wasm.backend).toBe('wasm');
    const cpu = await loadModel(MODELS.ocrDet(), { executionProviders: ['cpu'] });
    expect(cpu.backend).toBe('cpu');
    const x = { dtype: 'float32' as const, dims: [1, 3, 32, 64], data: new Float32Array(3 * 32 * 64).map((_, i) => Math.cos(i / 5)) };
    const a = values(Object.values(await wasm.run({ x }))[0]);
    const b = values(Object.values(await cpu.run({ x }))[0]);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4);
    wasm.dispose();
    cpu.dispose();
  });
});
