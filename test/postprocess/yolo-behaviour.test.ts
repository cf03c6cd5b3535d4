import { describe, it, expect } from 'vitest';
import { postprocessYolo } from '../../src/postprocess/detection/yolo-postprocess';
import { decodeYoloV8 } from '../../src/postprocess/detection/yolo-v8';
import { decodeYoloV5 } from '../../src/postprocess/detection/yolo-v5';
import { decodeYoloEnd2End } from '../../src/postprocess/detection/yolo-end2end';
import type { RawTensor } from '../../src/runtime/model-runner';
import { errorCode } from './fixtures';

/** A [1, D, N] (channels-first) or [1, N, D] tensor from rows of D numbers. */
function tensor(rows: number[][], layout: 'first' | 'last' = 'first'): { dims: number[]; data: Float32Array } {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const data = new Float32Array(n * d);
  rows.forEach((r, i) => r.forEach((v, j) => (data[layout === 'first' ? j * n + i : i * d + j] = v)));
  return { dims: layout === 'first' ? [1, d, n] : [1, n, d], data };
}

/** float32 -> IEEE half bits (round to nearest; enough for the exact values used here). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) return sign;
  return sign | (exp << 10) | (mant >>> 13);
}

// rows of a 3-class v8 output: cx, cy, w, h, s0, s1, s2
const A = [50, 50, 20, 20, 0.9, 0.1, 0.0];
const B = [52, 50, 20, 20, 0.8, 0.0, 0.7]; // IoU with A = 18*20 / (800 - 360) ≈ 0.82
const C = [150, 150, 10, 10, 0.2, 0.3, 0.0];

describe('decodeYoloV8', () => {
  it('decodes cx, cy, w, h to xyxy with the best class, candidates in row order', () => {
    const c = decodeYoloV8(tensor([A, B, C]), { numClasses: 3 });
    expect(Array.from(c.boxes)).toEqual([40, 40, 60, 60, 42, 40, 62, 60, 145, 145, 155, 155]);
    expect(Array.from(c.classIds)).toEqual([0, 0, 1]);
    expect(Array.from(c.scores)).toEqual([0.9, 0.8, 0.3].map(Math.fround));
    expect(Array.from(c.rowIndices)).toEqual([0, 1, 2]);
    expect(c.extras).toBeUndefined();
    expect(c.numExtras).toBe(0);
  });

  it('multiLabel: one candidate per class above the threshold', () => {
    const c = decodeYoloV8(tensor([A, B, C]), { numClasses: 3, multiLabel: true });
    expect(Array.from(c.classIds)).toEqual([0, 0, 2, 1]);
    expect(Array.from(c.rowIndices)).toEqual([0, 1, 1, 2]);
  });

  it('equal best scores: the first class wins (torch max)', () => {
    const c = decodeYoloV8(tensor([[10, 10, 4, 4, 0.1, 0.6, 0.6]]), { numClasses: 3 });
    expect(Array.from(c.classIds)).toEqual([1]);
    const t = decodeYoloV8(tensor([[10, 10, 4, 4, 0.1, 0.6, 0.6]], 'last'), { numClasses: 3 });
    expect(Array.from(t.classIds)).toEqual([1]);
  });

  it('threshold is strict and compared in float32', () => {
    const rows = [[10, 10, 4, 4, 0.25, 0, 0], [30, 30, 4, 4, Math.fround(0.3), 0, 0]];
    expect(decodeYoloV8(tensor(rows), { numClasses: 3 }).scores.length).toBe(1);
    expect(decodeYoloV8(tensor(rows), { numClasses: 3, threshold: 0.3 }).scores.length).toBe(0);
  });

  it('classes filters on the best class; unknown ids are ignored', () => {
    expect(Array.from(decodeYoloV8(tensor([A, B, C]), { numClasses: 3, classes: [2, 99] }).rowIndices)).toEqual([]);
    expect(Array.from(decodeYoloV8(tensor([A, B, C]), { numClasses: 3, classes: [2], multiLabel: true }).rowIndices)).toEqual([1]);
    expect(decodeYoloV8(tensor([A, B, C]), { numClasses: 3, classes: [] }).scores.length).toBe(0);
  });

  it('maxCandidates keeps the best scores, still in row order', () => {
    const c = decodeYoloV8(tensor([C, B, A]), { numClasses: 3, maxCandidates: 2 });
    expect(Array.from(c.rowIndices)).toEqual([1, 2]);
    expect(decodeYoloV8(tensor([C, B, A]), { numClasses: 3, maxCandidates: 0 }).scores.length).toBe(0);
    // equal scores at the cut: earlier rows first
    const tied = [0.5, 0.9, 0.5, 0.5].map((s, i) => [10 * i, 10, 4, 4, s, 0, 0]);
    expect(Array.from(decodeYoloV8(tensor(tied), { numClasses: 3, maxCandidates: 2 }).rowIndices)).toEqual([0, 1]);
    expect(Array.from(decodeYoloV8(tensor(tied), { numClasses: 3, maxCandidates: 3 }).rowIndices)).toEqual([0, 1, 2]);
  });

  it('passes extras through (32 found from the shape; others need numExtras)', () => {
    const extras = Array.from({ length: 32 }, (_, k) => k / 4);
    const c = decodeYoloV8(tensor([[...A, ...extras], [...C, ...extras.map((v) => -v)]]), { numClasses: 3 });
    expect(c.numExtras).toBe(32);
    expect(Array.from(c.extras!)).toEqual([...extras, ...extras.map((v) => -v)]);
    const pose = tensor([[...A, 1, 2, 3]]);
    expect(errorCode(() => decodeYoloV8(pose, { numClasses: 3 }))).toBe('MODEL_FORMAT');
    expect(Array.from(decodeYoloV8(pose, { numClasses: 3, numExtras: 3 }).extras!)).toEqual([1, 2, 3]);
  });

  it('finds the layout from numClasses; a square shape is read channels-first unless layout says otherwise', () => {
    const rows = Array.from({ length: 9 }, (_, i) => [10 * i, 10, 4, 4, 0.5 + i / 100, 0, 0]);
    const first = decodeYoloV8(tensor(rows, 'first'), { numClasses: 3 });
    const last = decodeYoloV8(tensor(rows, 'last'), { numClasses: 3 });
    expect(first.scores.length).toBe(9);
    expect(Array.from(last.boxes)).toEqual(Array.from(first.boxes));
    // 7 x 7 with 3 classes: 7 = 4 + 3 on both axes
    const square = Array.from({ length: 7 }, (_, i) => [10 * i, 10, 4, 4, 0.5, 0, 0]);
    const sq = tensor(square, 'first');
    expect(sq.dims).toEqual([1, 7, 7]);
    expect(decodeYoloV8(sq, { numClasses: 3 }).scores.length).toBe(7); // was MODEL_FORMAT: "fits both layouts"
    expect(decodeYoloV8(sq, { numClasses: 3, layout: 'channels-first' }).scores.length).toBe(7);
  });

  it('without numClasses: channels-first, C = D - 4 (as Ultralytics); a transposed shape is refused', () => {
    const rows = Array.from({ length: 20 }, (_, i) => [10 * i, 10, 4, 4, 0, 0.5, 0]);
    expect(Array.from(decodeYoloV8(tensor(rows)).classIds)).toEqual(new Array(20).fill(1));
    expect(errorCode(() => decodeYoloV8(tensor(rows, 'last')))).toBe('MODEL_FORMAT');
    expect(decodeYoloV8(tensor(rows, 'last'), { layout: 'channels-last' }).scores.length).toBe(20);
  });

  it('NaN scores are ignored, NaN boxes dropped, zero-size boxes kept', () => {
    const rows = [
      [10, 10, 4, 4, NaN, 0.4, 0],
      [20, 20, 4, 4, NaN, NaN, NaN],
      [NaN, 30, 4, 4, 0.9, 0, 0],
      [40, 40, 0, 0, 0.8, 0, 0],
    ];
    for (const layout of ['first', 'last'] as const) {
      const c = decodeYoloV8(tensor(rows, layout), { numClasses: 3 });
      expect(Array.from(c.rowIndices)).toEqual([0, 3]);
      expect(Array.from(c.classIds)).toEqual([1, 0]);
      const r = postprocessYolo(tensor(rows, layout), { format: 'v8', numClasses: 3 });
      expect(Array.from(r.boxes)).toEqual([40, 40, 40, 40, 10, 10, 10, 10].map((v, k) => (k < 4 ? v : [8, 8, 12, 12][k - 4])));
    }
  });

  it('takes a runner RawTensor as is', () => {
    const t = tensor([A, B, C]);
    const raw: RawTensor = { dtype: 'float32', dims: t.dims, data: t.data };
    expect(decodeYoloV8(raw, { numClasses: 3 }).scores.length).toBe(3);
  });

  it('reads float16 outputs', () => {
    const t = tensor([A, B, C]);
    const half = { dims: t.dims, dtype: 'float16', data: Uint16Array.from(t.data, toHalf) };
    const c = decodeYoloV8(half, { numClasses: 3 });
    expect(Array.from(c.classIds)).toEqual([0, 0, 1]);
    expect(Array.from(c.boxes)).toEqual([40, 40, 60, 60, 42, 40, 62, 60, 145, 145, 155, 155]);
    expect(Math.abs(c.scores[0] - 0.9)).toBeLessThan(1e-3);
  });

  it('handles empty outputs and a single class', () => {
    expect(decodeYoloV8({ dims: [1, 84, 0], data: new Float32Array(0) }, { numClasses: 80 }).scores.length).toBe(0);
    const one = tensor([[10, 10, 4, 4, 0.9], [10.5, 10, 4, 4, 0.8]]); // IoU 0.78
    expect(decodeYoloV8(one, { numClasses: 1, multiLabel: true }).scores.length).toBe(2);
    expect(postprocessYolo(one, { format: 'v8', numClasses: 1 }).scores.length).toBe(1);
  });
});

describe('decodeYoloV5', () => {
  // cx, cy, w, h, obj, s0, s1, s2
  const rows = [
    [50, 50, 20, 20, 0.9, 0.9, 0.5, 0],
    [52, 50, 20, 20, 0.2, 1, 0, 0], // obj below the threshold: dropped whatever the class
    [150, 150, 10, 10, 0.5, 0.4, 0.45, 0], // 0.5 * 0.45 = 0.225 < 0.25: dropped
    [90, 90, 10, 10, 0.5, 0.6, 0, 0.8],
  ];

  it('filters on objectness, scores obj × cls in float32', () => {
    const c = decodeYoloV5(tensor(rows, 'last'), { numClasses: 3 });
    expect(Array.from(c.rowIndices)).toEqual([0, 3]);
    expect(Array.from(c.classIds)).toEqual([0, 2]);
    expect(c.scores[0]).toBe(Math.fround(Math.fround(0.9) * Math.fround(0.9)));
    expect(Array.from(c.boxes.subarray(0, 4))).toEqual([40, 40, 60, 60]);
    const m = decodeYoloV5(tensor(rows, 'last'), { numClasses: 3, multiLabel: true });
    expect(Array.from(m.classIds)).toEqual([0, 1, 0, 2]);
  });

  it('defaults to channels-last; finds channels-first from numClasses', () => {
    const first = decodeYoloV5(tensor(rows, 'first'), { numClasses: 3 });
    expect(Array.from(first.rowIndices)).toEqual([0, 3]);
    expect(decodeYoloV5(tensor(rows, 'last'), { layout: 'channels-last' }).scores.length).toBe(2);
    // without numClasses or layout, 4 rows of 8 look transposed
    expect(errorCode(() => decodeYoloV5(tensor(rows, 'last')))).toBe('MODEL_FORMAT');
    expect(errorCode(() => decodeYoloV5(tensor(rows, 'last'), { numClasses: 2 }))).toBe('MODEL_FORMAT');
  });

  it('scales extras by objectness, as YOLOv5 does', () => {
    const c = decodeYoloV5(tensor([[...rows[0], 2, -4]], 'last'), { numClasses: 3, numExtras: 2 });
    expect(Array.from(c.extras!)).toEqual([2 * Math.fround(0.9), -4 * Math.fround(0.9)].map(Math.fround));
  });

  it('uses iou 0.45 by default (v8: 0.7)', () => {
    // two boxes of one class with IoU 0.6
    const a = [50, 50, 20, 20, 0.9, 0.9, 0, 0];
    const b = [55, 50, 20, 20, 0.9, 0.8, 0, 0]; // 15*20 / (800 - 300) = 0.6
    expect(postprocessYolo(tensor([a, b], 'last'), { format: 'v5', numClasses: 3 }).scores.length).toBe(1);
    const v8 = tensor([a, b].map((r) => [...r.slice(0, 4), ...r.slice(5)]));
    expect(postprocessYolo(v8, { format: 'v8', numClasses: 3 }).scores.length).toBe(2);
    expect(postprocessYolo(v8, { format: 'v8', numClasses: 3, iouThreshold: 0.45 }).scores.length).toBe(1);
  });
});

describe('decodeYoloEnd2End', () => {
  const rows = [
    [0, 0, 10, 10, 0.9, 0],
    [0, 0, 10, 10, 0.8, 0], // duplicate box: no NMS, kept
    [5, 5, 20, 20, 0.7, 2.5], // non-integer class: dropped
    [5, 5, 20, 20, NaN, 1], // NaN score: dropped
    [5, 5, 20, 20, 0.6, 1],
    [5, 5, 20, 20, 0.2, 1],
  ];

  it('keeps rows above the threshold in model order, no NMS', () => {
    const c = decodeYoloEnd2End(tensor(rows, 'last'), { numClasses: 3 });
    expect(c.nmsFree).toBe(true);
    expect(Array.from(c.rowIndices)).toEqual([0, 1, 4]);
    expect(Array.from(c.boxes.subarray(0, 4))).toEqual([0, 0, 10, 10]);
    expect(Array.from(decodeYoloEnd2End(tensor(rows, 'last'), { numClasses: 1 }).rowIndices)).toEqual([0, 1]);
    expect(Array.from(postprocessYolo(tensor(rows, 'last'), { format: 'end2end', maxDetections: 2 }).rowIndices)).toEqual([0, 1]);
  });

  it('classes apply after maxDetections (Ultralytics order)', () => {
    expect(Array.from(decodeYoloEnd2End(tensor(rows, 'last'), { classes: [1], maxDetections: 2 }).rowIndices)).toEqual([]);
    expect(Array.from(decodeYoloEnd2End(tensor(rows, 'last'), { classes: [1] }).rowIndices)).toEqual([4]);
  });

  it('passes 32 extras through; other row lengths need numExtras', () => {
    const extras = Array.from({ length: 32 }, (_, k) => k);
    const c = decodeYoloEnd2End(tensor([[...rows[0], ...extras]], 'last'));
    expect(Array.from(c.extras!)).toEqual(extras);
    expect(errorCode(() => decodeYoloEnd2End(tensor([[...rows[0], 1]], 'last')))).toBe('MODEL_FORMAT');
    expect(decodeYoloEnd2End(tensor([[...rows[0], 1]], 'last'), { numExtras: 1 }).numExtras).toBe(1);
    expect(errorCode(() => decodeYoloEnd2End({ dims: [1, 300, 5], data: new Float32Array(1500) }))).toBe('MODEL_FORMAT');
  });
});

describe('bad input and options', () => {
  const good = tensor([A, B, C]);

  it('malformed tensors are INVALID_INPUT; shapes of another model MODEL_FORMAT', () => {
    const f = (t: unknown): string => errorCode(() => decodeYoloV8(t as typeof good, { numClasses: 3 }));
    expect(f(null)).toBe('INVALID_INPUT');
    expect(f({ dims: [2, 7, 3], data: new Float32Array(42) })).toBe('INVALID_INPUT');
    expect(f({ dims: [1, 7, 3], data: new Float32Array(20) })).toBe('INVALID_INPUT');
    expect(f({ dims: [1, 7, 3], data: new BigInt64Array(21) })).toBe('INVALID_INPUT');
    expect(f({ dims: [1, 7, 3], data: new Int32Array(21), dtype: 'int32' })).toBe('INVALID_INPUT');
    expect(f({ dims: [1, 7, 3], data: new Float32Array(21), dtype: 'float16' })).toBe('INVALID_INPUT');
    expect(f({ dims: [1, 7, -3], data: new Float32Array(0) })).toBe('INVALID_INPUT');
    expect(f({ dims: [1, 1, 7, 3], data: new Float32Array(21) })).toBe('MODEL_FORMAT');
    expect(f({ dims: [1, 84, 8400], data: new Float32Array(84 * 8400) })).toBe('MODEL_FORMAT');
    // C = 0: only a box per row
    expect(errorCode(() => decodeYoloV8({ dims: [1, 4, 100], data: new Float32Array(400) }))).toBe('MODEL_FORMAT');
    expect(errorCode(() => decodeYoloV5({ dims: [1, 100, 5], data: new Float32Array(500) }))).toBe('MODEL_FORMAT');
  });

  it('bad options are INVALID_OPTION', () => {
    const f = (o: object): string => errorCode(() => decodeYoloV8(good, o));
    expect(f({ numClasses: 0 })).toBe('INVALID_OPTION');
    expect(f({ numClasses: 2.5 })).toBe('INVALID_OPTION');
    expect(f({ numClasses: 3, threshold: 1.5 })).toBe('INVALID_OPTION');
    expect(f({ numClasses: 3, threshold: NaN })).toBe('INVALID_OPTION');
    expect(f({ numClasses: 3, maxCandidates: -1 })).toBe('INVALID_OPTION');
    expect(f({ numClasses: 3, classes: [-1] })).toBe('INVALID_OPTION');
    expect(f({ numClasses: 3, layout: 'nchw' })).toBe('INVALID_OPTION');
    expect(f({ numClasses: 3, numExtras: -1 })).toBe('INVALID_OPTION');
    const p = (o: object): string => errorCode(() => postprocessYolo(good, o as never));
    expect(p({ numClasses: 3 })).toBe('INVALID_OPTION');
    expect(p({ format: 'v7', numClasses: 3 })).toBe('INVALID_OPTION');
    expect(p({ format: 'v8', numClasses: 3, iouThreshold: 2 })).toBe('INVALID_OPTION');
    expect(p({ format: 'v8', numClasses: 3, maxDetections: 1.5 })).toBe('INVALID_OPTION');
    expect(errorCode(() => decodeYoloEnd2End(good, { numClasses: 0 }))).toBe('INVALID_OPTION');
  });

  it('tens of thousands of candidates are capped by maxCandidates and maxDetections', () => {
    const n = 12000;
    const data = new Float32Array(84 * n);
    let seed = 1;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < n; i++) {
      data[i] = rand() * 640;
      data[n + i] = rand() * 640;
      data[2 * n + i] = 4 + rand() * 100;
      data[3 * n + i] = 4 + rand() * 100;
    }
    for (let k = 4 * n; k < data.length; k++) data[k] = rand();
    const r = postprocessYolo({ dims: [1, 84, n], data }, { format: 'v8', numClasses: 80, threshold: 0, multiLabel: true });
    expect(r.scores.length).toBe(300);
    const c = decodeYoloV8({ dims: [1, 84, n], data }, { numClasses: 80, threshold: 0, multiLabel: true });
    expect(c.scores.length).toBe(30000);
  });
});
