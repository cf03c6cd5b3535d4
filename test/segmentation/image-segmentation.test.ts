import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, type RawImage, decodeImageFile, pipeline } from '../../src/node/index';
import { Mask } from '../../src/core/mask';
import type { Box } from '../../src/core/types';
import { MEET_SEGMENTATION, SELFIE_SEGMENTATION } from '../../src/models/segmentation-cards';
import { type ImageSegmentationPipeline, createImageSegmentationPipeline } from '../../src/pipelines/segmentation/image-segmentation-pipeline';
import { facePhoto, fixturePhoto } from '../helpers/photos';

/** Mean person probability inside and outside a box, and the fraction of the box that is person (p > 0.5). */
function inside(prob: Float32Array, width: number, box: Box): { meanIn: number; meanOut: number; coverage: number } {
  let sumIn = 0;
  let nIn = 0;
  let sumOut = 0;
  let nOut = 0;
  let covered = 0;
  for (let p = 0; p < prob.length; p++) {
    const x = p % width;
    const y = Math.floor(p / width);
    if (x >= box.x1 && x < box.x2 && y >= box.y1 && y < box.y2) {
      sumIn += prob[p];
      nIn++;
      if (prob[p] > 0.5) covered++;
    } else {
      sumOut += prob[p];
      nOut++;
    }
  }
  return { meanIn: sumIn / nIn, meanOut: nOut ? sumOut / nOut : 0, coverage: covered / nIn };
}

const CARDS = [SELFIE_SEGMENTATION, MEET_SEGMENTATION];

describe.each(CARDS)('image-segmentation with $id (real weights, wasm)', (card) => {
  let segmenter: ImageSegmentationPipeline;
  let detector: DetectionPipeline;
  beforeAll(async () => {
    segmenter = await createImageSegmentationPipeline({ model: card });
    detector = await pipeline('object-detection');
  });
  afterAll(() => {
    segmenter.dispose();
    detector.dispose();
  });

  it('the astronaut: person probability high inside the CenterNet person box, low outside; masks at the image size', async () => {
    const image = await decodeImageFile(fixturePhoto('astronaut'));
    const person = (await detector.run(image)).detections.find((d) => d.label === 'person')!;
    expect(person).toBeDefined();
    const { confidenceMasks, categoryMask, labels, imageSize } = await segmenter.run(image);
    expect(labels).toEqual(['background', 'person']);
    expect(imageSize).toEqual({ width: image.width, height: image.height });
    for (const m of [...confidenceMasks!, categoryMask!]) expect([m.width, m.height]).toEqual([image.width, image.height]);
    const prob = confidenceMasks![1].toFloat32Array();
    const { meanIn, meanOut, coverage } = inside(prob, image.width, person.box);
    console.log(`${card.id} astronaut: mean p(person) in box ${meanIn.toFixed(2)}, outside ${meanOut.toFixed(2)}, box covered ${coverage.toFixed(2)}`);
    expect(meanIn).toBeGreaterThan(meanOut + 0.4);
    expect(coverage).toBeGreaterThanOrEqual(0.5);
    // background + person probabilities sum to 1; the label map is their argmax
    const bg = confidenceMasks![0].toFloat32Array();
    const cat = categoryMask!.toUint8Array();
    for (let p = 0; p < prob.length; p += 97) {
      expect(bg[p] + prob[p]).toBeCloseTo(1, 5);
      expect(cat[p]).toBe(prob[p] > bg[p] ? 1 : 0);
    }
    for (const m of [...confidenceMasks!, categoryMask!]) m.close();
  });

  it('every probability lies in 0–1 (the resize\'s float32 weights put a person at 1.0000001 and its background at −1.2e-7)', async () => {
    // the astronaut on a black border: 662×602, a scale at which the weights' rounding shows
    const { data, info } = await sharp(fixturePhoto('astronaut')).extend({ top: 50, bottom: 40, left: 100, right: 50, background: '#000' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const { confidenceMasks, categoryMask } = await segmenter.run({ data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 });
    for (const mask of confidenceMasks!) {
      const values = mask.toFloat32Array();
      let low = Infinity;
      let high = -Infinity;
      for (const v of values) {
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
    }
    for (const m of [...confidenceMasks!, categoryMask!]) m.close();
  });

  it.each([1, 2, 3] as const)('group photo %i: the people are segmented', async (n) => {
    const image = await decodeImageFile(facePhoto(n));
    const people = (await detector.run(image)).detections.filter((d) => d.label === 'person');
    const { confidenceMasks, categoryMask } = await segmenter.run(image, { outputCategoryMask: true });
    const prob = confidenceMasks![1].toFloat32Array();
    let union: Box = people[0].box;
    for (const d of people) union = { x1: Math.min(union.x1, d.box.x1), y1: Math.min(union.y1, d.box.y1), x2: Math.max(union.x2, d.box.x2), y2: Math.max(union.y2, d.box.y2) };
    const { meanIn, meanOut, coverage } = inside(prob, image.width, union);
    console.log(`${card.id} photo ${n}: ${people.length} people, mean p in their boxes ${meanIn.toFixed(2)}, outside ${meanOut.toFixed(2)}, covered ${coverage.toFixed(2)}`);
    expect(meanIn).toBeGreaterThan(meanOut + 0.2);
    expect(coverage).toBeGreaterThanOrEqual(0.4);
    confidenceMasks!.forEach((m) => m.close());
    categoryMask!.close();
  });

  it('only the masks asked for; tiny images work; tensors and masks do not leak over 20 runs', async () => {
    const tiny: RawImage = { data: new Uint8Array(3 * 2 * 3).fill(128), width: 3, height: 2, channels: 3 };
    const r = await segmenter.run(tiny, { outputConfidenceMasks: false });
    expect(r.confidenceMasks).toBeUndefined();
    expect([r.categoryMask!.width, r.categoryMask!.height]).toEqual([3, 2]);
    r.categoryMask!.close();
    const frame: RawImage = { data: new Uint8Array(320 * 240 * 3).map((_, i) => (i * 7) % 255), width: 320, height: 240, channels: 3 };
    const warm = await segmenter.run(frame);
    warm.confidenceMasks!.forEach((m) => m.close());
    warm.categoryMask!.close();
    const tensors = tf.memory().numTensors;
    const masks = Mask.openCount;
    for (let i = 0; i < 20; i++) {
      const out = await segmenter.run(frame);
      out.confidenceMasks!.forEach((m) => m.close());
      out.categoryMask!.close();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Mask.openCount).toBe(masks);
  });
});

describe('image-segmentation: bad input and life cycle', () => {
  it('defaults to Selfie; a closed pipeline is DISPOSED; bad images are INVALID_INPUT and the next frame works', async () => {
    const segmenter = await createImageSegmentationPipeline();
    expect(segmenter.spec.id).toBe('selfie-segmentation');
    await expect(segmenter.run({ data: new Uint8Array(0), width: 0, height: 0, channels: 3 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const ok = await segmenter.run({ data: new Uint8Array(16 * 16 * 3), width: 16, height: 16, channels: 3 });
    ok.categoryMask!.close();
    ok.confidenceMasks!.forEach((m) => m.close());
    segmenter.dispose();
    await expect(segmenter.run({ data: new Uint8Array(16 * 16 * 3), width: 16, height: 16, channels: 3 })).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('a card for another task, or an output that is not a [1,H,W,C] map, is refused clearly', async () => {
    await expect(createImageSegmentationPipeline({ model: { ...SELFIE_SEGMENTATION, task: 'object-detection' } })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    // an output the model does not have: refused at creation (the model is loaded), not at the first run
    const wrong = createImageSegmentationPipeline({ model: { ...SELFIE_SEGMENTATION, outputs: ['no-such-output'] } });
    await expect(wrong).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/has no output 'no-such-output' .*; its outputs are: \S/) });
  });
});

describe('image-segmentation: heads a card describes', () => {
  /** A runner answering a fixed [1, 4, 4, C] output (the head's arithmetic is under test, not a model). */
  const fixedRunner = (channels: number, values: number[]) => ({
    runtime: 'onnxruntime' as const,
    backend: 'cpu',
    inputs: [{ name: 'x', shape: [1, 4, 4, 3], dtype: 'float32' as const }],
    outputs: [{ name: 'y', shape: [1, 4, 4, channels], dtype: 'float32' as const }],
    metadata: {},
    run: async () => ({ y: { dtype: 'float32' as const, dims: [1, 4, 4, channels], data: Float32Array.from({ length: 16 * channels }, (_, i) => values[i % channels]) } }),
    dispose: () => undefined,
  });
  const card = (labels: string[], activation: 'sigmoid' | 'softmax') => ({
    id: 'fixed-head',
    task: 'image-segmentation' as const,
    family: 'semantic',
    format: 'onnx' as const,
    location: { url: 'fixed.onnx' },
    input: { width: 4, height: 4, fit: 'stretch' as const, normalization: 'unit' as const },
    labels,
    segmentation: { activation },
  });
  const frame: RawImage = { data: new Uint8Array(8 * 8 * 3), width: 8, height: 8, channels: 3 };

  it('two independent sigmoid channels keep their own probabilities (background is not 1 − person)', async () => {
    // logits 2 and 1: sigmoid 0.881 and 0.731 — the background wins
    const segmenter = await createImageSegmentationPipeline({ model: fixedRunner(2, [2, 1]), spec: card(['background', 'person'], 'sigmoid') });
    const { confidenceMasks, categoryMask } = await segmenter.run(frame);
    expect(confidenceMasks![0].toFloat32Array()[27]).toBeCloseTo(1 / (1 + Math.exp(-2)), 5);
    expect(confidenceMasks![1].toFloat32Array()[27]).toBeCloseTo(1 / (1 + Math.exp(-1)), 5);
    expect(categoryMask!.toUint8Array()[27]).toBe(0);
    // softmax channels are complementary: the same logits give person 0.269
    const softmax = await createImageSegmentationPipeline({ model: fixedRunner(2, [2, 1]), spec: card(['background', 'person'], 'softmax') });
    const person = (await softmax.run(frame)).confidenceMasks![1].toFloat32Array()[27];
    expect(person).toBeCloseTo(1 / (1 + Math.exp(1)), 5);
    segmenter.dispose();
    softmax.dispose();
  });

  it("a card of another family than 'semantic' is refused at creation (it was run as a class map whatever it said)", async () => {
    for (const family of ['bogus', 'maskrcnn']) {
      await expect(createImageSegmentationPipeline({ model: fixedRunner(2, [2, 1]), spec: { ...card(['background', 'person'], 'softmax'), family } })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        message: expect.stringContaining(`has family "${family}"; image-segmentation takes family 'semantic'`),
      });
    }
  });

  it('a category mask of over 256 labels is refused (it holds one byte per pixel); confidence masks alone work', async () => {
    const labels = Array.from({ length: 300 }, (_, i) => `class${i}`);
    const scores = Array.from({ length: 300 }, (_, i) => (i === 299 ? 5 : 0));
    const spec = card(labels, 'softmax');
    // class 299 was reported as 43 (299 mod 256)
    await expect(createImageSegmentationPipeline({ model: fixedRunner(300, scores), spec })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('has 300 labels; a category mask holds up to 256') });
    const segmenter = await createImageSegmentationPipeline({ model: fixedRunner(300, scores), spec, outputCategoryMask: false });
    const result = await segmenter.run(frame);
    expect(result.categoryMask).toBeUndefined();
    expect(result.confidenceMasks![299].toFloat32Array()[0]).toBeGreaterThan(0.3);
    await expect(segmenter.run(frame, { outputCategoryMask: true })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    segmenter.dispose();
  });
});
