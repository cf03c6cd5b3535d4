/**
 * Checks that a YOLO v5/v8/v11 card fits the output it decodes, beyond the shape: an
 * end-to-end (NMS-free) export read as anchors decodes without error when its vectors happen to
 * be as long (2 classes: `[1, 300, 6]`, or `[1, 300, 38]` with mask coefficients) and gives
 * boxes and scores that mean nothing.
 */
import { VisionError } from '../../core/errors';
import { ownEntry } from '../../core/own-entry';
import type { ModelSpec } from '../../models/model-spec';
import type { SegmentationModelSpec } from '../../models/segmentation-cards';
import { type YoloLayout, resolveYoloMatrix } from '../../postprocess/detection/yolo-common';
import type { RawTensor, TensorInfo } from '../../runtime/model-runner';

const END_TO_END_HINT =
  "an end-to-end (NMS-free) export — [1, N, 6]: x1, y1, x2, y2, score, class (YOLOv10, YOLO26 by default) — needs yoloModel({ version: 'end2end' })";

/**
 * Refuses an end-to-end export given a v5/v8/v11 card: a `[1, N, 6 + extras]` float output
 * whose sixth column holds only whole numbers (class ids, 0 in the padding rows), which sigmoid
 * class scores never all are — except a one-class YOLOv5's, all exactly 1 in float16.
 *
 * @throws VisionError `MODEL_FORMAT` naming the model and the version the export needs.
 * @example
 * ```ts
 * refuseEndToEndOutput(output, spec, 0); // a [1, 300, 6] output of class ids in column 6 throws
 * ```
 */
export function refuseEndToEndOutput(output: RawTensor, spec: ModelSpec, extras: number): void {
  const [batch, rows, width] = output.dims;
  if (output.dims.length !== 3 || batch !== 1 || width !== 6 + extras || rows === width || rows === 0) return;
  if (!(output.data instanceof Float32Array || output.data instanceof Float64Array)) return;
  const data = output.data;
  let allOnes = true;
  for (let r = 0; r < rows; r++) {
    const value = data[r * width + 5];
    if (!Number.isInteger(value)) return;
    allOnes &&= value === 1;
  }
  // a one-class YOLOv5 never trains its class score (no class loss for one class): it stays at
  // sigmoid(≈11), exactly 1 in a float16 export — an end-to-end export's padding rows hold class 0
  if (allOnes && spec.family === 'yolov5') return;
  throw new VisionError('MODEL_FORMAT', `model '${spec.id}': its [${output.dims.join(', ')}] output holds whole numbers where its card reads the last class's score (column 6): ${END_TO_END_HINT}`);
}

/**
 * Refuses decoded YOLO v5/v8/v11 scores above 1: those exports give sigmoid scores (0–1), so
 * larger ones mean the output is read as something it is not.
 *
 * @throws VisionError `MODEL_FORMAT` naming the model and the score.
 * @example
 * ```ts
 * checkSigmoidScores(candidates.scores, spec);
 * ```
 */
export function checkSigmoidScores(scores: ArrayLike<number>, spec: ModelSpec): void {
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] > 1 + 1e-3) {
      throw new VisionError('MODEL_FORMAT', `model '${spec.id}' gave a score of ${scores[i]}; YOLO v5/v8/v11 exports give scores from 0 to 1 — ${END_TO_END_HINT}`);
    }
  }
}

const YOLO_FAMILIES: readonly string[] = ['yolov8', 'yolov5', 'yolo-end2end', 'yolov8-seg'];
const FLOAT_TYPES: readonly string[] = ['float32', 'float16', 'float64'];

/**
 * Checks at creation that a YOLO model's outputs are floats (what its decoders read), so that
 * an export with quantised (uint8, int8) or integer outputs fails before the first run.
 *
 * @throws VisionError `MODEL_FORMAT` naming the output and its type.
 * @example
 * ```ts
 * checkYoloOutputTypes(spec, runner.outputs); // throws for a uint8 output0
 * ```
 */
export function checkYoloOutputTypes(spec: ModelSpec, outputs: readonly TensorInfo[]): void {
  if (!YOLO_FAMILIES.includes(spec.family)) return;
  const read = spec.outputs ? outputs.filter((o) => spec.outputs!.includes(o.name)) : outputs;
  const other = read.find((o) => !FLOAT_TYPES.includes(o.dtype));
  if (other) {
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}': output '${other.name}' is ${other.dtype}; ${spec.family} outputs are read as float32 or float16 (export without quantised outputs, or dequantize them in the graph)`);
  }
}

/** The anchor-output decoders' box part (v5 adds objectness) and the layout each exporter writes. */
const ANCHOR_FAMILIES: Readonly<Record<string, { head: number; layout: YoloLayout; extras?: number }>> = {
  yolov8: { head: 4, layout: 'channels-first' },
  yolov5: { head: 5, layout: 'channels-last' },
  'yolov8-seg': { head: 4, layout: 'channels-first', extras: 32 },
};

/** The output a YOLO decoder reads: the card's name for it, else YOLO-seg's rank-3 output, else the first. */
function decodedOutput(spec: SegmentationModelSpec, outputs: readonly TensorInfo[]): TensorInfo | undefined {
  const name = spec.family === 'yolov8-seg' ? spec.segmentation?.yoloOutputs?.detections : spec.outputs?.[0];
  if (name !== undefined) return outputs.find((o) => o.name === name);
  return spec.family === 'yolov8-seg' ? outputs.find((o) => o.shape.length === 3) : outputs[0];
}

/**
 * Refuses an export whose first output, read when the card names none, is not the `[1, A, B]`
 * detections while another output is (a v5 export with its three grid outputs first): it failed
 * at the first run with the decoder's rank error, not saying which output to name.
 */
function refuseAuxiliaryFirst(spec: ModelSpec, first: TensorInfo, outputs: readonly TensorInfo[]): void {
  const candidates = outputs.filter((o) => o.shape.length === 3);
  if (candidates.length === 0) return;
  const shown = (o: TensorInfo): string => `'${o.name}' [${o.shape.join(', ')}]`;
  throw new VisionError('MODEL_FORMAT', `model '${spec.id}': its first output ${shown(first)} is not the [1, A, B] detections the card reads when it names no output; ${candidates.map(shown).join(', ')} ${candidates.length === 1 ? 'is' : 'are'}: name it in the card: { ...yoloModel({ … }), outputs: ['${candidates[0].name}'] }`);
}

/**
 * Checks at creation that a YOLO v5/v8/v11 (-seg) card's labels fit its export's output, where
 * the model states that output's size: a card with 80 labels for a 3-class export (`[1, 7, 8400]`)
 * fails now, not at the first run. Outputs with a dynamic size are checked at the run, as before.
 *
 * @throws VisionError `MODEL_FORMAT` naming the model, the output, its shape and the label count.
 * @example
 * ```ts
 * checkYoloOutputShape(yoloModel({ url: 'best.onnx', labels: COCO_LABELS }), runner.outputs); // [1, 7, 8400]: throws
 * ```
 */
export function checkYoloOutputShape(spec: SegmentationModelSpec, outputs: readonly TensorInfo[]): void {
  const family = ownEntry(ANCHOR_FAMILIES, spec.family);
  const output = family && decodedOutput(spec, outputs);
  if (family && output && output.shape.length !== 3 && spec.family !== 'yolov8-seg' && !spec.outputs) refuseAuxiliaryFirst(spec, output, outputs);
  if (!family || !output || output.shape.length !== 3 || !output.shape.every((d) => Number.isInteger(d) && d > 0)) return;
  const [, a, b] = output.shape;
  const numExtras = spec.head?.numExtras ?? family.extras;
  try {
    resolveYoloMatrix([], a, b, family.head, { numClasses: spec.labels.length, numExtras, layout: spec.head?.layout }, family.layout, spec.family);
  } catch (error) {
    if (!(error instanceof VisionError)) throw error;
    // the labels fit the other version's vectors: the version is what to change, not the labels
    const advice = error.message.includes('decode it as version') ? '' : '; give the card the labels of the classes this export was trained on';
    throw new VisionError('MODEL_FORMAT', `model '${spec.id}': its output '${output.name}' does not fit the card's ${spec.labels.length} labels — ${error.message}${advice}`);
  }
}
