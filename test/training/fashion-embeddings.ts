import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { LabeledImage } from '../../src/core/labeled-data';
import type { FeatureExtractor } from '../../src/pipelines/embeddings/backbone';
import { type GreyImages, greyImage, readFashionMnist, takePerClass } from '../helpers/datasets';

const CACHE = '.cache/training';

/** MobileNetV2 `flatten_1` features of a Fashion-MNIST subset, cached in `.cache/training/`. */
export interface CachedFeatures {
  x: Float32Array;
  labels: Int32Array;
  dim: number;
  seconds: number;
  cached: boolean;
}

/** Labelled raw grey images of a subset (the pipeline tiles them to RGB and resizes to 224). */
export function fashionSamples(set: GreyImages): LabeledImage[] {
  return Array.from({ length: set.count }, (_, i) => ({ image: greyImage(set, i), label: set.labels[i] }));
}

/**
 * Features of `perClass` images per class of a split, computed once and cached on disk;
 * `tag` names the backbone's cut in the cache file ('' for `flatten_1`, 'mid' for
 * MOBILENET_V2_MID_LAYERS).
 */
export async function fashionFeatures(backbone: () => Promise<FeatureExtractor>, split: 'train' | 'test', perClass: number, tag = ''): Promise<CachedFeatures> {
  const file = `${CACHE}/fashion-${split}-${perClass}-mnv2${tag}.bin`;
  const set = takePerClass(readFashionMnist(split), perClass);
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return { x, labels: Int32Array.from(set.labels), dim: x.length / set.count, seconds: 0, cached: true };
  }
  const extractor = await backbone();
  const started = Date.now();
  const { x, labels } = await extractor.extractImages(fashionSamples(set), { batchSize: 50 });
  const data = (await x.data()) as Float32Array;
  const dim = x.shape[1];
  x.dispose();
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, data);
  return { x: data, labels, dim, seconds: (Date.now() - started) / 1000, cached: false };
}

/** Tensors of cached features. */
export function featureTensor(f: CachedFeatures, rows?: readonly number[]): tf.Tensor2D {
  if (!rows) return tf.tensor2d(f.x, [f.labels.length, f.dim]);
  const out = new Float32Array(rows.length * f.dim);
  rows.forEach((r, i) => out.set(f.x.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim));
  return tf.tensor2d(out, [rows.length, f.dim]);
}
