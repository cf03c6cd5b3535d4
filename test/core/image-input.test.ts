/**
 * Image input validation at the boundary (classifyImageInput) and through imageToTensor: every
 * Node-possible form is classified, and every bad input is VisionError('INVALID_INPUT') with a
 * message that says what was wrong — without leaking tensors or disposing the caller's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyImageInput, type ImageInput } from '../../src/core/image-input';
import { VisionError, decodeImageFile, imageToTensor, isVisionError, loadMobileNetV2Backbone, selectTfjsBackend, setPlatform } from '../../src/node/index';

let dir = '';
let before = 0;

beforeAll(async () => {
  await selectTfjsBackend({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'visionpipe-image-input-'));
  before = tf.memory().numTensors;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(tf.memory().numTensors).toBe(before);
});

async function rejection(input: unknown): Promise<VisionError> {
  try {
    const { tensor, owned } = await imageToTensor(input as ImageInput);
    if (owned) tensor.dispose();
  } catch (error) {
    expect(isVisionError(error)).toBe(true);
    return error as VisionError;
  }
  throw new Error('imageToTensor accepted a bad input');
}

describe('classifyImageInput: kinds', () => {
  it('names each Node-possible form', () => {
    const t = tf.zeros([2, 2, 3]);
    expect(classifyImageInput(t)).toBe('tensor');
    t.dispose();
    expect(classifyImageInput({ data: new Uint8Array(12), width: 2, height: 2, channels: 3 })).toBe('raw');
    expect(classifyImageInput({ data: new Float32Array(4), width: 2, height: 2, channels: 1 })).toBe('raw');
    expect(classifyImageInput({ data: new Uint8ClampedArray(16), width: 2, height: 2 })).toBe('image-data');
    expect(classifyImageInput(new Uint8Array([1, 2, 3]))).toBe('encoded');
    expect(classifyImageInput(new ArrayBuffer(3))).toBe('encoded');
    expect(classifyImageInput('photo.jpg')).toBe('path');
  });
});

describe('a browser image in messages', () => {
  it('an empty bitmap is "closed or detached?"; one over the pixel limit is not (a valid 9000² upload was told so)', () => {
    class ImageBitmap {
      constructor(readonly width: number, readonly height: number) {}
    }
    const scope = globalThis as Record<string, unknown>;
    const had = scope.ImageBitmap;
    scope.ImageBitmap = ImageBitmap;
    try {
      const message = (value: unknown): string => {
        try {
          classifyImageInput(value, { maxPixels: 1e6 });
          return 'accepted';
        } catch (error) {
          return (error as Error).message;
        }
      };
      expect(message(new ImageBitmap(0, 0))).toMatch(/^ImageBitmap \(closed or detached\?\) has size 0×0/);
      expect(message(new ImageBitmap(9000, 9000))).toMatch(/^ImageBitmap is 9000×9000 = 81000000 pixels, over the limit/);
      expect(classifyImageInput(new ImageBitmap(640, 480))).toBe('drawable');
    } finally {
      if (had === undefined) delete scope.ImageBitmap;
      else scope.ImageBitmap = had;
    }
  });
});

describe('bad inputs are INVALID_INPUT with a clear message', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['zero width', () => ({ data: new Uint8Array(0), width: 0, height: 4, channels: 3 }), /0×4.*at least 1×1/],
    ['zero height', () => ({ data: new Uint8Array(0), width: 4, height: 0, channels: 3 }), /4×0/],
    ['negative size', () => ({ data: new Uint8Array(12), width: -2, height: -2, channels: 3 }), /at least 1×1/],
    ['NaN size', () => ({ data: new Uint8Array(12), width: Number.NaN, height: 2, channels: 3 }), /at least 1×1/],
    ['data too short', () => ({ data: new Uint8Array(11), width: 2, height: 2, channels: 3 }), /11 values; 2×2×3 needs 12/],
    ['data too long', () => ({ data: new Uint8Array(16), width: 2, height: 2, channels: 3 }), /16 values; 2×2×3 needs 12/],
    ['ImageData-like of the wrong length', () => ({ data: new Uint8ClampedArray(12), width: 2, height: 2 }), /12 values; 2×2 RGBA needs 16/],
    ['channels 2', () => ({ data: new Uint8Array(8), width: 2, height: 2, channels: 2 }), /channels=2; allowed: 1, 3 or 4/],
    ['channels 0', () => ({ data: new Uint8Array(8), width: 2, height: 2, channels: 0 }), /channels=0/],
    ['rank-2 tensor', () => tf.zeros([4, 4]), /shape \[4,4\]; expected \[height, width, 1\|3\|4\]/],
    ['rank-4 tensor (batched)', () => tf.zeros([1, 4, 4, 3]), /shape \[1,4,4,3\]/],
    ['2-channel tensor', () => tf.zeros([4, 4, 2]), /shape \[4,4,2\]/],
    ['zero-size tensor', () => tf.zeros([0, 4, 3]), /0.*at least 1×1/],
    ['null', () => null, /image input is null; allowed: .*ImageBitmap/],
    ['undefined', () => undefined, /image input is undefined/],
    ['a number', () => 42, /image input is number/],
    ['a boolean', () => true, /image input is boolean/],
    ['an empty object', () => ({}), /unsupported image input \(\[object Object\]\); allowed:/],
    ['an array', () => [1, 2, 3], /unsupported image input \(\[object Array\]\)/],
    ['an empty string', () => '', /empty string/],
    ['empty bytes', () => new Uint8Array(0), /image bytes are empty/],
    ['an Int16Array', () => new Int16Array(4), /unsupported image input/],
    ['a raw image with a string width', () => ({ data: new Uint8Array(12), width: '2', height: 2, channels: 3 }), /needs data as a typed array .* got data Uint8Array, width "2", height 2/],
    ['a raw image with a plain array', () => ({ data: [1, 2, 3], width: 1, height: 1, channels: 3 }), /got data an array, width 1, height 1/],
  ];

  for (const [name, make, message] of cases) {
    it(name, async () => {
      const input = make();
      const error = await rejection(input);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(message);
      expect(() => classifyImageInput(input)).toThrow(VisionError);
      if (input instanceof tf.Tensor) {
        expect(input.isDisposed).toBe(false);
        input.dispose();
      }
    });
  }

  it('a disposed tensor', async () => {
    const t = tf.zeros([2, 2, 3]);
    t.dispose();
    const error = await rejection(t);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/disposed/);
  });

  it('a detached ArrayBuffer (transferred away)', async () => {
    const buffer = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]).buffer;
    structuredClone(buffer, { transfer: [buffer] });
    expect(buffer.byteLength).toBe(0);
    const error = await rejection(buffer);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/0 bytes, or a detached buffer/);
  });

  it('raw pixels whose buffer was transferred away', async () => {
    const data = new Uint8Array(12);
    structuredClone(data.buffer, { transfer: [data.buffer] });
    const error = await rejection({ data, width: 2, height: 2, channels: 3 });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/detached/);
  });

  it('raw pixels of another type than Uint8Array, Uint8ClampedArray or Float32Array', async () => {
    // 16-bit and float64 pixels were read one way by the tensor path (truncated) and another by the sampler
    for (const data of [new Float64Array(12).fill(100.7), new Uint16Array(12).fill(65535), new Int8Array(12).fill(-100)]) {
      const error = await rejection({ data, width: 2, height: 2, channels: 3 });
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toBe(`pixel buffer data is a ${data.constructor.name}; allowed: Uint8Array, Uint8ClampedArray or Float32Array with values 0–255`);
    }
  });

  it('a misspelt limit name is INVALID_OPTION in imageToTensor, decodeImageFile and setPlatform (maxPixel kept the default limit)', async () => {
    const image = { data: new Uint8Array(12), width: 2, height: 2, channels: 3 as const };
    await expect(imageToTensor(image, { maxPixel: 10 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'imageToTensor options has unknown option(s) maxPixel; allowed: maxPixels' });
    await expect(decodeImageFile('x.png', { maxPixel: 10 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'decodeImageFile options has unknown option(s) maxPixel; allowed: maxPixels' });
    expect(() => setPlatform({ maxPixel: 10 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('setPlatform options has unknown option(s) maxPixel; allowed: readFile, decodeImage, maxPixels') }));
    await expect(loadMobileNetV2Backbone({ layer: ['block_13_expand_relu'] } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('loadMobileNetV2Backbone options has unknown option(s) layer;') });
  });

  it('undecodable bytes', async () => {
    const error = await rejection(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/could not decode the image: .*unsupported image format.*; allowed: JPEG, PNG, WebP/i); // what is read, as for an SVG
  });

  it('a truncated PNG file', async () => {
    const path = join(dir, 'truncated.png');
    writeFileSync(path, new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]));
    const error = await rejection(path);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(`could not decode the image '${path}'`);
  });

  it('a missing file path names the path', async () => {
    const path = join(dir, 'no-such-image.jpg');
    const error = await rejection(path);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/missing|no such file|not found/i);
  });
});
