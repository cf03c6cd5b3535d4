/**
 * Building {@link YoloCandidates} from (row, class, score) triples: a growable typed-array
 * buffer, the `max_nms` cut, and the gather of boxes and extras (internal to the YOLO
 * decoders; nothing here is re-exported).
 */
import type { YoloCandidates, YoloMatrix } from './yolo-common';
import { boxIsFinite } from './candidates';

/**
 * Candidates as parallel typed arrays that grow by doubling: no object per candidate.
 *
 * @example
 * ```ts
 * const buf = new CandidateBuffer(64);
 * buf.push(17, 0, 0.9); // row 17, class 0
 * ```
 */
export class CandidateBuffer {
  rows: Int32Array;
  classes: Int32Array;
  scores: Float32Array;
  length = 0;

  constructor(capacity: number) {
    const c = Math.max(16, capacity);
    this.rows = new Int32Array(c);
    this.classes = new Int32Array(c);
    this.scores = new Float32Array(c);
  }

  push(row: number, cls: number, score: number): void {
    if (this.length === this.rows.length) this.grow();
    const k = this.length++;
    this.rows[k] = row;
    this.classes[k] = cls;
    this.scores[k] = score;
  }

  private grow(): void {
    const c = this.rows.length * 2;
    const rows = new Int32Array(c);
    const classes = new Int32Array(c);
    const scores = new Float32Array(c);
    rows.set(this.rows);
    classes.set(this.classes);
    scores.set(this.scores);
    this.rows = rows;
    this.classes = classes;
    this.scores = scores;
  }
}

/**
 * Whether the 4 box numbers of row `i` are all finite (rows with NaN or infinite boxes are dropped).
 *
 * @example
 * ```ts
 * if (rowBoxIsFinite(m, i)) buf.push(i, cls, score);
 * ```
 */
export function rowBoxIsFinite(m: YoloMatrix, i: number): boolean {
  return boxIsFinite(m.data, i * m.rowStride, m.colStride);
}

/**
 * Which buffered candidates to keep: all (in buffer order) when there are at most
 * `maxCandidates`, else the `maxCandidates` highest scores (equal scores: earlier first),
 * returned in buffer order.
 */
function cutToMax(buf: CandidateBuffer, maxCandidates: number): Int32Array | undefined {
  const n = buf.length;
  if (n <= maxCandidates) return undefined;
  const scores = buf.scores;
  const pick = new Int32Array(maxCandidates);
  if (maxCandidates === 0) return pick;
  // The maxCandidates-th largest score, by a native numeric sort (no comparator callback);
  // buffered scores are never NaN. Keep every score above it, then ties in buffer order.
  const kth = scores.slice(0, n).sort()[n - maxCandidates];
  let above = 0;
  for (let k = 0; k < n; k++) if (scores[k] > kth) above++;
  let ties = maxCandidates - above;
  let m = 0;
  for (let k = 0; k < n && m < maxCandidates; k++) {
    const s = scores[k];
    if (s > kth || (s === kth && ties-- > 0)) pick[m++] = k;
  }
  return pick;
}

/**
 * Turns buffered candidates into {@link YoloCandidates}: applies `maxCandidates`, converts the
 * boxes of their rows to xyxy (from `cx, cy, w, h`, or copied when `boxFormat` is `'xyxy'`),
 * and copies their extras (multiplied by the row's channel `extrasScaleChannel` when given: YOLOv5 scales
 * them by objectness).
 *
 * @example
 * ```ts
 * return buildCandidates(m, buf, { maxCandidates: 30000, boxFormat: 'cxcywh', extrasOffset: 4 + m.numClasses });
 * ```
 */
export function buildCandidates(
  m: YoloMatrix,
  buf: CandidateBuffer,
  options: { maxCandidates: number; boxFormat: 'cxcywh' | 'xyxy'; extrasOffset: number; extrasScaleChannel?: number; nmsFree?: boolean },
): YoloCandidates {
  const pick = cutToMax(buf, options.maxCandidates);
  const n = pick ? pick.length : buf.length;
  const boxes = new Float32Array(n * 4);
  const scores = new Float32Array(n);
  const classIds = new Int32Array(n);
  const rowIndices = new Int32Array(n);
  const ne = m.numExtras;
  const extras = ne > 0 ? new Float32Array(n * ne) : undefined;
  const { data, rowStride, colStride } = m;
  for (let k = 0; k < n; k++) {
    const b = pick ? pick[k] : k;
    const row = buf.rows[b];
    rowIndices[k] = row;
    scores[k] = buf.scores[b];
    classIds[k] = buf.classes[b];
    const o = row * rowStride;
    const v0 = data[o];
    const v1 = data[o + colStride];
    const v2 = data[o + 2 * colStride];
    const v3 = data[o + 3 * colStride];
    if (options.boxFormat === 'xyxy') {
      boxes[k * 4] = v0;
      boxes[k * 4 + 1] = v1;
      boxes[k * 4 + 2] = v2;
      boxes[k * 4 + 3] = v3;
    } else {
      // Ultralytics xywh2xyxy: half size first; each result rounds to float32 as torch does.
      const hw = v2 / 2;
      const hh = v3 / 2;
      boxes[k * 4] = v0 - hw;
      boxes[k * 4 + 1] = v1 - hh;
      boxes[k * 4 + 2] = v0 + hw;
      boxes[k * 4 + 3] = v1 + hh;
    }
    if (extras) {
      const sc = options.extrasScaleChannel;
      const scale = sc === undefined ? 1 : data[o + sc * colStride];
      const e0 = o + options.extrasOffset * colStride;
      for (let e = 0; e < ne; e++) extras[k * ne + e] = data[e0 + e * colStride] * scale;
    }
  }
  const out: YoloCandidates = { boxes, scores, classIds, rowIndices, numExtras: ne, nmsFree: options.nmsFree === true };
  if (extras) out.extras = extras;
  return out;
}

/**
 * The candidates at `keep` (e.g. NMS output), in that order, as new arrays.
 *
 * @example
 * ```ts
 * const final = selectCandidates(candidates, nms(candidates.boxes, candidates.scores), true);
 * ```
 */
export function selectCandidates(c: YoloCandidates, keep: ArrayLike<number>, nmsFree: boolean): YoloCandidates {
  const n = keep.length;
  const ne = c.numExtras;
  const boxes = new Float32Array(n * 4);
  const scores = new Float32Array(n);
  const classIds = new Int32Array(n);
  const rowIndices = new Int32Array(n);
  const extras = c.extras ? new Float32Array(n * ne) : undefined;
  for (let k = 0; k < n; k++) {
    const i = keep[k];
    boxes.set(c.boxes.subarray(i * 4, i * 4 + 4), k * 4);
    scores[k] = c.scores[i];
    classIds[k] = c.classIds[i];
    rowIndices[k] = c.rowIndices[i];
    if (extras && c.extras) extras.set(c.extras.subarray(i * ne, (i + 1) * ne), k * ne);
  }
  const out: YoloCandidates = { boxes, scores, classIds, rowIndices, numExtras: ne, nmsFree };
  if (extras) out.extras = extras;
  return out;
}
