/**
 * Golden tests of resize / letterbox / centerCrop against OpenCV (fixtures from
 * scripts/make_preprocess_fixtures.py), on both Node tfjs backends.
 *
 * Semantics, as verified here:
 * - `bilinear` (tf.image.resizeBilinear with halfPixelCenters) computes exactly what
 *   cv2.resize INTER_LINEAR computes on a float32 image — upscaling, downscaling (no area
 *   averaging in either; OpenCV's switch to INTER_AREA for an exact 2× reduction gives the same
 *   values) and 1-pixel-wide images. On uint8 images OpenCV uses 11-bit fixed-point weights and
 *   rounds to uint8, so its values differ from ours (float32, unrounded) by at most 1 grey level.
 * - `nearest` (tf.image.resizeNearestNeighbor with halfPixelCenters) samples
 *   floor((x + 0.5) * in / out): it equals cv2 INTER_NEAREST_EXACT (and PIL NEAREST, torch
 *   'nearest-exact'), NOT cv2 INTER_NEAREST, which samples floor(x * in / out) and so shifts
 *   the image by up to one source pixel towards the top-left.
 * - `letterbox` reproduces Ultralytics' LetterBox geometry exactly (gain, Python-round()ed
 *   unpadded size, pads round(d ∓ 0.1)), and its pixels within the bilinear tolerances above.
 * - `centerCrop` with a square target is Ultralytics' classify CenterCrop (largest centred
 *   square, offsets floor((size - m) / 2), then INTER_LINEAR). torchvision's center_crop rounds
 *   the offset instead (round((size - m) / 2)), which can differ by one pixel when size - m is
 *   odd; Keras CenterCrop and tf.image.central_crop floor like us.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { centerCrop, letterbox, resize, selectTfjsBackend } from '../../src/node/index';
import { countDiffs, f32, fixture, imageTensor, maxAbsDiff, u8 } from './fixtures';

const FIX = fixture();

describe.each(['wasm', 'cpu'] as const)('geometry on the tfjs %s backend', (backend) => {
  const images = new Map<string, tf.Tensor3D>();
  let before = 0;

  beforeAll(async () => {
    await selectTfjsBackend({ backend });
    before = tf.memory().numTensors;
    for (const name of Object.keys(FIX.images)) images.set(name, imageTensor(name));
  });

  afterAll(() => {
    for (const t of images.values()) t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  const img = (name: string): tf.Tensor3D => images.get(name) as tf.Tensor3D;

  describe('resize', () => {
    for (const c of FIX.resize) {
      it(`bilinear ${c.image} → ${c.width}×${c.height} matches cv2 INTER_LINEAR`, () => {
        const { tensor, transform } = resize(img(c.image), c.width, c.height, 'bilinear');
        expect(tensor.shape).toEqual([c.height, c.width, 3]);
        expect(tensor.dtype).toBe('float32');
        const got = tensor.dataSync();
        tensor.dispose();
        // cv2 on uint8 rounds (fixed-point weights): at most 1 grey level apart.
        expect(maxAbsDiff(got, u8(c.linearU8))).toBeLessThanOrEqual(1);
        // cv2 on float32: the same bilinear values.
        if (c.linearFloat) expect(maxAbsDiff(got, f32(c.linearFloat))).toBeLessThan(1e-3);
        const src = FIX.images[c.image];
        expect(transform).toEqual({
          sourceWidth: src.width, sourceHeight: src.height, inputWidth: c.width, inputHeight: c.height,
          scaleX: c.width / src.width, scaleY: c.height / src.height, padX: 0, padY: 0, cropX: 0, cropY: 0,
        });
      });

      it(`nearest ${c.image} → ${c.width}×${c.height} equals cv2 INTER_NEAREST_EXACT`, () => {
        const { tensor } = resize(img(c.image), c.width, c.height, 'nearest');
        const got = tensor.dataSync();
        tensor.dispose();
        expect(maxAbsDiff(got, u8(c.nearestExact))).toBe(0);
        if (c.nearest) {
          // Documented difference: cv2 INTER_NEAREST samples floor(x * scale), not half-pixel centres.
          expect(countDiffs(got, u8(c.nearest))).toBeGreaterThan(0);
        }
      });
    }

    it('same size returns an equal copy, never the caller tensor', () => {
      const source = img('a37x23');
      const { tensor } = resize(source, 37, 23);
      expect(tensor).not.toBe(source);
      expect(maxAbsDiff(tensor.dataSync(), source.dataSync())).toBe(0);
      tensor.dispose();
      expect(source.isDisposed).toBe(false);
    });
  });

  describe('letterbox (Ultralytics LetterBox)', () => {
    for (const c of FIX.letterbox) {
      it(`${c.image} → ${c.width}×${c.height}${c.scaleUp ? '' : ' (scaleUp false)'}: geometry and pixels`, () => {
        const { tensor, transform } = letterbox(img(c.image), c.width, c.height, { scaleUp: c.scaleUp });
        expect(tensor.shape).toEqual([c.height, c.width, 3]);
        const got = tensor.dataSync();
        tensor.dispose();
        const src = FIX.images[c.image];
        expect(transform).toEqual({
          sourceWidth: src.width, sourceHeight: src.height, inputWidth: c.width, inputHeight: c.height,
          scaleX: c.ratio, scaleY: c.ratio, padX: c.left, padY: c.top, cropX: 0, cropY: 0,
        });
        // The unpadded size Ultralytics computes with Python round().
        expect(c.width - c.left - c.right).toBe(c.newUnpad[0]);
        expect(c.height - c.top - c.bottom).toBe(c.newUnpad[1]);
        expect(maxAbsDiff(got, u8(c.u8))).toBeLessThanOrEqual(1);
        if (c.float) expect(maxAbsDiff(got, f32(c.float))).toBeLessThan(1e-3);
        // Padding is exactly 114.
        for (let y = 0; y < c.height; y++) {
          for (let x = 0; x < c.width; x++) {
            const inside = y >= c.top && y < c.height - c.bottom && x >= c.left && x < c.width - c.right;
            if (!inside) for (let ch = 0; ch < 3; ch++) expect(got[(y * c.width + x) * 3 + ch]).toBe(114);
          }
        }
      });
    }

    it('pad value option and nearest method', () => {
      const { tensor } = letterbox(img('c17x31'), 36, 36, { padValue: 0, method: 'nearest' });
      const got = tensor.dataSync();
      tensor.dispose();
      expect(got[0]).toBe(0);
      expect(got[got.length - 1]).toBe(0);
    });
  });

  describe('argument checks', () => {
    it('bad sizes are INVALID_OPTION, bad images INVALID_INPUT', () => {
      const image = img('g11x7');
      for (const [w, h] of [[0, 4], [4, -2], [2.5, 4], [Number.NaN, 4]]) {
        expect(() => resize(image, w, h)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('positive integer') }));
        expect(() => letterbox(image, w, h)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
        expect(() => centerCrop(image, w, h)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      }
      const flat = tf.zeros([4, 4]) as unknown as tf.Tensor3D;
      expect(() => letterbox(flat, 8, 8)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('[4,4]') }));
      flat.dispose();
      const gone = tf.zeros([4, 4, 3]) as tf.Tensor3D;
      gone.dispose();
      expect(() => resize(gone, 8, 8)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('disposed') }));
    });

    it('extreme aspect ratios keep at least one source pixel', () => {
      const { tensor, transform } = centerCrop(img('d1x9'), 20, 1);
      expect(tensor.shape).toEqual([1, 20, 3]);
      expect(transform).toMatchObject({ cropX: 0, cropY: 4, scaleX: 20, scaleY: 1 });
      tensor.dispose();
    });
  });

  describe('centerCrop (Ultralytics classify CenterCrop)', () => {
    for (const c of FIX.centerCrop) {
      it(`${c.image} → ${c.width}×${c.height}: crop offsets and pixels`, () => {
        const { tensor, transform } = centerCrop(img(c.image), c.width, c.height);
        expect(tensor.shape).toEqual([c.height, c.width, 3]);
        const got = tensor.dataSync();
        tensor.dispose();
        const src = FIX.images[c.image];
        expect(transform).toEqual({
          sourceWidth: src.width, sourceHeight: src.height, inputWidth: c.width, inputHeight: c.height,
          scaleX: c.width / c.cropWidth, scaleY: c.height / c.cropHeight, padX: 0, padY: 0, cropX: c.cropX, cropY: c.cropY,
        });
        expect(maxAbsDiff(got, u8(c.u8))).toBeLessThanOrEqual(1);
        if (c.float) expect(maxAbsDiff(got, f32(c.float))).toBeLessThan(1e-3);
      });
    }
  });
});
