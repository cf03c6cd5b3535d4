/**
 * YOLO-seg mask assembly on the GPU (`gpuMasks: true` on tfjs-webgpu): the prototypes stay on
 * the GPU, the detection output is read back and decoded (candidates, NMS) on the CPU, the
 * kept instances' coefficients go up, and only the masks' packed bits come back
 * (runtime/gpu/gpu-mask-assembler.ts, planned by postprocess/masks/yolo-seg-plan.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { Mask } from '../../core/mask';
import type { SegmentationModelSpec } from '../../models/segmentation-cards';
import { yoloSegMaskPlan } from '../../postprocess/masks/yolo-seg-plan';
import { yoloSegMasks } from '../../postprocess/masks/yolo-seg';
import { gpuMaskAssemblerFor } from '../../runtime/gpu/gpu-mask-assembler';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { toRawTensor } from '../../runtime/tensor-convert';
import { TfjsRunner } from '../../runtime/tfjs-runner';
import { type DecodedInstances, type InstanceDecodeContext, protoLayoutFor, yoloSegDetections, yoloSegOutputs } from './instance-decoders';

/**
 * One model run with the detection output read back and the prototypes kept on the GPU.
 *
 * @example
 * ```ts
 * const kept = await inferKeepingProtos(runner, spec, feeds);
 * kept.protos.dispose();
 * ```
 */
export interface ProtosOnGpu {
  detections: RawTensor;
  /** The prototype tensor, still on the GPU: the caller disposes it. */
  protos: tf.Tensor;
  /** Bytes of the detection output read back. */
  bytesRead: number;
}

/**
 * Whether this runner and model can assemble masks on the GPU: a tfjs runner on the webgpu
 * backend and a YOLO-seg card.
 *
 * @example
 * ```ts
 * if (canAssembleMasksOnGpu(runner, spec)) console.log('only the masks will be read back');
 * ```
 */
export function canAssembleMasksOnGpu(runner: ModelRunner, spec: SegmentationModelSpec): runner is TfjsRunner {
  return runner instanceof TfjsRunner && runner.backend === 'webgpu' && spec.family === 'yolov8-seg' && gpuMaskAssemblerFor() !== undefined;
}

/**
 * Runs the model, reads back the detection output, keeps the prototype tensor on the GPU and
 * frees every other output.
 *
 * @throws VisionError `MODEL_FORMAT` when the outputs are not YOLO-seg's.
 * @example
 * ```ts
 * const { detections, protos } = await inferKeepingProtos(runner, spec, { images: input });
 * ```
 */
export async function inferKeepingProtos(runner: TfjsRunner, spec: SegmentationModelSpec, feeds: Record<string, tf.Tensor>): Promise<ProtosOnGpu> {
  const tensors = await runner.execute(feeds, { outputs: spec.outputs });
  let protos: tf.Tensor | undefined;
  try {
    const found = yoloSegOutputs(tensors, spec, (t) => t.rank);
    const detections = await toRawTensor(found.detections);
    protos = found.protos;
    return { detections, protos, bytesRead: found.detections.size * 4 };
  } finally {
    for (const tensor of Object.values(tensors)) if (tensor !== protos) tensor.dispose();
  }
}

/**
 * Decodes the detections on the CPU and assembles their masks on the GPU from the prototypes
 * (not disposed). Falls back to reading the prototypes back and assembling on the CPU when
 * their data is not in a WebGPU buffer.
 *
 * @throws VisionError as the CPU decoder for outputs that are not YOLO-seg's.
 * @example
 * ```ts
 * const { decoded, maskBytesRead } = await decodeWithGpuMasks(kept, context);
 * ```
 */
export async function decodeWithGpuMasks(kept: ProtosOnGpu, context: InstanceDecodeContext): Promise<{ decoded: DecodedInstances; maskBytesRead: number }> {
  const { spec, transform, maskThreshold, options } = context;
  const { protos } = kept;
  if (protos.dtype !== 'float32') throw new VisionError('MODEL_FORMAT', `model '${spec.id}': prototypes are ${protos.dtype}; expected float32`);
  const det = yoloSegDetections(kept.detections, context);
  const maskOptions = { mode: options.maskMode, form: options.maskForm, threshold: maskThreshold, protoLayout: protoLayoutFor(spec, protos.shape, det.numExtras) };
  const plan = yoloSegMaskPlan(protos.shape, det.numExtras, det.boxes, transform, maskOptions);
  const assembler = gpuMaskAssemblerFor();
  const assembled = assembler ? await assembler.assemble(protos, det.extras, plan).catch(fallbackOn) : undefined;
  let masks: Mask[];
  let maskBytesRead: number;
  if (assembled) {
    ({ masks, bytesRead: maskBytesRead } = assembled);
  } else {
    const raw = await toRawTensor(protos);
    masks = yoloSegMasks({ dims: raw.dims, data: raw.data as Float32Array }, det.extras, det.boxes, transform, maskOptions);
    maskBytesRead = protos.size * 4;
  }
  return { decoded: { boxes: det.boxes, scores: det.scores, classIds: det.classIds, masks }, maskBytesRead };
}

/** An assembler that cannot reach the prototypes' GPU data falls back to the CPU; other errors propagate. */
function fallbackOn(error: unknown): undefined {
  if (error instanceof VisionError && error.code === 'BACKEND_UNAVAILABLE') return undefined;
  throw error;
}
