/**
 * GPU allocations the pipelines hold on the WebGPU backend, for leak checks and stats:
 * tfjs-webgpu's pooled buffers and textures (tensors, uniforms, staging), the GPU sampler's
 * pooled textures and buffers (pictures and model inputs) and the GPU row filter's buffers
 * (`gpuCandidates`) and the GPU mask assembler's (`gpuMasks`).
 */
import * as tf from '@tensorflow/tfjs';
import { gpuSamplerFor } from '../../preprocess/gpu/gpu-sampler';
import { gpuMaskAssemblerFor } from '../../runtime/gpu/gpu-mask-assembler';
import { gpuRowFilterFor } from '../../runtime/gpu/gpu-row-filter';

/**
 * Counts of GPU objects held now. Flat over frames when nothing leaks.
 *
 * @example
 * ```ts
 * const before = gpuMemory();
 * for (let i = 0; i < 100; i++) await detector.run(frame);
 * console.log(gpuMemory()?.tfjsBuffersInUse === before?.tfjsBuffersInUse);
 * ```
 */
export interface GpuMemory {
  tfjsBuffersInUse: number;
  tfjsBuffersFree: number;
  tfjsTexturesInUse: number;
  tfjsTexturesFree: number;
  samplerTexturesInUse: number;
  samplerTexturesFree: number;
  samplerBuffers: number;
  /** Buffers of the GPU row filter (YOLO candidates filtered on the GPU). */
  rowFilterBuffers: number;
  /** Buffers of the GPU mask assembler (YOLO-seg masks assembled on the GPU). */
  maskAssemblerBuffers: number;
}

interface WebGpuBackendLike {
  bufferManager?: { getNumUsedBuffers(): number; getNumFreeBuffers(): number };
  textureManager?: { getNumUsedTextures(): number; getNumFreeTextures(): number };
}

/**
 * The GPU objects held now on the WebGPU backend, or `null` on other backends.
 *
 * @example
 * ```ts
 * console.log(gpuMemory()); // { tfjsBuffersInUse: 212, …, samplerTexturesInUse: 0 }
 * ```
 */
export function gpuMemory(): GpuMemory | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const backend = tf.backend() as unknown as WebGpuBackendLike;
  const sampler = gpuSamplerFor()?.allocations() ?? { texturesInUse: 0, texturesFree: 0, buffers: 0 };
  return {
    tfjsBuffersInUse: backend.bufferManager?.getNumUsedBuffers() ?? 0,
    tfjsBuffersFree: backend.bufferManager?.getNumFreeBuffers() ?? 0,
    tfjsTexturesInUse: backend.textureManager?.getNumUsedTextures() ?? 0,
    tfjsTexturesFree: backend.textureManager?.getNumFreeTextures() ?? 0,
    samplerTexturesInUse: sampler.texturesInUse,
    samplerTexturesFree: sampler.texturesFree,
    samplerBuffers: sampler.buffers,
    rowFilterBuffers: gpuRowFilterFor()?.allocations().buffers ?? 0,
    maskAssemblerBuffers: gpuMaskAssemblerFor()?.allocations().buffers ?? 0,
  };
}
