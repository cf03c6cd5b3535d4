/**
 * What a card must say for its masks to be mapped back onto the image: segmentation, instance
 * and matting models see the whole picture (letterboxed or stretched), and a segmentation head
 * names an activation and a foreground channel it knows.
 */
import { VisionError } from '../../core/errors';
import { optionNames, unknownNames } from '../../core/known-options';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import type { ModelSpec } from '../../models/model-spec';
import type { SegmentationHead, SegmentationModelSpec } from '../../models/segmentation-cards';
import type { ModelRunner } from '../../runtime/model-runner';
import { OnnxRunner } from '../../runtime/onnx-runner';
import { TfjsRunner } from '../../runtime/tfjs-runner';

const ACTIVATIONS: readonly NonNullable<SegmentationHead['activation']>[] = ['none', 'sigmoid', 'softmax'];
/** Every field a segmentation head may have: another (a misspelt `activaton`) was passed over, and logits were read as probabilities. */
const HEAD_FIELDS = /* @__PURE__ */ optionNames<SegmentationHead>()(['activation', 'foregroundChannel', 'maskRcnnOutputs', 'yoloOutputs', 'protoLayout']);

/**
 * Checks that a model whose masks are mapped onto the whole image takes the whole image:
 * `input.fit` `stretch` or `letterbox`, not `center-crop` (the crop's sides would have no mask,
 * and the masks would be spread over the frame).
 *
 * @throws VisionError `INVALID_OPTION` naming the model and what is allowed.
 * @example
 * ```ts
 * checkWholeImageInput(spec, 'image-segmentation');
 * ```
 */
export function checkWholeImageInput(spec: ModelSpec, task: string): void {
  if (spec.input.fit === 'center-crop') {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}': ${task} maps its masks onto the whole image, so input.fit must be 'stretch' or 'letterbox', not 'center-crop'`);
  }
}

/**
 * Checks a card's segmentation head: no field it does not know (a misspelt `activaton`),
 * `activation` one of none, sigmoid, softmax and
 * `foregroundChannel` 0 or 1 (which label a one-channel output is the probability of).
 *
 * @throws VisionError `INVALID_OPTION` naming the model, the field and what is allowed.
 * @example
 * ```ts
 * checkSegmentationHead(spec.id, spec.segmentation);
 * ```
 */
export function checkSegmentationHead(id: string, head: SegmentationHead | undefined): void {
  if (head === undefined) return;
  if (!isOptionsObject(head as unknown)) throw new VisionError('INVALID_OPTION', `model '${id}': segmentation is ${shownValue(head)}; it must be an object { activation?, foregroundChannel? }`);
  const unknown = unknownNames(head, HEAD_FIELDS);
  if (unknown.length > 0) throw new VisionError('INVALID_OPTION', `model '${id}': segmentation has unknown field(s) ${unknown.join(', ')}; allowed: ${HEAD_FIELDS.join(', ')}`);
  if (head.activation !== undefined && !ACTIVATIONS.includes(head.activation)) {
    throw new VisionError('INVALID_OPTION', `model '${id}': segmentation.activation is ${shownValue(head.activation)}; allowed: ${ACTIVATIONS.join(', ')}`);
  }
  if (head.foregroundChannel !== undefined && head.foregroundChannel !== 0 && head.foregroundChannel !== 1) {
    throw new VisionError('INVALID_OPTION', `model '${id}': segmentation.foregroundChannel is ${shownValue(head.foregroundChannel)}; it must be 0 or 1 (the label a one-channel output is the probability of)`);
  }
}

const PROTO_LAYOUTS: readonly string[] = ['nchw', 'nhwc'];

/**
 * Checks an instance-segmentation card's head against its model at creation: the output names
 * it gives for YOLO-seg (`yoloOutputs`) or Mask R-CNN (`maskRcnnOutputs`) are outputs the model
 * has (where the runner knows its names), and `protoLayout` is `nchw` or `nhwc`.
 *
 * @throws VisionError `INVALID_OPTION` naming the field, the missing names and the model's outputs.
 * @example
 * ```ts
 * checkInstanceHead(yoloSegModel({ url, outputs: { detections: 'det', protos: 'proto' } }), runner); // throws when the model has no 'det'
 * ```
 */
export function checkInstanceHead(spec: SegmentationModelSpec, runner: ModelRunner): void {
  const head = spec.segmentation;
  if (head === undefined) return;
  if (head.protoLayout !== undefined && !PROTO_LAYOUTS.includes(head.protoLayout)) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}': segmentation.protoLayout is ${shownValue(head.protoLayout)}; allowed: nchw, nhwc`);
  }
  if (!(runner instanceof TfjsRunner || runner instanceof OnnxRunner)) return;
  for (const [field, names] of [['yoloOutputs', head.yoloOutputs], ['maskRcnnOutputs', head.maskRcnnOutputs]] as const) {
    if (names === undefined) continue;
    const unknown = runner.unknownOutputs(Object.values(names));
    if (unknown.length > 0) {
      throw new VisionError(
        'INVALID_OPTION',
        `model '${spec.id}': segmentation.${field} names ${unknown.map((n) => `'${n}'`).join(', ')}, which the model does not have; its outputs are: ${runner.outputs.map((o) => o.name).join(', ') || 'none'}`,
      );
    }
  }
}
