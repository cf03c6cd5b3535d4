/**
 * Golden tests of normalize and prepareImage against numpy/OpenCV (fixtures from
 * scripts/make_preprocess_fixtures.py): presets, BGR + mean/std (NanoDet), NCHW layout, whole
 * chains (letterbox / centre crop / stretch → normalisation → layout) and their transforms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { normalize, prepareImage, selectTfjsBackend, type InputSpec, type Normalization } from '../../src/node/index';
import { f32, fixture, imageTensor, maxAbsDiff } from './fixtures';

const FIX = fixture();

function label(n: unknown): string {
  return typeof n === 'string' ? n : JSON.stringify(n);
}

describe.each(['wasm', 'cpu'] as const)('normalize and prepareImage on the tfjs %s backend', (backend) => {
  let before = 0;
  beforeAll(async () => {
    await selectTfjsBackend({ backend });
    before = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('normalize', () => {
    for (const c of FIX.normalize.filter((n) => n.channelOrder === 'rgb' && n.layout === 'nhwc')) {
      it(`preset ${label(c.normalization)} equals numpy`, () => {
        const image = imageTensor(c.image);
        const out = normalize(image, c.normalization as Normalization);
        expect(out.dtype).toBe('float32');
        expect(out.shape).toEqual(image.shape);
        const scale = c.normalization === 'none' ? 255 : 1;
        expect(maxAbsDiff(out.dataSync(), f32(c.expected))).toBeLessThan(1e-5 * scale);
        expect(image.isDisposed).toBe(false);
        tf.dispose([image, out]);
      });
    }

    it("'none' returns a new tensor equal to the input (never the caller's tensor)", () => {
      const image = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3], 'float32');
      const out = normalize(image, 'none');
      expect(out).not.toBe(image);
      expect(Array.from(out.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
      tf.dispose([image, out]);
    });

    it('rejects unknown presets and bad mean/std with INVALID_OPTION', () => {
      const image = imageTensor('g11x7');
      for (const bad of ['zscore', { mean: [1, 2] }, { std: [1, 0, 1] }, { scale: Number.NaN }] as unknown as Normalization[]) {
        expect(() => normalize(image, bad)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      }
      image.dispose();
    });
  });

  describe('prepareImage at the source size (pure normalisation, channel order, layout)', () => {
    for (const c of FIX.normalize) {
      it(`${label(c.normalization)} ${c.channelOrder} ${c.layout}`, () => {
        const image = imageTensor(c.image);
        const [h, w] = image.shape;
        const { input, transform } = prepareImage(image, {
          width: w, height: h, normalization: c.normalization as Normalization, channelOrder: c.channelOrder, layout: c.layout,
        });
        expect(input.shape).toEqual(c.layout === 'nchw' ? [1, 3, h, w] : [1, h, w, 3]);
        const scale = c.normalization === 'none' ? 255 : 1;
        expect(maxAbsDiff(input.dataSync(), f32(c.expected))).toBeLessThan(1e-5 * scale);
        expect(transform).toMatchObject({ scaleX: 1, scaleY: 1, padX: 0, padY: 0, cropX: 0, cropY: 0 });
        tf.dispose([image, input]);
      });
    }
  });

  describe('prepareImage chains', () => {
    for (const c of FIX.prepare) {
      it(`${c.spec.fit} ${c.spec.width}×${c.spec.height} ${label(c.spec.normalization)} ${c.spec.channelOrder ?? 'rgb'} ${c.spec.layout}`, () => {
        const image = imageTensor(c.image);
        const { input, transform } = prepareImage(image, c.spec as InputSpec);
        const { width: w, height: h } = c.spec;
        expect(input.shape).toEqual(c.spec.layout === 'nchw' ? [1, 3, h, w] : [1, h, w, 3]);
        expect(input.dtype).toBe('float32');
        // Values are (x·scale − mean)/std of float bilinear pixels: 1e-3 grey levels of slack.
        const std = typeof c.spec.normalization === 'object' ? Math.min(...c.spec.normalization.std) : c.spec.normalization === 'imagenet' ? 0.224 * 255 : 127.5;
        expect(maxAbsDiff(input.dataSync(), f32(c.expected))).toBeLessThan(1e-3 / std + 1e-5);
        for (const [k, v] of Object.entries(c.transform)) expect(transform[k as keyof typeof transform], k).toBeCloseTo(v, 12);
        tf.dispose([image, input]);
      });
    }

    it('int32 output, and the source tensor is left alone', () => {
      const image = imageTensor('a37x23');
      const { input } = prepareImage(image, { width: 16, height: 16, fit: 'letterbox', dtype: 'int32' });
      expect(input.dtype).toBe('int32');
      expect(input.shape).toEqual([1, 16, 16, 3]);
      expect(image.isDisposed).toBe(false);
      tf.dispose([image, input]);
    });

    it('rejects bad sizes and fits with INVALID_OPTION', () => {
      const image = imageTensor('g11x7');
      for (const spec of [{ width: 0, height: 8 }, { width: 8.5, height: 8 }, { width: 8, height: -1 }, { width: 8, height: 8, fit: 'cover' }]) {
        expect(() => prepareImage(image, spec as InputSpec)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      }
      image.dispose();
    });
  });
});
