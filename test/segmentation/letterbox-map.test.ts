/**
 * A class map coarser than a letterboxed input (a stride-8 map of a 256² input) mapped back onto
 * the photo: resized to the input's size first, the letterbox bars cut off there, then resized to
 * the photo — MMSegmentation's order. Cutting the coarse map at whole cells moved class edges by
 * up to half a cell (a boundary at map row 8 landed on photo row 45 instead of 41). The reference
 * is tfjs' own half-pixel bilinear resize (`F.interpolate(align_corners=False)` semantics).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type ModelSpec, pipeline } from '../../src/node/index';
import { fitGeometry } from '../../src/preprocess/geometry';
import { inputPlaneToSource } from '../../src/postprocess/masks/to-source';
import { seededRandom } from '../../src/training/random';
import { fakeRunner } from '../helpers/fake-runner';

/** The photo-sized plane by resize → crop → resize, in tfjs. */
function reference(plane: Float32Array, size: number, input: number, w: number, h: number): Float32Array {
  const { transform: t } = fitGeometry(w, h, input, input, 'letterbox');
  const width = Math.round(w * t.scaleX);
  const height = Math.round(h * t.scaleY);
  return tf.tidy(() => {
    const map = tf.tensor4d(plane, [1, size, size, 1]);
    const atInput = tf.image.resizeBilinear(map, [input, input], false, true);
    const content = tf.slice(atInput, [0, t.padY, t.padX, 0], [1, height, width, 1]);
    return tf.image.resizeBilinear(content, [h, w], false, true).dataSync() as Float32Array;
  });
}

describe('a coarse map of a letterboxed input, back on the photo', () => {
  it.each([
    [500, 333, 32],
    [333, 517, 32],
    [77, 1000, 64],
    [640, 480, 16],
    [256, 250, 32], // bars of 3 input rows: less than half a map cell
  ])('%i×%i photo, %i² map of a 256² input: equals resize → crop → resize', (w, h, size) => {
    const random = seededRandom(w + size);
    const plane = Float32Array.from({ length: size * size }, () => random());
    const { transform } = fitGeometry(w, h, 256, 256, 'letterbox');
    const mapped = inputPlaneToSource({ width: size, height: size, bounds: { x: 0, y: 0, width: size, height: size }, data: plane }, transform);
    expect([mapped.width, mapped.height, mapped.bounds.width, mapped.bounds.height]).toEqual([w, h, w, h]);
    const expected = reference(plane, size, 256, w, h);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(mapped.data[i] - expected[i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('a class edge at map row 8 (input row 64) lands on photo row 41, through the pipeline', async () => {
    const logits = new Float32Array(2 * 32 * 32);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) logits[(y >= 8 ? 1 : 0) * 1024 + y * 32 + x] = 5;
    const spec = {
      id: 'coarse-letterbox', task: 'image-segmentation', family: 'semantic', format: 'tfjs', location: { url: 'memory' },
      input: { width: 256, height: 256, fit: 'letterbox', padValue: 0, normalization: 'unit', layout: 'nchw' },
      labels: ['a', 'b'], segmentation: { activation: 'softmax' },
    } as ModelSpec;
    const runner = fakeRunner(256, 256, 'nchw', { y: { dims: [1, 2, 32, 32], data: logits } });
    const segmenter = await pipeline('image-segmentation', { model: runner, spec });
    const { categoryMask, confidenceMasks } = await segmenter.run({ data: new Uint8Array(500 * 333 * 3), width: 500, height: 333, channels: 3 });
    const labels = categoryMask!.toUint8Array();
    // the photo fills input rows 43–213 (gain 0.512): input row 64 is photo row (64 − 43) / 0.512 = 41
    expect(labels.findIndex((v, i) => i % 500 === 0 && v === 1) / 500).toBe(41);
    categoryMask!.close();
    confidenceMasks!.forEach((m) => m.close());
    segmenter.dispose();
  });
});
