/**
 * The competitors of visionpipe's YOLO decode + NMS: a plain typed-array JS implementation
 * (what one writes by hand without tricks) and the usual tfjs-ops way.
 */
import * as tf from '@tensorflow/tfjs';

/** What every decode + NMS competitor returns: final detections, boxes xyxy. */
export interface Final {
  boxes: Float32Array;
  scores: Float32Array;
  classIds: Int32Array;
}

/**
 * Plain typed-array JS: for each anchor, scan its class scores for the best one (reading the
 * `[84, 8400]` layout with stride 8400, as written naturally), keep it when above `conf`,
 * sort the candidates by score, then greedy per-class NMS up to `maxDet`.
 */
export function plainYolo(data: Float32Array, n: number, nc: number, conf: number, iou: number, maxDet: number): Final {
  const idx: number[] = [];
  const best: number[] = [];
  const bestCls: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = -Infinity;
    let c = -1;
    for (let k = 0; k < nc; k++) {
      const v = data[(4 + k) * n + i];
      if (v > s) {
        s = v;
        c = k;
      }
    }
    if (s > conf) {
      idx.push(i);
      best.push(s);
      bestCls.push(c);
    }
  }
  const order = idx.map((_, j) => j).sort((p, q) => best[q] - best[p]);
  const m = order.length;
  const x1 = new Float32Array(m);
  const y1 = new Float32Array(m);
  const x2 = new Float32Array(m);
  const y2 = new Float32Array(m);
  for (let k = 0; k < m; k++) {
    const i = idx[order[k]];
    const cx = data[i];
    const cy = data[n + i];
    const w = data[2 * n + i];
    const h = data[3 * n + i];
    x1[k] = cx - w / 2;
    y1[k] = cy - h / 2;
    x2[k] = cx + w / 2;
    y2[k] = cy + h / 2;
  }
  const kept: number[] = [];
  for (let k = 0; k < m && kept.length < maxDet; k++) {
    const ck = bestCls[order[k]];
    const ak = (x2[k] - x1[k]) * (y2[k] - y1[k]);
    let keep = true;
    for (const p of kept) {
      if (bestCls[order[p]] !== ck) continue;
      const w = Math.max(0, Math.min(x2[k], x2[p]) - Math.max(x1[k], x1[p]));
      const h = Math.max(0, Math.min(y2[k], y2[p]) - Math.max(y1[k], y1[p]));
      const inter = w * h;
      if (inter / ((x2[p] - x1[p]) * (y2[p] - y1[p]) + ak - inter) > iou) {
        keep = false;
        break;
      }
    }
    if (keep) kept.push(k);
  }
  const out: Final = { boxes: new Float32Array(kept.length * 4), scores: new Float32Array(kept.length), classIds: new Int32Array(kept.length) };
  kept.forEach((k, j) => {
    out.boxes.set([x1[k], y1[k], x2[k], y2[k]], j * 4);
    out.scores[j] = best[order[k]];
    out.classIds[j] = bestCls[order[k]];
  });
  return out;
}

/** Ultralytics' class offset for class-aware NMS through one class-agnostic NMS. */
const CLASS_OFFSET = 7680;

/**
 * The tfjs way on the active backend: transpose/slice the `[1, 84, N]` model output into
 * boxes and class scores, best class with `tf.max` / `tf.argMax`, boxes to `[y1, x1, y2, x2]`
 * shifted by `class × 7680` (per-class NMS in one call), NMS with the score threshold, then
 * gather and download the kept boxes, scores and classes. Starts from the output tensor as
 * the model leaves it on the backend; `sync` uses the backend's NMS kernel
 * (`tf.image.nonMaxSuppression`, C++ on wasm) instead of `nonMaxSuppressionAsync` (which
 * downloads boxes and scores and runs tfjs-core's JS implementation).
 */
export async function tfjsYolo(output: tf.Tensor3D, nc: number, conf: number, iou: number, maxDet: number, sync = false): Promise<Final> {
  const [boxes, shifted, scores, classes] = tf.tidy(() => {
    const x = tf.transpose(tf.squeeze(output, [0])) as tf.Tensor2D; // [N, 4 + nc]
    const cls = tf.slice(x, [0, 4], [-1, nc]);
    const score = tf.max(cls, 1);
    const klass = tf.argMax(cls, 1);
    const [cx, cy, w, h] = tf.split(tf.slice(x, [0, 0], [-1, 4]), 4, 1);
    const halfW = tf.div(w, 2);
    const halfH = tf.div(h, 2);
    const yxyx = tf.concat([tf.sub(cy, halfH), tf.sub(cx, halfW), tf.add(cy, halfH), tf.add(cx, halfW)], 1) as tf.Tensor2D;
    const offset = tf.expandDims(tf.mul(tf.cast(klass, 'float32'), CLASS_OFFSET), 1);
    return [yxyx, tf.add(yxyx, offset) as tf.Tensor2D, score as tf.Tensor1D, klass as tf.Tensor1D];
  });
  const keep = sync
    ? tf.image.nonMaxSuppression(shifted, scores, maxDet, iou, conf)
    : await tf.image.nonMaxSuppressionAsync(shifted, scores, maxDet, iou, conf);
  const picked = tf.tidy(() => [tf.gather(boxes, keep), tf.gather(scores, keep), tf.gather(classes, keep)]);
  const [b, s, c] = await Promise.all(picked.map((t) => t.data()));
  tf.dispose([boxes, shifted, scores, classes, keep, ...picked]);
  // back to xyxy, as the others return
  const xyxy = new Float32Array(b.length);
  for (let j = 0; j < b.length; j += 4) xyxy.set([b[j + 1], b[j], b[j + 3], b[j + 2]], j);
  return { boxes: xyxy, scores: s as Float32Array, classIds: Int32Array.from(c as Int32Array) };
}
