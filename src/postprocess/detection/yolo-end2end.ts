/**
 * Decoder of end-to-end (NMS-free) YOLO exports: YOLOv10, YOLO26 (`end2end=True`, the
 * default), RT-DETR-style top-k heads: `[1, K, 6(+M)]` = `x1, y1, x2, y2, score, class`.
 */
import { VisionError } from '../../core/errors';
import { optionNames } from '../../core/known-options';
import { checkUnitInterval, checkCount, checkOptionNames } from '../validate';
import { checkClasses, readYoloTensor } from './yolo-common';
import type { YoloCandidates, YoloMatrix, YoloOutputTensor } from './yolo-common';
import { buildCandidates, CandidateBuffer, rowBoxIsFinite } from './yolo-candidates';

/**
 * Options of {@link decodeYoloEnd2End}.
 *
 * @example
 * ```ts
 * const options: YoloEnd2EndOptions = { threshold: 0.25, numClasses: 80, maxDetections: 100 };
 * ```
 */
export interface YoloEnd2EndOptions {
  /** Keep rows with `score > threshold` (strictly, compared in float32). In [0, 1]; default 0.25. */
  threshold?: number;
  /** When given, rows whose class is not an integer in [0, numClasses) are dropped. */
  numClasses?: number;
  /** Extra values after `class` in each row (32 mask coefficients for -seg). Default: the row length minus 6, which must be 0 or 32. */
  numExtras?: number;
  /** Keep only these class ids (applied after `maxDetections`, as Ultralytics does). Default: all. */
  classes?: readonly number[];
  /** Keep at most this many of the rows passing the threshold, the first ones (Ultralytics `max_det`). Default 300. */
  maxDetections?: number;
}

const END2END_OPTION_NAMES = /* @__PURE__ */ optionNames<YoloEnd2EndOptions>()(['threshold', 'numClasses', 'numExtras', 'classes', 'maxDetections']);

/**
 * Decodes the output of an end-to-end YOLO model: its rows are final detections, already
 * ranked by the model, so no NMS follows (`nmsFree: true`). As Ultralytics'
 * `non_max_suppression` on such outputs (`pred[pred[:, 4] > conf][:max_det]`, then the
 * `classes` filter):
 *
 * - rows with `score > threshold`, in model order; the first `maxDetections` of them;
 * - then only `classes`, when given (so fewer than `maxDetections` may remain even if more
 *   rows of those classes exist further down: Ultralytics' order of operations);
 * - extras (mask coefficients) pass through per candidate.
 *
 * Rows with a NaN score, a non-finite box or an invalid class are dropped first.
 *
 * @throws VisionError `INVALID_INPUT` for a malformed tensor or batch > 1; `MODEL_FORMAT` when
 * rows are not `6 + numExtras` long; `INVALID_OPTION` for bad options.
 *
 * @example
 * ```ts
 * const out = (await runner.run(feeds)).output0; // dims [1, 300, 6]
 * const detections = decodeYoloEnd2End(out, { threshold: 0.25, numClasses: 80 }); // no NMS needed
 * ```
 */
export function decodeYoloEnd2End(output: YoloOutputTensor, options: YoloEnd2EndOptions = {}): YoloCandidates {
  const fn = 'decodeYoloEnd2End';
  checkOptionNames(options, fn, END2END_OPTION_NAMES);
  const threshold = options.threshold ?? 0.25;
  checkUnitInterval(threshold, `${fn}: threshold`);
  const maxDetections = options.maxDetections ?? 300;
  checkCount(maxDetections, `${fn}: maxDetections`);
  const { numClasses, numExtras } = options;
  if (numClasses !== undefined && !(Number.isInteger(numClasses) && numClasses >= 1)) {
    throw new VisionError('INVALID_OPTION', `${fn}: numClasses must be a positive integer; got ${String(numClasses)}`);
  }
  if (numExtras !== undefined && !(Number.isInteger(numExtras) && numExtras >= 0)) {
    throw new VisionError('INVALID_OPTION', `${fn}: numExtras must be a non-negative integer; got ${String(numExtras)}`);
  }
  checkClasses(options.classes, fn);

  const { data, a: rows, b: width } = readYoloTensor(output, fn);
  const extras = numExtras ?? width - 6;
  if (width !== 6 + extras || (numExtras === undefined && extras !== 0 && extras !== 32)) {
    throw new VisionError(
      'MODEL_FORMAT',
      `${fn}: expected an output [1, K, 6${numExtras === undefined ? '(+32)' : `+${numExtras}`}] (x1, y1, x2, y2, score, class); got rows of ${width}` +
        (numExtras === undefined ? ' (pass numExtras for other extras)' : ''),
    );
  }
  const m: YoloMatrix = { data, rows, rowStride: width, colStride: 1, head: 6, numClasses: numClasses ?? 0, numExtras: extras };
  const conf = Math.fround(threshold);
  const maxClass = numClasses ?? Infinity;
  const allowed = options.classes ? new Set(options.classes) : undefined;
  const buf = new CandidateBuffer(64);
  let passed = 0;
  for (let i = 0; i < rows && passed < maxDetections; i++) {
    const o = i * width;
    const score = data[o + 4];
    const cls = data[o + 5];
    if (!(score > conf) || !Number.isInteger(cls) || cls < 0 || cls >= maxClass || !rowBoxIsFinite(m, i)) continue;
    passed++;
    if (!allowed || allowed.has(cls)) buf.push(i, cls, score);
  }
  return buildCandidates(m, buf, { maxCandidates: Infinity, boxFormat: 'xyxy', extrasOffset: 6, nmsFree: true });
}
