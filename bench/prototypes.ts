/**
 * Prototype of a faster YOLOv8 decode, measured next to `postprocessYolo` as evidence for a
 * suggested change in src/postprocess/yolo-v8.ts (`bestClasses`). Not part of the SDK.
 *
 * The idea: on the channels-first `[4+C, N]` layout, most anchors of a real image have every
 * class score below the threshold. So the first pass only answers "does row i have ANY score
 * above conf?" — reading 8 class planes at once with a short-circuit `||` and no per-row state
 * (the current pass loads and compares `best[i]` for each of the C×N scores). The float32
 * scores are compared as their int32 bit patterns (monotonic for non-negative floats; conf is
 * in [0, 1]; negative scores have the sign bit set and never pass; NaN passes this filter but
 * never the exact float compare afterwards). Only the flagged rows then get the exact best
 * class (first maximum, NaN ignored — the current semantics). When many rows are flagged
 * (uniform noise), the strided per-row scan would be cache-unfriendly, so it falls back to the
 * current class-by-class running maximum.
 */
import { nms } from '../src/node/index';
import type { Final } from './baselines';

const LANES = 8;

/** Rows of a channels-first `[head + nc, n]` Float32Array with some class score > conf. */
function flagRows(data: Float32Array, n: number, head: number, nc: number, conf: number): Uint8Array {
  const flag = new Uint8Array(n);
  const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
  const confBits = new Int32Array(Float32Array.of(conf).buffer)[0];
  let c = 0;
  for (; c + LANES <= nc; c += LANES) {
    const b0 = (head + c) * n;
    const b1 = b0 + n;
    const b2 = b1 + n;
    const b3 = b2 + n;
    const b4 = b3 + n;
    const b5 = b4 + n;
    const b6 = b5 + n;
    const b7 = b6 + n;
    for (let i = 0; i < n; i++) {
      if (
        bits[b0 + i] > confBits || bits[b1 + i] > confBits || bits[b2 + i] > confBits || bits[b3 + i] > confBits ||
        bits[b4 + i] > confBits || bits[b5 + i] > confBits || bits[b6 + i] > confBits || bits[b7 + i] > confBits
      ) {
        flag[i] = 1;
      }
    }
  }
  for (; c < nc; c++) {
    const base = (head + c) * n;
    for (let i = 0; i < n; i++) if (bits[base + i] > confBits) flag[i] = 1;
  }
  return flag;
}

/** Exact best class (> conf, first maximum, NaN ignored) of every row: the current pass. */
function bestByPlanes(data: Float32Array, n: number, head: number, nc: number, conf: number): { best: Float32Array; cls: Int32Array } {
  const best = new Float32Array(n).fill(conf);
  const cls = new Int32Array(n).fill(-1);
  for (let c = 0; c < nc; c++) {
    const base = (head + c) * n;
    for (let i = 0; i < n; i++) {
      const s = data[base + i];
      if (s > best[i]) {
        best[i] = s;
        cls[i] = c;
      }
    }
  }
  return { best, cls };
}

/**
 * YOLOv8 `[1, 4+nc, n]` decode with the flag pass, then the SDK's own `nms` (class-aware), so
 * only the decode differs from `postprocessYolo`.
 */
export function flagScanYolo(data: Float32Array, n: number, nc: number, conf: number, iou: number, maxDet: number): Final {
  const c32 = Math.fround(conf);
  const flag = flagRows(data, n, 4, nc, c32);
  let flagged = 0;
  for (let i = 0; i < n; i++) flagged += flag[i];
  const rows = new Int32Array(flagged);
  const scores = new Float32Array(flagged);
  const classIds = new Int32Array(flagged);
  let m = 0;
  if (flagged * 8 > n) {
    const { best, cls } = bestByPlanes(data, n, 4, nc, c32);
    for (let i = 0; i < n; i++) {
      if (cls[i] < 0) continue;
      rows[m] = i;
      scores[m] = best[i];
      classIds[m++] = cls[i];
    }
  } else {
    for (let i = 0; i < n; i++) {
      if (!flag[i]) continue;
      let b = c32;
      let a = -1;
      for (let c = 0, o = 4 * n + i; c < nc; c++, o += n) {
        const s = data[o];
        if (s > b) {
          b = s;
          a = c;
        }
      }
      if (a < 0) continue; // NaN-only row
      rows[m] = i;
      scores[m] = b;
      classIds[m++] = a;
    }
  }
  // boxes xyxy; rows with a non-finite box are dropped (as the SDK does)
  const boxes = new Float32Array(m * 4);
  let w = 0;
  for (let k = 0; k < m; k++) {
    const i = rows[k];
    const cx = data[i];
    const cy = data[n + i];
    const bw = data[2 * n + i];
    const bh = data[3 * n + i];
    if (!(Number.isFinite(cx) && Number.isFinite(cy) && Number.isFinite(bw) && Number.isFinite(bh))) continue;
    boxes[w * 4] = cx - bw / 2;
    boxes[w * 4 + 1] = cy - bh / 2;
    boxes[w * 4 + 2] = cx + bw / 2;
    boxes[w * 4 + 3] = cy + bh / 2;
    scores[w] = scores[k];
    classIds[w++] = classIds[k];
  }
  m = w;
  const s = scores.subarray(0, m);
  const c = classIds.subarray(0, m);
  const b = boxes.subarray(0, m * 4);
  const keep = nms(b, s, { iouThreshold: iou, classIds: c, maxDetections: maxDet });
  const out: Final = { boxes: new Float32Array(keep.length * 4), scores: new Float32Array(keep.length), classIds: new Int32Array(keep.length) };
  keep.forEach((k, j) => {
    out.boxes.set(b.subarray(k * 4, k * 4 + 4), j * 4);
    out.scores[j] = s[k];
    out.classIds[j] = c[k];
  });
  return out;
}
