/**
 * GPU-buffer feeds off the webgpu execution provider: runners that cannot read a GPUBuffer
 * (onnxruntime on wasm, tfjs) say so and take no GPU feeds, and a GPU feed that is too small
 * or of another element type is refused before it reaches onnxruntime. The GPU path itself
 * runs in headless Chromium: test/gpu/onnx-gpu-input.browser.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { acceptsGpuFeeds, createOnnxRunner, isGpuBufferFeed } from '../../src/index';
import { validateFeeds } from '../../src/runtime/validate-feeds';
import { buildOnnxModel } from '../helpers/onnx-builder';

const INPUTS = [{ name: 'x', shape: [1, 3, 4, 4], dtype: 'float32' as const }];
const fakeBuffer = (size: number): GPUBuffer => ({ size }) as unknown as GPUBuffer;

describe('GPU-buffer feeds', () => {
  it('onnxruntime on the wasm EP takes no GPU feeds: the pipelines keep the CPU path', async () => {
    const bytes = buildOnnxModel({
      inputs: [{ name: 'x', dims: [1, 3, 4, 4] }],
      outputs: [{ name: 'y', dims: [1, 3, 4, 4] }],
      nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
    });
    const runner = await createOnnxRunner(bytes, { executionProviders: ['wasm'] });
    try {
      expect(acceptsGpuFeeds(runner)).toBe(false);
      const feed = { dtype: 'float32' as const, dims: [1, 3, 4, 4], gpuBuffer: fakeBuffer(192) };
      await expect(runner.run({ x: feed })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/GPU buffer.*webgpu execution provider/) });
      // the runner still works
      const out = await runner.run({ x: { dtype: 'float32', dims: [1, 3, 4, 4], data: new Float32Array(48).fill(2) } });
      expect(Array.from(out.y.data as Float32Array)).toEqual(new Array(48).fill(2));
    } finally {
      runner.dispose();
    }
  });

  it('tells GPU feeds apart and checks their size and element type', () => {
    const feed = { dtype: 'float32' as const, dims: [1, 3, 4, 4], gpuBuffer: fakeBuffer(192) };
    expect(isGpuBufferFeed(feed)).toBe(true);
    expect(isGpuBufferFeed({ dtype: 'float32', dims: [1], data: new Float32Array(1) })).toBe(false);
    expect(() => validateFeeds(INPUTS, { x: feed }, true)).not.toThrow();
    expect(() => validateFeeds(INPUTS, { x: feed })).toThrow(/GPU buffer/);
    expect(() => validateFeeds(INPUTS, { x: { ...feed, gpuBuffer: fakeBuffer(100) } }, true)).toThrow(/100 bytes; dims \[1,3,4,4\] need 192/);
    expect(() => validateFeeds(INPUTS, { x: { ...feed, dtype: 'int64' as 'int32' } }, true)).toThrow(/float32 or int32/);
    expect(() => validateFeeds(INPUTS, { x: { ...feed, dtype: 'int32' } }, true)).toThrow(/dtype int32; the model expects float32/);
  });
});
