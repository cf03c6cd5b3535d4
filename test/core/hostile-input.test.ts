/**
 * Hostile images and values: a small PNG that claims 16000×16000 pixels (a decompression
 * bomb, made here with sharp), sizes that are not whole positive numbers, NaN/±Infinity pixels
 * and values that are not images. Each is VisionError('INVALID_INPUT') — refused from the
 * header before decoding — with no tensors leaked; a pipeline keeps working afterwards.
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyImageInput } from '../../src/core/image-input';
import { getPlatform } from '../../src/core/platform';
import {
  type ClassificationPipeline,
  DEFAULT_MAX_PIXELS,
  type ImageInput,
  VisionError,
  decodeImageFile,
  imageToTensor,
  isVisionError,
  pipeline,
  selectTfjsBackend,
  setPlatform,
} from '../../src/node/index';
import { fixturePhoto } from '../helpers/photos';

const CACHE = join(process.cwd(), '.cache', 'hostile');
let bomb = '';
let before = 0;

/** A 16000×16000 black PNG (~750 KB; 768 MB of RGB once decoded), made once into .cache/. */
async function pngBomb(): Promise<string> {
  const path = join(CACHE, 'black-16000x16000.png');
  if (existsSync(path)) return path;
  mkdirSync(CACHE, { recursive: true });
  const partial = `${path}.part`;
  await sharp({ create: { width: 16000, height: 16000, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png({ compressionLevel: 9 }).toFile(partial);
  renameSync(partial, path);
  return path;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A 1-bit grey PNG whose header claims `width × height` pixels, with one empty row of data (a few dozen bytes). */
function pngHeaderClaiming(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const frame = Buffer.alloc(body.length + 8);
    frame.writeUInt32BE(data.length, 0);
    body.copy(frame, 4);
    frame.writeUInt32BE(crc32(body), body.length + 4);
    return frame;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth; colour type 0 (grey), deflate, no filter, no interlace
  const row = deflateSync(Buffer.alloc(1 + Math.ceil(width / 8)));
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', row), chunk('IEND', Buffer.alloc(0))]));
}

async function rejection(input: unknown, limits?: { maxPixels?: number }): Promise<VisionError> {
  try {
    const { tensor, owned } = await imageToTensor(input as ImageInput, limits);
    if (owned) tensor.dispose();
  } catch (error) {
    expect(isVisionError(error)).toBe(true);
    return error as VisionError;
  }
  throw new Error('imageToTensor accepted a hostile input');
}

beforeAll(async () => {
  await selectTfjsBackend({ backend: 'wasm' });
  bomb = await pngBomb();
  before = tf.memory().numTensors;
}, 120_000);

afterAll(() => expect(tf.memory().numTensors).toBe(before));

describe('pixel limit, read from the header before decoding', () => {
  it('defaults to 2^26 pixels (8192×8192)', () => {
    expect(DEFAULT_MAX_PIXELS).toBe(8192 * 8192);
  });

  it('refuses a 16000×16000 PNG file, naming its size and the limit', async () => {
    const error = await rejection(bomb);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('16000×16000');
    expect(error.message).toContain(String(DEFAULT_MAX_PIXELS));
    expect(error.message).toContain(bomb);
  });

  it('refuses the same PNG given as bytes, and through decodeImageFile', async () => {
    const error = await rejection(new Uint8Array(readFileSync(bomb)));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/16000×16000 = 256000000 pixels, over the limit/);
    await expect(decodeImageFile(bomb)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it("refuses a header past libvips's own cap (20000×20000), naming its size and the limit", async () => {
    const huge = pngHeaderClaiming(20_000, 20_000);
    const error = await rejection(huge);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/20000×20000 = 400000000 pixels, over the limit of 67108864/);
  });

  it('is configurable per call and through setPlatform({ maxPixels })', async () => {
    const photo = fixturePhoto('chelsea'); // 451×300
    const small = await rejection(photo, { maxPixels: 100_000 });
    expect(small.message).toMatch(/451×300 = 135300 pixels, over the limit of 100000/);
    const saved = getPlatform().maxPixels;
    try {
      setPlatform({ maxPixels: 100_000 });
      expect((await rejection(photo)).code).toBe('INVALID_INPUT');
      setPlatform({ maxPixels: 200_000 });
      const { tensor, owned } = await imageToTensor(photo);
      expect(tensor.shape).toEqual([300, 451, 3]);
      if (owned) tensor.dispose();
    } finally {
      setPlatform({ maxPixels: saved ?? DEFAULT_MAX_PIXELS });
    }
  });

  it('a maxPixels that is not a positive integer is INVALID_OPTION', async () => {
    for (const bad of [0, -5, 1.5, Number.NaN]) {
      expect(() => setPlatform({ maxPixels: bad })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      expect((await rejection(fixturePhoto('chelsea'), { maxPixels: bad })).code).toBe('INVALID_OPTION');
    }
  });

  it('applies to raw buffers, ImageData-like buffers and tensors (before any data is read)', async () => {
    // The size is checked before the data length, so no 200 MB buffer is needed.
    const raw = await rejection({ data: new Uint8Array(3), width: 9000, height: 9000, channels: 3 });
    expect(raw.message).toMatch(/9000×9000 = 81000000 pixels, over the limit of 67108864/);
    const rgba = await rejection({ data: new Uint8ClampedArray(4), width: 20000, height: 4000 });
    expect(rgba.code).toBe('INVALID_INPUT');
    const tensor = tf.zeros([40, 30, 3], 'int32');
    expect(() => classifyImageInput(tensor, { maxPixels: 1000 })).toThrow(/40×30|30×40/);
    expect((await rejection(tensor, { maxPixels: 1000 })).code).toBe('INVALID_INPUT');
    expect(tensor.isDisposed).toBe(false);
    tensor.dispose();
  });
});

describe('sizes and pixel values', () => {
  it.each([
    ['fractional', 2.5, 2],
    ['zero', 0, 2],
    ['negative', -2, 2],
    ['NaN', Number.NaN, 2],
    ['infinite', Number.POSITIVE_INFINITY, 2],
  ])('a %s width is INVALID_INPUT, saying what sizes are allowed', async (_name, width, height) => {
    const error = await rejection({ data: new Uint8Array(12), width, height, channels: 3 });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/at least 1×1 pixel, with whole-number width and height/);
    const imageDataLike = await rejection({ data: new Uint8ClampedArray(16), width: height, height: width });
    expect(imageDataLike.code).toBe('INVALID_INPUT');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.5, 255.5, 1e6])('a float raw buffer holding %s is INVALID_INPUT', async (bad) => {
    const data = new Float32Array(2 * 2 * 3).fill(128);
    data[7] = bad;
    const error = await rejection({ data, width: 2, height: 2, channels: 3 });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/pixel value .* at index 7; pixel values must be numbers 0–255/);
  });

  it.each([
    [Number.NaN, /NaN among them/],
    [Number.POSITIVE_INFINITY, /min 50, max Infinity/],
    [Number.NEGATIVE_INFINITY, /min -Infinity, max 50/],
    [-1, /min -1, max 50/],
    [256, /min 50, max 256/],
  ])('a float tensor holding %s is INVALID_INPUT, naming its range, and is not disposed', async (bad, range) => {
    const values = new Float32Array(4 * 4 * 3).fill(50);
    values[20] = bad;
    const tensor = tf.tensor3d(values, [4, 4, 3]);
    const error = await rejection(tensor);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/values outside 0–255/);
    expect(error.message).toMatch(range);
    expect(tensor.isDisposed).toBe(false);
    tensor.dispose();
  });

  it('a camera-sized float tensor with one NaN or ±Infinity anywhere is INVALID_INPUT, on wasm (vectorised reductions) and cpu', async () => {
    const values = new Float32Array(480 * 640 * 3).fill(200);
    const length = values.length;
    for (const backend of ['wasm', 'cpu'] as const) {
      await selectTfjsBackend({ backend });
      for (const at of [0, 1, 2, 3, 5, 7, 8, 1001, length >> 1, length - 2, length - 1]) {
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 255.01, -0.01]) {
          values[at] = bad;
          const tensor = tf.tensor3d(values, [480, 640, 3]);
          const error = await rejection(tensor);
          expect(error.code, `${backend}: ${bad} at ${at}`).toBe('INVALID_INPUT');
          tensor.dispose();
        }
        values[at] = 200;
      }
    }
    await selectTfjsBackend({ backend: 'wasm' });
    const fine = tf.tensor3d(values, [480, 640, 3]);
    const { tensor, owned } = await imageToTensor(fine);
    expect(owned).toBe(false);
    tensor.dispose();
  });

  it('float pixels at the ends of the range pass, as buffers and as tensors', async () => {
    const data = Float32Array.from([0, 255, 127.5, 0, 255, 1e-3]);
    const fromRaw = await imageToTensor({ data, width: 2, height: 1, channels: 3 });
    const tensor = tf.tensor3d(data, [1, 2, 3]);
    const fromTensor = await imageToTensor(tensor);
    expect(Array.from(await fromTensor.tensor.data())).toEqual(Array.from(await fromRaw.tensor.data()));
    if (fromRaw.owned) fromRaw.tensor.dispose();
    if (fromTensor.owned) fromTensor.tensor.dispose();
    tensor.dispose();
  });

  it('a tensor of a non-pixel dtype is INVALID_INPUT', async () => {
    const tensor = tf.zeros([2, 2, 3], 'bool');
    expect((await rejection(tensor)).message).toMatch(/dtype bool; allowed: int32 or float32/);
    tensor.dispose();
  });

  it('finite float pixels pass', async () => {
    const { tensor, owned } = await imageToTensor({ data: new Float32Array(12).fill(0.5), width: 2, height: 2, channels: 3 });
    expect(tensor.dtype).toBe('float32');
    if (owned) tensor.dispose();
  });
});

describe('a pipeline meets hostile inputs', () => {
  let classifier: ClassificationPipeline;
  beforeAll(async () => {
    classifier = await pipeline('image-classification', { backend: 'wasm' });
  }, 120_000);
  afterAll(() => classifier.dispose());

  it('every hostile input is a VisionError with a code, and the next good image still works', async () => {
    const nan = new Float32Array(8 * 8 * 3).fill(Number.NaN);
    const hostile: unknown[] = [
      bomb,
      { data: nan, width: 8, height: 8, channels: 3 },
      { data: new Uint8Array(12), width: 1.5, height: 2, channels: 4 },
      { data: new Uint8Array(12), width: 2, height: 2, channels: 3, extra: () => 0 },
      { width: 2, height: 2 },
      Symbol('image'),
      [1, 2, 3],
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
    ];
    const counts = tf.memory().numTensors;
    for (const input of hostile) {
      const error = await classifier.run(input as ImageInput).then(
        () => null,
        (e: unknown) => e,
      );
      if (error === null) continue; // a valid-looking 2×2 raw image may legitimately run
      expect(isVisionError(error), String(error)).toBe(true);
      expect((error as VisionError).code).toBe('INVALID_INPUT');
    }
    expect(tf.memory().numTensors).toBe(counts);
    const { classes } = await classifier.run(fixturePhoto('chelsea'));
    expect(classes[0].label).toBe('Neutral');
  });

  it('an image whose size answers differently each time it is read is read once: the size checked is the size used', async () => {
    // width 4 to the checks, then 1e9: the classifier reported a 100000×4 image made of 48 bytes, and segmentation grew to 15.7 GB
    const lying = (later: number) => {
      let reads = 0;
      return { data: new Uint8Array(4 * 4 * 3).fill(128), get width() { return reads++ < 3 ? 4 : later; }, height: 4, channels: 3 as const };
    };
    const counts = tf.memory().numTensors;
    const result = await classifier.run(lying(1e9));
    expect(result.imageSize).toEqual({ width: 4, height: 4 });
    const { tensor, owned } = await imageToTensor(lying(100_000));
    expect(tensor.shape).toEqual([4, 4, 3]);
    if (owned) tensor.dispose();
    expect(tf.memory().numTensors).toBe(counts);
  });
});
