/**
 * Explaining a classifier whose head is a 1×1 convolution (`[N, C, 1, 1]` logits, as torchvision's
 * SqueezeNet and many ONNX exports): the classes are read as the pipeline reads them, every value
 * after the batch axis — the last axis (1) was taken as the class count, so the default class was
 * 0 and any other was refused, and occlusion read each copy's score at the wrong place.
 */
import { describe, expect, it } from 'vitest';
import { explain, pipeline } from '../../src/node/index';
import type { ModelSpec } from '../../src/models/model-spec';
import type { RawImage } from '../../src/core/image-input';
import { buildOnnxModel } from '../helpers/onnx-builder';

/** NCHW 0–1 image → channel means → 1×1 convolution ×10: class c scores channel c's brightness. */
const convHead = (batch: number | string): Uint8Array =>
  buildOnnxModel({
    inputs: [{ name: 'image', dims: [batch, 3, 16, 16] }],
    outputs: [{ name: 'logits', dims: [batch, 3, 1, 1] }],
    initializers: [{ name: 'w', dims: [3, 3, 1, 1], values: [10, 0, 0, 0, 10, 0, 0, 0, 10] }],
    nodes: [
      { op: 'GlobalAveragePool', inputs: ['image'], outputs: ['pooled'] },
      { op: 'Conv', inputs: ['pooled', 'w'], outputs: ['logits'] },
    ],
  });

const card: ModelSpec = {
  id: 'conv-head', task: 'image-classification', family: 'logits', format: 'onnx', location: { url: 'conv-head.onnx' },
  input: { width: 16, height: 16, fit: 'stretch', normalization: 'unit', layout: 'nchw' }, labels: ['red', 'green', 'blue'],
} as ModelSpec;

/** Blue everywhere, and a red square in the top-left quarter. */
function bluish(): RawImage {
  const data = new Uint8Array(16 * 16 * 3);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) data.set(x < 8 && y < 8 ? [255, 0, 0] : [0, 0, 200], (y * 16 + x) * 3);
  return { data, width: 16, height: 16, channels: 3 };
}

describe('explaining a classifier with a [N, C, 1, 1] head', () => {
  it.each([['a fixed batch of 1', 1], ['a dynamic batch', 'n']] as const)('%s: the top class by default, any class on request, and the heat where that class lives', async (_name, batch) => {
    const classifier = await pipeline('image-classification', { model: card, modelSource: convHead(batch) });
    try {
      const image = bluish();
      expect((await classifier.run(image)).classes[0].label).toBe('blue');
      const top = await explain(classifier, image, { patchSize: 8, stride: 8 });
      expect(top).toMatchObject({ classId: 2, label: 'blue' });
      const red = await explain(classifier, image, { classId: 0, patchSize: 8, stride: 8 });
      expect(red).toMatchObject({ classId: 0, label: 'red' });
      // occluding the red quarter lowers red's score: the heat sits there, not elsewhere
      expect(red.heatMap.at(4, 4)).toBeGreaterThan(red.heatMap.at(12, 12));
      expect(red.heatMap.at(12, 12)).toBeLessThanOrEqual(0);
      for (const result of [top, red]) result.heatMap.close();
    } finally {
      classifier.dispose();
    }
  });
});
