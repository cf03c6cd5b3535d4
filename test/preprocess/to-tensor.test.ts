/**
 * imageToTensor on every image form Node can give: raw RGB / RGBA / grey / float pixels,
 * ImageData-like buffers, tf tensors (never disposed when the caller owns them), encoded
 * PNG / JPEG bytes (Uint8Array, Buffer views, ArrayBuffer) and file paths (decoded by sharp).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageToTensor, selectTfjsBackend, type ImageInput } from '../../src/node/index';
import { facePhoto } from '../helpers/photos';

const W = 5;
const H = 3;

/** A deterministic RGB test pattern: R = 10·x + 1, G = 20·y + 2, B = (x·y·7 + 3) mod 256. */
function rgb(x: number, y: number): [number, number, number] {
  return [10 * x + 1, 20 * y + 2, (x * y * 7 + 3) % 256];
}

function pattern(channels: 1 | 3 | 4): Uint8Array {
  const data = new Uint8Array(W * H * channels);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = rgb(x, y);
      const o = (y * W + x) * channels;
      if (channels === 1) data[o] = p[0];
      else {
        data.set(p, o);
        if (channels === 4) data[o + 3] = 128;
      }
    }
  }
  return data;
}

/** The expected RGB values of the pattern (grey: R replicated). */
function expectedRgb(grey = false): number[] {
  const out: number[] = [];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const p = rgb(x, y);
    out.push(...(grey ? [p[0], p[0], p[0]] : p));
  }
  return out;
}

async function convert(input: ImageInput): Promise<{ values: number[]; shape: number[]; dtype: string; owned: boolean; tensor: tf.Tensor3D }> {
  const { tensor, owned } = await imageToTensor(input);
  const values = Array.from(await tensor.data());
  return { values, shape: tensor.shape, dtype: tensor.dtype, owned, tensor };
}

let dir = '';
let before = 0;

beforeAll(async () => {
  await selectTfjsBackend({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'visionpipe-to-tensor-'));
  before = tf.memory().numTensors;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(tf.memory().numTensors).toBe(before);
});

describe('raw pixels', () => {
  it.each([
    ['RGB Uint8Array', 3, (d: Uint8Array) => d],
    ['RGB Uint8ClampedArray', 3, (d: Uint8Array) => new Uint8ClampedArray(d)],
    ['RGBA (alpha dropped)', 4, (d: Uint8Array) => d],
    ['grey (replicated to RGB)', 1, (d: Uint8Array) => d],
  ] as const)('%s', async (_name, channels, wrap) => {
    const r = await convert({ data: wrap(pattern(channels)), width: W, height: H, channels });
    expect(r.shape).toEqual([H, W, 3]);
    expect(r.dtype).toBe('int32');
    expect(r.owned).toBe(true);
    expect(r.values).toEqual(expectedRgb(channels === 1));
    r.tensor.dispose();
  });

  it('Float32 RGB stays float32 with its values', async () => {
    const data = Float32Array.from(pattern(3), (v) => v + 0.25);
    const r = await convert({ data, width: W, height: H, channels: 3 });
    expect(r.dtype).toBe('float32');
    expect(r.values).toEqual(expectedRgb().map((v) => v + 0.25));
    r.tensor.dispose();
  });

  it('ImageData-like {data, width, height} is RGBA', async () => {
    const r = await convert({ data: new Uint8ClampedArray(pattern(4)), width: W, height: H } as unknown as ImageData);
    expect(r.shape).toEqual([H, W, 3]);
    expect(r.values).toEqual(expectedRgb());
    r.tensor.dispose();
  });
});

describe('tf tensors', () => {
  it('an int32 RGB tensor is used as is and not owned', async () => {
    const t = tf.tensor3d(Int32Array.from(pattern(3)), [H, W, 3], 'int32');
    const r = await convert(t);
    expect(r.tensor).toBe(t);
    expect(r.owned).toBe(false);
    expect(r.values).toEqual(expectedRgb());
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  it('a float RGB tensor is used as is', async () => {
    const t = tf.tensor3d(Float32Array.from(pattern(3)), [H, W, 3], 'float32');
    const r = await convert(t);
    expect(r.owned).toBe(false);
    expect(r.dtype).toBe('float32');
    expect(r.values).toEqual(expectedRgb());
    t.dispose();
  });

  it.each(['int32', 'float32'] as const)('a %s RGBA tensor is sliced to RGB; the caller tensor is not disposed', async (dtype) => {
    const t = tf.tensor3d(dtype === 'int32' ? Int32Array.from(pattern(4)) : Float32Array.from(pattern(4)), [H, W, 4], dtype);
    const r = await convert(t);
    expect(r.owned).toBe(true);
    expect(r.tensor).not.toBe(t);
    expect(r.shape).toEqual([H, W, 3]);
    expect(r.dtype).toBe(dtype);
    expect(r.values).toEqual(expectedRgb());
    r.tensor.dispose();
    expect(t.isDisposed).toBe(false);
    expect(Array.from(t.dataSync()).length).toBe(W * H * 4);
    t.dispose();
  });

  it('a 1-channel tensor is replicated to RGB', async () => {
    const t = tf.tensor3d(Int32Array.from(pattern(1)), [H, W, 1], 'int32');
    const r = await convert(t);
    expect(r.owned).toBe(true);
    expect(r.values).toEqual(expectedRgb(true));
    r.tensor.dispose();
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });
});

describe('encoded images and files (sharp)', () => {
  let png: Uint8Array;
  beforeAll(async () => {
    png = new Uint8Array(await sharp(Buffer.from(pattern(3)), { raw: { width: W, height: H, channels: 3 } }).png().toBuffer());
  });

  it('PNG bytes decode losslessly', async () => {
    const r = await convert(png);
    expect(r.shape).toEqual([H, W, 3]);
    expect(r.values).toEqual(expectedRgb());
    r.tensor.dispose();
  });

  it('an ArrayBuffer of PNG bytes', async () => {
    const r = await convert(png.slice().buffer);
    expect(r.values).toEqual(expectedRgb());
    r.tensor.dispose();
  });

  it('a Uint8Array view at an offset inside a larger buffer', async () => {
    const big = new Uint8Array(png.byteLength + 20);
    big.fill(7);
    big.set(png, 13);
    const r = await convert(big.subarray(13, 13 + png.byteLength));
    expect(r.values).toEqual(expectedRgb());
    r.tensor.dispose();
  });

  it('an RGBA PNG loses its alpha; a grey PNG becomes RGB', async () => {
    const rgba = new Uint8Array(await sharp(Buffer.from(pattern(4)), { raw: { width: W, height: H, channels: 4 } }).png().toBuffer());
    const a = await convert(rgba);
    expect(a.values).toEqual(expectedRgb());
    a.tensor.dispose();
    const grey = new Uint8Array(await sharp(Buffer.from(pattern(1)), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
    const g = await convert(grey);
    expect(g.shape).toEqual([H, W, 3]);
    expect(g.values).toEqual(expectedRgb(true));
    g.tensor.dispose();
  });

  it('a file path and a file: URL string', async () => {
    const path = join(dir, 'pattern.png');
    writeFileSync(path, png);
    for (const input of [path, `file://${path}`]) {
      const r = await convert(input);
      expect(r.values).toEqual(expectedRgb());
      r.tensor.dispose();
    }
  });

  it('JPEG bytes: the same pixels sharp decodes, close to the source', async () => {
    const smooth = new Uint8Array(32 * 24 * 3).map((_, i) => 60 + ((i * 7) % 90));
    const jpeg = await sharp(Buffer.from(smooth), { raw: { width: 32, height: 24, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    const reference = await sharp(jpeg).removeAlpha().raw().toBuffer();
    const r = await convert(new Uint8Array(jpeg));
    expect(r.shape).toEqual([24, 32, 3]);
    expect(r.values).toEqual(Array.from(reference));
    r.tensor.dispose();
  });

  it('a real photo from its path matches its size, RGB', async () => {
    const path = facePhoto(1);
    const meta = await sharp(readFileSync(path)).metadata();
    const r = await imageToTensor(path);
    const [h, w, c] = r.tensor.shape;
    expect(c).toBe(3);
    expect([w, h].sort()).toEqual([meta.width, meta.height].sort());
    const mean = tf.tidy(() => r.tensor.mean().dataSync()[0]);
    expect(mean).toBeGreaterThan(20);
    expect(mean).toBeLessThan(235);
    r.tensor.dispose();
  });
});
