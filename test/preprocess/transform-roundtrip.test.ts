/**
 * The `transform` each geometry step returns maps points back to the source: a box drawn in the
 * source image, found again in the model input, lands on the drawn box after
 * scaleBoxesToSource (src/postprocess/box-format.ts) — within one input pixel.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { centerCrop, letterbox, prepareImage, resize, scaleBoxesToInput, scaleBoxesToSource, selectTfjsBackend, type InputTransform } from '../../src/node/index';

/** A black w×h RGB image with a white filled box [x1, x2) × [y1, y2). */
function drawBox(w: number, h: number, box: [number, number, number, number]): tf.Tensor3D {
  const data = new Int32Array(w * h * 3);
  const [x1, y1, x2, y2] = box;
  for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) data.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
  return tf.tensor3d(data, [h, w, 3], 'int32');
}

/** The bounding box (xyxy, exclusive end) of pixels brighter than mid-grey (pad 114 is not). */
function findBox(image: tf.Tensor3D): [number, number, number, number] {
  const [h, w] = image.shape;
  const data = image.dataSync();
  let x1 = w, y1 = h, x2 = -1, y2 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[(y * w + x) * 3] > 127.5) {
        x1 = Math.min(x1, x); y1 = Math.min(y1, y); x2 = Math.max(x2, x); y2 = Math.max(y2, y);
      }
    }
  }
  return [x1, y1, x2 + 1, y2 + 1];
}

function check(source: tf.Tensor3D, box: [number, number, number, number], made: { tensor: tf.Tensor3D; transform: InputTransform }): void {
  const found = findBox(made.tensor);
  made.tensor.dispose();
  const { transform } = made;
  const back = scaleBoxesToSource(found, transform);
  // One input pixel of quantisation, expressed in source pixels.
  const tolX = 1 / transform.scaleX + 1e-6;
  const tolY = 1 / transform.scaleY + 1e-6;
  expect(Math.abs(back[0] - box[0])).toBeLessThanOrEqual(tolX);
  expect(Math.abs(back[2] - box[2])).toBeLessThanOrEqual(tolX);
  expect(Math.abs(back[1] - box[1])).toBeLessThanOrEqual(tolY);
  expect(Math.abs(back[3] - box[3])).toBeLessThanOrEqual(tolY);
  // And forwards: the source box maps onto the found box within one input pixel.
  const forward = scaleBoxesToInput(box, transform);
  for (let i = 0; i < 4; i++) expect(Math.abs(forward[i] - found[i])).toBeLessThanOrEqual(1);
  expect(source.isDisposed).toBe(false);
}

describe('transform maps boxes back to the source image', () => {
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
  });

  const cases: { name: string; w: number; h: number; box: [number, number, number, number] }[] = [
    { name: 'landscape', w: 300, h: 200, box: [60, 40, 180, 150] },
    { name: 'portrait', w: 120, h: 250, box: [10, 170, 95, 240] },
    { name: 'odd sizes', w: 97, h: 61, box: [3, 5, 40, 59] },
  ];

  for (const c of cases) {
    it(`letterbox 128×128, ${c.name}`, () => {
      const source = drawBox(c.w, c.h, c.box);
      const made = letterbox(source, 128, 128);
      expect(made.transform.padX + made.transform.padY).toBeGreaterThan(0);
      check(source, c.box, made);
      source.dispose();
    });

    it(`letterbox 160×96 (non-square target), ${c.name}`, () => {
      const source = drawBox(c.w, c.h, c.box);
      check(source, c.box, letterbox(source, 160, 96));
      source.dispose();
    });

    it(`stretch resize 64×80, ${c.name}`, () => {
      const source = drawBox(c.w, c.h, c.box);
      check(source, c.box, resize(source, 64, 80));
      source.dispose();
    });
  }

  it('centre crop: a box inside the crop maps back, offsets included', () => {
    const box: [number, number, number, number] = [130, 20, 200, 180];
    const source = drawBox(320, 200, box);
    const made = centerCrop(source, 100, 100);
    expect(made.transform.cropX).toBe(60);
    check(source, box, made);
    source.dispose();
  });

  it('prepareImage letterbox transform (the pipelines path) agrees with letterbox', () => {
    const box: [number, number, number, number] = [60, 40, 180, 150];
    const source = drawBox(300, 200, box);
    const { input, transform } = prepareImage(source, { width: 128, height: 128, fit: 'letterbox', layout: 'nhwc' });
    const image = tf.squeeze(input, [0]) as tf.Tensor3D;
    input.dispose();
    check(source, box, { tensor: image, transform });
    source.dispose();
  });

  it('a 1-pixel-wide source into a wide letterbox keeps at least one pixel column', () => {
    const source = drawBox(1, 64, [0, 8, 1, 56]);
    const made = letterbox(source, 16, 16);
    expect(made.transform.padX).toBe(7); // Ultralytics would ask cv2 for a 0-pixel-wide resize here
    const found = findBox(made.tensor);
    expect(found).toEqual([7, 2, 8, 14]);
    made.tensor.dispose();
    source.dispose();
  });
});
