/**
 * Synthetic YOLOv8 detection outputs `[1, 84, 8400]` (channels-first, 80 classes, 640×640
 * input, anchors of strides 8/16/32), from a seeded PRNG so every run sees the same data.
 */

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NUM_CLASSES = 80;
export const INPUT_SIZE = 640;
const STRIDES = [8, 16, 32];

/** The anchor centres of a 640×640 YOLOv8 head: 6400 + 1600 + 400 = 8400. */
function anchors(): { x: number; y: number; stride: number }[] {
  const out: { x: number; y: number; stride: number }[] = [];
  for (const s of STRIDES) {
    const g = INPUT_SIZE / s;
    for (let gy = 0; gy < g; gy++) for (let gx = 0; gx < g; gx++) out.push({ x: (gx + 0.5) * s, y: (gy + 0.5) * s, stride: s });
  }
  return out;
}

/** A YOLO output tensor as visionpipe takes it. */
export interface YoloOutput {
  dims: [number, number, number];
  data: Float32Array;
}

/**
 * Realistic: background anchors have small class scores (what a trained model gives on empty
 * regions: mostly < 0.01, never near the threshold), and `objects` objects each light up a
 * cluster of neighbouring anchors (all three strides) with high scores for their class,
 * falling off with distance from the object centre, boxes jittered around the object's box,
 * and some confusion with a second class.
 */
export function realisticYolo(seed = 1, objects = 8): YoloOutput {
  const rand = prng(seed);
  const a = anchors();
  const n = a.length;
  const data = new Float32Array((4 + NUM_CLASSES) * n);
  const set = (ch: number, i: number, v: number): void => {
    data[ch * n + i] = v;
  };
  for (let i = 0; i < n; i++) {
    const { x, y, stride } = a[i];
    set(0, i, x + (rand() - 0.5) * stride);
    set(1, i, y + (rand() - 0.5) * stride);
    set(2, i, stride * (1 + rand() * 6));
    set(3, i, stride * (1 + rand() * 6));
    for (let c = 0; c < NUM_CLASSES; c++) set(4 + c, i, 0.03 * rand() ** 6);
  }
  for (let o = 0; o < objects; o++) {
    const cls = Math.floor(rand() * NUM_CLASSES);
    const other = (cls + 1 + Math.floor(rand() * (NUM_CLASSES - 1))) % NUM_CLASSES;
    const w = 40 + rand() * 260;
    const h = 40 + rand() * 260;
    const cx = w / 2 + rand() * (INPUT_SIZE - w);
    const cy = h / 2 + rand() * (INPUT_SIZE - h);
    const peak = 0.6 + rand() * 0.35;
    for (let i = 0; i < n; i++) {
      const { x, y, stride } = a[i];
      // anchors inside the central part of the object, at strides that fit its size
      const dx = (x - cx) / (w / 2);
      const dy = (y - cy) / (h / 2);
      const d2 = dx * dx + dy * dy;
      // the levels whose stride suits the object's size (4–24 cells across), as trained heads fire
      const cells = Math.max(w, h) / stride;
      if (d2 > 0.3 || cells < 4 || cells > 24) continue;
      const score = peak * Math.exp(-d2 * 6) * (0.7 + 0.3 * rand());
      if (score <= data[(4 + cls) * n + i]) continue;
      set(4 + cls, i, score);
      set(4 + other, i, score * 0.3 * rand());
      set(0, i, cx + (rand() - 0.5) * 0.08 * w);
      set(1, i, cy + (rand() - 0.5) * 0.08 * h);
      set(2, i, w * (0.92 + 0.16 * rand()));
      set(3, i, h * (0.92 + 0.16 * rand()));
    }
  }
  return { dims: [1, 4 + NUM_CLASSES, n], data };
}

/**
 * Worst case: every class score uniform in [0, 1) (every anchor is a candidate, of a random
 * class), boxes anywhere with sides 8–136 px.
 */
export function uniformYolo(seed = 2): YoloOutput {
  const rand = prng(seed);
  const n = anchors().length;
  const data = new Float32Array((4 + NUM_CLASSES) * n);
  for (let i = 0; i < n; i++) {
    data[i] = rand() * INPUT_SIZE;
    data[n + i] = rand() * INPUT_SIZE;
    data[2 * n + i] = 8 + rand() * 128;
    data[3 * n + i] = 8 + rand() * 128;
  }
  for (let j = 4 * n; j < data.length; j++) data[j] = rand();
  return { dims: [1, 4 + NUM_CLASSES, n], data };
}

/** How many anchors have a best class score above `conf` (the candidates before NMS). */
export function countCandidates(out: YoloOutput, conf: number): number {
  const n = out.dims[2];
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < NUM_CLASSES; c++) {
      if (out.data[(4 + c) * n + i] > conf) {
        count++;
        break;
      }
    }
  }
  return count;
}
