/**
 * YOLO candidate filtering on the GPU (`gpuCandidates: true` on tfjs-webgpu): the model's
 * output stays on the GPU, one compute pass keeps the anchors whose best class score passes
 * the threshold (runtime/gpu/gpu-row-filter.ts), and only those rows come back — whole, so the
 * family's own CPU decoder and NMS continue from them exactly as from the full output.
 */
import type * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { ModelSpec } from '../../models/model-spec';
import { type YoloLayout, resolveYoloMatrix } from '../../postprocess/detection/yolo-common';
import { type RowFilterRule, gpuRowFilterFor } from '../../runtime/gpu/gpu-row-filter';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { toRawTensor } from '../../runtime/tensor-convert';
import { TfjsRunner } from '../../runtime/tfjs-runner';
import type { DecodedCandidates } from './detection-decoders';
import { ownEntry } from '../../core/own-entry';

/** Row head of the families filtered on the GPU: 4 box values (v8), or 4 + objectness (v5). */
const GPU_FILTER_HEADS: Readonly<Record<string, 4 | 5>> = { yolov8: 4, yolov5: 5, 'yolov5-normalized': 5 };

/**
 * One model run's outputs with the YOLO output reduced to its candidate rows (when it was), and
 * what reading it back cost.
 *
 * @example
 * ```ts
 * const { outputs, rows } = await inferWithGpuCandidates(runner, spec, feeds, 0.25);
 * ```
 */
export interface GpuCandidateOutputs {
  /** The outputs; the YOLO output is `[1, K, width]` channels-last when `rows` is given. */
  outputs: Record<string, RawTensor>;
  /** The original anchor (row) of each of the K rows; absent when the output came back whole (fallback). */
  rows?: Int32Array;
  /** Anchor rows of the full YOLO output. */
  totalRows: number;
  /** Bytes of the outputs read back to the CPU. */
  bytesRead: number;
}

/**
 * Whether this runner and model can filter candidates on the GPU: a tfjs runner on the webgpu
 * backend and a YOLO family with per-anchor class scores (yolov8, yolov5, yolov5-normalized).
 *
 * @example
 * ```ts
 * if (canFilterCandidatesOnGpu(runner, spec)) console.log('only candidate rows will be read back');
 * ```
 */
export function canFilterCandidatesOnGpu(runner: ModelRunner, spec: ModelSpec): runner is TfjsRunner {
  return runner instanceof TfjsRunner && runner.backend === 'webgpu' && spec.family in GPU_FILTER_HEADS && gpuRowFilterFor() !== undefined;
}

/**
 * The row filter's rule for a YOLO output of `spec`'s family: its layout found exactly as the
 * CPU decoder finds it (the card's `head.layout`, else from the shape), the class-score
 * columns, and objectness as the gate for v5 rows.
 *
 * @throws VisionError `MODEL_FORMAT` when the output shape fits no YOLO layout for the card's labels.
 *
 * @example
 * ```ts
 * const rule = yoloRowRule([1, 25200, 85], YOLOV5S_COCO, 0.25); // channels-last, scores 5…84, gate 4
 * ```
 */
export function yoloRowRule(dims: readonly number[], spec: ModelSpec, threshold: number): RowFilterRule {
  const head = ownEntry(GPU_FILTER_HEADS, spec.family);
  if (head === undefined) throw new VisionError('INVALID_OPTION', `gpuCandidates: family '${spec.family}' is not filtered on the GPU; these are: ${Object.keys(GPU_FILTER_HEADS).join(', ')}`);
  const normalized = spec.family === 'yolov5-normalized';
  const [a, b] = dims.slice(-2);
  const options = { numClasses: spec.labels.length, numExtras: normalized ? 0 : spec.head?.numExtras, layout: normalized ? ('channels-last' as const) : spec.head?.layout };
  const m = resolveYoloMatrix([], a, b, head, options, head === 4 ? 'channels-first' : 'channels-last', 'gpuCandidates');
  const layout: YoloLayout = m.colStride === 1 ? 'channels-last' : 'channels-first';
  return { layout, firstScore: head, numScores: m.numClasses, gate: head === 5 ? 4 : undefined, threshold: Math.fround(threshold) };
}

/**
 * Runs the model on the GPU and reads back only the candidate rows of its YOLO output (the
 * other outputs whole). Falls back to reading the YOLO output whole when its data is not in a
 * WebGPU buffer. Every output tensor is freed.
 *
 * @example
 * ```ts
 * const { outputs, rows, bytesRead } = await inferWithGpuCandidates(runner, spec, { images: input }, 0.25);
 * ```
 */
export async function inferWithGpuCandidates(runner: TfjsRunner, spec: ModelSpec, feeds: Record<string, tf.Tensor>, threshold: number): Promise<GpuCandidateOutputs> {
  const tensors = await runner.execute(feeds, { outputs: spec.outputs });
  try {
    const name = spec.outputs?.[0] ?? Object.keys(tensors)[0];
    const yolo = tensors[name];
    if (!yolo) throw new VisionError('MODEL_FORMAT', `model '${spec.id}' produced no output named '${name}'`);
    const outputs: Record<string, RawTensor> = {};
    let bytesRead = 0;
    for (const [key, tensor] of Object.entries(tensors)) {
      if (key === name) continue;
      outputs[key] = await toRawTensor(tensor);
      bytesRead += tensor.size * 4;
    }
    const filter = gpuRowFilterFor();
    const rule = yoloRowRule(yolo.shape, spec, threshold);
    const kept = filter ? await filter.filter(yolo, rule).catch((error: unknown) => fallbackOn(error)) : undefined;
    const totalRows = yolo.shape[rule.layout === 'channels-first' ? 2 : 1] ?? 0;
    if (!kept) {
      outputs[name] = await toRawTensor(yolo);
      return { outputs, totalRows, bytesRead: bytesRead + yolo.size * 4 };
    }
    outputs[name] = { dtype: 'float32', dims: [1, kept.rows.length, kept.width], data: kept.data };
    return { outputs, rows: kept.rows, totalRows, bytesRead: bytesRead + kept.bytesRead };
  } finally {
    for (const tensor of Object.values(tensors)) tensor.dispose();
  }
}

/** A filter that cannot reach the output's GPU data falls back to the full readback; other errors propagate. */
function fallbackOn(error: unknown): undefined {
  if (error instanceof VisionError && error.code === 'BACKEND_UNAVAILABLE') return undefined;
  throw error;
}

/**
 * Candidates decoded from filtered rows, with each `rowIndices` entry (YOLO decoders) mapped
 * back from the filtered row to the anchor of the full output.
 *
 * @example
 * ```ts
 * const candidates = withOriginalRows(decode(outputs, { ...context, outputLayout: 'channels-last' }), rows);
 * ```
 */
export function withOriginalRows(decoded: DecodedCandidates, rows: Int32Array): DecodedCandidates {
  const indices = (decoded as { rowIndices?: unknown }).rowIndices;
  if (!(indices instanceof Int32Array)) return decoded;
  return { ...decoded, rowIndices: indices.map((k) => rows[k]) } as DecodedCandidates;
}
