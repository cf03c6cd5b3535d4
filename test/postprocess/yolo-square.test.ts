// A square YOLO output (N = head + C, e.g. a YOLOv8 COCO export at imgsz=64: [1, 84, 84]) fits
// both layouts. It was refused ("fits both layouts … pass layout") on every run; it is now read
// as the version's exporter writes it — channels-first for v8/v11, channels-last for v5 — and
// `layout` still picks the other reading.
import { describe, expect, it } from 'vitest';
import { decodeYoloV8 } from '../../src/postprocess/detection/yolo-v8';
import { decodeYoloV5 } from '../../src/postprocess/detection/yolo-v5';
import { errorCode } from './fixtures';

/** A [1, D, N] (channels-first) or [1, N, D] tensor from rows of D numbers. */
function tensor(rows: number[][], layout: 'first' | 'last'): { dims: number[]; data: Float32Array } {
  const n = rows.length;
  const d = rows[0].length;
  const data = new Float32Array(n * d);
  rows.forEach((r, i) => r.forEach((v, j) => (data[layout === 'first' ? j * n + i : i * d + j] = v)));
  return { dims: layout === 'first' ? [1, d, n] : [1, n, d], data };
}

// 7 anchors of a 3-class v8 head (4 + 3 = 7 values each): a [1, 7, 7] output
const V8_ROWS = Array.from({ length: 7 }, (_, i) => [10 + 10 * i, 20, 4, 6, i === 2 ? 0.9 : 0, i === 5 ? 0.8 : 0, 0]);

describe('square YOLO outputs', () => {
  it('decodeYoloV8 reads [1, 7, 7] channels-first (the Ultralytics export) without layout', () => {
    const c = decodeYoloV8(tensor(V8_ROWS, 'first'), { numClasses: 3 });
    expect(Array.from(c.rowIndices)).toEqual([2, 5]);
    expect(Array.from(c.classIds)).toEqual([0, 1]);
    expect(Array.from(c.boxes)).toEqual([28, 17, 32, 23, 58, 17, 62, 23]);
  });

  it('decodeYoloV8 with layout channels-last reads the transposed export the same', () => {
    const first = decodeYoloV8(tensor(V8_ROWS, 'first'), { numClasses: 3 });
    const last = decodeYoloV8(tensor(V8_ROWS, 'last'), { numClasses: 3, layout: 'channels-last' });
    expect(Array.from(last.boxes)).toEqual(Array.from(first.boxes));
    expect(Array.from(last.rowIndices)).toEqual([2, 5]);
  });

  it('decodeYoloV5 reads [1, 8, 8] channels-last (the YOLOv5 export) without layout', () => {
    // 8 anchors of 5 + 3 values: cx, cy, w, h, objectness, 3 class scores
    const rows = Array.from({ length: 8 }, (_, i) => [10 * i, 30, 10, 10, i === 3 ? 0.9 : 0.1, 0, 0, 1]);
    const c = decodeYoloV5(tensor(rows, 'last'), { numClasses: 3 });
    expect(Array.from(c.rowIndices)).toEqual([3]);
    expect(Array.from(c.classIds)).toEqual([2]);
    expect(Array.from(c.boxes)).toEqual([25, 25, 35, 35]);
    expect(Array.from(decodeYoloV5(tensor(rows, 'first'), { numClasses: 3, layout: 'channels-first' }).rowIndices)).toEqual([3]);
  });

  it('an unknown layout is still INVALID_OPTION', () => {
    expect(errorCode(() => decodeYoloV8(tensor(V8_ROWS, 'first'), { numClasses: 3, layout: 'nchw' as never }))).toBe('INVALID_OPTION');
  });
});
