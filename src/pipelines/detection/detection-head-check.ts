import { VisionError } from '../../core/errors';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import type { ModelSpec } from '../../models/model-spec';
import type { YoloLayout } from '../../postprocess/detection/yolo-common';
import { torchvisionDefaultBoxes } from '../../postprocess/detection/torchvision-ssd-boxes';

/** The YOLO output layouts a card's `head.layout` may name. */
const YOLO_LAYOUTS: readonly YoloLayout[] = ['channels-first', 'channels-last'];

function refuse(spec: ModelSpec, message: string): never {
  throw new VisionError('INVALID_OPTION', `model '${spec.id}': ${message}`);
}

const isWhole = (value: unknown, least: number): boolean => typeof value === 'number' && Number.isInteger(value) && value >= least;

/** NanoDet's GFL head: strides, distance bins, cell-centre offset. */
function checkGflHead(spec: ModelSpec, head: Record<string, unknown>): void {
  const { strides, regMax, centerOffset } = head;
  if (strides !== undefined && !(Array.isArray(strides) && strides.length > 0 && strides.every((s) => isWhole(s, 1)))) {
    refuse(spec, `head.strides is ${shownValue(strides)}; it must be a non-empty list of positive integers (input pixels per cell of each output level, e.g. [8, 16, 32])`);
  }
  if (regMax !== undefined && !isWhole(regMax, 0)) refuse(spec, `head.regMax is ${shownValue(regMax)}; it must be a whole number ≥ 0 (the largest distance bin)`);
  if (centerOffset !== undefined && !(typeof centerOffset === 'number' && Number.isFinite(centerOffset))) {
    refuse(spec, `head.centerOffset is ${shownValue(centerOffset)}; it must be a finite number of cells (0.5 = cell centres)`);
  }
}

/** torchvision SSD raw heads: output names, default boxes (generated once here to check them), box coder, activation, top-k. */
function checkTorchvisionSsdHead(spec: ModelSpec, head: unknown): void {
  const use = 'head.torchvisionSsd { outputs: [regressionName, logitsName], defaultBoxes, boxCoder?, activation?, topkCandidates? }';
  if (!isOptionsObject(head)) refuse(spec, `family torchvision-ssd needs ${use}; got ${shownValue(head)}`);
  const { outputs, defaultBoxes, boxCoder, activation, topkCandidates } = head;
  if (!(Array.isArray(outputs) && outputs.length === 2 && outputs.every((name) => typeof name === 'string'))) {
    refuse(spec, `head.torchvisionSsd.outputs is ${shownValue(outputs)}; it must be two output names: box regressions, then class logits`);
  }
  if (!isOptionsObject(defaultBoxes)) refuse(spec, `head.torchvisionSsd.defaultBoxes is ${shownValue(defaultBoxes)}; it must be the options of torchvision's DefaultBoxGenerator`);
  try {
    torchvisionDefaultBoxes(defaultBoxes as never);
  } catch (error) {
    refuse(spec, `head.torchvisionSsd.defaultBoxes: ${(error as Error).message}`);
  }
  if (boxCoder !== undefined && !isOptionsObject(boxCoder)) refuse(spec, `head.torchvisionSsd.boxCoder is ${shownValue(boxCoder)}; it must be an object (e.g. { weights: [10, 10, 5, 5] })`);
  if (activation !== undefined && activation !== 'softmax' && activation !== 'sigmoid') {
    refuse(spec, `head.torchvisionSsd.activation is ${shownValue(activation)}; allowed: 'softmax', 'sigmoid'`);
  }
  if (topkCandidates !== undefined && !isWhole(topkCandidates, 1)) refuse(spec, `head.torchvisionSsd.topkCandidates is ${shownValue(topkCandidates)}; it must be a positive integer`);
}

/**
 * Checks the head settings of a detection card that only show at decode time, so that a bad
 * one fails when the pipeline is created, not at the first run: `head` an object;
 * `head.layout`, where given, a YOLO output layout; NanoDet's `strides` (positive integers),
 * `regMax` (whole) and `centerOffset` (finite); a `torchvision-ssd` card's
 * `head.torchvisionSsd` (two output names, default boxes torchvision can generate, box coder,
 * activation, top-k); a `mediapipe-ssd` card's `head.ssd` present.
 *
 * @throws VisionError `INVALID_OPTION` naming the card, the field and what is allowed.
 *
 * @example
 * ```ts
 * checkDetectionHead({ ...card, head: { layout: 'nchw' } }); // throws: … head.layout must be 'channels-first' or 'channels-last'
 * ```
 */
export function checkDetectionHead(spec: ModelSpec): void {
  const head: unknown = spec.head;
  if (head !== undefined && !isOptionsObject(head)) refuse(spec, `head is ${shownValue(head)}; it must be an object of decoder settings`);
  const settings = (head ?? {}) as Record<string, unknown>;
  if (settings.layout !== undefined && !YOLO_LAYOUTS.includes(settings.layout as YoloLayout)) {
    refuse(spec, `head.layout must be ${YOLO_LAYOUTS.map((l) => `'${l}'`).join(' or ')} (where a YOLO output's candidate vectors lie); got ${shownValue(settings.layout)}`);
  }
  if (spec.family === 'nanodet') checkGflHead(spec, settings);
  if (spec.family === 'torchvision-ssd') checkTorchvisionSsdHead(spec, settings.torchvisionSsd);
  if (spec.family === 'mediapipe-ssd' && !isOptionsObject(settings.ssd)) {
    refuse(spec, `family mediapipe-ssd needs head.ssd: anchors, box and score outputs, decode options; got ${shownValue(settings.ssd)}`);
  }
}
