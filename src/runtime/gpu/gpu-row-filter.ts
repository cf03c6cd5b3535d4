/// <reference types="@webgpu/types" />
/**
 * Reading back only the rows of a model output that post-processing needs: a score matrix
 * (e.g. a YOLO output `[1, 84, 8400]`) stays on the GPU, one compute pass keeps the rows whose
 * best score passes a threshold and packs them (with their row numbers) into a small buffer,
 * and only the count and those rows are read back — a few kilobytes instead of megabytes.
 * Buffers are pooled per device and per output size.
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { gpuDataOf, perDevice, tfjsWebgpuDevice } from './per-device';
import { NO_GATE, ROW_FILTER_PARAMS_BYTES, ROW_FILTER_WORKGROUP, rowFilterShaderSource } from './row-filter-shader';

/**
 * Which rows to keep from a `[1, A, B]` float32 output.
 *
 * @example
 * ```ts
 * const rule: RowFilterRule = { layout: 'channels-first', firstScore: 4, numScores: 80, threshold: 0.25 }; // YOLOv8
 * ```
 */
export interface RowFilterRule {
  /** `'channels-first'`: `[1, width, rows]` (YOLOv8 export); `'channels-last'`: `[1, rows, width]` (YOLOv5). */
  layout: 'channels-first' | 'channels-last';
  /** Column of the first score. */
  firstScore: number;
  /** Score columns from `firstScore` (at least 1). */
  numScores: number;
  /** A column that gates the row and multiplies its scores (YOLOv5 objectness); none by default. */
  gate?: number;
  /** A row is kept when its best (gated) score is `> threshold`. */
  threshold: number;
}

/**
 * The rows kept, in ascending row order, and what reading them back cost.
 *
 * @example
 * ```ts
 * const { rows, data, width } = await filter.filter(output, rule);
 * const firstKeptRow = data.subarray(0, width); // the whole row `rows[0]` of the output
 * ```
 */
export interface FilteredRows {
  /** Index of each kept row in the output, ascending. */
  rows: Int32Array;
  /** The kept rows whole, `rows.length × width`, row after row (channels-last). */
  data: Float32Array;
  /** Values per row. */
  width: number;
  /** Rows of the whole output. */
  totalRows: number;
  /** Bytes read back to the CPU for this call (the count, then the kept rows and their indices). */
  bytesRead: number;
}

/**
 * GPU buffers a row filter holds, for leak checks.
 *
 * @example
 * ```ts
 * expect(gpuRowFilterFor()!.allocations().buffers).toBe(before);
 * ```
 */
export interface RowFilterAllocations {
  buffers: number;
}

/** Buffers sized for one output shape: every row may be kept, so the compact buffer never overflows. */
interface ShapeBuffers {
  kept: GPUBuffer;
  keptRows: GPUBuffer;
}

/** Threshold slack of the gated product: the GPU keeps a superset; the CPU decoder decides exactly. */
const GATED_SLACK = 1 - 2 ** -20;

/** Shapes whose buffers stay pooled; older ones are destroyed. */
const SHAPES_KEPT = 2;

/**
 * Filters output rows on one `GPUDevice` (tfjs-webgpu's). Get it with {@link gpuRowFilterFor}.
 * Calls run one after another (they share pooled buffers).
 *
 * @example
 * ```ts
 * const filter = gpuRowFilterFor();
 * if (filter) {
 *   const kept = await filter.filter(output, { layout: 'channels-first', firstScore: 4, numScores: 80, threshold: 0.25 });
 *   console.log(`${kept.rows.length} of ${kept.totalRows} rows, ${kept.bytesRead} bytes read back`);
 * }
 * ```
 */
export class GpuRowFilter {
  private pipeline: GPUComputePipeline | undefined;
  /** Parameters, the atomic counter and its staging copy: made on the first call. */
  private fixed: { params: GPUBuffer; counter: GPUBuffer; countStaging: GPUBuffer } | undefined;
  private rowsStaging: GPUBuffer | undefined;
  private readonly shapes = new Map<string, ShapeBuffers>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly device: GPUDevice) {}

  /**
   * The rows of `output` (a float32 `[1, A, B]` tfjs-webgpu tensor, not disposed) that pass
   * `rule`. The output never comes back whole: only a 4-byte count, then the kept rows.
   * NaN scores are not handled as the CPU decoders handle them (they ignore a NaN class score;
   * WGSL's `max` may propagate it and drop the row): real model outputs have none.
   *
   * @throws VisionError `INVALID_INPUT` for a tensor that is not float32 `[1, A, B]` or whose
   * columns do not hold the rule's score (and gate) columns; `BACKEND_UNAVAILABLE` when the
   * tensor's data is not on this device.
   */
  filter(output: tf.Tensor, rule: RowFilterRule): Promise<FilteredRows> {
    const run = this.queue.then(() => this.filterNow(output, rule));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The GPU buffers held now. */
  allocations(): RowFilterAllocations {
    return { buffers: (this.fixed ? 3 : 0) + (this.rowsStaging ? 1 : 0) + this.shapes.size * 2 };
  }

  private fixedBuffers(): { params: GPUBuffer; counter: GPUBuffer; countStaging: GPUBuffer } {
    this.fixed ??= {
      params: this.device.createBuffer({ size: ROW_FILTER_PARAMS_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
      counter: this.device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST }),
      countStaging: this.device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    };
    return this.fixed;
  }

  private async filterNow(output: tf.Tensor, rule: RowFilterRule): Promise<FilteredRows> {
    const { rows, width } = checkShape(output, rule);
    if (rows === 0) return { rows: new Int32Array(0), data: new Float32Array(0), width, totalRows: 0, bytesRead: 0 };
    const buffers = this.shapeBuffers(rows, width);
    const { params, counter, countStaging } = this.fixedBuffers();
    const gpuData = gpuDataOf(output, 'output tensor');
    try {
      if (!gpuData.buffer) throw new VisionError('BACKEND_UNAVAILABLE', 'the output tensor has no WebGPU buffer (is the tfjs backend webgpu?)');
      this.device.queue.writeBuffer(params, 0, paramsBlock(rows, width, rule));
      const encoder = this.device.createCommandEncoder();
      encoder.clearBuffer(counter);
      const pass = encoder.beginComputePass();
      pass.setPipeline(this.computePipeline());
      pass.setBindGroup(0, this.bindGroup(gpuData.buffer, rows * width * 4, buffers, counter, params));
      const groups = Math.ceil(rows / ROW_FILTER_WORKGROUP);
      const x = Math.min(groups, 65535);
      pass.dispatchWorkgroups(x, Math.ceil(groups / x));
      pass.end();
      encoder.copyBufferToBuffer(counter, 0, countStaging, 0, 4);
      this.device.queue.submit([encoder.finish()]);
    } finally {
      gpuData.tensorRef.dispose();
    }
    await countStaging.mapAsync(GPUMapMode.READ, 0, 4);
    const count = Math.min(new Uint32Array(countStaging.getMappedRange(0, 4))[0], rows);
    countStaging.unmap();
    const kept = count > 0 ? await this.readRows(buffers, count, width) : { data: new Float32Array(0), index: new Int32Array(0) };
    return { ...sortedByRow(kept.data, kept.index, width), width, totalRows: rows, bytesRead: 4 + count * (width + 1) * 4 };
  }

  /** Copies the first `count` kept rows and their indices to a staging buffer and reads them. */
  private async readRows(buffers: ShapeBuffers, count: number, width: number): Promise<{ data: Float32Array; index: Int32Array }> {
    const rowBytes = count * width * 4;
    const bytes = rowBytes + count * 4;
    const staging = this.staging(bytes);
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffers.kept, 0, staging, 0, rowBytes);
    encoder.copyBufferToBuffer(buffers.keptRows, 0, staging, rowBytes, count * 4);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const mapped = staging.getMappedRange(0, bytes);
    const data = new Float32Array(mapped, 0, count * width).slice();
    const index = new Int32Array(mapped, rowBytes, count).slice();
    staging.unmap();
    return { data, index };
  }

  private staging(bytes: number): GPUBuffer {
    if (!this.rowsStaging || this.rowsStaging.size < bytes) {
      this.rowsStaging?.destroy();
      const size = 2 ** Math.ceil(Math.log2(Math.max(bytes, 1 << 16)));
      this.rowsStaging = this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    }
    return this.rowsStaging;
  }

  private shapeBuffers(rows: number, width: number): ShapeBuffers {
    const key = `${rows}x${width}`;
    let buffers = this.shapes.get(key);
    if (buffers) {
      this.shapes.delete(key);
    } else {
      const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
      buffers = { kept: this.device.createBuffer({ size: rows * width * 4, usage }), keptRows: this.device.createBuffer({ size: rows * 4, usage }) };
    }
    this.shapes.set(key, buffers); // most recent last
    while (this.shapes.size > SHAPES_KEPT) {
      const [oldest, old] = this.shapes.entries().next().value as [string, ShapeBuffers];
      old.kept.destroy();
      old.keptRows.destroy();
      this.shapes.delete(oldest);
    }
    return buffers;
  }

  private computePipeline(): GPUComputePipeline {
    if (!this.pipeline) {
      const module = this.device.createShaderModule({ code: rowFilterShaderSource() });
      this.pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    }
    return this.pipeline;
  }

  private bindGroup(source: GPUBuffer, sourceBytes: number, buffers: ShapeBuffers, counter: GPUBuffer, params: GPUBuffer): GPUBindGroup {
    return this.device.createBindGroup({
      layout: this.computePipeline().getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: source, size: sourceBytes } },
        { binding: 1, resource: { buffer: counter } },
        { binding: 2, resource: { buffer: buffers.kept } },
        { binding: 3, resource: { buffer: buffers.keptRows } },
        { binding: 4, resource: { buffer: params } },
      ],
    });
  }


}

/** The shader's uniform block for one call. */
function paramsBlock(rows: number, width: number, rule: RowFilterRule): ArrayBuffer {
  const block = new ArrayBuffer(ROW_FILTER_PARAMS_BYTES);
  const channelsFirst = rule.layout === 'channels-first';
  new Uint32Array(block, 0, 8).set([rows, width, channelsFirst ? 1 : width, channelsFirst ? rows : 1, rule.firstScore, rule.numScores, rule.gate ?? NO_GATE, rows]);
  new Float32Array(block, 32, 2).set([rule.threshold, rule.threshold * GATED_SLACK]);
  return block;
}

/** Rows and width of a `[1, A, B]` float32 output under `rule`, or `INVALID_INPUT`. */
function checkShape(output: tf.Tensor, rule: RowFilterRule): { rows: number; width: number } {
  const [batch, a, b] = output.shape;
  if (output.dtype !== 'float32' || output.rank !== 3 || batch !== 1) {
    throw new VisionError('INVALID_INPUT', `the GPU row filter takes a float32 [1, A, B] output; got ${output.dtype} [${output.shape.join(', ')}]`);
  }
  const [width, rows] = rule.layout === 'channels-first' ? [a, b] : [b, a];
  const lastColumn = Math.max(rule.firstScore + rule.numScores, (rule.gate ?? -1) + 1);
  if (!(rule.numScores >= 1) || !(rule.firstScore >= 0) || lastColumn > width) {
    throw new VisionError('INVALID_INPUT', `rows of ${width} values cannot hold scores ${rule.firstScore}…${rule.firstScore + rule.numScores - 1}${rule.gate === undefined ? '' : ` and gate ${rule.gate}`}`);
  }
  return { rows, width };
}

/** Kept rows in ascending row order (the counter hands out slots in any order). */
function sortedByRow(data: Float32Array, index: Int32Array, width: number): { rows: Int32Array; data: Float32Array } {
  const order = Array.from(index.keys()).sort((p, q) => index[p] - index[q]);
  const rows = Int32Array.from(order, (k) => index[k]);
  const sorted = new Float32Array(data.length);
  order.forEach((k, n) => sorted.set(data.subarray(k * width, (k + 1) * width), n * width));
  return { rows, data: sorted };
}

const filters = new WeakMap<GPUDevice, GpuRowFilter>();

/**
 * The row filter of the active tfjs backend's device, or `undefined` off WebGPU.
 *
 * @example
 * ```ts
 * const filter = gpuRowFilterFor();
 * console.log(filter ? 'outputs are filtered on the GPU' : 'outputs come back whole');
 * ```
 */
export function gpuRowFilterFor(): GpuRowFilter | undefined {
  return perDevice(filters, tfjsWebgpuDevice(), (device) => new GpuRowFilter(device));
}
