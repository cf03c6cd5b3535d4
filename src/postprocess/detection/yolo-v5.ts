/**
 * Decoder of anchor-based YOLOv5 exports (also YOLOv7 and the YOLOv5-seg head):
 * `[1, N, 5+C(+M)]`, semantics of YOLOv5's `non_max_suppression`.
 */
import { allowedClasses, checkDecodeOptions, readYoloTensor, resolveYoloMatrix } from './yolo-common';
import type { YoloCandidates, YoloDecodeOptions, YoloOutputTensor } from './yolo-common';
import { buildCandidates, CandidateBuffer, rowBoxIsFinite } from './yolo-candidates';

/**
 * Decodes an anchor-based YOLOv5 output into candidates before NMS, as YOLOv5's
 * `non_max_suppression` does up to its NMS call:
 *
 * - rows: `cx, cy, w, h` in model-input pixels, objectness, C class scores (sigmoid), then M
 *   extras (32 mask coefficients for YOLOv5-seg);
 * - rows with `objectness > threshold` only; a class's score is `objectness × class score`
 *   (float32 product); the best one must be `> threshold`; with `multiLabel` every class
 *   whose product is `> threshold` becomes a candidate (row-major order);
 * - `classes` then filters on the chosen class; over `maxCandidates` (default 30000) only
 *   the highest scores stay; boxes become xyxy. Candidates stay in row order.
 * - extras are multiplied by objectness, exactly as YOLOv5 does (`x[:, 5:] *= x[:, 4:5]`
 *   scales the mask columns too); binary masks (sigmoid > 0.5) are unaffected by it.
 *
 * The layout defaults to `[1, N, 5+C(+M)]` (also for a square output that fits both);
 * `[1, 5+C(+M), N]` is recognised from `numClasses` too. NaN scores never pass the threshold; rows with a non-finite box are
 * dropped. Thresholds compare in float32.
 *
 * @throws VisionError `INVALID_INPUT` for a malformed tensor or batch > 1; `MODEL_FORMAT` when
 * the shape fits no layout for the given classes; `INVALID_OPTION` for bad options.
 *
 * @example
 * ```ts
 * const candidates = decodeYoloV5(outputs.output0, { numClasses: 80 }); // dims [1, 25200, 85]
 * const keep = nms(candidates.boxes, candidates.scores, { classIds: candidates.classIds, iouThreshold: 0.45 });
 * ```
 */
export function decodeYoloV5(output: YoloOutputTensor, options: YoloDecodeOptions = {}): YoloCandidates {
  const fn = 'decodeYoloV5';
  const opts = checkDecodeOptions(options, fn);
  const { data: raw, a, b } = readYoloTensor(output, fn);
  const m = resolveYoloMatrix(raw, a, b, 5, opts, 'channels-last', fn);
  const { data, rowStride, colStride, numClasses: nc } = m;
  const conf = Math.fround(opts.threshold);
  const allowed = allowedClasses(opts.classes, nc);
  const multi = opts.multiLabel && nc > 1;
  const buf = new CandidateBuffer(256);
  for (let i = 0; i < m.rows; i++) {
    const o = i * rowStride;
    const obj = data[o + 4 * colStride];
    if (!(obj > conf) || !rowBoxIsFinite(m, i)) continue;
    const base = o + 5 * colStride;
    if (multi) {
      for (let c = 0; c < nc; c++) {
        const s = Math.fround(data[base + c * colStride] * obj);
        if (s > conf && (!allowed || allowed[c])) buf.push(i, c, s);
      }
      continue;
    }
    let best = conf;
    let arg = -1;
    for (let c = 0; c < nc; c++) {
      const s = Math.fround(data[base + c * colStride] * obj);
      if (s > best) {
        best = s;
        arg = c;
      }
    }
    if (arg >= 0 && (!allowed || allowed[arg])) buf.push(i, arg, best);
  }
  return buildCandidates(m, buf, {
    maxCandidates: opts.maxCandidates,
    boxFormat: 'cxcywh',
    extrasOffset: 5 + nc,
    extrasScaleChannel: 4,
  });
}
