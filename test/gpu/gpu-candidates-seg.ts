// The YOLO-seg outputs of the GPU test graph (gpu-candidates.browser.test.ts, `gpuMasks`). No
// YOLO-seg weights install offline (shared/MODELS.md), so the outputs are built from real data:
// the detection rows are YOLOv5s's candidates on the photo (its real boxes and class scores,
// mapped into a 640² letterbox as a YOLOv8-seg export sees the photo), each with 32 fixed
// pseudo-random mask coefficients; the 32 prototypes ([1, 160, 160, 32], channels-last as a
// TF.js export) are features of that letterboxed photo (colours, their local means and
// contrasts at 1/4 resolution through a fixed 1×1 mixing), so mask edges follow its content.
import * as tf from '@tensorflow/tfjs';
import { COCO_LABELS, prepareInput, yoloSegModel } from '../../src/node/index';
import type { SegmentationModelSpec } from '../../src/models/segmentation-cards';

const ROWS = 25200;
const NM = 32;

/** The card of the test graph's YOLO-seg outputs (`seg0` detections, `seg1` prototypes), NHWC input as a TF.js export. */
export function segSpec(url: string): SegmentationModelSpec {
  const card = yoloSegModel({ url, inputSize: 640, labels: COCO_LABELS, outputs: { detections: 'seg0', protos: 'seg1' } });
  return { ...card, input: { ...card.input, layout: 'nhwc' }, outputs: ['seg0', 'seg1'] };
}

/** Deterministic values in [-1, 1). */
function pseudoRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

/**
 * `seg0` ([1, 4 + 80 + 32, K] channels-first) and `seg1` ([1, 160, 160, 32]) for the photo at
 * `photoPath`, from YOLOv5s's raw output `raw` ([1, 25200, 85]) on it.
 */
export async function yoloSegOutputs(raw: Float32Array, photoPath: string): Promise<{ seg0: { shape: number[]; values: Float32Array }; seg1: { shape: number[]; values: Float32Array } }> {
  const { input, transform } = await prepareInput(photoPath, segSpec('seg').input);
  const t = transform;
  const rows: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    let best = 0;
    for (let c = 0; c < 80; c++) best = Math.max(best, raw[i * 85 + 5 + c] * raw[i * 85 + 4]);
    if (best > 0.2) rows.push(i);
  }
  const k = rows.length;
  const width = 4 + 80 + NM;
  const seg0 = new Float32Array(width * k);
  const random = pseudoRandom(7);
  rows.forEach((i, n) => {
    const o = i * 85;
    // YOLOv5s boxes are fractions of its stretched input: to source pixels, then into the letterbox
    seg0[0 * k + n] = raw[o] * t.sourceWidth * t.scaleX + t.padX;
    seg0[1 * k + n] = raw[o + 1] * t.sourceHeight * t.scaleY + t.padY;
    seg0[2 * k + n] = raw[o + 2] * t.sourceWidth * t.scaleX;
    seg0[3 * k + n] = raw[o + 3] * t.sourceHeight * t.scaleY;
    for (let c = 0; c < 80; c++) seg0[(4 + c) * k + n] = raw[o + 5 + c] * raw[o + 4];
    for (let m = 0; m < NM; m++) seg0[(84 + m) * k + n] = random() * 1.5;
  });
  const mixing = tf.tensor4d(Array.from({ length: 9 * NM }, () => random() * 2), [1, 1, 9, NM]);
  const protos = tf.tidy(() => {
    const small = tf.avgPool(input as tf.Tensor4D, 4, 4, 'valid');
    const mean = tf.avgPool(small, 7, 1, 'same');
    const features = tf.concat([small, mean, tf.sub(small, mean).mul(4)], 3).sub(0.4) as tf.Tensor4D;
    return tf.tanh(tf.conv2d(features, mixing, 1, 'same')).mul(3);
  });
  const seg1 = { shape: protos.shape, values: (await protos.data()) as Float32Array };
  tf.dispose([input, mixing, protos]);
  return { seg0: { shape: [1, width, k], values: seg0 }, seg1 };
}
