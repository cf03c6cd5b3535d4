/// <reference types="@webgpu/types" />
/**
 * Model inputs made on the GPU: a browser picture (ImageBitmap, VideoFrame, `<video>`, canvas,
 * `<img>`) goes into a GPU texture — `importExternalTexture` for a `VideoFrame` where the
 * device can, `copyExternalImageToTexture` otherwise — and one compute pass writes the
 * model-size input (a sample plan's fit or crop, or a rotated crop along an affine map)
 * straight into a GPU buffer that becomes a tfjs-webgpu tensor. No pixel
 * of the frame is read back to the CPU. Textures and buffers are pooled per device.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { GpuBufferHandle } from '../../runtime/gpu-feed';
import { perDevice, tfjsWebgpuDevice } from '../../runtime/gpu/per-device';
import type { AffineMatrix } from '../rotated-region';
import type { SamplePlan } from '../sampling/sample-plan';
import { type OutputLayout, type SampleTarget, outputLayout } from '../sampling/sample-output';
import { PARAMS_BYTES, type ShaderMapping, type ShaderOutput, WORKGROUP_SIZE, sampleShaderSource } from './sample-shader';

/** Browser pictures the GPU path takes. @example `const source: GpuPictureSource = bitmap;` */
export type GpuPictureSource = ImageBitmap | VideoFrame | HTMLVideoElement | HTMLCanvasElement | OffscreenCanvas | HTMLImageElement;

/**
 * A picture opened on the GPU for one frame: sample it with {@link GpuSampler.sample} as often
 * as needed (a whole-frame fit, several crops), then `release()` it.
 *
 * @example
 * ```ts
 * const picture = sampler.open(bitmap, bitmap.width, bitmap.height);
 * try { input = sampler.sample(picture, plan, target); } finally { picture.release(); }
 * ```
 */
export interface GpuPicture {
  readonly width: number;
  readonly height: number;
  /** The texture binding of one sample: a pooled copy, or a fresh external texture of a `VideoFrame`. */
  bind(): { resource: GPUTextureView | GPUExternalTexture; kind: 'texture' | 'external' };
  release(): void;
}

/**
 * GPU objects a sampler holds, for leak checks: pooled textures in use and free, and buffers.
 *
 * @example
 * ```ts
 * expect(gpuSamplerFor()!.allocations().texturesInUse).toBe(0);
 * ```
 */
export interface GpuAllocations {
  texturesInUse: number;
  texturesFree: number;
  /** Every buffer the sampler holds, model-input buffers of {@link GpuSampler.sampleToBuffer} included. */
  buffers: number;
  /** Model-input buffers handed out by {@link GpuSampler.sampleToBuffer} and not yet released. */
  inputBuffersInUse: number;
}

/**
 * A model input sampled into a pooled GPU buffer by {@link GpuSampler.sampleToBuffer}: its
 * shape and dtype, and `release()` to hand the buffer back once the model has read it.
 *
 * @example
 * ```ts
 * const input = sampler.sampleToBuffer(picture, plan, target);
 * try { await runner.run({ images: { dtype: input.dtype, dims: input.dims, gpuBuffer: input.buffer } }); } finally { input.release(); }
 * ```
 */
export interface GpuSampledInput {
  buffer: GpuBufferHandle;
  dims: [number, number, number, number];
  dtype: 'float32' | 'int32';
  release(): void;
}

/** Free textures kept per sampler; more are destroyed when released. */
const FREE_TEXTURES_KEPT = 4;

/** Free model-input buffers kept per size; more are destroyed when released. */
const FREE_FEEDS_KEPT = 2;

const isVideoFrame = (source: GpuPictureSource): source is VideoFrame => typeof VideoFrame === 'function' && source instanceof VideoFrame;
const isVideoElement = (source: GpuPictureSource): source is HTMLVideoElement => typeof HTMLVideoElement === 'function' && source instanceof HTMLVideoElement;

/** Bytes of a sampled input: 3 values of 4 bytes per pixel. */
const inputBytes = (target: SampleTarget): number => 12 * target.width * target.height;

const inputShape = (target: SampleTarget): [number, number, number, number] =>
  target.layout === 'nchw' ? [1, 3, target.height, target.width] : [1, target.height, target.width, 3];

/** Where a sample reads the picture: a plan's positions, or along an affine map (a rotated crop). */
type Mapping = { plan: SamplePlan } | { matrix: AffineMatrix };

function shaderOutput(target: SampleTarget): ShaderOutput {
  if (target.dtype === 'float32') return 'float32';
  return target.rounding === 'round' ? 'int32-round' : 'int32-truncate';
}

/**
 * Samples pictures into model inputs on one `GPUDevice` (tfjs-webgpu's). Get it with
 * {@link gpuSamplerFor}.
 *
 * @example
 * ```ts
 * const sampler = gpuSamplerFor();
 * if (sampler) input = sampler.sample(await sampler.open(bitmap, w, h), plan, target);
 * ```
 */
export class GpuSampler {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly freeTextures: GPUTexture[] = [];
  private texturesInUse = 0;
  private readonly outputs = new Map<number, GPUBuffer>();
  private readonly freeFeeds = new Map<number, GPUBuffer[]>();
  private feedsInUse = 0;
  private positions: GPUBuffer | undefined;
  private readonly params: GPUBuffer;
  /** How this device takes a VideoFrame: imported, copied, or copied through an ImageBitmap (unknown until tried). */
  private frameRoute: 'external' | 'copy' | 'bitmap' | undefined;
  /** How this device takes a `<video>`: copied, or copied through an ImageBitmap (unknown until tried). */
  private videoRoute: 'copy' | 'bitmap' | undefined;

  constructor(readonly device: GPUDevice) {
    this.params = device.createBuffer({ size: PARAMS_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /**
   * Opens a picture of `width` × `height` for sampling: copies it into a pooled texture, or
   * imports a `VideoFrame` as an external texture where the device can. A `VideoFrame` or
   * `<video>` the device cannot copy (SwiftShader) goes through an `ImageBitmap` (made by the
   * browser).
   */
  async open(source: GpuPictureSource, width: number, height: number): Promise<GpuPicture> {
    if (isVideoFrame(source)) {
      if (this.frameRoute === undefined || this.frameRoute === 'external') {
        const imported = this.importFrame(source, width, height);
        if (imported) return imported;
      }
      if (this.frameRoute === undefined || this.frameRoute === 'copy') {
        const copied = this.tryCopy(source, width, height);
        this.frameRoute = copied ? 'copy' : 'bitmap';
        if (copied) return copied;
      }
      return this.copyThroughBitmap(source, width, height);
    }
    if (isVideoElement(source)) {
      if (this.videoRoute !== 'bitmap') {
        const copied = this.tryCopy(source, width, height);
        if (copied) {
          this.videoRoute = 'copy';
          return copied;
        }
        this.videoRoute = 'bitmap';
      }
      return this.copyThroughBitmap(source, width, height);
    }
    return this.copy(source, width, height);
  }

  private async copyThroughBitmap(source: VideoFrame | HTMLVideoElement, width: number, height: number): Promise<GpuPicture> {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(source);
    } catch (error) {
      throw new VisionError('INVALID_INPUT', `could not read the picture (${width}×${height}) for the GPU: ${(error as Error).message}`, { cause: error });
    }
    try {
      return this.copy(bitmap, width, height);
    } finally {
      bitmap.close();
    }
  }

  private importFrame(frame: VideoFrame, width: number, height: number): GpuPicture | undefined {
    let first: GPUExternalTexture;
    try {
      first = this.device.importExternalTexture({ source: frame });
    } catch {
      this.frameRoute = undefined;
      return undefined;
    }
    this.frameRoute = 'external';
    let pending: GPUExternalTexture | undefined = first;
    return {
      width,
      height,
      // an external texture lives until the task ends: import again for a later sample
      bind: () => {
        const resource = pending ?? this.device.importExternalTexture({ source: frame });
        pending = undefined;
        return { resource, kind: 'external' };
      },
      release: () => undefined,
    };
  }

  private tryCopy(source: GpuPictureSource | ImageBitmap, width: number, height: number): GpuPicture | undefined {
    try {
      return this.copy(source, width, height);
    } catch {
      return undefined;
    }
  }

  private copy(source: GpuPictureSource | ImageBitmap, width: number, height: number): GpuPicture {
    const texture = this.acquireTexture(width, height);
    try {
      this.device.queue.copyExternalImageToTexture({ source }, { texture }, [width, height]);
    } catch (error) {
      this.releaseTexture(texture);
      throw new VisionError('INVALID_INPUT', `could not copy the picture (${width}×${height}) to the GPU: ${(error as Error).message}`, { cause: error });
    }
    let released = false;
    return {
      width,
      height,
      bind: () => ({ resource: texture.createView(), kind: 'texture' }),
      release: () => {
        if (released) return;
        released = true;
        this.releaseTexture(texture);
      },
    };
  }

  /**
   * Samples `plan` out of an opened picture into a `[1, h, w, 3]` (or NCHW) tfjs-webgpu tensor
   * the caller owns, with `target`'s normalisation, channel order, layout and dtype.
   */
  sample(picture: GpuPicture, plan: SamplePlan, target: SampleTarget): tf.Tensor4D {
    return this.sampleTensor(picture, { plan }, target);
  }

  /**
   * Samples an opened picture along an affine map (a rotated crop: `rotatedRegionAffine`) into
   * a tfjs-webgpu tensor the caller owns: output pixel (j, i) is the bilinear blend at source
   * position `(a·j + b·i + c, d·j + e·i + f)`, each of the four texels beyond the picture black
   * — the in-memory `sampleAffine`'s values — normalised, ordered, laid out and typed as
   * `target` says.
   *
   * @throws VisionError `INVALID_INPUT` for a map that is not 6 finite numbers.
   */
  sampleAffine(picture: GpuPicture, matrix: AffineMatrix, target: SampleTarget): tf.Tensor4D {
    if (matrix.length !== 6 || !matrix.every(Number.isFinite)) throw new VisionError('INVALID_INPUT', `an affine map needs 6 finite numbers [a, b, c, d, e, f]; got [${matrix.join(', ')}]`);
    return this.sampleTensor(picture, { matrix }, target);
  }

  private sampleTensor(picture: GpuPicture, mapping: Mapping, target: SampleTarget): tf.Tensor4D {
    const result = this.outputBuffer(inputBytes(target));
    this.dispatch(picture, mapping, target, result);
    // tfjs copies the buffer on the GPU into one of its own (same usage: hence COPY_DST) and submits at once,
    // so the pooled buffer is free for the next sample
    return tf.tensor({ buffer: result, zeroCopy: false }, inputShape(target), target.dtype) as tf.Tensor4D;
  }

  /**
   * Samples `plan` out of an opened picture into a pooled GPU buffer of this device (for a
   * runtime that reads its inputs from GPU buffers, e.g. onnxruntime-web's webgpu EP). The
   * buffer holds the input until `release()`; call it once the model run that reads it is done.
   */
  sampleToBuffer(picture: GpuPicture, plan: SamplePlan, target: SampleTarget): GpuSampledInput {
    const bytes = inputBytes(target);
    const free = this.freeFeeds.get(bytes);
    const buffer = free?.pop() ?? this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.feedsInUse++;
    this.dispatch(picture, { plan }, target, buffer);
    let released = false;
    return {
      buffer,
      dims: inputShape(target),
      dtype: target.dtype,
      release: () => {
        if (released) return;
        released = true;
        this.feedsInUse--;
        const list = this.freeFeeds.get(bytes) ?? [];
        list.push(buffer);
        this.freeFeeds.set(bytes, list);
        while (list.length > FREE_FEEDS_KEPT) list.shift()!.destroy();
      },
    };
  }

  /** Records and submits the one compute pass that writes the samples of `mapping` into `result`. */
  private dispatch(picture: GpuPicture, mapping: Mapping, target: SampleTarget, result: GPUBuffer): void {
    const layout = outputLayout(target);
    const { resource, kind } = picture.bind();
    const byPlan = 'plan' in mapping;
    const pipeline = this.pipeline(kind, shaderOutput(target), byPlan ? 'plan' : 'affine');
    this.writeParams(picture, layout, byPlan ? undefined : mapping.matrix);
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource },
      { binding: 2, resource: { buffer: result, size: 12 * target.width * target.height } },
      { binding: 3, resource: { buffer: this.params } },
    ];
    if (byPlan) entries.push({ binding: 1, resource: { buffer: this.writePositions(mapping.plan, layout) } });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(target.width / WORKGROUP_SIZE), Math.ceil(target.height / WORKGROUP_SIZE));
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** The GPU objects held now. */
  allocations(): GpuAllocations {
    let feedsFree = 0;
    for (const list of this.freeFeeds.values()) feedsFree += list.length;
    return {
      texturesInUse: this.texturesInUse,
      texturesFree: this.freeTextures.length,
      buffers: this.outputs.size + (this.positions ? 1 : 0) + 1 + this.feedsInUse + feedsFree,
      inputBuffersInUse: this.feedsInUse,
    };
  }

  private pipeline(kind: 'texture' | 'external', output: ShaderOutput, mapping: ShaderMapping): GPUComputePipeline {
    const key = `${kind} ${output} ${mapping}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const module = this.device.createShaderModule({ code: sampleShaderSource(kind, output, mapping) });
      pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  private acquireTexture(width: number, height: number): GPUTexture {
    const index = this.freeTextures.findIndex((t) => t.width === width && t.height === height);
    const texture =
      index >= 0
        ? this.freeTextures.splice(index, 1)[0]
        : this.device.createTexture({
            size: [width, height],
            format: 'rgba8unorm',
            usage: GPUTextureUsage.COPY_DST | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.RENDER_ATTACHMENT,
          });
    this.texturesInUse++;
    return texture;
  }

  private releaseTexture(texture: GPUTexture): void {
    this.texturesInUse--;
    this.freeTextures.push(texture);
    while (this.freeTextures.length > FREE_TEXTURES_KEPT) this.freeTextures.shift()!.destroy();
  }

  private outputBuffer(bytes: number): GPUBuffer {
    let buffer = this.outputs.get(bytes);
    if (!buffer) {
      buffer = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      this.outputs.set(bytes, buffer);
    }
    return buffer;
  }

  /** x positions, y positions (NaN → −1: outside) and the normalised pad, in one storage buffer. */
  private writePositions(plan: SamplePlan, layout: OutputLayout): GPUBuffer {
    const xs = plan.x.positions;
    const ys = plan.y.positions;
    const data = new Float32Array(xs.length + ys.length + 3);
    for (let i = 0; i < xs.length; i++) data[i] = Number.isNaN(xs[i]) ? -1 : xs[i];
    for (let i = 0; i < ys.length; i++) data[xs.length + i] = Number.isNaN(ys[i]) ? -1 : ys[i];
    for (let c = 0; c < 3; c++) data[xs.length + ys.length + c] = plan.pad * layout.gains[c] + layout.offsets[c];
    if (!this.positions || this.positions.size < data.byteLength) {
      this.positions?.destroy();
      this.positions = this.device.createBuffer({ size: Math.max(data.byteLength, 4096), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    }
    this.device.queue.writeBuffer(this.positions, 0, data);
    return this.positions;
  }

  private writeParams(picture: GpuPicture, layout: OutputLayout, matrix: AffineMatrix | undefined): void {
    const block = new ArrayBuffer(PARAMS_BYTES);
    const u = new Uint32Array(block);
    const f = new Float32Array(block);
    u.set([picture.width, picture.height, layout.width, layout.height, layout.pixelStride, layout.rowStride, 0, 0, ...layout.slots, 0]);
    f.set([...layout.gains, 0, ...layout.offsets, 0], 12);
    if (matrix) f.set([matrix[0], matrix[1], matrix[2], 0, matrix[3], matrix[4], matrix[5], 0], 20);
    this.device.queue.writeBuffer(this.params, 0, block);
  }
}

const samplers = new WeakMap<GPUDevice, GpuSampler>();

/**
 * The GPU sampler of `device` (one per device), or by default of the active tfjs backend's
 * device — `undefined` off WebGPU.
 *
 * @example
 * ```ts
 * const sampler = gpuSamplerFor();
 * console.log(sampler ? 'model inputs are made on the GPU' : 'CPU path');
 * ```
 */
export function gpuSamplerFor(device: GPUDevice | undefined = tfjsWebgpuDevice()): GpuSampler | undefined {
  return perDevice(samplers, device, (d) => new GpuSampler(d));
}
