/** Loads the golden fixtures written by scripts/make_fixtures.py. */
import { readFileSync } from 'node:fs';

export function loadFixture<T>(name: string): T {
  const url = new URL(`../fixtures/postprocess/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

export interface NmsCase {
  name: string;
  source: 'torchvision.ops.nms' | 'torchvision.ops.batched_nms' | 'cv2.dnn.NMSBoxes';
  boxes: number[];
  scores: number[];
  classIds?: number[];
  options: { iouThreshold: number; scoreThreshold?: number; topK?: number };
  expected: number[];
  note?: string;
}

export interface NmsFixture {
  versions: Record<string, string>;
  cv2TorchvisionRandomDisagreements: number;
  cases: NmsCase[];
}

export interface IouFixture {
  cases: { name: string; a: number[]; b: number[]; expected: (number | null)[] }[];
}

export interface SoftNmsFixture {
  cases: {
    name: string;
    boxes: number[];
    scores: number[];
    options: {
      method: 'linear' | 'gaussian';
      sigma: number;
      iouThreshold: number;
      scoreThreshold: number;
      maxDetections?: number;
    };
    expected: { indices: number[]; scores: number[] };
  }[];
}

export interface ActivationsFixture {
  softmax: { logits: number[]; axisLength: number; expected: number[] };
  softmax1d: { logits: number[]; expected: number[] };
  sigmoid: { x: number[]; expected: number[] };
  topk: { scores: number[]; k: number; indices: number[]; values: number[] };
  topkTies: { scores: number[]; k: number; indices: number[]; values: number[] };
}

/** Runs `fn` and returns the VisionError code it threw (or 'no error'). */
export function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? `not a VisionError: ${String(e)}`;
  }
  return 'no error';
}
