/**
 * `postprocessYolo`: decode + NMS + `max_det`, the equivalent of Ultralytics
 * `non_max_suppression` for the three YOLO output families — a convenience over the family
 * decoders and the one suppression step (`suppressCandidates`), which the pipelines call
 * themselves.
 */
import { VisionError } from '../../core/errors';
import { suppressCandidates } from '../nms/suppress';
import { optionNames } from '../../core/known-options';
import { checkCount, checkOptionNames, checkUnitInterval } from '../validate';
import { YOLO_DECODE_OPTION_NAMES } from './yolo-common';
import type { YoloCandidates, YoloDecodeOptions, YoloOutputTensor } from './yolo-common';
import { selectCandidates } from './yolo-candidates';
import { decodeYoloEnd2End } from './yolo-end2end';
import { decodeYoloV5 } from './yolo-v5';
import { decodeYoloV8 } from './yolo-v8';

/**
 * Which YOLO output family a model has:
 * - `'v8'`: anchor-free `[1, 4+C(+M), N]` (YOLOv8, v9, v11, v12, YOLOv5u, YOLO26 with `end2end=False`);
 * - `'v5'`: anchor-based `[1, N, 5+C(+M)]` with objectness (YOLOv5, YOLOv7);
 * - `'end2end'`: NMS-free `[1, K, 6(+M)]` (YOLOv10, YOLO26 default export).
 *
 * @example
 * ```ts
 * const format: YoloFormat = 'v8';
 * ```
 */
export type YoloFormat = 'v8' | 'v5' | 'end2end';

const FORMATS: readonly YoloFormat[] = ['v8', 'v5', 'end2end'];

/**
 * Options of {@link postprocessYolo}: the decoder's options plus NMS.
 *
 * @example
 * ```ts
 * const options: YoloPostprocessOptions = { format: 'v8', numClasses: 80, threshold: 0.25, iouThreshold: 0.7 };
 * ```
 */
export interface YoloPostprocessOptions extends YoloDecodeOptions {
  format: YoloFormat;
  /**
   * NMS IoU threshold: suppress when `IoU > iouThreshold`. In [0, 1]. Default 0.7 for `'v8'`
   * (Ultralytics' predict default), 0.45 for `'v5'` (YOLOv5's `detect.py`); unused for `'end2end'`.
   */
  iouThreshold?: number;
  /** Boxes of different classes suppress each other too. Default false (per-class NMS). */
  agnostic?: boolean;
  /** Keep at most this many detections (Ultralytics `max_det`). Default 300. */
  maxDetections?: number;
}

const POSTPROCESS_OPTION_NAMES = /* @__PURE__ */ optionNames<YoloPostprocessOptions>()(['format', 'iouThreshold', 'agnostic', 'maxDetections', ...YOLO_DECODE_OPTION_NAMES]);

/**
 * Runs a YOLO output through its decoder, class-aware (or `agnostic`) NMS and
 * `maxDetections`, returning final detections sorted by descending score, boxes xyxy in
 * model-input pixels (map them to the frame with `scaleBoxesToSource`), with each one's
 * raw-output row and extras (mask coefficients) for mask assembly.
 *
 * Matches Ultralytics `non_max_suppression(pred, conf, iou, classes, agnostic, multi_label,
 * max_det=300, max_nms=30000)` (YOLOv5's for `'v5'`); golden-tested against a transcription
 * of it running on torch / torchvision. Where we differ, and why it does not matter:
 * - class-aware NMS: Ultralytics offsets each box by `class × 7680` and runs one
 *   class-agnostic NMS; we run NMS per class directly (`suppressCandidates`, greedy). For
 *   boxes within 7680 px this is the same computation, up to float32 rounding of the
 *   offset coordinates (IoU within ~1e-7 of the threshold);
 * - IoU in double precision (torchvision: float32), same as above;
 * - candidate order before NMS is row order (Ultralytics: an unstable sort by score over
 *   `max_nms` candidates, and always for YOLOv5): only equal scores could be ordered differently;
 * - NaN class scores are ignored rather than dropping the whole row.
 *
 * With `format: 'end2end'` no NMS runs: see `decodeYoloEnd2End`.
 *
 * @throws VisionError `INVALID_OPTION` (unknown format, bad thresholds or counts),
 * `INVALID_INPUT` / `MODEL_FORMAT` from the decoder.
 *
 * @example
 * ```ts
 * const out = (await runner.run(feeds)).output0; // [1, 84, 8400]
 * const det = postprocessYolo(out, { format: 'v8', numClasses: labels.length, threshold: 0.25 });
 * const boxes = scaleBoxesToSource(det.boxes, transform);
 * det.classIds.forEach((c, k) => console.log(labels[c], det.scores[k]));
 * ```
 */
export function postprocessYolo(output: YoloOutputTensor, options: YoloPostprocessOptions): YoloCandidates {
  const fn = 'postprocessYolo';
  if (options == null || typeof options !== 'object' || !FORMATS.includes(options.format)) {
    throw new VisionError(
      'INVALID_OPTION',
      `${fn}: options.format must be one of ${FORMATS.join(', ')}; got ${String(options?.format)}`,
    );
  }
  checkOptionNames(options, fn, POSTPROCESS_OPTION_NAMES);
  const { format, iouThreshold, agnostic, maxDetections = 300, ...decode } = options;
  checkCount(maxDetections, `${fn}: maxDetections`);
  if (format === 'end2end') {
    return decodeYoloEnd2End(output, {
      threshold: decode.threshold,
      numClasses: decode.numClasses,
      numExtras: decode.numExtras,
      classes: decode.classes,
      maxDetections,
    });
  }
  const iou = iouThreshold ?? (format === 'v5' ? 0.45 : 0.7);
  checkUnitInterval(iou, `${fn}: iouThreshold`);
  const candidates = format === 'v5' ? decodeYoloV5(output, decode) : decodeYoloV8(output, decode);
  const kept = suppressCandidates(candidates, { method: 'greedy', iouThreshold: iou, agnostic: agnostic === true, maxDetections });
  return selectCandidates(candidates, kept.indices, true);
}
