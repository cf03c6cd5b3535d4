/** Loads the golden fixtures written by scripts/make_preprocess_fixtures.py. */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

export interface ResizeCase {
  image: string;
  width: number;
  height: number;
  /** cv2.resize INTER_LINEAR on the uint8 image (fixed point, rounded to uint8). */
  linearU8: string;
  /** cv2.resize INTER_LINEAR on the image as float32 (exact half-pixel bilinear values). */
  linearFloat?: string;
  /** cv2.resize INTER_NEAREST_EXACT (half-pixel centres). */
  nearestExact: string;
  /** cv2.resize INTER_NEAREST (OpenCV's classic floor(x * scale) sampling). */
  nearest?: string;
}

export interface LetterboxCase {
  image: string;
  width: number;
  height: number;
  scaleUp: boolean;
  ratio: number;
  newUnpad: [number, number];
  top: number;
  bottom: number;
  left: number;
  right: number;
  u8: string;
  float?: string;
}

export interface CropCase {
  image: string;
  width: number;
  height: number;
  cropX: number;
  cropY: number;
  cropWidth: number;
  cropHeight: number;
  u8: string;
  float?: string;
}

export type FixtureNormalization = 'none' | 'unit' | 'symmetric' | 'imagenet' | { scale?: number; mean: number[]; std: number[] };

export interface NormalizeCase {
  image: string;
  normalization: FixtureNormalization;
  channelOrder: 'rgb' | 'bgr';
  layout: 'nhwc' | 'nchw';
  expected: string;
}

export interface PrepareCase {
  image: string;
  spec: {
    width: number;
    height: number;
    fit: 'letterbox' | 'center-crop' | 'stretch';
    normalization: FixtureNormalization;
    channelOrder?: 'rgb' | 'bgr';
    layout: 'nhwc' | 'nchw';
  };
  transform: Record<'sourceWidth' | 'sourceHeight' | 'inputWidth' | 'inputHeight' | 'scaleX' | 'scaleY' | 'padX' | 'padY' | 'cropX' | 'cropY', number>;
  expected: string;
}

export interface PreprocessFixture {
  versions: Record<string, string>;
  images: Record<string, { width: number; height: number; data: string }>;
  resize: ResizeCase[];
  letterbox: LetterboxCase[];
  centerCrop: CropCase[];
  normalize: NormalizeCase[];
  prepare: PrepareCase[];
}

let cached: PreprocessFixture | undefined;

export function fixture(): PreprocessFixture {
  cached ??= JSON.parse(readFileSync(new URL('../fixtures/preprocess/preprocess.json', import.meta.url), 'utf8')) as PreprocessFixture;
  return cached;
}

export function u8(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export function f32(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/** A fixture source image as an int32 [H, W, 3] tensor (0–255), the caller disposes it. */
export function imageTensor(name: string): tf.Tensor3D {
  const img = fixture().images[name];
  return tf.tensor3d(Int32Array.from(u8(img.data)), [img.height, img.width, 3], 'int32');
}

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** How many values differ by more than `tol`. */
export function countDiffs(a: ArrayLike<number>, b: ArrayLike<number>, tol = 0): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > tol) n++;
  return n;
}
