import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { postprocessYolo, type YoloFormat, type YoloPostprocessOptions } from '../../src/postprocess/yolo';
import { decodeYoloV5 } from '../../src/postprocess/yolo-v5';
import { decodeYoloV8 } from '../../src/postprocess/yolo-v8';
import type { YoloCandidates } from '../../src/postprocess/yolo-common';

// Golden fixtures from scripts/make_yolo_fixtures.py: transcriptions of Ultralytics'
// non_max_suppression (anchor-free and end-to-end branches) and YOLOv5's, run on torch with
// torchvision.ops.nms in float32 with the class offset trick, exactly as Ultralytics does;
// the script asserts the float64 run (= per-class NMS in doubles, what we compute) agrees.
// Candidate scores are distinct, so order and kept rows are fully determined.

interface StoredTensor {
  format: YoloFormat;
  dims: number[];
  rows: number;
  head: number;
  numClasses: number;
  numExtras: number;
  dense: string;
  scoreIdx?: string;
  scoreVal?: string;
  extras?: string;
  extrasScale?: number;
}

interface Case {
  name: string;
  tensor: string;
  format: YoloFormat;
  options: Omit<YoloPostprocessOptions, 'format'>;
  expected: {
    boxes: number[];
    scores: number[];
    classIds: number[];
    rowIndices: number[];
    numCandidates?: number;
    extras?: number[];
  };
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/yolo/yolo.json', import.meta.url), 'utf8'),
) as { tensors: Record<string, StoredTensor>; cases: Case[] };

function bytes(b64: string): ArrayBuffer {
  const buf = Buffer.from(b64, 'base64');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** The logical rows × (head + C + M) matrix. */
function logical(t: StoredTensor): { mat: Float32Array; width: number } {
  const nc = t.format === 'end2end' ? 0 : t.numClasses;
  const width = t.head + nc + t.numExtras;
  const mat = new Float32Array(t.rows * width);
  const dense = new Float32Array(bytes(t.dense));
  for (let i = 0; i < t.rows; i++) for (let j = 0; j < t.head; j++) mat[i * width + j] = dense[i * t.head + j];
  if (t.scoreIdx && t.scoreVal) {
    const idx = new Int32Array(bytes(t.scoreIdx));
    const val = new Float32Array(bytes(t.scoreVal));
    idx.forEach((f, k) => {
      mat[Math.floor(f / nc) * width + t.head + (f % nc)] = val[k];
    });
  }
  if (t.extras) {
    const q = new Int8Array(bytes(t.extras));
    for (let i = 0; i < t.rows; i++) {
      for (let e = 0; e < t.numExtras; e++) mat[i * width + t.head + nc + e] = q[i * t.numExtras + e] * t.extrasScale!;
    }
  }
  return { mat, width };
}

function transpose(mat: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(mat.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = mat[i * cols + j];
  return out;
}

/** The tensor in its export layout (`dims`) and in the other layout. */
function tensors(t: StoredTensor): { exported: { dims: number[]; data: Float32Array }; other: { dims: number[]; data: Float32Array } } {
  const { mat, width } = logical(t);
  const channelsLast = { dims: [1, t.rows, width], data: mat };
  const channelsFirst = { dims: [1, width, t.rows], data: transpose(mat, t.rows, width) };
  const exportedFirst = t.dims[1] === width && t.dims[2] === t.rows && t.format !== 'end2end';
  return exportedFirst ? { exported: channelsFirst, other: channelsLast } : { exported: channelsLast, other: channelsFirst };
}

const built = new Map<string, ReturnType<typeof tensors>>();
function tensorOf(name: string): ReturnType<typeof tensors> {
  if (!built.has(name)) built.set(name, tensors(fixture.tensors[name]));
  return built.get(name)!;
}

function expectMatches(got: YoloCandidates, e: Case['expected']): void {
  expect(Array.from(got.rowIndices)).toEqual(e.rowIndices);
  expect(Array.from(got.classIds)).toEqual(e.classIds);
  expect(Array.from(got.scores)).toEqual(e.scores);
  expect(got.boxes.length).toBe(e.boxes.length);
  e.boxes.forEach((v, k) => expect(Math.abs(got.boxes[k] - v)).toBeLessThanOrEqual(1e-4));
  if (e.extras) {
    expect(got.extras?.length).toBe(e.extras.length);
    e.extras.forEach((v, k) => expect(Math.abs(got.extras![k] - v)).toBeLessThanOrEqual(1e-6));
  } else {
    expect(got.extras).toBeUndefined();
  }
}

describe('postprocessYolo vs Ultralytics / YOLOv5 non_max_suppression', () => {
  it('the fixture holds every kind of case', () => {
    const names = fixture.cases.map((c) => c.name).join('\n');
    for (const word of ['v8 ', 'v8-seg', 'v5 ', 'v5-seg', 'end2end', 'multiLabel', 'agnostic', 'classes', 'maxCandidates']) {
      expect(names).toContain(word);
    }
    expect(fixture.cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const t = fixture.tensors[c.tensor];
      const options: YoloPostprocessOptions = { ...c.options, format: c.format, numClasses: t.format === 'end2end' ? undefined : t.numClasses };
      const { exported, other } = tensorOf(c.tensor);
      const result = postprocessYolo(exported, options);
      expect(result.nmsFree).toBe(true);
      expect(result.numExtras).toBe(t.numExtras);
      expectMatches(result, c.expected);
      if (c.format === 'end2end') return;
      // the transposed export layout is found from numClasses and gives the same answer
      expectMatches(postprocessYolo(other, options), c.expected);
      // the decoder alone yields the candidates Ultralytics hands to NMS (after max_nms)
      const decode = c.format === 'v8' ? decodeYoloV8 : decodeYoloV5;
      const candidates = decode(exported, options);
      expect(candidates.scores.length).toBe(c.expected.numCandidates);
      expect(candidates.nmsFree).toBe(false);
    });
  }

  it('plain arrays and Float64Array data give the same answer as Float32Array', () => {
    const c = fixture.cases.find((k) => k.name === 'v8-seg default')!;
    const { exported } = tensorOf(c.tensor);
    const options: YoloPostprocessOptions = { ...c.options, format: 'v8', numClasses: 80 };
    expectMatches(postprocessYolo({ dims: exported.dims, data: Array.from(exported.data) }, options), c.expected);
    expectMatches(postprocessYolo({ dims: exported.dims, data: Float64Array.from(exported.data) }, options), c.expected);
  });

  it('never touches the caller’s tensor', () => {
    const { exported } = tensorOf('v8det');
    const before = exported.data.slice();
    postprocessYolo(exported, { format: 'v8', numClasses: 80, multiLabel: true });
    expect(Buffer.from(exported.data.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });
});
