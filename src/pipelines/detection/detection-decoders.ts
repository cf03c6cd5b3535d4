import { VisionError } from '../../core/errors';
import type { InputTransform } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { type DetectionCandidates, decodeCenterNet } from '../../postprocess/detection-candidates';
import { type GflLevel, decodeGfl } from '../../postprocess/nanodet';
import type { RawTensor } from '../../runtime/model-runner';
import { type YoloFormat, postprocessYolo } from '../../postprocess/yolo';
import type { DetectionRunOptions } from './detection-types';

/** What a detection decoder gets besides the raw outputs: the card, the input transform and the run's resolved options. */
export interface DecodeContext {
  spec: ModelSpec;
  transform: InputTransform;
  threshold: number;
  iouThreshold: number;
  maxDetections: number;
  options: DetectionRunOptions;
}

/**
 * Decoded candidates; `nmsFree` marks candidates that are already final (NMS-free models, or
 * decoders that ran their family's own NMS) so the pipeline does not suppress again.
 */
export type DecodedCandidates = DetectionCandidates & { nmsFree?: boolean };

/** Turns a detector family's raw outputs into candidates in model-input pixels. @example `DETECTION_DECODERS.centernet(outputs, ctx)` */
export type DetectionDecoder = (outputs: Record<string, RawTensor>, context: DecodeContext) => DecodedCandidates;

function firstOutput(outputs: Record<string, RawTensor>, spec: ModelSpec): RawTensor {
  const name = spec.outputs?.[0];
  const tensor = name ? outputs[name] : Object.values(outputs)[0];
  if (!tensor) throw new VisionError('MODEL_FORMAT', `model '${spec.id}' produced no output${name ? ` named '${name}'` : ''}`);
  return tensor;
}

function gflLevels(outputs: Record<string, RawTensor>, spec: ModelSpec): { levels: GflLevel[]; regMax: number } {
  const strides = spec.head?.strides ?? [8, 16, 32];
  const regMax = spec.head?.regMax ?? 7;
  const numClasses = spec.labels.length;
  const tensors = Object.values(outputs);
  const levels = strides.map((stride) => {
    const gridWidth = Math.ceil(spec.input.width / stride);
    const gridHeight = Math.ceil(spec.input.height / stride);
    const cells = gridWidth * gridHeight;
    const find = (depth: number) => tensors.find((t) => t.dims.length === 3 && t.dims[1] === cells && t.dims[2] === depth);
    const scores = find(numClasses);
    const regression = find(4 * (regMax + 1));
    if (!scores || !regression) {
      const shapes = tensors.map((t) => `[${t.dims.join(',')}]`).join(', ');
      throw new VisionError('MODEL_FORMAT', `no [1, ${cells}, ${numClasses}] score and [1, ${cells}, ${4 * (regMax + 1)}] box outputs for stride ${stride}; the model gave ${shapes}`);
    }
    return { scores: scores.data as Float32Array, regression: regression.data as Float32Array, stride, gridWidth, gridHeight };
  });
  return { levels, regMax };
}

function yolo(format: YoloFormat): DetectionDecoder {
  return (outputs, { spec, threshold, iouThreshold, maxDetections, options }) =>
    postprocessYolo(firstOutput(outputs, spec), {
      format,
      threshold,
      iouThreshold,
      maxDetections,
      numClasses: format === 'end2end' ? undefined : spec.labels.length,
      multiLabel: options.multiLabel,
      agnostic: options.agnostic,
      classes: options.classes,
      numExtras: spec.head?.numExtras,
    });
}

/**
 * Decoders by model family. The detection pipeline looks the spec's `family` up here.
 *
 * @example
 * ```ts
 * const decode = DETECTION_DECODERS['centernet'];
 * ```
 */
export const DETECTION_DECODERS: Readonly<Record<string, DetectionDecoder>> = Object.freeze({
  centernet: (outputs, { spec, threshold }) => {
    const output = firstOutput(outputs, spec);
    if (output.dims[output.dims.length - 1] !== 6) {
      throw new VisionError('MODEL_FORMAT', `CenterNet output has shape [${output.dims.join(',')}]; expected [1, N, 6]`);
    }
    return decodeCenterNet(output.data as Float32Array, { threshold, numClasses: spec.labels.length });
  },
  yolov8: yolo('v8'),
  yolov5: yolo('v5'),
  'yolo-end2end': yolo('end2end'),
  nanodet: (outputs, { spec, threshold }) => {
    const { levels, regMax } = gflLevels(outputs, spec);
    return decodeGfl(levels, { numClasses: spec.labels.length, regMax, threshold, centerOffset: spec.head?.centerOffset });
  },
});
