import { VisionError } from '../../core/errors';
import type { InputTransform } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import { type DetectionCandidates, decodeCenterNet } from '../../postprocess/detection-candidates';
import type { RawTensor } from '../../runtime/model-runner';

/** What a detection decoder gets besides the raw outputs. */
export interface DecodeContext {
  spec: ModelSpec;
  transform: InputTransform;
  threshold: number;
}

/** Turns a detector family's raw outputs into candidates in model-input pixels. @example `DETECTION_DECODERS.centernet(outputs, ctx)` */
export type DetectionDecoder = (outputs: Record<string, RawTensor>, context: DecodeContext) => DetectionCandidates;

function firstOutput(outputs: Record<string, RawTensor>, spec: ModelSpec): RawTensor {
  const name = spec.outputs?.[0];
  const tensor = name ? outputs[name] : Object.values(outputs)[0];
  if (!tensor) throw new VisionError('MODEL_FORMAT', `model '${spec.id}' produced no output${name ? ` named '${name}'` : ''}`);
  return tensor;
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
});
