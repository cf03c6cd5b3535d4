/**
 * The float outputs of a torchvision detector exported whole: exports name their outputs in the
 * order the model returns them, and that order differs by model, so a card (or `output_names`)
 * written for one puts the int64 labels where another's scores are read.
 */
import { VisionError } from '../../core/errors';
import type { RawTensor } from '../../runtime/model-runner';

const ORDER_HINT =
  'torchvision models return boxes, labels, scores (Faster / Mask / Keypoint R-CNN) or boxes, scores, labels (RetinaNet, FCOS, SSD): name the outputs as the export wrote them';

/**
 * Refuses boxes or scores that are not floating point (int64 labels read as scores crashed the
 * decoder with a bare `TypeError`, or read class ids as scores).
 *
 * @throws VisionError `MODEL_FORMAT` naming the model, the output and its type, and the two output orders.
 * @example
 * ```ts
 * checkTorchvisionFloats(spec.id, { boxes: ['boxes', boxesTensor], scores: ['scores', scoresTensor] });
 * ```
 */
export function checkTorchvisionFloats(modelId: string, read: Readonly<Record<'boxes' | 'scores', readonly [name: string, tensor: RawTensor]>>): void {
  for (const [role, [name, tensor]] of Object.entries(read)) {
    if (!(tensor.data instanceof Float32Array || tensor.data instanceof Float64Array)) {
      throw new VisionError('MODEL_FORMAT', `model '${modelId}': output '${name}', read as the ${role}, is ${tensor.dtype}; the ${role} are floats — ${ORDER_HINT}`);
    }
  }
}
