/// <reference types="@webgpu/types" />
/**
 * Instance masks assembled on the GPU from prototypes that never leave it (YOLO-seg,
 * `gpuMasks`): the kept instances' coefficients go up (K × nm floats), three compute passes
 * (mask-assembly-shader.ts) build each mask over its window of the output frame, and only the
 * packed bits of those windows come back — kilobytes, where reading the prototypes back costs
 * megabytes. Buffers are pooled per device and grow to the largest call.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { gpuDataOf, perDevice, tfjsWebgpuDevice } from './per-device';
import { Mask, type MaskBounds } from '../../core/mask';
import type { MaskAssemblyJob } from '../../core/mask-assembly-job';
import { ASSEMBLE_PARAMS_BYTES, INSTANCE_FIELDS, MASK_WORKGROUP, PROBABILITY_PARAMS_BYTES, assembleShaderSource, probabilityShaderSource } from './mask-assembly-shader';

/**
 * The masks, one per instance, and what reading them back cost.
 *
 * @example
 * ```ts
 * const { masks, bytesRead } = await assembler.assemble(protos, coefficients, job);
 * ```
 */
export interface AssembledMasks {
  /** Owned binary masks at the output size, bounds tight around the set pixels: close them. */
  masks: Mask[];
  /** Bytes mapped back to the CPU (the packed windows). */
  bytesRead: number;
}

interface Pooled {
  coefficients?: GPUBuffer;
  table?: GPUBuffer;
  taps?: GPUBuffer;
  probability?: GPUBuffer;
  resampled?: GPUBuffer;
  bits?: GPUBuffer;
  staging?: GPUBuffer;
  probabilityParams?: GPUBuffer;
  assembleParams?: GPUBuffer;
}

/** Largest workgroup count along x of one dispatch; more go along y. */
const MAX_GROUPS_X = 65535;

/**
 * Assembles instance masks on one `GPUDevice` (tfjs-webgpu's). Get it with
 * {@link gpuMaskAssemblerFor}. Calls run one after another (they share pooled buffers).
 *
 * @example
 * ```ts
 * const assembler = gpuMaskAssemblerFor();
 * if (assembler) {
 *   const { masks, bytesRead } = await assembler.assemble(protosTensor, coefficients, job);
 *   masks.forEach((m) => m.close());
 * }
 * ```
 */
export class GpuMaskAssembler {
  private pipelines: { probability: GPUComputePipeline; rows: GPUComputePipeline; assemble: GPUComputePipeline } | undefined;
  private readonly pool: Pooled = {};
  /** The tap table the pooled `taps` buffer holds (a video's frames share one: uploaded once). */
  private uploadedTaps: { table: Uint32Array; buffer: GPUBuffer } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly device: GPUDevice) {}

  /**
   * Builds the masks of `job` from `protos` (a float32 tfjs-webgpu tensor of `job`'s prototype
   * shape, not disposed) and `coefficients` (`instances × nm`, row after row).
   *
   * @throws VisionError `INVALID_INPUT` for a tensor or coefficients that do not fit the job;
   * `BACKEND_UNAVAILABLE` when the tensor's data is not on this device.
   */
  assemble(protos: tf.Tensor, coefficients: Float32Array, job: MaskAssemblyJob): Promise<AssembledMasks> {
    const run = this.queue.then(() => this.assembleNow(protos, coefficients, job));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The GPU buffers held now (for leak checks). @example `expect(assembler.allocations().buffers).toBe(before)` */
  allocations(): { buffers: number } {
    return { buffers: Object.values(this.pool).filter(Boolean).length };
  }

  private async assembleNow(protos: tf.Tensor, coefficients: Float32Array, job: MaskAssemblyJob): Promise<AssembledMasks> {
    checkJob(protos, coefficients, job);
    const k = job.instances.length;
    const { table, words, rowValues } = instanceTable(job);
    if (k === 0) return { masks: [], bytesRead: 0 };
    if (words === 0) return { masks: job.instances.map(() => emptyMask(job)), bytesRead: 0 };
    const plane = job.mh * job.mw;
    const buffers = {
      coefficients: this.buffer('coefficients', coefficients.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
      table: this.buffer('table', table.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
      taps: this.buffer('taps', job.taps.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
      probability: this.buffer('probability', k * plane * 4, GPUBufferUsage.STORAGE),
      resampled: this.buffer('resampled', rowValues * 4, GPUBufferUsage.STORAGE),
      bits: this.buffer('bits', words * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC),
      staging: this.buffer('staging', words * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
      probabilityParams: this.buffer('probabilityParams', PROBABILITY_PARAMS_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
      assembleParams: this.buffer('assembleParams', ASSEMBLE_PARAMS_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
    };
    const gpuData = gpuDataOf(protos, 'prototype tensor');
    try {
      if (!gpuData.buffer) throw new VisionError('BACKEND_UNAVAILABLE', 'the prototype tensor has no WebGPU buffer (is the tfjs backend webgpu?)');
      const queue = this.device.queue;
      queue.writeBuffer(buffers.coefficients, 0, Float32Array.from(coefficients));
      queue.writeBuffer(buffers.table, 0, table);
      if (this.uploadedTaps?.table !== job.taps || this.uploadedTaps.buffer !== buffers.taps) {
        queue.writeBuffer(buffers.taps, 0, job.taps);
        this.uploadedTaps = { table: job.taps, buffer: buffers.taps };
      }
      const probabilityGroups = groups(k * plane);
      const wordGroups = groups(words);
      const rowGroups = groups(rowValues);
      const [channelStride, pixelStride] = job.protoLayout === 'nchw' ? [plane, 1] : [1, job.nm];
      queue.writeBuffer(buffers.probabilityParams, 0, probabilityParams(job, { k, channelStride, pixelStride, groups: probabilityGroups[0] }));
      queue.writeBuffer(buffers.assembleParams, 0, assembleParams(job, { k, words, wordGroups: wordGroups[0], rowValues, rowGroups: rowGroups[0] }));
      const { probability, rows, assemble } = this.computePipelines();
      const encoder = this.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(probability);
      pass.setBindGroup(0, this.bindGroup(probability, [{ buffer: gpuData.buffer, size: protos.size * 4 }, buffers.coefficients, buffers.table, buffers.probability, buffers.probabilityParams]));
      pass.dispatchWorkgroups(...probabilityGroups);
      pass.setPipeline(rows);
      pass.setBindGroup(0, this.bindGroup(rows, [buffers.probability, buffers.table, buffers.resampled, undefined, buffers.assembleParams, buffers.taps]));
      pass.dispatchWorkgroups(...rowGroups);
      pass.setPipeline(assemble);
      pass.setBindGroup(0, this.bindGroup(assemble, [undefined, buffers.table, buffers.resampled, buffers.bits, buffers.assembleParams, buffers.taps]));
      pass.dispatchWorkgroups(...wordGroups);
      pass.end();
      encoder.copyBufferToBuffer(buffers.bits, 0, buffers.staging, 0, words * 4);
      queue.submit([encoder.finish()]);
    } finally {
      gpuData.tensorRef.dispose();
    }
    await buffers.staging.mapAsync(GPUMapMode.READ, 0, words * 4);
    const packed = new Uint32Array(buffers.staging.getMappedRange(0, words * 4)).slice();
    buffers.staging.unmap();
    return { masks: job.instances.map((instance, i) => unpackMask(packed, table[i * INSTANCE_FIELDS + 8], instance.window, job)), bytesRead: words * 4 };
  }

  /** The pooled buffer `name`, replaced by a larger one (power of two) when too small. */
  private buffer(name: keyof Pooled, bytes: number, usage: number): GPUBuffer {
    const held = this.pool[name];
    if (held && held.size >= bytes) return held;
    held?.destroy();
    const size = Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(bytes, 4))));
    const created = this.device.createBuffer({ size, usage });
    this.pool[name] = created;
    return created;
  }

  private computePipelines(): { probability: GPUComputePipeline; rows: GPUComputePipeline; assemble: GPUComputePipeline } {
    if (!this.pipelines) {
      const make = (module: GPUShaderModule, entryPoint: string) => this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint } });
      const resampling = this.device.createShaderModule({ code: assembleShaderSource() });
      this.pipelines = {
        probability: make(this.device.createShaderModule({ code: probabilityShaderSource() }), 'main'),
        rows: make(resampling, 'rows'),
        assemble: make(resampling, 'assemble'),
      };
    }
    return this.pipelines;
  }

  /** A bind group of `resources` by binding number; `undefined` for a binding the entry point does not use. */
  private bindGroup(pipeline: GPUComputePipeline, resources: (GPUBuffer | { buffer: GPUBuffer; size: number } | undefined)[]): GPUBindGroup {
    const entries: GPUBindGroupEntry[] = [];
    resources.forEach((r, binding) => {
      if (r) entries.push({ binding, resource: 'buffer' in r && !(r instanceof GPUBuffer) ? r : { buffer: r } });
    });
    return this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  }
}

/** Workgroups for `n` invocations, spread over y past the x limit. */
function groups(n: number): [number, number] {
  const total = Math.ceil(n / MASK_WORKGROUP);
  const x = Math.min(total, MAX_GROUPS_X);
  return [x, Math.ceil(total / x)];
}

function probabilityParams(job: MaskAssemblyJob, sizes: { k: number; channelStride: number; pixelStride: number; groups: number }): ArrayBuffer {
  const block = new ArrayBuffer(PROBABILITY_PARAMS_BYTES);
  new Uint32Array(block, 0, 8).set([sizes.k, job.nm, job.mh, job.mw, sizes.channelStride, sizes.pixelStride, sizes.groups, job.sigmoid ? 1 : 0]);
  new Float32Array(block, 32, 1)[0] = job.bias;
  return block;
}

function assembleParams(job: MaskAssemblyJob, sizes: { k: number; words: number; wordGroups: number; rowValues: number; rowGroups: number }): ArrayBuffer {
  const block = new ArrayBuffer(ASSEMBLE_PARAMS_BYTES);
  const c = job.content;
  new Uint32Array(block, 0, 12).set([sizes.k, sizes.words, job.mw, job.mh, job.intermediateWidth, job.intermediateHeight, c.x, c.y, c.width, c.height, job.outputWidth, job.outputHeight]);
  new Float32Array(block, 48, 1)[0] = job.threshold;
  new Uint32Array(block, 52, 3).set([sizes.wordGroups, sizes.rowValues, sizes.rowGroups]);
  return block;
}

/** The per-instance table the shaders read (crop, window, first packed word, first resampled row value) and the totals. */
function instanceTable(job: MaskAssemblyJob): { table: Uint32Array<ArrayBuffer>; words: number; rowValues: number } {
  const table = new Uint32Array(Math.max(job.instances.length, 1) * INSTANCE_FIELDS);
  let words = 0;
  let rowValues = 0;
  job.instances.forEach(({ crop, window, midCrop }, i) => {
    table.set([crop.x, crop.y, crop.x + crop.width, crop.y + crop.height, window.x, window.y, window.width, window.height, words, rowValues, midCrop.x, midCrop.y, midCrop.x + midCrop.width, midCrop.y + midCrop.height], i * INSTANCE_FIELDS);
    words += Math.ceil((window.width * window.height) / 32);
    rowValues += window.width * window.height === 0 ? 0 : crop.height * window.width;
  });
  return { table, words, rowValues };
}

function emptyMask(job: MaskAssemblyJob): Mask {
  return Mask.create('binary', job.outputWidth, job.outputHeight, new Uint8Array(0), { x: 0, y: 0, width: 0, height: 0 });
}

/** One instance's window unpacked from the bits, as a mask with bounds tight around its set pixels. */
function unpackMask(packed: Uint32Array, firstWord: number, window: MaskBounds, job: MaskAssemblyJob): Mask {
  const { width, height } = window;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  const bit = (q: number) => (packed[firstWord + (q >>> 5)] >>> (q & 31)) & 1;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (bit(r * width + c)) {
        if (c < minX) minX = c;
        if (c > maxX) maxX = c;
        if (r < minY) minY = r;
        maxY = r;
      }
    }
  }
  if (maxX < 0) return emptyMask(job);
  const w = maxX - minX + 1;
  const h = maxY - minY + 1;
  const data = new Uint8Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) data[r * w + c] = bit((r + minY) * width + c + minX);
  return Mask.create('binary', job.outputWidth, job.outputHeight, data, { x: window.x + minX, y: window.y + minY, width: w, height: h });
}

function checkJob(protos: tf.Tensor, coefficients: Float32Array, job: MaskAssemblyJob): void {
  const expected = job.protoLayout === 'nchw' ? [1, job.nm, job.mh, job.mw] : [1, job.mh, job.mw, job.nm];
  if (protos.dtype !== 'float32' || protos.shape.join(',') !== expected.join(',')) {
    throw new VisionError('INVALID_INPUT', `the GPU mask assembler takes float32 prototypes [${expected.join(', ')}]; got ${protos.dtype} [${protos.shape.join(', ')}]`);
  }
  if (coefficients.length !== job.instances.length * job.nm) {
    throw new VisionError('INVALID_INPUT', `${coefficients.length} coefficients for ${job.instances.length} instances of ${job.nm}`);
  }
}

const assemblers = new WeakMap<GPUDevice, GpuMaskAssembler>();

/**
 * The mask assembler of the active tfjs backend's device, or `undefined` off WebGPU.
 *
 * @example
 * ```ts
 * const assembler = gpuMaskAssemblerFor();
 * console.log(assembler ? 'masks are assembled on the GPU' : 'prototypes come back whole');
 * ```
 */
export function gpuMaskAssemblerFor(): GpuMaskAssembler | undefined {
  return perDevice(assemblers, tfjsWebgpuDevice(), (device) => new GpuMaskAssembler(device));
}
