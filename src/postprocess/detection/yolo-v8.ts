/**
 * Decoder of anchor-free YOLO outputs (YOLOv8, v9, v11, v12, YOLOv5u, YOLO26 exported with
 * `end2end=False`): `[1, 4+C(+M), N]`, Ultralytics semantics.
 */
import { allowedClasses, checkDecodeOptions, readYoloTensor, resolveYoloMatrix } from './yolo-common';
import type { YoloCandidates, YoloDecodeOptions, YoloMatrix, YoloOutputTensor } from './yolo-common';
import { buildCandidates, CandidateBuffer, rowBoxIsFinite } from './yolo-candidates';

/**
 * Best class per row in one pass over the class scores: `best[i]` starts at the threshold,
 * so `cls[i]` stays -1 unless some score is strictly above it; the first class reaching the
 * maximum wins (torch `max`). NaN scores never compare greater and are ignored. On the
 * channels-first layout the pass runs class by class over contiguous memory.
 */
/**
 * Rows of a channels-first float32 matrix with any class score above `conf`, found by comparing
 * the scores' int32 bit patterns (monotonic for non-negative floats; conf ≥ 0, negative scores
 * never pass; NaN may pass here but never the exact compare later), 8 class planes at a time.
 */
function flagRows(data: Float32Array, m: YoloMatrix, conf: number): { flags: Uint8Array; count: number } {
  const { rows: n, colStride, head, numClasses: nc } = m;
  const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  const limit = new Int32Array(Float32Array.of(conf).buffer)[0];
  const flags = new Uint8Array(n);
  let c = 0;
  for (; c + 8 <= nc; c += 8) {
    const b0 = (head + c) * colStride;
    const [b1, b2, b3, b4, b5, b6, b7] = [1, 2, 3, 4, 5, 6, 7].map((k) => b0 + k * colStride);
    for (let i = 0; i < n; i++) {
      if (
        bits[b0 + i] > limit || bits[b1 + i] > limit || bits[b2 + i] > limit || bits[b3 + i] > limit ||
        bits[b4 + i] > limit || bits[b5 + i] > limit || bits[b6 + i] > limit || bits[b7 + i] > limit
      ) {
        flags[i] = 1;
      }
    }
  }
  for (; c < nc; c++) {
    const base = (head + c) * colStride;
    for (let i = 0; i < n; i++) if (bits[base + i] > limit) flags[i] = 1;
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += flags[i];
  return { flags, count };
}

/** Best class of one row (`> conf`, first maximum, NaN ignored); -1 when none. */
function bestOfRow(m: YoloMatrix, i: number, conf: number, out: { score: number }): number {
  const { data, rowStride, colStride, head, numClasses: nc } = m;
  const base = i * rowStride + head * colStride;
  let best = conf;
  let cls = -1;
  for (let c = 0; c < nc; c++) {
    const s = data[base + c * colStride];
    if (s > best) {
      best = s;
      cls = c;
    }
  }
  out.score = best;
  return cls;
}

function bestClasses(m: YoloMatrix, conf: number): { best: Float64Array; cls: Int32Array } {
  const { data, rows: n, rowStride, colStride, head, numClasses: nc } = m;
  const best = new Float64Array(n).fill(conf);
  const cls = new Int32Array(n).fill(-1);
  const found = { score: conf };
  if (rowStride === 1 && data instanceof Float32Array && conf >= 0) {
    // Real images: few anchors pass the threshold. Flag them cheaply, then scan only those.
    const { flags, count } = flagRows(data, m, conf);
    if (count * 8 <= n) {
      for (let i = 0; i < n; i++) {
        if (!flags[i]) continue;
        cls[i] = bestOfRow(m, i, conf, found);
        best[i] = found.score;
      }
      return { best, cls };
    }
  }
  if (rowStride === 1) {
    for (let c = 0; c < nc; c++) {
      const base = (head + c) * colStride;
      for (let i = 0; i < n; i++) {
        const s = data[base + i];
        if (s > best[i]) {
          best[i] = s;
          cls[i] = c;
        }
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      cls[i] = bestOfRow(m, i, conf, found);
      best[i] = found.score;
    }
  }
  return { best, cls };
}

/**
 * Decodes an anchor-free YOLO output into candidates before NMS, as Ultralytics
 * `non_max_suppression` does up to its NMS call:
 *
 * - rows: `cx, cy, w, h` in model-input pixels, then C class scores (already sigmoid), then
 *   M extras (mask coefficients of -seg models), passed through per candidate;
 * - a row is a candidate when its best class score is `> threshold` (compared in float32, as
 *   torch compares a float32 tensor with a Python float);
 * - best class only by default; with `multiLabel` every class `> threshold` of such a row is
 *   its own candidate (row-major order: row, then class), as `multi_label`;
 * - `classes` then keeps candidates of those classes (the best class must be one of them);
 * - over `maxCandidates` (default 30000, `max_nms`): only the highest scores stay;
 * - boxes become xyxy (float32, as `xywh2xyxy`). Candidates stay in row order.
 *
 * Both layouts are read in place: `[1, 4+C(+M), N]` (the Ultralytics export) and
 * `[1, N, 4+C(+M)]` (transposed exports), told apart by which axis fits `numClasses` (a
 * square output that fits both is read channels-first, unless `layout` says otherwise). NaN
 * scores are ignored (torch's `max` would propagate them and drop the whole row), rows with
 * a non-finite box are dropped; C may be 1; N may be 0 (empty result).
 *
 * Cost: one pass over the N×C scores with typed arrays, then work per candidate only.
 *
 * @throws VisionError `INVALID_INPUT` for a malformed tensor or batch > 1; `MODEL_FORMAT` when
 * the shape fits no layout for the given classes; `INVALID_OPTION` for bad options.
 *
 * @example
 * ```ts
 * const out = (await runner.run(feeds)).output0; // dims [1, 84, 8400]
 * const candidates = decodeYoloV8(out, { numClasses: 80, threshold: 0.25 });
 * const keep = nms(candidates.boxes, candidates.scores, { classIds: candidates.classIds, iouThreshold: 0.7 });
 * ```
 */
export function decodeYoloV8(output: YoloOutputTensor, options: YoloDecodeOptions = {}): YoloCandidates {
  const fn = 'decodeYoloV8';
  const opts = checkDecodeOptions(options, fn);
  const { data, a, b } = readYoloTensor(output, fn);
  const m = resolveYoloMatrix(data, a, b, 4, opts, 'channels-first', fn);
  const conf = Math.fround(opts.threshold);
  const { best, cls } = bestClasses(m, conf);
  const allowed = allowedClasses(opts.classes, m.numClasses);
  const multi = opts.multiLabel && m.numClasses > 1;
  const buf = new CandidateBuffer(256);
  for (let i = 0; i < m.rows; i++) {
    const c = cls[i];
    if (c < 0 || !rowBoxIsFinite(m, i)) continue;
    if (!multi) {
      if (!allowed || allowed[c]) buf.push(i, c, best[i]);
      continue;
    }
    const base = i * m.rowStride + 4 * m.colStride;
    for (let k = 0; k < m.numClasses; k++) {
      const s = m.data[base + k * m.colStride];
      if (s > conf && (!allowed || allowed[k])) buf.push(i, k, s);
    }
  }
  return buildCandidates(m, buf, { maxCandidates: opts.maxCandidates, boxFormat: 'cxcywh', extrasOffset: 4 + m.numClasses });
}
