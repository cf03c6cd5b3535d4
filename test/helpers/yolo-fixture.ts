import { readFileSync } from 'node:fs';
import type { YoloFormat, YoloPostprocessOptions } from '../../src/postprocess/detection/yolo-postprocess';

// Golden fixtures from scripts/make_yolo_fixtures.py (see test/postprocess/yolo.test.ts).

export interface StoredTensor {
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

export interface Case {
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

export const fixture = JSON.parse(
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
export function tensors(t: StoredTensor): { exported: { dims: number[]; data: Float32Array }; other: { dims: number[]; data: Float32Array } } {
  const { mat, width } = logical(t);
  const channelsLast = { dims: [1, t.rows, width], data: mat };
  const channelsFirst = { dims: [1, width, t.rows], data: transpose(mat, t.rows, width) };
  const exportedFirst = t.dims[1] === width && t.dims[2] === t.rows && t.format !== 'end2end';
  return exportedFirst ? { exported: channelsFirst, other: channelsLast } : { exported: channelsLast, other: channelsFirst };
}

const built = new Map<string, ReturnType<typeof tensors>>();
export function tensorOf(name: string): ReturnType<typeof tensors> {
  if (!built.has(name)) built.set(name, tensors(fixture.tensors[name]));
  return built.get(name)!;
}

